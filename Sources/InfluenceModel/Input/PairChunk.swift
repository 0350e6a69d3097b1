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
        people = Interner(chunkOfRows: reserve)
        source.reserveCapacity(reserve)
        target.reserveCapacity(reserve)
        if columns.weight >= 0 { weight.reserveCapacity(reserve) }
    }

    mutating func take(_ record: CSVRecord) throws -> Bool {
        rows += 1
        if let (s, t) = reader.plainPair(record) {
            // The common row, checked without the general path: same outcome, fewer passes.
            if ReferralRowReader.sameId(s, t) {
                selfReferrals += 1
                return true
            }
            batch.append(s, t, people: &people, source: &source, target: &target)
            return true
        }
        do {
            switch try reader.read(record) {
            case .selfReferral: selfReferrals += 1
            case .unreferred: unreferred += 1
            case .referral(let values):
                normalizedIds += values.normalized
                if columns.timestamp >= 0, values.time == nil { untimed += 1 }
                if columns.weight >= 0 {
                    let w = values.weight.map { w in
                        amounts.take(a: w.a, b: w.b, row: weight.count, line: record.line) { record.string(columns.weight) ?? "" }
                    }
                    weight.append((w ?? 1) ?? 1)
                }
                batch.add(values, reader: reader, people: &people, source: &source, target: &target)
            }
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: header)
        }
        return true
    }

    mutating func finish() { batch.flush(people: &people, source: &source, target: &target) }
}

/// Referral pairs interned in batches, in row order.
///
/// The hashes of a batch's ids are computed and their home slots read first, so the table's
/// cache misses overlap, then the ids are interned in row order: the same numbering as one
/// at a time. The ids of a pending pair point into the file being read, which outlives the
/// scan that fills the batch.
struct PairBatch {
    private var pending: ContiguousArray<(source: UnsafeBufferPointer<UInt8>, target: UnsafeBufferPointer<UInt8>)> = []
    private var hashes: ContiguousArray<(UInt64, UInt64)> = []
    /// Keeps the batch's slot reads from being optimized away.
    private(set) var touched: UInt64 = 0
    static let size = 64

    init() {
        pending.reserveCapacity(Self.size)
        hashes.reserveCapacity(2 * Self.size)
    }

    /// Queues a pair whose ids the file holds as they are read.
    @inline(__always)
    mutating func append(
        _ s: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>,
        people: inout Interner, source: inout [Int32], target: inout [Int32]
    ) {
        pending.append((s, t))
        if pending.count == Self.size { flush(people: &people, source: &source, target: &target) }
    }

    /// Adds the pair of a row `reader` read: queued when its ids are in place, else interned
    /// from the reader's buffers after the pairs queued before it.
    @inline(__always)
    mutating func add(
        _ values: ReferralRowReader.Values, reader: ReferralRowReader,
        people: inout Interner, source: inout [Int32], target: inout [Int32]
    ) {
        if let ids = values.inPlace {
            append(ids.source, ids.target, people: &people, source: &source, target: &target)
            return
        }
        flush(people: &people, source: &source, target: &target)
        source.append(reader.source.withUnsafeBufferPointer { people.intern($0).index })
        target.append(reader.target.withUnsafeBufferPointer { people.intern($0).index })
    }

    /// Interns the queued pairs.
    mutating func flush(people: inout Interner, source: inout [Int32], target: inout [Int32]) {
        guard !pending.isEmpty else { return }
        hashes.removeAll(keepingCapacity: true)
        for (s, t) in pending {
            hashes.append(Interner.hashAndPrefix(s))
            hashes.append(Interner.hashAndPrefix(t))
        }
        // A tight loop of independent reads: the cache misses overlap.
        var sum: UInt64 = 0
        for (h, _) in hashes { sum &+= people.touch(h) }
        touched &+= sum
        for (k, (s, t)) in pending.enumerated() {
            let (hs, ps) = hashes[2 * k], (ht, pt) = hashes[2 * k + 1]
            source.append(people.intern(s, hash: hs, prefix: ps))
            target.append(people.intern(t, hash: ht, prefix: pt))
        }
        pending.removeAll(keepingCapacity: true)
    }
}
