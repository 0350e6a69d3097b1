import Foundation
import Testing
import InfluenceModel

private typealias Edge = (s: Int, t: Int, w: Double)

private func csr(_ n: Int, _ edges: [Edge]) -> CSRMatrix {
    CSRMatrix(rows: n, columns: n, row: edges.map { Int32($0.s) }, column: edges.map { Int32($0.t) }, value: edges.map(\.w))
}

private func adjacency(_ n: Int, _ edges: [Edge], _ kind: OperatorKind = .sparse) -> AdjacencyOperator {
    let f = csr(n, edges)
    return AdjacencyOperator(forward: f, reverse: f.transposed(), kind: kind)
}

/// W·x (or Wᵀ·x) through the operator.
private func product(_ w: AdjacencyOperator, _ x: [Double], transposed: Bool = false) -> [Double] {
    var y = [Double](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
            if transposed { w.applyTransposed(xp, into: yp) } else { w.apply(xp, into: yp) }
        }
    }
    return y
}

/// The dense n×n matrix of a CSR matrix, W[s][t].
private func denseMatrix(_ m: CSRMatrix) -> [[Double]] {
    var a = [[Double]](repeating: [Double](repeating: 0, count: m.columns), count: m.rows)
    for r in 0..<m.rows {
        for e in m.rowStart[r]..<m.rowStart[r + 1] { a[r][Int(m.column[e])] += m.value[e] }
    }
    return a
}

/// Solves a·x = b by Gaussian elimination with partial pivoting.
private func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    let n = b.count
    var m = a
    var rhs = b
    for col in 0..<n {
        let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
        m.swapAt(col, pivot)
        rhs.swapAt(col, pivot)
        for r in (col + 1)..<n where m[r][col] != 0 {
            let f = m[r][col] / m[col][col]
            for c in col..<n { m[r][c] -= f * m[col][c] }
            rhs[r] -= f * rhs[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
        var sum = rhs[r]
        for c in (r + 1)..<n { sum -= m[r][c] * x[c] }
        x[r] = sum / m[r][r]
    }
    return x
}

/// PageRank of the reversed graph as a linear system: x = α·G·x + (1 − α)·v with G column-stochastic
/// (column t: W[·][t] / in(t), or v where in(t) = 0), so (I − α·G)·x = (1 − α)·v.
private func pagerankDirect(_ w: [[Double]], damping alpha: Double, personalization: [Double]? = nil) -> [Double] {
    let n = w.count
    let p = personalization ?? [Double](repeating: 1, count: n)
    let total = p.reduce(0, +)
    let v = p.map { $0 / total }
    var inWeight = [Double](repeating: 0, count: n)
    for s in 0..<n { for t in 0..<n { inWeight[t] += w[s][t] } }
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for s in 0..<n {
        for t in 0..<n {
            let g = inWeight[t] > 0 ? w[s][t] / inWeight[t] : v[s]
            a[s][t] = (s == t ? 1 : 0) - alpha * g
        }
    }
    return solve(a, v.map { (1 - alpha) * $0 })
}

/// Reach Σ_{k≥1} βᵏWᵏ1 as the solution of (I − βW)·r = βW·1.
private func reachDirect(_ w: [[Double]], beta: Double) -> [Double] {
    let n = w.count
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { for j in 0..<n { a[i][j] = (i == j ? 1 : 0) - beta * w[i][j] } }
    let rhs = (0..<n).map { i in beta * w[i].reduce(0, +) }
    return solve(a, rhs)
}

private func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    // NaN compares false with everything, so max() would pass over it: count it as infinite.
    return zip(a, b).map { abs($0 - $1) }.map { $0.isNaN ? .infinity : $0 }.max() ?? 0
}

/// Random weighted edges (with repeats and cycles, no self-loops) on n nodes.
private func randomEdges(_ n: Int, _ m: Int, using rng: inout SplitMix64) -> [Edge] {
    (0..<m).compactMap { _ -> Edge? in
        let s = Int.random(in: 0..<n, using: &rng), t = Int.random(in: 0..<n, using: &rng)
        return s == t ? nil : (s, t, Double.random(in: 0.1...3, using: &rng))
    }
}

