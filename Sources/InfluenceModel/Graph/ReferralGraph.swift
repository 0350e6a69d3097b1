/// The referral graph: people as nodes, one weighted edge source → target per referred pair.
///
/// Repeated referrals between the same pair are one edge whose weight is their sum; the edge
/// keeps its earliest timestamp (input order on ties, a timed row over an untimed one) and
/// that row's channel.
public struct ReferralGraph: Sendable {
    /// People, index = node; empty when the graph was built without their ids (influence-flow
    /// by channel, which names no one).
    public let people: Interner
    /// source → target, weights summed.
    public let forward: CSRMatrix
    /// target → source: the same edges transposed, made on each call (O(people + edges)):
    /// influence-flow and scoring need only its row sums, `inWeight`.
    public var reverse: CSRMatrix { forward.transposed() }
    /// The weight referred into each person: `reverse.rowSums()`, the same bits (each person's
    /// edges added in source order, as the transpose lists them), without the transpose (0.35 s
    /// and 0.2 GB beside influence-flow's graph on the 10.9M-person program export).
    public var inWeight: [Double] { forward.columnSums() }
    /// Per forward edge: the input row (index into the events' columns) it keeps.
    public let edgeRow: [Int32]
    /// Per forward edge: its earliest timestamp (the time of its kept row), NaN if none; `nil`
    /// without timestamps. Taken from `events`, the rows the graph was built from, on each
    /// call: no command reads it, and kept it was 78 MB at 10M edges beside influence-flow's solve.
    public func edgeTimestamps(in events: ReferralEvents) -> [Double]? {
        events.timestamp.map { time in edgeRow.map { time[Int($0)] } }
    }
    /// What was read, skipped and merged.
    public var quality: DataQuality

    /// The number of people (that of `people`, unless the graph was built without their ids).
    public let nodeCount: Int
    /// The number of distinct referred pairs.
    public var edgeCount: Int { forward.count }

    /// Builds the graph of a set of referrals.
    /// - Complexity: O(people + rows).
    public init(events: ReferralEvents) { self.init(events: events, peopleCount: nil) }

