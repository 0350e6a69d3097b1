import CPrefetch
import Foundation

/// Interns byte strings to dense `Int32` indices in order of first appearance.
///
/// Written by hand rather than with `[String: Int32]` because ingest is dominated by this
/// table: keys are hashed and compared as raw bytes straight from the file, and a `String`
/// is made only when a name is asked for. Keys live in one byte arena; the table is open
/// addressing with linear probing, kept at most 70% full (`overfull`).
///
/// A slot is two words, so a probe touches one cache line: a tag (24 bits of the hash, the
/// key's length capped at 255, the index) and either the key itself, for keys of up to
/// eight bytes such as `u123456` (matched without reading the arena), or where a longer key
/// starts in the arena (so a hit on an e-mail id costs one cache miss in the arena, not a
/// second one in `offsets` before it).
public struct Interner: Sendable {
    /// All keys, back to back.
    private(set) var arena: ContiguousArray<UInt8> = []
    /// Key `i` is `arena[offsets[i] ..< offsets[i + 1]]`.
    private(set) var offsets: ContiguousArray<Int> = [0]
    /// The full hash of each key, for growing and merging without rehashing.
    private(set) var hashes: ContiguousArray<UInt64> = []
    /// Slot `s` is `slots[2s]` (tag: hash bits 40–63, length, index + 1; 0 = empty) and
    /// `slots[2s + 1]` (a key of up to eight bytes, little-endian, zero-padded; else the
    /// key's offset in `arena`).
    private var slots: ContiguousArray<UInt64>
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = HugePages.zeroedContiguous(UInt64.self, count: 2 * size)
        mask = size - 1
    }

    /// A table for the ids of a chunk of about `rows` rows: sized for one new person per
    /// eight rows, so a chunk of a typical export never rehashes; a table far larger than its
    /// keys costs memory, not time (only the slots of keys that exist are ever touched).
    init(chunkOfRows rows: Int) {
        self.init(capacity: min(max(rows / 8, 1024), 1 << 20))
    }

    /// The number of distinct keys.
    public var count: Int { offsets.count - 1 }

    /// The index of `key`, adding it if it is new.
    /// - Returns: the index, and whether the key was new.
    /// - Complexity: O(key length) expected.
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, isNew: Bool) {
        let (h, word) = Interner.hashAndPrefix(key)
        switch probe(key, hash: h, prefix: word) {
        case .found(let index): return (index, false)
        case .empty(let slot): return (insert(key, hash: h, prefix: word, at: slot), true)
        }
    }

    /// `intern(_:)` with the key's hash and prefix already computed (`hashAndPrefix`).
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64) -> Int32 {
        switch probe(key, hash: h, prefix: word) {
        case .found(let index): return index
        case .empty(let slot): return insert(key, hash: h, prefix: word, at: slot)
        }
    }

    /// Asks the processor to fetch the home slot of hash `h`, so that a later probe finds it
    /// in cache (a hint: it cannot fault and changes no result).
    @inline(__always)
    func prefetch(_ h: UInt64) {
        slots.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + 2 &* (Int(truncatingIfNeeded: h) & mask)) }
    }

    /// The index of `key`, or `nil`.
    public func index(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let (h, word) = Interner.hashAndPrefix(key)
        if case .found(let index) = probe(key, hash: h, prefix: word) { return index }
        return nil
    }

    /// The index of `key`, or `nil`.
    public func index(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { index(of: $0) }
    }

    /// Key `index` as text.
    public func name(_ index: Int32) -> String {
        withKey(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All keys as text, by index.
    public var names: [String] { (0..<Int32(count)).map(name) }

    /// Orders two keys by their UTF-8 bytes (which is also Unicode scalar order).
    public func precedes(_ a: Int32, _ b: Int32) -> Bool {
        arena.withUnsafeBufferPointer { buffer in
            let ra = offsets[Int(a)]..<offsets[Int(a) + 1]
            let rb = offsets[Int(b)]..<offsets[Int(b) + 1]
            let common = min(ra.count, rb.count)
            if common > 0 {
                let order = memcmp(buffer.baseAddress! + ra.lowerBound, buffer.baseAddress! + rb.lowerBound, common)
                if order != 0 { return order < 0 }
            }
            return ra.count < rb.count
        }
    }

    /// The first eight bytes of key `index` as a big-endian number, zero-padded: keys whose
    /// numbers differ are ordered as `precedes` orders them; equal numbers need `precedes`.
    func leadingBytes(_ index: Int32) -> UInt64 {
        let i = Int(index)
        let from = offsets[i], count = min(offsets[i + 1] - from, 8)
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(arena[from + k]) << UInt64(56 - 8 * k) }
        return word
    }

    /// Calls `body` with the bytes of key `index`.
    func withKey<R>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let i = Int(index)
        return try arena.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]]))
        }
    }

    enum Probe {
        case found(Int32)
        case empty(slot: Int)
    }

    /// Finds `key`, or the empty slot where it would go.
    @inline(__always)
    func probe(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64) -> Probe {
        let want = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(key.count, 255)) << 32)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let meta = slots[2 &* slot]
                if meta == 0 { return .empty(slot: slot) }
                if meta & 0xFFFF_FFFF_0000_0000 == want {
                    let i = Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) &- 1
                    let stored = slots[2 &* slot &+ 1]
                    if key.count <= 8 ? stored == word : sameKey(i, at: Int(truncatingIfNeeded: stored), key) {
                        return .found(Int32(truncatingIfNeeded: i))
                    }
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// Key `i`, which starts at `start` in the arena and whose tag matches `key`'s (so its
    /// length does too, below 255), equals `key`.
    @inline(__always)
    private func sameKey(_ i: Int, at start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if key.count >= 255, offsets[i + 1] - offsets[i] != key.count { return false }
        return arena.withUnsafeBufferPointer { arena in
            guard start >= 0, start <= arena.count &- key.count else { return false }
            return ByteWords.equal(arena.baseAddress! + start, key.baseAddress!, count: key.count)
        }
    }

    /// Asks the processor to fetch the arena bytes of the key in `h`'s home slot, when that
    /// slot holds a long key of `length` bytes whose tag matches (a hint, as `prefetch`): run
    /// once the slot itself is in cache, it overlaps the one miss a hit still costs.
    @inline(__always)
    func prefetchKey(_ h: UInt64, length: Int) {
        guard length > 8 else { return }
        let want = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(length, 255)) << 32)
        let slot = Int(truncatingIfNeeded: h) & mask
        slots.withUnsafeBufferPointer { slots in
            guard slots[2 &* slot] & 0xFFFF_FFFF_0000_0000 == want else { return }
            let start = Int(truncatingIfNeeded: slots[2 &* slot &+ 1])
            arena.withUnsafeBufferPointer { arena in
                if start >= 0, start < arena.count { influence_prefetch(arena.baseAddress! + start) }
            }
        }
    }

    /// Adds a key known to be absent, at `slot` (from `probe`), and returns its index.
    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64, at slot: Int) -> Int32 {
        let index = count
        let word = key.count > 8 ? UInt64(arena.count) : word
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        hashes.append(h)
        if Self.overfull(keys: index + 1, slots: mask + 1) {
            grow()
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[2 * s] != 0 { s = (s + 1) & mask }
            place(index, hash: h, word: word, length: key.count, at: s)
        } else {
            place(index, hash: h, word: word, length: key.count, at: slot)
        }
        return Int32(index)
    }

    /// Adds `key`, known to be absent, whose hash is `h` (when merging tables).
    mutating func appendAbsent(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32 {
        let word = Interner.hashAndPrefix(key).prefix
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[2 * s] != 0 { s = (s + 1) & mask }
        return insert(key, hash: h, prefix: word, at: s)
    }

    @inline(__always)
    private mutating func place(_ index: Int, hash h: UInt64, word: UInt64, length: Int, at slot: Int) {
        slots[2 * slot] = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(length, 255)) << 32) | UInt64(index + 1)
        slots[2 * slot + 1] = word
    }

    private mutating func grow() {
        rehash(size: (mask + 1) * 2, keys: count - 1)  // the key being inserted is placed by the caller
    }

    /// Makes room for `extra` more keys of `bytes` bytes in all, so that adding them never
    /// grows the table one doubling at a time (each doubling places every key again).
    mutating func reserve(adding extra: Int, bytes: Int) {
        var size = mask + 1
        while Self.overfull(keys: count + extra, slots: size) { size <<= 1 }
        if size > mask + 1 { rehash(size: size, keys: count) }
        arena.reserveCapacity(arena.count + bytes)
        offsets.reserveCapacity(offsets.count + extra)
        hashes.reserveCapacity(hashes.count + extra)
    }

    /// Whether `keys` keys fill more than 70% of `slots` slots, when the table grows. Linear
    /// probing finds a key in about 2 slots at that load (1.5 at half); a table of 10.9M
    /// e-mail ids then needs 2²⁴ slots (256 MiB) rather than 2²⁵, and a chunk's table one
    /// fewer doubling on the way.
    @inline(__always)
    static func overfull(keys: Int, slots: Int) -> Bool { keys * 10 > slots * 7 }

    /// A table of `size` slots holding the first `keys` keys.
    private mutating func rehash(size: Int, keys: Int) {
        slots = HugePages.zeroedContiguous(UInt64.self, count: 2 * size)
        mask = size - 1
        for i in 0..<keys {
            if i &+ 16 < keys { prefetch(hashes[i &+ 16]) }  // the misses overlap
            var slot = Int(truncatingIfNeeded: hashes[i]) & mask
            while slots[2 * slot] != 0 { slot = (slot + 1) & mask }
            let length = offsets[i + 1] - offsets[i]
            let word = length > 8 ? UInt64(offsets[i]) : withKey(Int32(i)) { ByteWords.padded($0) }
            place(i, hash: hashes[i], word: word, length: length, at: slot)
        }
    }

    /// A 64-bit hash of the bytes, eight at a time (multiply–rotate mixing, then a
    /// finalizer from MurmurHash3's fmix64), and the key's first eight bytes.
    @inline(__always)
    static func hashAndPrefix(_ key: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, prefix: UInt64) {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        let n = key.count
        guard let base = key.baseAddress, n > 0 else { return (Interner.finish(h, tail: 0), 0) }
        var i = 0
        var first: UInt64 = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if i == 0 { first = word }
            h = ((h ^ word) &* 0xBF58_476D_1CE4_E5B9)
            h = (h << 31) | (h >> 33)
            i += 8
        }
        // The last n mod 8 bytes, little-endian: for a key of eight bytes or more, one load
        // of its last eight shifted down (never past the key); else the whole key.
        let r = n &- i
        var tail: UInt64 = 0
        if r > 0 {
            if n >= 8 {
                tail = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) >> UInt64((8 &- r) &* 8)
            } else {
                tail = ByteWords.padded(key)
            }
        }
        if n < 8 { first = tail }
        return (Interner.finish(h, tail: tail), first)
    }

    @inline(__always)
    static func finish(_ h0: UInt64, tail: UInt64) -> UInt64 {
        var h = (h0 ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