/// A referral graph read from CSV text of the given edges; people are named p0, p1, ….
private func graph(_ edges: [Edge], people n: Int) throws -> ReferralGraph {
    var text = "source,target,weight\n"
    for e in edges { text += "p\(e.s),p\(e.t),\(Format.exact(e.w))\n" }
    let events = try ReferralEvents.parse(bytes: Array(text.utf8), file: "p.csv")
    return try ReferralGraph(checking: events)
}

/// Reorders a score vector of a graph's people into p0, p1, … order.
private func byName(_ g: ReferralGraph, _ x: [Double], people n: Int) -> [Double] {
    (0..<n).map { i in g.people.index(of: "p\(i)").map { x[Int($0)] } ?? .nan }
}

// MARK: - The fixed-point engine

struct PowerIterationEngineTests {
    @Test(arguments: [(0.5, 3.0), (0.9, 1.0), (0.25, -2.0), (0.99, 0.5)])
    func scalarAffineMap(alpha: Double, b: Double) {
        let settings = IterationSettings(tolerance: 1e-13, maxIterations: 100_000)
        let (x, report) = PowerIteration.affine(start: [0], alpha: alpha, constant: [b], settings: settings) { x, y in
            y[0] = x[0]
        }
        #expect(report.converged)
        #expect(report.finite)
        // The documented stop: an L1 change within the tolerance, or within 16 ε ‖x‖₁ for large scores.
        #expect(report.residual <= max(1e-13, 16 * Double.ulpOfOne * abs(x[0])))
        #expect(abs(x[0] - b / (1 - alpha)) <= 1e-9 * abs(b / (1 - alpha)))
        // The change shrinks by α per step from |b|: iterations ≈ log(tol/|b|)/log(α).
        let predicted = log(1e-13 / abs(b)) / log(alpha)
        #expect(Double(report.iterations) <= predicted + 3)
    }

    @Test func diagonalAffineMap() {
        let d = [0.5, 1, 0.2, 0, 1.2]
        let b = [1.0, 2, 3, 4, -1]
        let alpha = 0.8
        let settings = IterationSettings(tolerance: 1e-14, maxIterations: 10_000)
        let (x, report) = PowerIteration.affine(start: [Double](repeating: 0, count: 5), alpha: alpha, constant: b, settings: settings) {
            x, y in
            for i in 0..<5 { y[i] = d[i] * x[i] }
        }
        #expect(report.converged)
        let expected = (0..<5).map { b[$0] / (1 - alpha * d[$0]) }
        #expect(maxDifference(x, expected) <= 1e-11)
    }

    @Test func startingAtTheFixedPointConvergesInOneStep() {
        let (x, report) = PowerIteration.affine(start: [4], alpha: 0.5, constant: [2], settings: IterationSettings()) { x, y in
            y[0] = x[0]
        }
        #expect(report.iterations == 1)
        #expect(report.converged)
        #expect(report.residual == 0)
        #expect(x == [4])
    }

    @Test func nonConvergenceIsReported() {
        // x₀ = 0, x₁ = 1, x₂ = 1.9, x₃ = 2.71: the last change is 0.81.
        let settings = IterationSettings(tolerance: 1e-10, maxIterations: 3)
        let (x, report) = PowerIteration.affine(start: [0], alpha: 0.9, constant: [1], settings: settings) { x, y in
            y[0] = x[0]
        }
        #expect(report.converged == false)
        #expect(report.iterations == 3)
        #expect(abs(report.residual - 0.81) < 1e-12)
        #expect(abs(x[0] - 2.71) < 1e-12)
        #expect(report.finite)
    }

    @Test func rankOneTerm() {
        // M = 0: x ← (c₀ + c₁·⟨d, x⟩)·b with c₀ = 1, c₁ = 0.5, d = (1, 0), b = (1, 1):
        // x₀ = x₁ = 1 + x₀/2, so both are 2.
        let settings = IterationSettings(tolerance: 1e-14, maxIterations: 1000)
        let (x, report) = PowerIteration.affine(
            start: [0, 0], alpha: 0.7, constant: [1, 1], c0: 1, c1: 0.5, d: [1, 0],
            settings: settings
        ) { _, y in
            y[0] = 0
            y[1] = 0
        }
        #expect(report.converged)
        #expect(maxDifference(x, [2, 2]) <= 1e-12)
    }

