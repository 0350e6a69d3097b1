import Foundation

/// Interns byte strings to dense `Int32` indices in order of first appearance.
///
/// Written by hand rather than with `[String: Int32]` because ingest is dominated by this
/// table: keys are hashed and compared as raw bytes straight from the file, and a `String`
/// is made only when a name is asked for. Keys live in one byte arena; the table is open
/// addressing with linear probing, kept at most half full.
public struct Interner: Sendable {
    /// All keys, back to back.
    private(set) var arena: ContiguousArray<UInt8> = []
    /// Key `i` is `arena[offsets[i] ..< offsets[i + 1]]`.
    private(set) var offsets: ContiguousArray<Int> = [0]
    private var hashes: ContiguousArray<UInt64> = []
    /// Slot → key index + 1 (0 = empty).
    private var slots: ContiguousArray<Int32>
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
    }

    /// The number of distinct keys.
    public var count: Int { offsets.count - 1 }

    /// The index of `key`, adding it if it is new.
    /// - Returns: the index, and whether the key was new.
    /// - Complexity: O(key length) expected.
    @inlinable
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, isNew: Bool) {
        let h = Interner.hash(key)
        if let found = find(key, hash: h) { return (found, false) }
        return (insert(key, hash: h), true)
    }

    /// The index of `key`, or `nil`.
    public func index(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        find(key, hash: Interner.hash(key))
    }

    /// The index of `key`, or `nil`.
    public func index(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { index(of: $0) }
    }

    /// Key `index` as text.
    public func name(_ index: Int32) -> String {
        let i = Int(index)
        return arena.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[i] ..< offsets[i + 1]]), as: UTF8.self)
        }
    }

    /// All keys as text, by index.
    public var names: [String] { (0 ..< Int32(count)).map(name) }

    /// Orders two keys by their UTF-8 bytes (which is also Unicode scalar order).
    public func precedes(_ a: Int32, _ b: Int32) -> Bool {
        arena.withUnsafeBufferPointer { buffer in
            let ra = offsets[Int(a)] ..< offsets[Int(a) + 1]
            let rb = offsets[Int(b)] ..< offsets[Int(b) + 1]
            return buffer[ra].lexicographicallyPrecedes(buffer[rb])
        }
    }

    @usableFromInline
    func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return nil }
                    let i = Int(entry - 1)
                    if hashes[i] == h {
                        let start = offsets[i]
                        let length = offsets[i + 1] - start
                        if length == key.count,
                           length == 0 || memcmp(arena.baseAddress! + start, key.baseAddress!, length) == 0 {
                            return Int32(i)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    @usableFromInline
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32 {
        let index = Int32(count)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        hashes.append(h)
        if count * 2 > slots.count { grow() }
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = index + 1
        return index
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
        for i in 0 ..< count {
            var slot = Int(truncatingIfNeeded: hashes[i]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i + 1)
        }
    }

    /// A 64-bit hash of the bytes, eight at a time (multiply–rotate mixing, then a
    /// finalizer from MurmurHash3's fmix64).
    @usableFromInline
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let n = key.count
        guard let base = key.baseAddress else { return h }
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            h = ((h ^ word) &* 0xBF58_476D_1CE4_E5B9)
            h = (h << 31) | (h >> 33)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