    /// `init(events:)`; with `peopleCount`, for events that have given up their people's ids
    /// (`people` is then empty): the graph of that many people.
    init(events: ReferralEvents, peopleCount: Int?) {
        precondition(
            peopleCount.map { events.people.count == 0 || events.people.count == $0 } ?? true,
            "ReferralGraph: \(events.people.count) people's ids for \(peopleCount ?? 0) people")
        let n = peopleCount ?? events.people.count
        let m = events.count
        precondition(events.target.count == m, "ReferralGraph: \(m) sources and \(events.target.count) targets")
        precondition(!events.weighted || events.weights.count == m, "ReferralGraph: \(events.weights.count) weights for \(m) rows")
        precondition(events.timestamp.map { $0.count == m } ?? true, "ReferralGraph: a timestamp for each row")
        for r in 0..<m {
            precondition(
                events.source[r] >= 0 && Int(events.source[r]) < n && events.target[r] >= 0 && Int(events.target[r]) < n,
                "ReferralGraph: row \(r) names a person outside 0..<\(n)")
        }
        // Rows bucketed by source, then by target, as the scoring graph's build makes them
        // (both threads, in cache), each entry with its input position: the positions pick
        // each edge's kept row. The same matrix, rows and times as merging while a single
        // counting sort scatters over all rows (3.0–3.4 s on one thread for the 10.9M-person
        // program export).
        let (rowStart, column, position, unique) = CSRMatrix.rowsWithPositions(people: n, source: events.source, target: events.target)
        let start = Parallel.written(Int.self, count: n + 1) { start in
            start[0] = 0
            unique.withUnsafeBufferPointer { unique in for r in 0..<n { start[r + 1] = start[r] + unique[r] } }
        }
        let kept = start[n]
        // Each row's edges are written below, by the blocks (`unique` counts them): the
        // arrays are not filled first on this thread (117 MB at 9.8M edges).
        var outColumn = Parallel.written(Int32.self, count: kept) { _ in }
        // Without weights an edge's value is its count of rows, which a `Float` holds exactly
        // below 2²⁴: written as such, it is what `EdgeValues.compact` would make of the
        // doubles, without the doubles (78 MB at 9.8M edges, beside the rows being merged).
        let counted = !events.weighted && m < 1 << 24
        var outValue = Parallel.written(Double.self, count: counted ? 0 : kept) { _ in }
        var outCount = Parallel.written(Float.self, count: counted ? kept : 0) { _ in }
        var edgeRow = Parallel.written(Int32.self, count: kept) { _ in }
        let blocks = Parallel.blocks(offsets: rowStart, parts: Parallel.threads, minimum: 1 << 18)
        let weights = events.weighted ? events.weights : []
        let timestamps = events.timestamp ?? []
        column.withUnsafeBufferPointer { column in
            position.withUnsafeBufferPointer { position in
                weights.withUnsafeBufferPointer { weights in
                    timestamps.withUnsafeBufferPointer { times in
                        outColumn.withUnsafeMutableBufferPointer { outColumn in
                            outValue.withUnsafeMutableBufferPointer { outValue in
                                outCount.withUnsafeMutableBufferPointer { outCount in
                                    edgeRow.withUnsafeMutableBufferPointer { edgeRow in
                                        let read = UncheckedSendable((column, position, weights, times))
                                        let out = (
                                            SharedBuffer(outColumn), SharedBuffer(outValue), SharedBuffer(outCount), SharedBuffer(edgeRow)
                                        )
                                        // Each block of rows writes only its own rows' edges.
                                        Parallel.forEach(blocks.count) { b in
                                            let (column, position, weights, times) = read.value
                                            let (outColumn, outValue, outCount, edgeRow) = out
                                            func weight(_ p: Int) -> Double { weights.isEmpty ? 1 : weights[p] }
                                            for r in blocks[b] {
                                                var k = start[r]
                                                var e = rowStart[r]
                                                while e < rowStart[r + 1] {
                                                    // A run of one target: its rows in input order.
                                                    var best = Int(position[e])
                                                    var sum = weight(best)
                                                    var last = e + 1
                                                    while last < rowStart[r + 1], column[last] == column[e] {
                                                        let p = Int(position[last])
                                                        sum += weight(p)
                                                        if !times.isEmpty {
                                                            let t = times[p], kept = times[best]
                                                            if t < kept || (kept.isNaN && !t.isNaN) { best = p }
                                                        }
                                                        last += 1
                                                    }
                                                    outColumn[k] = column[e]
                                                    if counted { outCount[k] = Float(sum) } else { outValue[k] = sum }
                                                    edgeRow[k] = Int32(truncatingIfNeeded: best)
                                                    k += 1
                                                    e = last
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        forward =
            counted
            ? CSRMatrix(rows: n, columns: n, rowStart: start, column: outColumn, counts: outCount)
            : CSRMatrix(rows: n, columns: n, rowStart: start, column: outColumn, value: outValue)
        people = events.people
        nodeCount = n
        self.edgeRow = edgeRow
        quality = events.quality
        quality.mergedDuplicates = m - kept
    }

    /// Rows that repeat an earlier (source, target) pair: what building the graph merges, for
    /// readers that do not build it (spread), so every command reports the same count.
    ///
    /// Only a row whose target is referred more than once can repeat another. Those rows are
    /// found with two bits a person, and when they are fewer than half the rows (a program
    /// export, where most people are referred once: 0.87M of 9.8M rows) only their pairs are
    /// sorted and counted; otherwise every row is bucketed and sorted, as the scoring graph's
    /// build does, without making the matrix. The subset path took the 10M program export's
    /// count from 330 ms and ~250 MB beside attribution's parents to tens of ms and a few MB.
    /// - Complexity: O(people + rows).
    public static func repeatedRows(in events: ReferralEvents) -> Int {
        let n = events.people.count
        var candidates: [UInt64] = []
        var subset = false
        events.target.withUnsafeBufferPointer { target in
            var once = [UInt64](repeating: 0, count: (n + 63) / 64)
            var more = once
            for t in target where t >= 0 && Int(t) < n {
                let (word, bit) = (Int(t) >> 6, UInt64(1) << UInt64(t & 63))
                if once[word] & bit != 0 { more[word] |= bit } else { once[word] |= bit }
            }
            /// Whether person `t` is referred more than once.
            func again(_ t: Int32) -> Bool { t >= 0 && Int(t) < n && more[Int(t) >> 6] & (UInt64(1) << UInt64(t & 63)) != 0 }
            let repeated = target.reduce(0) { $0 + (again($1) ? 1 : 0) }
            guard repeated < target.count / 2 else { return }
            subset = true
            candidates.reserveCapacity(repeated)
            events.source.withUnsafeBufferPointer { source in
                for r in 0..<target.count where again(target[r]) {
                    candidates.append(UInt64(UInt32(bitPattern: target[r])) << 32 | UInt64(UInt32(bitPattern: source[r])))
                }
            }
        }
        if subset {
            candidates.sort()
            var repeats = 0
            for k in candidates.indices.dropFirst() where candidates[k] == candidates[k - 1] { repeats += 1 }
            return repeats
        }
        return CSRMatrix.repeatedPairs(
            people: events.people.count, chunks: PairColumns.whole(source: events.source, target: events.target))
    }

    /// The events' data quality with their repeated rows counted, as the graph's would be.
    public static func quality(of events: ReferralEvents) -> DataQuality {
        var quality = events.quality
        quality.mergedDuplicates = repeatedRows(in: events)
        return quality
    }

    /// Reads and builds the graph of a referral export.
    /// - Throws: `InputError`, including `.noReferrals` when no row links two different people.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralGraph {
        let events = try ReferralEvents.read(path: path, options: options)
        return try ReferralGraph(checking: events)
    }

    /// Builds the graph, refusing one with no edges.
    /// - Throws: `InputError.noReferrals`.
    public init(checking events: ReferralEvents) throws(InputError) {
        guard events.count > 0 else { throw Self.noReferrals(file: events.file, quality: events.quality) }
        self.init(events: events)
        if !forward.values.allFinite, let e = (0..<forward.count).first(where: { !forward.values[$0].isFinite }) {
            throw .weightOverflow(file: events.file, line: Int(events.line[Int(edgeRow[e])]))
        }
    }

    /// The error for a file none of whose rows links two different people.
    static func noReferrals(file: String, quality q: DataQuality) -> InputError {
        var detail = "no referral links two different people"
        if q.selfReferrals > 0 { detail += " (\(q.selfReferrals) self-referral row\(q.selfReferrals == 1 ? "" : "s") left out)" }
        if q.skippedRows > 0 { detail += " (\(q.skippedRows) bad row\(q.skippedRows == 1 ? "" : "s") skipped)" }
        return .noReferrals(file: file, detail: detail + "; there is nothing to score. Check the source and target columns.")
    }
}