    @Test func emptyProblem() {
        let (x, report) = PowerIteration.affine(start: [], alpha: 0.5, constant: [], settings: IterationSettings()) { _, _ in }
        #expect(x.isEmpty)
        #expect(report.converged)
        #expect(report.iterations == 0)
    }

    @Test func overflowIsReportedNotHidden() {
        let (_, report) = PowerIteration.affine(start: [0], alpha: 1e300, constant: [1], settings: IterationSettings()) { x, y in
            y[0] = x[0]
        }
        #expect(report.finite == false)
        #expect(report.converged == false)
        #expect(report.iterations < 10)
    }

    @Test func eigenvectorOfADiagonalMap() {
        // diag(3, 1, 2): the dominant eigenvector is e₁.
        let settings = IterationSettings(tolerance: 1e-13, maxIterations: 10_000)
        let (x, report) = PowerIteration.eigenvector(start: [1.0 / 3, 1.0 / 3, 1.0 / 3], settings: settings) { x, y in
            y[0] = 3 * x[0]
            y[1] = x[1]
            y[2] = 2 * x[2]
        }
        #expect(report.converged)
        #expect(maxDifference(x, [1, 0, 0]) <= 1e-10)
    }
}

// MARK: - Scores on closed forms

struct ScoreClosedFormTests {
    @Test(arguments: [OperatorKind.sparse, .dense])
    func reachOnAChainCountsDescendants(kind: OperatorKind) throws {
        let w = adjacency(4, [(0, 1, 1), (1, 2, 1), (2, 3, 1)], kind)
        let (x, report) = try Scores.reach(w, beta: 1, settings: IterationSettings())
        #expect(report.converged)
        #expect(x == [3, 2, 1, 0])
    }

    @Test(arguments: [OperatorKind.sparse, .dense])
    func reachOnAStarCountsDescendants(kind: OperatorKind) throws {
        // 0 → 1, 2, 3; 1 → 4, 5; 5 → 6.
        let w = adjacency(7, [(0, 1, 1), (0, 2, 1), (0, 3, 1), (1, 4, 1), (1, 5, 1), (5, 6, 1)], kind)
        let (x, report) = try Scores.reach(w, beta: 1, settings: IterationSettings())
        #expect(report.converged)
        #expect(x == [6, 3, 0, 0, 0, 1, 0])
    }

    @Test func reachWithBetaIsAGeometricSeries() throws {
        // Chain 0 → 1 → 2 with weights 2 and 3, β = 0.5: r₂ = 0, r₁ = β·3 = 1.5,
        // r₀ = β·2 + β²·2·3 = 1 + 1.5 = 2.5.
        let w = adjacency(3, [(0, 1, 2), (1, 2, 3)])
        let (x, _) = try Scores.reach(w, beta: 0.5, settings: IterationSettings())
        #expect(maxDifference(x, [2.5, 1.5, 0]) <= 1e-12)
    }

    @Test func reachOnATwoCycleBelowTheLimit() throws {
        // Each node reaches the other at odd steps and itself at even steps: Σ_{k≥1} βᵏ = β/(1 − β).
        let w = adjacency(2, [(0, 1, 1), (1, 0, 1)])
        let beta = 0.9
        let (x, report) = try Scores.reach(w, beta: beta, settings: IterationSettings(tolerance: 1e-12, maxIterations: 10_000))
        #expect(report.converged)
        #expect(maxDifference(x, [9, 9]) <= 1e-9)
    }

    @Test(arguments: [2.0, 1.0, 1.5])
    func reachDivergesOnATwoCycle(beta: Double) {
        let w = adjacency(2, [(0, 1, 1), (1, 0, 1)])
        do {
            _ = try Scores.reach(w, beta: beta, settings: IterationSettings())
            Issue.record("β = \(beta) on a 2-cycle of weight 1 must diverge")
        } catch {
            guard case .divergentReach(let b, let rho) = error else {
                Issue.record("expected divergentReach, got \(error)")
                return
            }
            #expect(b == beta)
            #expect(abs(rho - 1) < 1e-6)
            #expect(error.exitCode == 64)
        }
    }

