import Foundation

/// One chunk's referral pairs, interned into the chunk's own table.
///
/// Ids are interned in batches: the hashes of a batch's ids are computed and their home
/// slots read first, so the table's cache misses overlap, then the ids are interned in row
/// order — the same numbering as one at a time.
struct PairChunk: CSVRecordSink {
    let columns: ReferralColumns
    let policy: ErrorPolicy
    let file: String
    let header: [String]
    var reader: ReferralRowReader
    /// The fast path for rows of two ids (`nil` when there are more columns).
    let plain: PlainPairs?
    /// Weights whose decimal mark the whole file decides.
    var amounts = DeferredChoice()
    var unreferred = 0
    var normalizedIds = 0
    var untimed = 0
    var people = Interner()
    var source: [Int32] = []
    var target: [Int32] = []
    var weight: [Double] = []
    var rows = 0
    var selfReferrals = 0
    var skips = SkipLog()
    /// Rows checked but not yet interned.
    private var batch = PairBatch()

    init(columns: ReferralColumns, rules: FieldRules, header: [String], policy: ErrorPolicy, file: String, reserve: Int) {
        self.columns = columns
        self.policy = policy
        self.file = file
        self.header = header
        reader = ReferralRowReader(columns: columns, rules: rules, file: file)
        plain = PlainPairs(columns: columns, rules: rules)
        people = Interner(chunkOfRows: reserve)
        source.reserveCapacity(reserve)
        target.reserveCapacity(reserve)
        // Huge pages for the columns and the people's bytes and offsets, which fill front to
        // back: score's read took most of its page faults there (44,733 -> 26,515 in all on
        // 10M referrals). Not for the events readers, whose memory the 1 GiB goal of
        // `attribute` and `spread` bounds: a huge page is made whole at its first touch, and
        // their reservations err high (attribute's peak 0.97 -> 1.03 GiB with them).
        HugePages.adviseReserved(source)
        HugePages.adviseReserved(target)
        HugePages.adviseReserved(people.arena)
        HugePages.adviseReserved(people.offsets)
        if columns.weight >= 0 { weight.reserveCapacity(reserve) }
    }

    mutating func take(_ record: CSVRecord) throws -> Bool {
        rows += 1
        if let plain, let (s, t) = plain.ids(record) {
            // The common row, checked without the general path: same outcome, fewer passes.
            takePlain(s, t)
            return true
        }
        do {
            switch try reader.read(record) {
            case .selfReferral: selfReferrals += 1
            case .unreferred: unreferred += 1
            case .referral:
                normalizedIds += reader.values.normalized
                if columns.timestamp >= 0, reader.values.time == nil { untimed += 1 }
                if columns.weight >= 0 {
                    let w = reader.values.weight.map { w in
                        amounts.take(a: w.a, b: w.b, row: weight.count, line: record.line) { record.string(columns.weight) ?? "" }
                    }
                    weight.append((w ?? 1) ?? 1)
                }
                batch.add(reader, people: &people, source: &source, target: &target)
            }
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: header)
        }
        return true
    }

    mutating func finish() { batch.flush(people: &people, source: &source, target: &target) }

    static var takesSimpleLines: Bool { true }

    /// A line of two plain ids, read as `take` reads its record.
    @inline(__always)
    mutating func takeSimpleLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, line: Int) -> Int? {
        guard let plain, let (s, t, next) = plain.ids(buffer, from: start, delimiter: delimiter) else { return nil }
        rows += 1
        takePlain(s, t)
        return next
    }

    /// The pair of a row whose two ids are taken as the file holds them.
    @inline(__always)
    private mutating func takePlain(_ s: PlainId, _ t: PlainId) {
        if ReferralRowReader.sameId(s, t) {
            selfReferrals += 1
        } else {
            batch.append(s, t, people: &people, source: &source, target: &target)
        }
    }
}

/// Referral pairs interned in batches, in row order.
///
/// Each id is hashed as its row is queued, while its bytes are still in cache, and the
/// processor is asked to fetch the table slot it will probe; the batch is interned in row
/// order once it is full (the same numbering as one at a time), by which time those
/// fetches have overlapped the reading of the rows after it. The ids of a pending pair point
/// into the file being read, which outlives the scan that fills the batch.
///
/// Pairs whose two ids the numbered array covers, with no pair queued before them, wait
/// apart, in room written through a pointer (`CoveredRoom`), their slots fetched, until 64 have
/// come or another pair does: the queue's copies and loops were a third of the reading of a
/// file of numbered ids (an id's instructions counted by `valgrind --tool=callgrind`), and the
/// fetches need dozens of rows to arrive from memory when the numbered arrays outgrow the cache
/// (holding one pair for a row doubled the reading of a 100M-row file). Waiting pairs are
/// always older than queued ones, and interned first.
struct PairBatch {
    struct Pending {
        var source: UnsafeBufferPointer<UInt8>
        var target: UnsafeBufferPointer<UInt8>
        var sourceHash: (hash: UInt64, prefix: UInt64)
        var targetHash: (hash: UInt64, prefix: UInt64)
        /// The ids' numbers in the table (`Interner.numberAdopting`).
        var sourceNumber: Int
        var targetNumber: Int
    }
    private var pending: ContiguousArray<Pending> = []
    static let size = 64
    /// The covered pairs waiting, and the indices a batch's pairs get when interned.
    private let room = CoveredRoom()
    private var waiting = 0

    /// A covered pair: its ids and their numbers.
    struct CoveredPair {
        var source: UnsafeBufferPointer<UInt8>
        var target: UnsafeBufferPointer<UInt8>
        var sourceNumber: Int
        var targetNumber: Int
    }

