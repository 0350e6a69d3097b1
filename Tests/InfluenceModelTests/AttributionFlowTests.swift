import Testing
@testable import InfluenceModel

/// `influence-flow` worked by hand on `HandExample`, a cycle, and against a direct solve; and
/// the block power iteration it runs on.
struct AttributionFlowTests {
    /// With d = 1/2 on HandExample's merged graph (no time limit: E's conversion reaches D):
    /// E's 40 → D keeps 20, passes 20 to C. D's 150 → C, which with D's 20 receives 170, keeps
    /// 85 and passes 85: 3/4 to B (63.75), 1/4 to Y (21.25, kept: nobody referred Y). B keeps
    /// 31.875 and passes 31.875 to A, who keeps 15.9375 and passes it to X; A's own 20 also
    /// goes to X, who keeps 35.9375. Y's and Z's conversions are organic.
    @Test func handWorkedValues() throws {
        let result = try HandExample.attribute(.influenceFlow)
        HandExample.expect(
            result,
            [
                "D": (0.5, 20), "C": (1.25, 85), "Y": (0.3125, 21.25), "B": (0.46875, 31.875),
                "A": (0.234375, 15.9375), "X": (1.234375, 35.9375),
            ])
        #expect(result.organic == Credit(conversions: 2, value: 15))
        #expect(result.report?.converged == true)
    }

    @Test func byChannelFollowsTheMergedEdges() throws {
        // Kept credit by the edge it arrived on: D's via D→E (link), C's via C→D (email),
        // Y's via Y→C (link), B's via B→C (facebook), A's via A→B (email), X's via X→A (twitter).
        HandExample.expect(
            try HandExample.attribute(.influenceFlow, by: .channel),
            [
                "email": (1.25 + 0.234375, 85 + 15.9375), "link": (0.5 + 0.3125, 20 + 21.25),
                "facebook": (0.46875, 31.875), "twitter": (1.234375, 35.9375),
            ])
    }

    @Test func byCampaignIsOneBlockPerCampaign() throws {
        // spring: D's 150 (100, and 50 whose campaign falls back to D's first referral).
        // summer: E's 40 and A's 20.
        let result = try HandExample.attribute(.influenceFlow, by: .campaign)
        HandExample.expect(
            result,
            [
                "spring/C": (1, 75), "spring/Y": (0.25, 18.75), "spring/B": (0.375, 28.125), "spring/A": (0.1875, 14.0625),
                "spring/X": (0.1875, 14.0625),
                "summer/D": (0.5, 20), "summer/C": (0.25, 10), "summer/Y": (0.0625, 2.5), "summer/B": (0.09375, 3.75),
                "summer/A": (0.046875, 1.875), "summer/X": (1.046875, 21.875),
            ])
        #expect(result.parameters.contains { $0.0 == "right_hand_sides" && $0.1 == .int(4) })
    }

    /// a ⇄ b, b converts for 100: m_a = 100 + d·m_b, m_b = d·m_a·(1) → m_a = 400/3, m_b = 200/3;
    /// kept a = 200/3, b = 100/3.
    @Test func cycles() throws {
        let result = try HandExample.attribute(.influenceFlow, events: "source,target\na,b\nb,a\n", conversions: "user,value\nb,100\n")
        HandExample.expect(result, ["a": (2.0 / 3, 200.0 / 3), "b": (1.0 / 3, 100.0 / 3)])
    }

    @Test func dampingZeroCreditsDirectReferrersByWeight() throws {
        let result = try HandExample.attribute(
            .influenceFlow, events: "source,target,weight\na,c,1\nb,c,3\nx,a,1\n",
            conversions: "user,value\nc,8\n"
        ) { $0.damping = 0 }
        HandExample.expect(result, ["a": (0.25, 2), "b": (0.75, 6)])
    }