    @Test func spectralRadiusOfCycles() {
        let cycle = adjacency(3, [(0, 1, 1), (1, 2, 1), (2, 0, 1)])
        #expect(abs(Scores.spectralRadius(cycle) - 1) < 1e-9)
        let heavy = adjacency(3, [(0, 1, 2), (1, 2, 2), (2, 0, 2)])
        #expect(abs(Scores.spectralRadius(heavy) - 2) < 1e-9)
        // Two nodes with weights 4 and 1 both ways: ρ = √(4·1) = 2.
        let pair = adjacency(2, [(0, 1, 4), (1, 0, 1)])
        #expect(abs(Scores.spectralRadius(pair) - 2) < 1e-9)
        // A 3-cycle with a tail hanging off it: the tail adds nothing.
        let tailed = adjacency(5, [(0, 1, 1), (1, 2, 1), (2, 0, 1), (2, 3, 1), (3, 4, 1)])
        #expect(abs(Scores.spectralRadius(tailed) - 1) < 1e-6)
    }

    @Test func spectralRadiusOfADAGIsNearZero() {
        let chain = adjacency(4, [(0, 1, 1), (1, 2, 1), (2, 3, 1)])
        #expect(Scores.spectralRadius(chain) < 1e-2)
        let star = adjacency(5, [(0, 1, 1), (0, 2, 1), (0, 3, 1), (0, 4, 1)])
        #expect(Scores.spectralRadius(star) < 1e-2)
        let none = adjacency(3, [])
        #expect(Scores.spectralRadius(none) == 0)
    }

    @Test func pagerankOfTwoNodesByHand() throws {
        // a → b. Reversed: b passes everything to a; a (nobody referred them) is dangling and
        // spreads like the teleport. With c = (α·x_a + 1 − α)/2: x_b = c, x_a = α·x_b + c, and
        // x_a + x_b = 1, so c = 1/(2 + α), x_a = (1 + α)/(2 + α), x_b = 1/(2 + α).
        for alpha in [0.85, 0.5, 0.1] {
            let g = try graph([(0, 1, 1)], people: 2)
            let result = try g.score(
                ScoreOptions(
                    algorithm: .pagerank, damping: alpha,
                    iteration: IterationSettings(tolerance: 1e-14)))
            let x = byName(g, result.score, people: 2)
            #expect(maxDifference(x, [(1 + alpha) / (2 + alpha), 1 / (2 + alpha)]) <= 1e-12)
            #expect(result.report.converged)
        }
    }

    @Test func pagerankOfThreeNodesAgainstALinearSolve() throws {
        // a → b (1), a → c (2), b → c (1), c → a (0.5).
        let edges: [Edge] = [(0, 1, 1), (0, 2, 2), (1, 2, 1), (2, 0, 0.5)]
        let g = try graph(edges, people: 3)
        let alpha = 0.85
        let result = try g.score(ScoreOptions(algorithm: .pagerank, damping: alpha, iteration: IterationSettings(tolerance: 1e-14)))
        let x = byName(g, result.score, people: 3)
        // Written out: in(a) = 0.5, in(b) = 1, in(c) = 3; nobody is dangling, so
        // x_a = α(x_b·1/1 + x_c·2/3) + (1−α)/3, x_b = α·x_c·1/3 + (1−α)/3, x_c = α·x_a·0.5/0.5 + (1−α)/3.
        let w = [[0, 1, 2], [0, 0, 1], [0.5, 0, 0]]
        let expected = pagerankDirect(w, damping: alpha)
        let k = (1 - alpha) / 3
        #expect(abs(expected[0] - (alpha * (expected[1] + expected[2] * 2 / 3) + k)) < 1e-14)
        #expect(abs(expected[1] - (alpha * expected[2] / 3 + k)) < 1e-14)
        #expect(abs(expected[2] - (alpha * expected[0] + k)) < 1e-14)
        #expect(maxDifference(x, expected) <= 1e-12)
        #expect(abs(x.reduce(0, +) - 1) <= 1e-12)
    }

