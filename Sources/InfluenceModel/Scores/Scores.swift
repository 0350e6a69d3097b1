/// The score definitions of DESIGN.md, each a fixed point found by `PowerIteration`.
public enum Scores {
    /// PageRank of the reversed graph (networkx: `pagerank(G.reverse(), alpha, weight="weight")`).
    ///
    /// With W[s][t] the weight of s → t and in(t) = Σₛ W[s][t], a step is
    /// x ← α·W·(x ⊘ in) + (α·Σ_{in(t)=0} x_t + 1 − α)·v: each referred person passes their
    /// score to their referrers in proportion to weight, and people nobody referred (the
    /// dangling nodes of the reversed graph) spread theirs like the teleport vector v.
    /// - Parameters:
    ///   - w: the adjacency operator.
    ///   - inWeight: in(t) for each person.
    ///   - damping: α.
    ///   - personalization: v before normalizing; `nil` is uniform.
    /// - Complexity: O(iterations × cost of W).
    public static func pagerank(_ w: AdjacencyOperator, inWeight: [Double], damping: Double,
                                personalization: [Double]?, settings: IterationSettings)
        -> (x: [Double], report: IterationReport)
    {
        let n = w.dimension
        var teleport = personalization ?? [Double](repeating: 1, count: n)
        let total = teleport.reduce(0, +)
        teleport = teleport.map { $0 / total }
        let inverse = inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        let dangling = inWeight.map { $0 > 0 ? 0.0 : 1.0 }
        let scaled = AlignedVector(count: n)  // x ⊘ in, aligned for the dense operator's gemv
        let z = scaled.buffer
        return inverse.withUnsafeBufferPointer { inverse in
            PowerIteration.affine(start: [Double](repeating: 1 / Double(n), count: n), alpha: damping,
                                  constant: teleport, c0: 1 - damping, c1: damping, d: dangling,
                                  settings: settings) { x, y in
                Scores.multiply(x, inverse, into: z)
                w.apply(UnsafeBufferPointer(z), into: y)
            }
        }
    }

    /// z ← x ⊙ v, elementwise (exact in any order), on several threads for long vectors.
    static func multiply(_ x: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
        let n = z.count
        let parts = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : Parallel.threads)
        let (xs, vs, zs) = (UncheckedSendable(x), UncheckedSendable(v), SharedBuffer(z))
        Parallel.forEach(parts.count) { p in
            let (x, v, z) = (xs.value.baseAddress!, vs.value.baseAddress!, zs.base)
            for i in parts[p] { z[i] = x[i] * v[i] }
        }
    }

    /// Downstream reach Σ_{k≥1} βᵏ Wᵏ 1 (networkx: `katz_centrality(G.reverse(), alpha=β,
    /// beta=1, normalized=False, weight="weight") − 1`).
    ///
    /// Iterates r ← β·W·r + β·W·1 from 0, which sums the series without the 1 that Katz
    /// adds and later subtracts.
    /// - Throws: `ScoreError.divergentReach` when β·ρ(W) ≥ 1, naming the estimate of ρ.
    public static func reach(_ w: AdjacencyOperator, beta: Double, settings: IterationSettings) throws(ScoreError)
        -> (x: [Double], report: IterationReport)
    {
        let n = w.dimension
        let ones = AlignedVector(copying: [Double](repeating: 1, count: n))  // aligned: see `AlignedVector`
        let product = AlignedVector(count: n)
        w.apply(UnsafeBufferPointer(ones.buffer), into: product.buffer)
        let direct = product.array
        let solved = PowerIteration.affine(start: [Double](repeating: 0, count: n), alpha: beta, constant: direct,
                                           c0: beta, settings: settings) { x, y in w.apply(x, into: y) }
        if !solved.report.converged {
            let rho = spectralRadius(w)
            if beta * rho >= 1 - 1e-9 || !solved.report.finite { throw .divergentReach(beta: beta, spectralRadius: rho) }
        }
        return solved
    }

    /// Hub and authority scores of the weighted graph, each summing to 1 (networkx: `hits(G)`).
    ///
    /// The authority vector is the dominant eigenvector of WᵀW (power iteration from the
    /// uniform vector), the hub vector W·a normalized. When the top singular value of W is
    /// not simple the answer is not unique; this one is the limit from the uniform start.
    public static func hits(_ w: AdjacencyOperator, settings: IterationSettings)
        -> (hub: [Double], authority: [Double], report: IterationReport)
    {
        let n = w.dimension
        let between = AlignedVector(count: n)  // aligned: see `AlignedVector`
        let t = between.buffer
        let solved = PowerIteration.eigenvector(start: [Double](repeating: 1 / Double(n), count: n), settings: settings) { x, y in
            w.apply(x, into: t)
            w.applyTransposed(UnsafeBufferPointer(t), into: y)
        }
        let authority = AlignedVector(copying: solved.x)
        let product = AlignedVector(count: n)
        w.apply(UnsafeBufferPointer(authority.buffer), into: product.buffer)
        var hub = product.array
        let total = hub.reduce(0, +)
        if total > 0 { hub = hub.map { $0 / total } }
        return (hub, solved.x, solved.report)
    }

    /// An estimate of the spectral radius ρ(W) of a non-negative W.
    ///
    /// Power iteration on W + I, which has the same Perron vector and ρ + 1 as its dominant
    /// eigenvalue but no periodicity, so cycles do not make it oscillate.
    public static func spectralRadius(_ w: AdjacencyOperator, iterations: Int = 2000) -> Double {
        let n = w.dimension
        var x = [Double](repeating: 1 / Double(n), count: n)
        var y = [Double](repeating: 0, count: n)
        var estimate = 0.0
        for _ in 0 ..< iterations {
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { w.apply(xp, into: $0) } }
            for i in 0 ..< n { y[i] += x[i] }
            let norm = y.reduce(0, +)  // ‖(W + I)x‖₁ with ‖x‖₁ = 1
            guard norm.isFinite, norm > 0 else { return .infinity }
            let next = norm - 1
            for i in 0 ..< n { y[i] /= norm }
            swap(&x, &y)
            if abs(next - estimate) <= 1e-12 * max(1, next) { return next }
            estimate = next
        }
        return estimate
    }
}