    @Test(arguments: 0..<40)
    func matchesADirectSolve(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let n = 2 + rng.below(12)
        var rows: [String] = ["source,target,weight"]
        for _ in 0..<1 + rng.below(3 * n) {
            let s = rng.below(n), t = rng.below(n)
            if s != t { rows.append("p\(s),p\(t),\(Double(rng.below(4)) + 0.5)") }
        }
        guard rows.count > 1 else { return }
        var purchases = ["user,value"]
        for _ in 0..<1 + rng.below(6) { purchases.append("p\(rng.below(n)),\(1 + rng.below(50))") }
        let d = [0.0, 0.3, 0.5, 0.85][seed % 4]
        let events = try HandExample.referrals(rows.joined(separator: "\n"))
        let conversions = try HandExample.purchases(purchases.joined(separator: "\n"))
        for kind in [OperatorChoice.sparse, .dense] {
            let result = try Attribution.attribute(
                events: events, conversions: conversions,
                options: AttributionOptions(model: .influenceFlow, damping: d, operatorChoice: kind))
            let expected = directSolve(events: events, conversions: conversions, damping: d)
            let got = HandExample.credits(result)
            for (name, value) in expected where value != 0 {
                #expect(abs((got[name]?.value ?? 0) - value) <= 1e-9 * max(1, value), "\(name) \(kind)")
            }
        }
    }

    /// Kept credit from (I − d·Q)·m = Q·v by Gauss–Jordan elimination, written apart from the library.
    func directSolve(events: ReferralEvents, conversions: Conversions, damping d: Double) -> [String: Double] {
        let n = events.people.count
        var w = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for r in 0..<events.count { w[Int(events.source[r])][Int(events.target[r])] += events.weight[r] }
        let inWeight = (0..<n).map { t in (0..<n).reduce(0.0) { $0 + w[$1][t] } }
        var v = [Double](repeating: 0, count: n)
        for i in 0..<conversions.count {
            if let p = events.people.index(of: conversions.users.name(conversions.user[i])) { v[Int(p)] += conversions.value[i] }
        }
        func q(_ s: Int, _ t: Int) -> Double { inWeight[t] > 0 ? w[s][t] / inWeight[t] : 0 }
        var a = (0..<n).map { s in (0..<n).map { t in (s == t ? 1 : 0) - d * q(s, t) } }
        var b = (0..<n).map { s in (0..<n).reduce(0.0) { $0 + q(s, $1) * v[$1] } }
        for k in 0..<n {
            let p = (k..<n).max { abs(a[$0][k]) < abs(a[$1][k]) }!
            a.swapAt(k, p)
            b.swapAt(k, p)
            for i in 0..<n where i != k {
                let f = a[i][k] / a[k][k]
                for j in 0..<n { a[i][j] -= f * a[k][j] }
                b[i] -= f * b[k]
            }
        }
        var kept: [String: Double] = [:]
        for s in 0..<n {
            let m = b[s] / a[s][s]
            kept[events.people.name(Int32(s))] = inWeight[s] > 0 ? (1 - d) * m : m
        }
        return kept
    }

    /// On a forest large enough to be solved over people renumbered breadth-first, the mass
    /// still solves m = d·Q·m + Q·v in the file's numbering: checked with the operator as it
    /// was built, entry by entry, for both right-hand sides.
    @Test func renumberedSolveSolvesTheSystemInTheFilesNumbering() throws {
        var rng = SplitMix64(seed: 41)
        let people = 140_000
        let events = try ReferralEvents.parse(bytes: Array(randomForest(people: people, &rng).utf8), file: "forest.csv")
        let graph = ReferralGraph(events: events)
        let n = graph.nodeCount
        #expect(Renumbering.pays(people: n, entries: graph.edgeCount))
        #expect(Renumbering.fits(people: n, entries: graph.edgeCount, vectors: 3))
        let w = AdjacencyOperator(forward: graph.forward, reverse: graph.reverse, kind: .sparse)
        let inWeight = graph.reverse.rowSums()
        let v = randomConversionValues(people: n, conversions: 5000, divisor: 10, &rng)
        let d = 0.5
        let (m, report) = InfluenceFlow.receivedMass(
            w, inWeight: inWeight, damping: d, values: v, columns: 2, settings: IterationSettings(tolerance: 1e-12))
        #expect(report.overall.converged)
        expectSolvesFlow(graph.forward, inWeight: inWeight, damping: d, values: v, mass: m)
    }