    @Test func personalizedPagerankAgainstALinearSolve() throws {
        // a → b, a → c, b → d: a is dangling in the reversed graph.
        let edges: [Edge] = [(0, 1, 1), (0, 2, 1), (1, 3, 2)]
        let g = try graph(edges, people: 4)
        let p = [0.0, 1, 0, 3]
        let personalization = (0..<g.nodeCount).map { p[Int(g.people.name(Int32($0)).dropFirst())!] }
        let result = try g.score(
            ScoreOptions(
                algorithm: .pagerank, damping: 0.7, personalization: personalization,
                iteration: IterationSettings(tolerance: 1e-14)))
        let x = byName(g, result.score, people: 4)
        let w = denseMatrix(csr(4, edges))
        #expect(maxDifference(x, pagerankDirect(w, damping: 0.7, personalization: p)) <= 1e-12)
    }

    @Test(arguments: 0..<4)
    func pagerankAndReachOnRandomGraphsAgainstLinearSolves(seed: Int) throws {
        var rng = SplitMix64(seed: 0xAB5 &+ UInt64(seed))
        let n = Int.random(in: 3...14, using: &rng)
        var edges = randomEdges(n, Int.random(in: n...4 * n, using: &rng), using: &rng)
        for i in 0..<n where !edges.contains(where: { $0.s == i || $0.t == i }) { edges.append((i, (i + 1) % n, 1)) }
        let g = try graph(edges, people: n)
        let w = denseMatrix(csr(n, edges))
        let pr = try g.score(ScoreOptions(algorithm: .pagerank, damping: 0.85, iteration: IterationSettings(tolerance: 1e-14)))
        #expect(maxDifference(byName(g, pr.score, people: n), pagerankDirect(w, damping: 0.85)) <= 1e-12)
        let maxRow = w.map { $0.reduce(0, +) }.max()!
        let beta = 0.6 / maxRow  // ρ ≤ max row sum, so β·ρ ≤ 0.6
        let reach = try g.score(ScoreOptions(algorithm: .reach, beta: beta, iteration: IterationSettings(tolerance: 1e-14)))
        let expected = reachDirect(w, beta: beta)
        let got = byName(g, reach.score, people: n)
        for i in 0..<n { #expect(abs(got[i] - expected[i]) <= 1e-11 * max(1, expected[i])) }
    }

    @Test func hitsOfAWeightedStar() throws {
        // a → b (1), a → c (3): authority ∝ (0, 1, 3), hub all on a.
        let g = try graph([(0, 1, 1), (0, 2, 3)], people: 3)
        let result = try g.score(ScoreOptions(algorithm: .hits))
        let authority = try #require(result.authority)
        #expect(maxDifference(byName(g, authority, people: 3), [0, 0.25, 0.75]) <= 1e-9)
        #expect(maxDifference(byName(g, result.score, people: 3), [1, 0, 0]) <= 1e-9)
    }

    @Test func hitsGoldenRatio() throws {
        // a → c, b → c, b → d. AᵀA on (c, d) is [[2, 1], [1, 1]], dominant eigenvalue φ², eigenvector
        // (1, φ − 1); normalized, authority c = 1/φ, d = 1/φ²; hubs a = 1/φ², b = 1/φ.
        let phi = (1 + 5.0.squareRoot()) / 2
        let g = try graph([(0, 2, 1), (1, 2, 1), (1, 3, 1)], people: 4)
        let result = try g.score(ScoreOptions(algorithm: .hits, iteration: IterationSettings(tolerance: 1e-13)))
        let authority = byName(g, try #require(result.authority), people: 4)
        let hub = byName(g, result.score, people: 4)
        #expect(maxDifference(authority, [0, 0, 1 / phi, 1 / (phi * phi)]) <= 1e-10)
        #expect(maxDifference(hub, [1 / (phi * phi), 1 / phi, 0, 0]) <= 1e-10)
    }

    @Test func rankingBreaksTiesById() throws {
        // a → c, a → b: b and c tie under PageRank; b comes first by id.
        let g = try graph([(0, 2, 1), (0, 1, 1)], people: 3)
        let result = try g.score(ScoreOptions(algorithm: .pagerank))
        let names = result.ranking().map { g.people.name($0) }
        #expect(names == ["p0", "p1", "p2"])
    }
}

// MARK: - Sparse and dense operators

struct OperatorKindTests {
    @Test(arguments: 0..<10)
    func sparseAndDenseProductsAgree(seed: Int) {
        var rng = SplitMix64(seed: 0x5AD5E &+ UInt64(seed))
        let n = Int.random(in: 1...60, using: &rng)
        let m = Int.random(in: 0...n * n, using: &rng)
        let edges: [Edge] = (0..<m).map { _ in
            (Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng), Double.random(in: -2...5, using: &rng))
        }
        let sparse = adjacency(n, edges, .sparse)
        let dense = adjacency(n, edges, .dense)
        #expect(sparse.kind == .sparse)
        #expect(dense.kind == .dense)
        #expect(dense.dimension == n)
        let w = denseMatrix(csr(n, edges))
        for _ in 0..<3 {
            let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
            let naive = (0..<n).map { r in (0..<n).reduce(0.0) { $0 + w[r][$1] * x[$1] } }
            let naiveT = (0..<n).map { c in (0..<n).reduce(0.0) { $0 + w[$1][c] * x[$1] } }
            let scale = 1e-12 * Double(max(1, n)) * 5
            #expect(maxDifference(product(sparse, x), naive) <= scale)
            #expect(maxDifference(product(dense, x), naive) <= scale)
            #expect(maxDifference(product(sparse, x, transposed: true), naiveT) <= scale)
            #expect(maxDifference(product(dense, x, transposed: true), naiveT) <= scale)
        }
    }

    /// Large enough (over 2^19 entries) that the sparse product splits across two threads.
    @Test func parallelSparseProductAgreesWithDense() {
        var rng = SplitMix64(seed: 77)
        let n = 1024
        var r: [Int32] = [], c: [Int32] = [], v: [Double] = []
        r.reserveCapacity(620_000)
        for i in 0..<n {
            // Rows get very different numbers of entries so the split is not at n/2.
            let p = i < 200 ? 0.95 : 0.45
            for j in 0..<n where Double.random(in: 0..<1, using: &rng) < p {
                r.append(Int32(i)); c.append(Int32(j)); v.append(Double.random(in: 0...1, using: &rng))
            }
        }
        #expect(r.count > 1 << 19)
        let f = CSRMatrix(rows: n, columns: n, row: r, column: c, value: v)
        let sparse = AdjacencyOperator(forward: f, reverse: f.transposed(), kind: .sparse)
        let dense = AdjacencyOperator(forward: f, reverse: f.transposed(), kind: .dense)
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        var naive = [Double](repeating: 0, count: n)
        var naiveT = [Double](repeating: 0, count: n)
        for k in 0..<r.count {
            naive[Int(r[k])] += v[k] * x[Int(c[k])]
            naiveT[Int(c[k])] += v[k] * x[Int(r[k])]
        }
        #expect(maxDifference(product(sparse, x), naive) <= 1e-9)
        #expect(maxDifference(product(dense, x), naive) <= 1e-9)
        #expect(maxDifference(product(sparse, x, transposed: true), naiveT) <= 1e-9)
        #expect(maxDifference(product(dense, x, transposed: true), naiveT) <= 1e-9)
    }

    @Test(arguments: 0..<6)
    func scoresAgreeAcrossOperatorKinds(seed: Int) throws {
        var rng = SplitMix64(seed: 0xDE45E &+ UInt64(seed))
        let n = Int.random(in: 3...40, using: &rng)
        let edges = randomEdges(n, Int.random(in: n...6 * n, using: &rng), using: &rng)
        guard !edges.isEmpty else { return }
        let g = try graph(edges, people: n)
        let maxRow = g.forward.rowSums().max()!
        let settings = IterationSettings(tolerance: 1e-14, maxIterations: 100_000)
        let options: [ScoreOptions] = [
            ScoreOptions(algorithm: .pagerank, iteration: settings),
            ScoreOptions(
                algorithm: .pagerank, damping: 0.6,
                personalization: (0..<g.nodeCount).map { Double($0 % 3) }, iteration: settings),
            ScoreOptions(algorithm: .reach, beta: 0.5 / maxRow, iteration: settings),
            ScoreOptions(algorithm: .hits, iteration: IterationSettings(tolerance: 1e-13, maxIterations: 100_000)),
        ]
        for var o in options {
            o.operatorChoice = .sparse
            let s = try g.score(o)
            o.operatorChoice = .dense
            let d = try g.score(o)
            #expect(s.operatorKind == .sparse)
            #expect(d.operatorKind == .dense)
            #expect(s.report.converged && d.report.converged, "\(o.algorithm)")
            for i in 0..<g.nodeCount {
                #expect(abs(s.score[i] - d.score[i]) <= 1e-12 * max(1, abs(s.score[i])), "\(o.algorithm) \(i)")
            }
            if let sa = s.authority, let da = d.authority {
                #expect(maxDifference(sa, da) <= 1e-12)
            } else {
                #expect(s.authority == nil && d.authority == nil && o.algorithm != .hits)
            }
        }
    }

    @Test func autoChoice() {
        #expect(OperatorChoice.auto.resolve(people: 10, edges: 30) == .dense)
        #expect(OperatorChoice.auto.resolve(people: 10, edges: 29) == .sparse)
        #expect(OperatorChoice.auto.resolve(people: 1024, edges: 1024 * 1024 / 2) == .dense)
        #expect(OperatorChoice.auto.resolve(people: 1025, edges: 1025 * 1025) == .sparse)
        #expect(OperatorChoice.auto.resolve(people: 0, edges: 0) == .sparse)
        #expect(OperatorChoice.sparse.resolve(people: 2, edges: 4) == .sparse)
        #expect(OperatorChoice.dense.resolve(people: 8192, edges: 1) == .dense)
        // Asked for dense on a graph too large to hold as a matrix: sparse, never an 80 GB allocation.
        #expect(OperatorChoice.dense.resolve(people: 100_000, edges: 1) == .sparse)
    }
}

// MARK: - Number and JSON output

struct OutputFormattingTests {
    @Test func exactReadsBackExactly() {
        var rng = SplitMix64(seed: 0xF0_47A7)
        var specials: [Double] = [
            1.0 / 3, 0.1, 0.2 + 0.1, 1e-300, -1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNonzeroMagnitude, .leastNormalMagnitude, 1, -1, 123_456_789.125, 2.0.nextUp, 1e16 + 2,
        ]
        for _ in 0..<5000 {
            let bits = Double(bitPattern: rng.next())
            if bits.isFinite { specials.append(bits) }
            specials.append(Double.random(in: -1...1, using: &rng))
            specials.append(Double.random(in: 0...1e6, using: &rng))
        }
        var failures = 0
        for value in specials where value != 0 {
            let text = Format.exact(value)
            guard let back = Double(text), back.bitPattern == value.bitPattern else {
                failures += 1
                if failures <= 5 { Issue.record("\(value.bitPattern): \(text)") }
                continue
            }
        }
        #expect(failures == 0)
        #expect(Format.exact(0) == "0")
    }

