import Testing
@testable import InfluenceModel

/// influence-flow's start: people ordered after their referrers with each cycle's people side
/// by side (`Renumbering.referrersFirst`), one Gauss–Seidel sweep with the cycles swept until
/// they settle, and a step's change as its check.
struct InfluenceFlowSweepTests {
    /// A square matrix of `n` people from (source, target) pairs.
    func matrix(_ n: Int, _ edges: [(Int, Int)]) -> CSRMatrix {
        CSRMatrix(
            rows: n, columns: n, row: edges.map { Int32($0.0) }, column: edges.map { Int32($0.1) },
            value: [Double](repeating: 1, count: edges.count))
    }

    /// On random graphs (cycles, self-referrals, people with many referrers), against
    /// reachability worked out apart: every person placed once; two people share a group
    /// exactly when each reaches the other; a group is listed when it holds two or more people
    /// or one who referred themselves; across groups, every referrer comes before the person
    /// referred.
    @Test(arguments: 0..<40)
    func groupsAreTheMutuallyReachablePeopleAndFollowTheirReferrers(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let n = 1 + rng.below(30)
        var edges: [(Int, Int)] = []
        for _ in 0..<rng.below(2 * n + 1) {
            let s = rng.below(n)
            // Half the seeds: referrals only to later people, and a self-referral now and then.
            let t = seed % 2 == 0 ? rng.below(n) : (s + 1 < n ? s + 1 + rng.below(n - s - 1) : s)
            if s != t || rng.below(4) == 0 { edges.append((s, t)) }
        }
        let (order, cycles) = try #require(Renumbering.referrersFirst(matrix(n, edges)))
        #expect(order.map { Int($0) }.sorted() == Array(0..<n))
        var place = [Int](repeating: 0, count: n)
        for (i, p) in order.enumerated() { place[Int(p)] = i }
        var group = Array(0..<n)  // by place: the first place of its group
        var previous = n
        for cycle in cycles {
            #expect(cycle.upperBound <= previous && !cycle.isEmpty, "groups listed latest first, apart")
            previous = cycle.lowerBound
            for i in cycle { group[i] = cycle.lowerBound }
        }
        var reach = [[Bool]](repeating: [Bool](repeating: false, count: n), count: n)
        for (s, t) in edges { reach[s][t] = true }
        for k in 0..<n { for i in 0..<n where reach[i][k] { for j in 0..<n where reach[k][j] { reach[i][j] = true } } }
        for u in 0..<n {
            for v in 0..<n where u != v {
                #expect((group[place[u]] == group[place[v]]) == (reach[u][v] && reach[v][u]), "\(u) \(v)")
            }
            let alone = !(0..<n).contains { $0 != u && reach[u][$0] && reach[$0][u] }
            if alone { #expect(cycles.contains { $0.contains(place[u]) } == reach[u][u], "\(u) alone") }
        }
        for (s, t) in edges where group[place[s]] != group[place[t]] { #expect(place[s] < place[t], "\(s) → \(t)") }
        if seed % 2 == 1 { #expect(cycles.allSatisfy { $0.count == 1 }, "referrals only forward: self-referrals are the only cycles") }
    }

    /// Everyone without a referrer comes first, in index order, then each generation, each
    /// person's referrals in their row's order: one queue for all the roots.
    @Test func rootsComeFirstThenEachGeneration() throws {
        // Two trees: 0 → 2 → 4 → 5 and 1 → 3, 1 → 6; person 7 alone.
        let a = matrix(8, [(0, 2), (2, 4), (4, 5), (1, 3), (1, 6)])
        let (order, cycles) = try #require(Renumbering.referrersFirst(a))
        let expected: [Int32] = [0, 1, 7, 2, 3, 6, 4, 5]
        #expect(order == expected && cycles.isEmpty)
        let r = Renumbering(a, order: order)
        #expect(r.matrix.rowStart == [0, 1, 3, 3, 4, 4, 4, 5, 5])
        let columns: [Int32] = [3, 4, 5, 6, 7]
        #expect(r.matrix.column == columns)
    }

    /// On a graph large enough for the rows to be cut among the threads (100,000 people, some
    /// with many referrals, values other than 1): each new row is its person's old row whole,
    /// in its order, with every column renumbered and its value beside it; a value kept per
    /// entry (`entries`) follows its entry.
    @Test func renumberingInAnOrderMovesEveryRowWhole() throws {
        var rng = SplitMix64(seed: 41)
        let n = 100_000
        var rows: [Int32] = [], columns: [Int32] = [], values: [Double] = []
        for p in 1..<n {
            let referrals = rng.below(10) == 0 ? 1 + rng.below(12) : 1
            for _ in 0..<referrals {
                rows.append(Int32(rng.below(p)))
                columns.append(Int32(p))
                values.append(Double(1 + rng.below(3)) / 4)
            }
        }
        let a = CSRMatrix(rows: n, columns: n, row: rows, column: columns, value: values)
        let (order, _) = try #require(Renumbering.referrersFirst(a))
        let r = Renumbering(a, order: order)
        let old = a.value, new = r.matrix.value
        let channel = (0..<Int32(a.count)).map { ($0 &* 7919) % 13 - 1 }
        let rowOf = (0..<Int32(a.count)).map { $0 }  // each entry keeps "row" e
        let kept = r.entries(channel, at: rowOf, from: a.rowStart)
        var mismatches = 0
        for i in 0..<n {
            let s = Int(order[i])
            let (from, to) = (a.rowStart[s], r.matrix.rowStart[i])
            guard r.matrix.rowStart[i + 1] - to == a.rowStart[s + 1] - from else {
                mismatches += 1
                continue
            }
            for k in 0..<(a.rowStart[s + 1] - from)
            where
                r.matrix.column[to + k] != r.number[Int(a.column[from + k])] || new[to + k] != old[from + k]
                || kept[to + k] != channel[from + k]
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect((0..<n).allSatisfy { r.number[Int(order[$0])] == Int32($0) })
        // Columns of values moved to the new numbering on every thread (`forward`), and the
        // in-weights summed by ranges of columns (`columnSums`), match one thread's loops.
        let special: [Double] = [0, 0, 0, -0.0, .nan, 3.5, -2, 0.1]
        let v = (0..<2 * n).map { _ in special[rng.below(special.count)] }
        let moved = r.forward(columns: v, 2)
        var misplaced = 0
        for j in 0..<2 {
            for i in 0..<n where moved[j * n + i].bitPattern != v[j * n + Int(order[i])].bitPattern { misplaced += 1 }
        }
        #expect(misplaced == 0)
        #expect(r.forward(a.columnSums()) == r.matrix.columnSums())
    }

    /// Column sums of a matrix with over a million entries, added on every thread by ranges of
    /// columns: the bits of the transpose's row sums, which add each column's entries in row
    /// order, for values whose sums depend on that order (doubles) and for counts (floats).
    @Test func columnSumsOnEveryThreadKeepEachColumnsOrder() throws {
        var rng = SplitMix64(seed: 77)
        let n = 5_000
        let m = 1_300_000
        let rows = (0..<m).map { _ in Int32(rng.below(n)) }
        let columns = (0..<m).map { _ in Int32(rng.below(n)) }
        let values = (0..<m).map { _ in Double(1 + rng.below(1_000)) / 7 + 1e-3 * Double(rng.below(97)) }
        let a = CSRMatrix(rows: n, columns: n, row: rows, column: columns, value: values)
        #expect(a.count > 1 << 20)
        let sums: [Double] = a.columnSums()
        let reference: [Double] = a.transposed().rowSums()
        #expect(sums.map(\.bitPattern) == reference.map(\.bitPattern))
        let counts = (0..<a.count).map { _ in Float(1 + rng.below(5)) }
        let counted = CSRMatrix(rows: n, columns: n, rowStart: a.rowStart, column: a.column, counts: counts)
        let countSums: [Double] = counted.columnSums()
        let countReference: [Double] = counted.transposed().rowSums()
        #expect(countSums == countReference)
    }

    @Test func noOrderPastTheLimit() throws {
        // 0 → 1 → 2 → 0 and 3 → 0: three people wait on the cycle.
        let a = matrix(4, [(0, 1), (1, 2), (2, 0), (3, 0)])
        #expect(Renumbering.referrersFirst(a, limit: 2) == nil)
        let (order, cycles) = try #require(Renumbering.referrersFirst(a, limit: 3))
        #expect(order[0] == 3 && cycles == [1..<4])
        let forest = matrix(4, [(0, 1), (0, 2), (2, 3)])
        let ordered = try #require(Renumbering.referrersFirst(forest, limit: 0))
        #expect(ordered.order == [0, 1, 2, 3] && ordered.cycles.isEmpty)
    }

    /// A forest of 140,000 people (solved over people renumbered in the sweep's order) with
    /// referrals back up the tree closing cycles and second referrers: the mass solves the
    /// system in the file's numbering and agrees with the block iteration from 0.
    @Test func sweptSolveMatchesTheBlockIterationOnAForestWithCycles() throws {
        var rng = SplitMix64(seed: 43)
        let people = 140_000
        var parent = [Int](repeating: -1, count: people)
        var edges: [(Int, Int)] = []
        for p in 1..<people {
            parent[p] = rng.below(p)
            edges.append((parent[p], p))
            if rng.below(50) == 0 { edges.append((rng.below(p), p)) }
            // Back up to the grandparent: a cycle of three.
            if rng.below(100) == 0, parent[parent[p]] >= 0 { edges.append((p, parent[parent[p]])) }
        }
        let a = matrix(people, edges)
        let (_, cycles) = try #require(Renumbering.referrersFirst(a))
        let inCycles = cycles.reduce(0) { $0 + $1.count }
        #expect(inCycles > 1000 && inCycles <= people / 8)
        #expect(Renumbering.pays(people: people, entries: a.count))
        let inWeight = a.transposed().rowSums()
        let w = AdjacencyOperator(forward: a, reverse: nil, kind: .sparse)
        var v = [Double](repeating: 0, count: 2 * people)
        for _ in 0..<6000 {
            let u = rng.below(people)
            v[u] += 1
            v[people + u] += Double(rng.below(1000)) / 8
        }
        let d = 0.6
        let settings = IterationSettings(tolerance: 1e-11)
        let (m, report) = InfluenceFlow.receivedMass(w, inWeight: inWeight, damping: d, values: v, columns: 2, settings: settings)
        let plain = InfluenceFlow.solve(w, inWeight: inWeight, damping: d, values: v, columns: 2, settings: settings)
        #expect(report.overall.converged && plain.report.overall.converged)
        for j in 0..<2 {
            var gap = 0.0, apart = 0.0, total = 0.0
            for s in 0..<people {
                var sum = 0.0
                for e in a.rowStart[s]..<a.rowStart[s + 1] {
                    let t = Int(a.column[e])
                    sum += a.values[e] / inWeight[t] * (v[j * people + t] + d * m[j * people + t])
                }
                gap += abs(sum - m[j * people + s])
                apart += abs(m[j * people + s] - plain.mass[j * people + s])
                total += abs(m[j * people + s])
            }
            #expect(total > 0 && gap <= 1e-9 * total && apart <= 1e-9 * total, "column \(j): gap \(gap), apart \(apart) of \(total)")
        }
    }

    /// A cycle that cannot settle in the steps allowed is reported, not hidden: a chain of
    /// 200 people ending in a ⇄ b with d = 0.99.
    @Test func aCycleThatDoesNotSettleIsReported() throws {
        var edges = (0..<199).map { ($0, $0 + 1) }
        edges.append((199, 198))
        let a = matrix(200, edges)
        let inWeight = a.transposed().rowSums()
        let w = AdjacencyOperator(forward: a, reverse: nil, kind: .sparse)
        var v = [Double](repeating: 0, count: 400)
        v[199] = 1
        v[399] = 50
        let short = InfluenceFlow.receivedMass(
            w, inWeight: inWeight, damping: 0.99, values: v, columns: 2, settings: IterationSettings(tolerance: 1e-10, maxIterations: 3))
        #expect(!short.report.overall.converged && short.report.overall.iterations == 3)
        let long = InfluenceFlow.receivedMass(
            w, inWeight: inWeight, damping: 0.99, values: v, columns: 2, settings: IterationSettings(tolerance: 1e-10))
        #expect(long.report.overall.converged)
        // In the counts, m₁₉₈ = v₁₉₉ + d·m₁₉₉ (199 is referred by 198 alone) and
        // m₁₉₉ = ½·d·m₁₉₈ (198 is referred by 197 and 199): m₁₉₈ = 1 / (1 − d²/2).
        #expect(abs(long.mass[198] - 1 / (1 - 0.99 * 0.99 / 2)) <= 1e-8 * long.mass[198])
    }

    /// By channel on a forest of 140,000 people, where the flows are summed in ranges of people
    /// on both threads: with each sharer's referrals all on one channel, a channel's credit is
    /// the credit its sharers keep by person; a row without a channel credits none.
    @Test func byChannelOnALargeForestIsWhatItsSharersKeep() throws {
        var rng = SplitMix64(seed: 17)
        let people = 140_000
        let names = ["", "email", "blog", "event"]
        func channel(_ s: Int) -> String { names[Int(UInt(bitPattern: s &* 2_654_435_761) % 4)] }
        var text = "source,target,channel\n"
        for p in 1..<people {
            let s = rng.below(p)
            text += "u\(s),u\(p),\(channel(s))\n"
        }
        var purchases = "user,value\n"
        for _ in 0..<8000 { purchases += "u\(rng.below(people)),\(1 + rng.below(300)).\(rng.below(100))\n" }
        let events = try HandExample.referrals(text)
        let conversions = try HandExample.purchases(purchases)
        let byChannel = try Attribution.attribute(
            events: events, conversions: conversions, options: AttributionOptions(model: .influenceFlow, grouping: .channel))
        let byPerson = try Attribution.attribute(
            events: events, conversions: conversions, options: AttributionOptions(model: .influenceFlow, grouping: .person))
        var expected: [String: Credit] = [:]
        for row in byPerson.rows where !row.id.isEmpty {
            let s = try #require(Int(row.id.dropFirst()))
            // What s keeps is what reaches s over the edges s made, all on s's channel.
            expected[channel(s).isEmpty ? ChannelPaths.noChannel : channel(s), default: Credit()] += row.credit
        }
        let got = HandExample.credits(byChannel)
        // Releasing the events, the people's ids go before the graph is built and the parents
        // after the chains: the same credit, bit for bit.
        var released = events
        let lean = try Attribution.attribute(
            releasing: &released, conversions: conversions, options: AttributionOptions(model: .influenceFlow, grouping: .channel))
        let leanRows: [String] = lean.rows.map { "\($0.id) \($0.credit.conversions.bitPattern) \($0.credit.value.bitPattern)" }
        let keptRows: [String] = byChannel.rows.map { "\($0.id) \($0.credit.conversions.bitPattern) \($0.credit.value.bitPattern)" }
        #expect(leanRows == keptRows && !keptRows.isEmpty)
        #expect(lean.organic == byChannel.organic && lean.quality == byChannel.quality && released.people.count == 0)
        #expect(Set(got.keys) == Set(expected.keys))
        for (name, credit) in expected {
            let c = got[name] ?? Credit()
            #expect(
                abs(c.value - credit.value) <= 1e-9 * credit.value && abs(c.conversions - credit.conversions) <= 1e-9 * credit.conversions,
                "\(name)")
        }
    }

    /// Moving only the entries other than +0 gives what gathering every entry gives, bit for
    /// bit (−0 and NaN included).
    @Test func forwardMovesEveryEntryButPositiveZero() throws {
        var rng = SplitMix64(seed: 5)
        let n = 500
        let a = matrix(n, (0..<1500).map { _ in (rng.below(n), rng.below(n)) })
        let r = Renumbering(a)
        let special: [Double] = [0, -0.0, .nan, 3.5, -2, .infinity]
        let v = (0..<3 * n).map { _ in special[rng.below(special.count)] }
        let moved = r.forward(columns: v, 3)
        for j in 0..<3 {
            for i in 0..<n { #expect(moved[j * n + i].bitPattern == v[j * n + Int(r.order[i])].bitPattern) }
        }
    }
}