    /// By person, on a forest large enough to be solved over people renumbered, each listed
    /// person's credit is their kept share of a mass that solves m = d·Q·m + Q·v in the file's
    /// numbering (each row checked by the person's id): the credit is put back on the right
    /// people.
    @Test func byPersonOnARenumberedSolveNamesEachPersonsOwnCredit() throws {
        var rng = SplitMix64(seed: 43)
        let people = 140_000
        let events = try ReferralEvents.parse(bytes: Array(randomForest(people: people, &rng).utf8), file: "forest.csv")
        let graph = ReferralGraph(events: events)
        let n = graph.nodeCount
        #expect(Renumbering.pays(people: n, entries: graph.edgeCount))
        var purchases = "user,value\n"
        for _ in 0..<5000 { purchases += "u\(rng.next() % UInt64(people)),\(rng.next() % 1000)\n" }
        let conversions = try Conversions.parse(bytes: Array(purchases.utf8), file: "purchases.csv")
        let options = AttributionOptions(model: .influenceFlow, grouping: .person)
        let result = try Attribution.attribute(events: events, conversions: conversions, options: options)
        #expect(result.report?.converged == true)
        let d = options.damping
        let inWeight = graph.reverse.rowSums()
        // The mass each person passed on or kept, from their listed credit.
        var m = [Double](repeating: 0, count: 2 * n)
        for row in result.rows {
            let s = Int(try #require(events.people.index(of: row.id)))
            let keep = inWeight[s] > 0 ? 1 - d : 1
            (m[s], m[n + s]) = (row.credit.conversions / keep, row.credit.value / keep)
        }
        #expect(result.rows.count > 10_000)
        var v = [Double](repeating: 0, count: 2 * n)
        for i in 0..<conversions.count {
            guard let u = events.people.index(of: conversions.users.name(conversions.user[i])) else { continue }
            v[Int(u)] += 1
            v[n + Int(u)] += conversions.value[i]
        }
        expectSolvesFlow(graph.forward, inWeight: inWeight, damping: d, values: v, mass: m)
    }

    /// Renumbering's copies are weighed against the machine's memory: a 100M-referral program
    /// export's (109M people) do not fit beside it on 24 GiB, a 10M one's (10.9M) do.
    @Test func renumberingCopiesAreWeighedAgainstMemory() {
        let gib: UInt64 = 1 << 30
        #expect(!Renumbering.fits(people: 109_000_000, entries: 98_000_000, vectors: 3, memory: 24 * gib))
        #expect(Renumbering.fits(people: 10_900_000, entries: 9_800_000, vectors: 3, memory: 24 * gib))
        #expect(Renumbering.fits(people: 109_000_000, entries: 98_000_000, vectors: 3, memory: 64 * gib))
    }

    /// The lean solve, which takes each 1/in(t) as it is needed, gives the same bits as the one
    /// that keeps them in a vector, on a random graph with weights and unreferred people.
    @Test func leanSolveGivesTheSameBits() throws {
        var rng = SplitMix64(seed: 77)
        var text = "source,target,weight\n"
        for _ in 0..<3000 { text += "u\(rng.next() % 700),u\(rng.next() % 900),\(1 + rng.next() % 9).\(rng.next() % 10)\n" }
        let events = try ReferralEvents.parse(bytes: Array(text.utf8), file: "g.csv")
        let graph = ReferralGraph(events: events)
        let n = graph.nodeCount
        let w = AdjacencyOperator(forward: graph.forward, reverse: graph.reverse, kind: .sparse)
        let inWeight = graph.reverse.rowSums()
        let v = randomConversionValues(people: n, conversions: 400, divisor: 7, &rng)
        let settings = IterationSettings(tolerance: 1e-13)
        let kept = InfluenceFlow.solve(w, inWeight: inWeight, damping: 0.7, values: v, columns: 2, settings: settings)
        let lean = InfluenceFlow.solve(w, inWeight: inWeight, damping: 0.7, values: v, columns: 2, settings: settings, lean: true)
        #expect(kept.report.overall.converged && kept.report.overall.iterations > 5)
        let differing = zip(kept.mass, lean.mass).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(kept.mass.count == lean.mass.count && differing == 0, "\(differing) of \(kept.mass.count) values differ")
        #expect(kept.report.overall.iterations == lean.report.overall.iterations)
    }

    @Test func blockIterationMatchesOneColumnAtATime() {
        // M = a 4-cycle scaled by 1/2 plus a self-loop; three right-hand sides.
        let n = 4
        func apply(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
            for i in 0..<n { y[i] = 0.5 * x[(i + 1) % n] + 0.25 * x[i] }
        }
        let columns: [[Double]] = [[1, 0, 0, 0], [0, 2, 0, 5], [3, 3, 3, 3]]
        let b = columns.flatMap { $0 }
        let block = PowerIteration.affineBlock(
            start: [Double](repeating: 0, count: b.count), columns: 3, alpha: 0.9,
            constant: b, settings: IterationSettings(tolerance: 1e-13), apply: apply)
        #expect(block.report.overall.converged)
        #expect(block.report.columnResiduals.count == 3)
        for (j, column) in columns.enumerated() {
            let single = PowerIteration.affine(
                start: [Double](repeating: 0, count: n), alpha: 0.9, constant: column,
                settings: IterationSettings(tolerance: 1e-13), apply: apply)
            for i in 0..<n { #expect(abs(block.x[j * n + i] - single.x[i]) <= 1e-11) }
        }
    }

    @Test func blockIterationReportsNonConvergence() {
        let block = PowerIteration.affineBlock(
            start: [0, 0], columns: 2, alpha: 0.999, constant: [1, 1],
            settings: IterationSettings(tolerance: 1e-14, maxIterations: 5)
        ) { x, y in y[0] = x[0] }
        #expect(!block.report.overall.converged)
        #expect(block.report.overall.iterations == 5)
    }

    @Test func nonConvergenceFailsTheConservationCheckLoudly() throws {
        #expect(throws: AttributionError.self) {
            try HandExample.attribute(.influenceFlow, events: "source,target\na,b\nb,a\n", conversions: "user,value\nb,100\n") {
                $0.damping = 0.99
                $0.iteration = IterationSettings(tolerance: 1e-10, maxIterations: 3)
            }
        }
    }
}

/// V for `people` people (n×2: conversions, values), with `conversions` conversions by people
/// drawn at random, each worth a whole number up to 999 divided by `divisor`.
/// A referral forest over `people` people as CSV: each person after the first referred by an
/// earlier one, one in twenty also by a second earlier one; ids scattered over the numbers.
private func randomForest(people: Int, _ rng: inout SplitMix64) -> String {
    var text = "source,target\n"
    for p in 1..<people {
        let parent = Int(rng.next() % UInt64(p))
        text += "u\((parent &* 7919) % people),u\((p &* 7919) % people)\n"
        if rng.next() % 20 == 0 { text += "u\((Int(rng.next() % UInt64(p)) &* 7919) % people),u\((p &* 7919) % people)\n" }
    }
    return text
}

/// Expects `m` (n×2) to solve m = d·Q·m + Q·v, column by column: Q·(v + d·m) against m, with
/// Q[s][t] = w(s, t) / in(t) from the rows of `f` as built, within 1e-9 of m's 1-norm.
private func expectSolvesFlow(
    _ f: CSRMatrix, inWeight: [Double], damping d: Double, values v: [Double], mass m: [Double],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let n = f.rows
    for j in 0..<2 {
        var gap = 0.0, total = 0.0
        for s in 0..<n {
            var sum = 0.0
            for e in f.rowStart[s]..<f.rowStart[s + 1] {
                let t = Int(f.column[e])
                if inWeight[t] > 0 { sum += f.values[e] / inWeight[t] * (v[j * n + t] + d * m[j * n + t]) }
            }
            gap += abs(sum - m[j * n + s])
            total += abs(m[j * n + s])
        }
        #expect(total > 0 && gap <= 1e-9 * total, "column \(j): gap \(gap) of \(total)", sourceLocation: sourceLocation)
    }
}

private func randomConversionValues(people n: Int, conversions: Int, divisor: Double, _ rng: inout SplitMix64) -> [Double] {
    var v = [Double](repeating: 0, count: 2 * n)
    for _ in 0..<conversions {
        let u = Int(rng.next() % UInt64(n))
        v[u] += 1
        v[n + u] += Double(rng.next() % 1000) / divisor
    }
    return v
}