    /// `Format.exact` is documented as 17 significant digits in `%g` style; C's `printf("%.17g")`
    /// (through Foundation) is the oracle, over log-uniform magnitudes and the awkward spots:
    /// neighbours of powers of ten, halfway-looking binary fractions, integers near 10¹⁷.
    @Test func exactMatchesPrintf() {
        var rng = SplitMix64(seed: 0x9F17)
        var values: [Double] = []
        for k in -20...20 {
            let p = pow(10.0, Double(k))
            values += [p, p.nextUp, p.nextDown, -p, 5 * p, 9.5 * p, (9.5 * p).nextDown, 0.5 * p]
        }
        for k in 0..<60 { values += [Double(1 << 40) + 0.5 * Double(k), 1.0 / Double(1 << k), 0.125 * Double(k)] }
        values += [99_999_999_999_999_984, 99_999_999_999_999_968, 1e17.nextDown, 1e-16.nextUp, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3]
        for _ in 0..<200_000 {
            let exponent = Double.random(in: -18...18, using: &rng)
            let v = pow(10, exponent) * (Bool.random(using: &rng) ? 1 : -1)
            values.append(v)
            values.append(Double(Float(v)))  // short binary fractions
        }
        var failures = 0
        for v in values where v != 0 {
            let expected = String(format: "%.17g", v)
            let got = Format.exact(v)
            if got != expected {
                failures += 1
                if failures <= 5 { Issue.record("\(v.bitPattern): Format.exact gives \(got), printf gives \(expected)") }
            }
        }
        #expect(failures == 0)
    }

