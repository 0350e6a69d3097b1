import CPrefetch

/// The rows of one scope (a campaign, a channel, a file) with its own people numbered
/// `0 ..< people.count`, so that work on the scope costs what its rows cost, not what the
/// whole export's people cost.
public struct ScopeRows: Sendable {
    /// The scope's event rows in input order; `nil` for every row of the events.
    private let rowList: [Int32]?
    /// Each local person's index into the events' `people`, in order of first appearance in
    /// the rows (source before target within a row); `nil` when the numbering is the events' own.
    private let peopleList: [Int32]?
    /// Each scope row's sharer and referred person, as local indices.
    public let source: [Int32]
    public let target: [Int32]
    /// Each scope row's time (NaN where it has none); `nil` without a timestamp column.
    public let time: [Double]?
    /// The number of local people.
    public let peopleCount: Int

    /// The number of rows.
    public var count: Int { source.count }

    /// The event row of scope row `k`.
    @inline(__always) public func row(_ k: Int) -> Int { rowList.map { Int($0[k]) } ?? k }

    /// The events' index of local person `p`.
    @inline(__always) public func person(_ p: Int32) -> Int32 { peopleList?[Int(p)] ?? p }

    /// The scope's event rows, in input order.
    public var rows: [Int] { rowList?.map { Int($0) } ?? Array(0..<count) }

    /// Every row of `events`, with the events' own numbering (no copy of the id columns).
    public init(allOf events: ReferralEvents) { self.init(allOf: events, peopleCount: events.people.count) }

    /// `init(allOf:)` of events with `peopleCount` people (whose ids they may have given up).
    init(allOf events: ReferralEvents, peopleCount: Int) {
        rowList = nil
        peopleList = nil
        source = events.source
        target = events.target
        time = events.timestamp
        self.peopleCount = peopleCount
    }

    init(rows: [Int32], people: [Int32], source: [Int32], target: [Int32], time: [Double]?) {
        rowList = rows
        peopleList = people
        self.source = source
        self.target = target
        self.time = time
        peopleCount = people.count
    }
}

extension ScopeRows {
    /// The rows of each label `0 ..< count`, in input order (rows labelled -1 in none), as
    /// 4-byte row numbers in lists made to size: counted first, then filled. Lists grown row
    /// by row held up to twice their rows at 8 bytes each (at 100M rows, up to 1.6 GB beside
    /// the whole measurement of a campaign or channel column).
    /// - Complexity: O(rows + count).
    public static func rowLists(labels: [Int32], count: Int) -> [[Int32]] {
        precondition(labels.count <= Int(Int32.max), "ScopeRows.rowLists: \(labels.count) rows")
        var sizes = [Int](repeating: 0, count: count)
        for label in labels where label >= 0 && Int(label) < count { sizes[Int(label)] += 1 }
        var lists = sizes.map { size in
            var list: [Int32] = []
            list.reserveCapacity(size)
            return list
        }
        for (r, label) in labels.enumerated() where label >= 0 && Int(label) < count { lists[Int(label)].append(Int32(r)) }
        return lists
    }
}

/// Numbers the people of one scope after another, with one scratch array over all people
/// that is reset after each scope.
public struct ScopeNumbering: Sendable {
    private var local: [Int32]

    public init(events: ReferralEvents) {
        local = [Int32](repeating: -1, count: events.people.count)
    }

    /// The scope of `rows` of `events`.
    /// - Complexity: O(r) for r rows.
    public mutating func scope(_ rows: [Int32], of events: ReferralEvents) -> ScopeRows {
        var people: [Int32] = []
        var source = [Int32](repeating: 0, count: rows.count)
        var target = source
        func number(_ g: Int32, _ local: inout [Int32], _ people: inout [Int32]) -> Int32 {
            let l = local[Int(g)]
            if l >= 0 { return l }
            local[Int(g)] = Int32(people.count)
            people.append(g)
            return Int32(people.count - 1)
        }
        // Each row's people are looked up at random in `local`: asked for `ahead` rows early
        // (a hint), so that the misses overlap.
        let ahead = 16
        for (k, r) in rows.enumerated() {
            if k &+ ahead < rows.count {
                let next = Int(rows[k &+ ahead])
                local.withUnsafeBufferPointer { local in
                    // An address is formed only from a person inside the table.
                    let (s, t) = (Int(events.source[next]), Int(events.target[next]))
                    if UInt(bitPattern: s) < UInt(local.count) { influence_prefetch(local.baseAddress! + s) }
                    if UInt(bitPattern: t) < UInt(local.count) { influence_prefetch(local.baseAddress! + t) }
                }
            }
            source[k] = number(events.source[Int(r)], &local, &people)
            target[k] = number(events.target[Int(r)], &local, &people)
        }
        for g in people { local[Int(g)] = -1 }
        let time = events.timestamp.map { t in rows.map { t[Int($0)] } }
        return ScopeRows(rows: rows, people: people, source: source, target: target, time: time)
    }
}