    /// Room written through pointers: an array stored in the batch checks that it is not
    /// shared before every write, a call into the runtime for each id, and so does appending
    /// to the columns one index at a time (together a fifth of the reading of a file of
    /// numbered ids). A batch belongs to one chunk's reader, on one thread; a copy shares the
    /// room, and batches are copied only before they are used or once flushed (when the room
    /// holds nothing).
    private final class CoveredRoom: @unchecked Sendable {
        let pairs: UnsafeMutablePointer<CoveredPair>
        /// The sources' indices from 0, the targets' from `size`.
        let indices: UnsafeMutablePointer<Int32>

        init() {
            pairs = .allocate(capacity: PairBatch.size)
            indices = .allocate(capacity: 2 * PairBatch.size)
            indices.initialize(repeating: 0, count: 2 * PairBatch.size)
        }

        deinit {
            pairs.deallocate()
            indices.deallocate()
        }
    }

    init() {
        pending.reserveCapacity(Self.size)
    }

    /// Queues a pair whose ids the file holds as they are read.
    @inline(__always)
    mutating func append(
        _ s: PlainId, _ t: PlainId,
        people: inout Interner, source: inout [Int32], target: inout [Int32]
    ) {
        // A key the numbered array covers is found by its number alone: no hash (it stays
        // covered until the flush, as the array only grows).
        let ns = people.numberAdopting(s), nt = people.numberAdopting(t)
        if pending.isEmpty, people.covers(ns), people.covers(nt) {
            people.prefetch(0, number: ns)
            people.prefetch(0, number: nt)
            (room.pairs + waiting).initialize(to: CoveredPair(source: s.bytes, target: t.bytes, sourceNumber: ns, targetNumber: nt))
            waiting &+= 1
            if waiting == Self.size { internWaiting(people: &people, source: &source, target: &target) }
            return
        }
        if waiting > 0 { internWaiting(people: &people, source: &source, target: &target) }
        let hs = people.covers(ns) ? (hash: 0, prefix: 0) : Interner.hashAndPrefix(s.bytes)
        let ht = people.covers(nt) ? (hash: 0, prefix: 0) : Interner.hashAndPrefix(t.bytes)
        people.prefetch(hs.hash, number: ns)
        people.prefetch(ht.hash, number: nt)
        pending.append(Pending(source: s.bytes, target: t.bytes, sourceHash: hs, targetHash: ht, sourceNumber: ns, targetNumber: nt))
        if pending.count == Self.size { flush(people: &people, source: &source, target: &target) }
    }

    /// Adds the pair of a row `reader` read: queued when its ids are in place, else interned
    /// from the reader's buffers after the pairs queued before it.
    @inline(__always)
    mutating func add(_ reader: ReferralRowReader, people: inout Interner, source: inout [Int32], target: inout [Int32]) {
        if let ids = reader.values.inPlace {
            append(ids.source, ids.target, people: &people, source: &source, target: &target)
            return
        }
        flush(people: &people, source: &source, target: &target)
        source.append(reader.source.withUnsafeBufferPointer { people.intern($0).index })
        target.append(reader.target.withUnsafeBufferPointer { people.intern($0).index })
    }

    /// Interns the waiting covered pairs, in order, and appends their indices to the columns.
    private mutating func internWaiting(people: inout Interner, source: inout [Int32], target: inout [Int32]) {
        let n = waiting
        let pairs = room.pairs, indices = room.indices
        for k in 0..<n {
            indices[k] = people.intern(pairs[k].source, covered: pairs[k].sourceNumber)
            indices[Self.size &+ k] = people.intern(pairs[k].target, covered: pairs[k].targetNumber)
        }
        appendIndices(n, source: &source, target: &target)
        waiting = 0
    }

    /// Appends the first `n` sources' and targets' indices in the room to the columns.
    private func appendIndices(_ n: Int, source: inout [Int32], target: inout [Int32]) {
        source.append(contentsOf: UnsafeBufferPointer(start: room.indices, count: n))
        target.append(contentsOf: UnsafeBufferPointer(start: room.indices + Self.size, count: n))
    }

    /// Interns the waiting and the queued pairs, in that order.
    mutating func flush(people: inout Interner, source: inout [Int32], target: inout [Int32]) {
        if waiting > 0 { internWaiting(people: &people, source: &source, target: &target) }
        let n = pending.count
        guard n > 0 else { return }
        let size = Self.size
        pending.withUnsafeBufferPointer { pairs in
            // The home slots are in cache by now: fetch the arena bytes of the long keys
            // they point at, so that the comparisons below overlap their misses.
            for k in 0..<n {
                people.prefetchKey(pairs[k].sourceHash.hash, length: pairs[k].source.count, number: pairs[k].sourceNumber)
                people.prefetchKey(pairs[k].targetHash.hash, length: pairs[k].target.count, number: pairs[k].targetNumber)
            }
            let indices = room.indices
            for k in 0..<n {
                let pair = pairs[k]
                indices[k] =
                    people.covers(pair.sourceNumber)
                    ? people.intern(pair.source, covered: pair.sourceNumber)
                    : people.intern(
                        pair.source, hash: pair.sourceHash.hash, prefix: pair.sourceHash.prefix, number: pair.sourceNumber)
                indices[size &+ k] =
                    people.covers(pair.targetNumber)
                    ? people.intern(pair.target, covered: pair.targetNumber)
                    : people.intern(
                        pair.target, hash: pair.targetHash.hash, prefix: pair.targetHash.prefix, number: pair.targetNumber)
            }
        }
        appendIndices(n, source: &source, target: &target)
        pending.removeAll(keepingCapacity: true)
    }
}