    /// Format.short names non-finite values in words; NaN is not a number at all, so it must not
    /// come out as "-infinity".
    @Test func shortFormOfNaN() {
        #expect(Format.short(-.infinity) == "-infinity")
        #expect(Format.short(.nan) != "-infinity")
        #expect(Format.short(.nan).lowercased().contains("nan"))
    }

    @Test func shortFormIsSixSignificantDigits() {
        #expect(Format.short(0.5) == "0.5")
        #expect(Format.short(2) == "2")
        #expect(Format.short(1.0 / 3) == "0.333333")
        #expect(Format.short(1_234_567) == "1.23457e+06")
        #expect(Format.short(-0.000125) == "-0.000125")
        #expect(Format.short(.infinity) == "infinity")
    }

    /// Parses JSON text back with Foundation's reader.
    private func parsed(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func stringEscapes() throws {
        #expect(JSONValue.string("say \"hi\"").rendered() == "\"say \\\"hi\\\"\"\n")
        #expect(JSONValue.string("back\\slash").rendered() == "\"back\\\\slash\"\n")
        #expect(JSONValue.string("a\nb\tc\rd").rendered() == "\"a\\nb\\tc\\rd\"\n")
        #expect(JSONValue.string("\u{01}").rendered().lowercased() == "\"\\u0001\"\n")
        #expect(JSONValue.string("\u{1F}").rendered().lowercased() == "\"\\u001f\"\n")
        #expect(JSONValue.string("日本 🙂 é").rendered() == "\"日本 🙂 é\"\n")
    }

    @Test func everyControlCharacterRoundTrips() throws {
        var text = "q\"b\\/"
        for v in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        text += "\u{7F}\u{2028}end"
        let rendered = JSONValue.string(text).rendered()
        #expect(rendered.hasSuffix("\n"))
        let body = rendered.dropLast()
        #expect(!body.unicodeScalars.contains { $0.value < 0x20 })
        let back = try parsed(String(body))
        #expect(back as? String == text)
    }

    @Test func objectsKeepKeyOrderAndEscapeKeys() throws {
        let value = JSONValue.object([
            ("z\"key", .number(0.1)),
            ("a\nkey", .array([.int(1), .bool(true), .null, .string("x")])),
            ("nan", .number(.nan)),
            ("inf", .number(-.infinity)),
            ("nested", .object([("k", .array([.object([("x", .int(-3))])]))])),
            ("empty", .array([])),
            ("none", .object([])),
        ])
        let text = value.rendered()
        let zAt = try #require(text.range(of: "z\\\"key"))
        let aAt = try #require(text.range(of: "a\\nkey"))
        #expect(zAt.lowerBound < aAt.lowerBound)
        let object = try #require(try parsed(text) as? [String: Any])
        #expect(object["z\"key"] as? Double == 0.1)
        #expect(object["nan"] is NSNull)
        #expect(object["inf"] is NSNull)
        let list = try #require(object["a\nkey"] as? [Any])
        #expect(list.count == 4)
        #expect(list[3] as? String == "x")
        #expect((object["empty"] as? [Any])?.isEmpty == true)
        #expect((object["none"] as? [String: Any])?.isEmpty == true)
        #expect(JSONValue.number(.nan) == JSONValue.null)
        #expect(JSONValue.int(1) != JSONValue.string("1"))
    }
}
