/// The labels (channels, campaigns) one reader interned last, by their bytes.
///
/// A channel or campaign column repeats a handful of values over millions of rows. A value
/// among the last eight distinct ones seen is found here by its length and two words, without
/// hashing it or probing the table; any other goes to the table and takes the oldest entry's
/// place. Labels over 16 bytes always go to the table. The cache belongs to one table: it must
/// be used with no other, and the table must not be replaced while it is.
struct LabelCache: Sendable {
    static let size = 8
    /// Entry k: the label's first eight bytes and the next eight (little-endian, zero-padded),
    /// its length (-1: an empty entry), and its index in the table.
    private var first = [UInt64](repeating: 0, count: size)
    private var second = [UInt64](repeating: 0, count: size)
    private var length = [Int](repeating: -1, count: size)
    private var index = [Int32](repeating: -1, count: size)
    /// The entry the next label missed here replaces.
    private var next = 0

    /// The index of `key` in `table`, interning it there if it is new: what `table.intern(key)`
    /// returns.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, into table: inout Interner) -> Int32 {
        intern(PlainId(key), into: &table)
    }

    /// `intern(key.bytes, into:)`, the first word the id's `head`.
    @inline(__always)
    mutating func intern(_ key: PlainId, into table: inout Interner) -> Int32 {
        let n = key.bytes.count
        guard n <= 16, let base = key.bytes.baseAddress else { return table.intern(key.bytes).index }
        // Equal lengths and equal zero-padded words mean equal bytes.
        let a = key.head
        let b = n > 8 ? ByteWords.padded(UnsafeBufferPointer(start: base + 8, count: n &- 8)) : 0
        for k in 0..<Self.size where length[k] == n && first[k] == a && second[k] == b { return index[k] }
        let found = table.intern(key.bytes).index
        first[next] = a
        second[next] = b
        length[next] = n
        index[next] = found
        next = (next + 1) % Self.size
        return found
    }
}
