import CPrefetch

/// A map from non-negative 64-bit keys to 32-bit values, for a hot loop that looks a key up and
/// enters it when absent: open addressing with linear probing, the slot from the key's
/// Fibonacci hash, grown to twice its slots past half full.
///
/// `Dictionary` hashes every key with SipHash and checks its storage's uniqueness at each
/// insertion: deriving the channel paths of the 10M program export (about ten million trie
/// steps), `perf` put 7% of the run's samples there; with this map the credit phase of
/// `markov --paths-from-events` took 1.68–1.72 s against 1.85–1.92 s (two runs each).
struct IntegerMap {
    /// A key and its value side by side (a look-up reads one cache line); a key of -1 marks
    /// an empty slot (keys are non-negative).
    private struct Slot {
        var key: Int64
        var value: Int32
    }
    private var slots: [Slot]
    private var shift: Int
    /// Keys held.
    private(set) var count = 0

    /// An empty map with room for `capacity` keys before it grows.
    init(capacity: Int = 0) {
        var bits = 4
        while (1 << bits) < 2 * max(capacity, 1) { bits += 1 }
        slots = [Slot](repeating: Slot(key: -1, value: 0), count: 1 << bits)
        shift = 64 - bits
    }

    @inline(__always)
    private func home(_ key: Int64) -> Int {
        // The product first: `>>` binds tighter than `&*`.
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    /// The value of `key`, if it is held.
    func value(of key: Int64) -> Int32? {
        precondition(key >= 0, "IntegerMap: negative key \(key)")
        let mask = slots.count - 1
        var at = home(key)
        while true {
            let held = slots[at]
            if held.key == key { return held.value }
            if held.key < 0 { return nil }
            at = (at + 1) & mask
        }
    }

    /// Asks the processor to fetch `key`'s first slot: a hint, which changes nothing.
    @inline(__always)
    func prefetch(_ key: Int64) {
        slots.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + home(key)) }
    }

    /// The value of `key`; when it is absent, `candidate` after entering it with that value.
    @inline(__always)
    mutating func value(of key: Int64, insertingIfAbsent candidate: Int32) -> (value: Int32, inserted: Bool) {
        precondition(key >= 0, "IntegerMap: negative key \(key)")
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var at = home(key)
        while true {
            let held = slots[at]
            if held.key == key { return (held.value, false) }
            if held.key < 0 {
                slots[at] = Slot(key: key, value: candidate)
                count += 1
                return (candidate, true)
            }
            at = (at + 1) & mask
        }
    }

    /// Twice the slots, every key entered again.
    private mutating func grow() {
        let old = slots
        self = IntegerMap(capacity: old.count)
        for slot in old where slot.key >= 0 { _ = value(of: slot.key, insertingIfAbsent: slot.value) }
    }
}
