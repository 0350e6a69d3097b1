/// Keys of one column interned in batches, in row order, as `PairBatch` interns the pairs of
/// a referral export: each key's number is taken and its slot fetched as its row is read,
/// and the batch is interned once full, its misses by then in flight together. The numbering
/// is the one interning the keys one at a time gives.
///
/// The conversions' users are this column: one at a time, each new user's slot was a miss
/// from memory the reading waited for (the probe was a third of the reading of the 10M
/// program export's 980,753 conversions, all different users).
///
/// A queued key points into the file being read, which outlives the scan that fills the
/// batch; a key read into a buffer of the reader's is interned at once, after the batch
/// (`flush`).
struct KeyBatch {
    struct Pending {
        var key: UnsafeBufferPointer<UInt8>
        var hash: UInt64
        var prefix: UInt64
        var number: Int
    }

    static let size = 32
    private let room = Room()
    private var count = 0

    /// Room written through pointers (an array stored in the batch checks that it is not
    /// shared before every write). A batch belongs to one chunk's reader, on one thread; a
    /// copy shares the room, and batches are copied only before they are used or once flushed.
    private final class Room: @unchecked Sendable {
        let pending = UnsafeMutablePointer<Pending>.allocate(capacity: KeyBatch.size)
        let indices = UnsafeMutablePointer<Int32>.allocate(capacity: KeyBatch.size)

        deinit {
            pending.deallocate()
            indices.deallocate()
        }
    }

    /// Queues a key the file holds as it is read; its index is appended to `column` when the
    /// batch is flushed.
    @inline(__always)
    mutating func append(_ id: PlainId, table: inout Interner, column: inout [Int32]) {
        // A covered key is found by its number alone (it stays covered: the array only grows).
        let number = table.numberAdopting(id)
        let (hash, prefix) = table.covers(number) ? (0, 0) : Interner.hashAndPrefix(id.bytes)
        table.prefetch(hash, number: number)
        (room.pending + count).initialize(to: Pending(key: id.bytes, hash: hash, prefix: prefix, number: number))
        count &+= 1
        if count == Self.size { flush(table: &table, column: &column) }
    }

    /// Interns a key from a buffer that will not outlive the row, after the queued keys.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, table: inout Interner, column: inout [Int32]) {
        flush(table: &table, column: &column)
        column.append(table.intern(key).index)
    }

    /// Interns the queued keys, in order, and appends their indices to `column`.
    mutating func flush(table: inout Interner, column: inout [Int32]) {
        let n = count
        guard n > 0 else { return }
        let pending = room.pending, indices = room.indices
        // The slots are in cache by now: fetch the arena bytes of the long keys they point
        // at, so that the comparisons below overlap their misses.
        for k in 0..<n { table.prefetchKey(pending[k].hash, length: pending[k].key.count, number: pending[k].number) }
        for k in 0..<n {
            let p = pending[k]
            // A number the array did not cover when queued may be covered now: a key placed
            // since widened it.
            indices[k] =
                table.covers(p.number)
                ? table.intern(p.key, covered: p.number) : table.intern(p.key, hash: p.hash, prefix: p.prefix, number: p.number)
        }
        column.append(contentsOf: UnsafeBufferPointer(start: indices, count: n))
        count = 0
    }
}
