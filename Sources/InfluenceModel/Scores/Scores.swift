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
    ///   - tiles: whether a large sparse W may be walked in tiles (`TiledMatrix`; the same
    ///     bits); `false` for benchmarks that compare the walks.
    ///
    /// `inWeight` and `personalization` must have one entry per person (checked).
    /// - Complexity: O(iterations × cost of W).
    public static func pagerank(
        _ w: AdjacencyOperator, inWeight: [Double], damping: Double,
        personalization: [Double]?, settings: IterationSettings, tiles: Bool = true
    )
        -> (x: [Double], report: IterationReport)
    {
        let n = w.dimension
        precondition(inWeight.count == n, "Scores.pagerank: inWeight has \(inWeight.count) entries for \(n) people")
        precondition(
            personalization == nil || personalization!.count == n,
            "Scores.pagerank: personalization has \(personalization?.count ?? 0) entries for \(n) people")
        // Uniform v is 1/n each: what dividing n ones by their sum (n, exact) gives.
        let teleport: [Double]
        if let personalization {
            let total = personalization.reduce(0, +)
            teleport = personalization.map { $0 / total }
        } else {
            teleport = [Double](repeating: 1 / Double(n), count: n)
        }
        let inverse = inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        func dangling() -> [Double] { inWeight.map { $0 > 0 ? 0.0 : 1.0 } }
        if w.kind == .sparse {
            // 1/in is 0 exactly where in is 0 unless an in-weight is infinite: then d is read
            // from the scale, without a vector of its own.
            let fromScale = !inWeight.contains { $0 > 0 && 1 / $0 == 0 }
            return PowerIteration.affine(
                sparse: w.forward, start: [Double](repeating: 1 / Double(n), count: n), alpha: damping, scale: inverse,
                constant: teleport, c0: 1 - damping, c1: damping, dangling: fromScale ? .whereScaleIsZero : .vector(dangling()),
                settings: settings, walk: tiles ? nil : PowerIteration.walk(rows: n, entries: w.forward.count, tiles: false))
        }
        let scaled = AlignedVector(count: n)  // x ⊘ in, aligned for the dense operator's gemv
        let z = scaled.buffer
        return inverse.withUnsafeBufferPointer { inverse in
            PowerIteration.affine(
                start: [Double](repeating: 1 / Double(n), count: n), alpha: damping,
                constant: teleport, c0: 1 - damping, c1: damping, d: dangling(),
                settings: settings
            ) { x, y in
                Elementwise.multiply(x, inverse, into: z)
                w.apply(UnsafeBufferPointer(z), into: y)
            }
        }
    }

    /// Downstream reach Σ_{k≥1} βᵏ Wᵏ 1 (networkx: `katz_centrality(G.reverse(), alpha=β,
    /// beta=1, normalized=False, weight="weight") − 1`).
    ///
    /// Iterates r ← β·W·r + β·W·1 from 0, which sums the series without the 1 that Katz
    /// adds and later subtracts. The series converges exactly when β·ρ(W) < 1, decided from
    /// certified bounds lower ≤ ρ ≤ upper (`spectralBounds`): β·upper < 1 converges;
    /// β·lower ≥ 1 is refused without iterating; in between (bounds not yet tight, or β
    /// within rounding of 1/ρ) it iterates and refuses if the change keeps growing or the
    /// series does not converge within the cap.
    /// - Throws: `ScoreError.divergentReach`, naming the upper bound on ρ.
    public static func reach(_ w: AdjacencyOperator, beta: Double, settings: IterationSettings) throws(ScoreError)
        -> (x: [Double], report: IterationReport)
    {
        try reach(w, beta: beta, bounds: spectralBounds(w), settings: settings)
    }

    /// `reach` with the bounds on ρ(W) already known.
    static func reach(_ w: AdjacencyOperator, beta: Double, bounds: SpectralBounds, settings: IterationSettings) throws(ScoreError)
        -> (x: [Double], report: IterationReport)
    {
        if beta >= bounds.divergentFrom { throw .divergentReach(beta: beta, spectralRadius: bounds.upper) }
        let proven = beta < bounds.convergentBelow
        let n = w.dimension
        let ones = AlignedVector(copying: [Double](repeating: 1, count: n))  // aligned: see `AlignedVector`
        let product = AlignedVector(count: n)
        w.apply(UnsafeBufferPointer(ones.buffer), into: product.buffer)
        let direct = product.array
        let start = [Double](repeating: 0, count: n)
        let solved =
            w.kind == .sparse
            ? PowerIteration.affine(
                sparse: w.forward, start: start, alpha: beta, scale: nil, constant: direct, c0: beta, c1: 0, dangling: .none,
                settings: settings, growthWindow: proven ? 0 : 50)
            : PowerIteration.affine(
                start: start, alpha: beta, constant: direct, c0: beta, settings: settings, growthWindow: proven ? 0 : 50
            ) { x, y in w.apply(x, into: y) }
        if !proven, !solved.report.converged || solved.report.growing {
            throw .divergentReach(beta: beta, spectralRadius: bounds.upper)
        }
        return solved
    }

    /// Hub and authority scores of the weighted graph, each summing to 1 (networkx 3.6.1: the
    /// power-method `hits`, `networkx.algorithms.link_analysis.hits_alg._hits_python(G)`,
    /// which is also what `nx.hits(G)` gives whenever its answer is unique).
    ///
    /// The hub vector is the dominant eigenvector of W·Wᵀ by power iteration from uniform
    /// hubs, as networkx starts; the authority vector is Wᵀ·h normalized. When the top singular
    /// value of W is not simple the answer is not unique: this one, like networkx's, is the
    /// projection of the uniform hub vector onto the top singular subspace. (`nx.hits` itself
    /// calls ARPACK there, which returns an arbitrary vector of that subspace.)
    /// - Throws: `ScoreError.undefinedHits` when every weight is 0.
    public static func hits(_ w: AdjacencyOperator, settings: IterationSettings) throws(ScoreError)
        -> (hub: [Double], authority: [Double], report: IterationReport)
    {
        let n = w.dimension
        guard n > 0 else { return ([], [], IterationReport(iterations: 0, residual: 0, converged: true)) }
        let between = AlignedVector(count: n)  // aligned: see `AlignedVector`
        let t = between.buffer
        let solved = PowerIteration.eigenvector(start: [Double](repeating: 1 / Double(n), count: n), settings: settings) { x, y in
            w.applyTransposed(x, into: t)
            w.apply(UnsafeBufferPointer(t), into: y)
        }
        // W·Wᵀ·1 vanishes only if W = 0 (W ≥ 0): every vector would be a fixed point.
        guard solved.x.contains(where: { $0 != 0 }) else { throw .undefinedHits }
        let hub = AlignedVector(copying: solved.x)
        let product = AlignedVector(count: n)
        w.applyTransposed(UnsafeBufferPointer(hub.buffer), into: product.buffer)
        var authority = product.array
        let total = authority.reduce(0, +)
        if total > 0 { authority = authority.map { $0 / total } }
        return (solved.x, authority, solved.report)
    }

    /// The spectral radius ρ(W) of a non-negative W, as the certified upper bound of
    /// `spectralBounds`: never below ρ, and within 1e-9 of it once the bounds have met.
    public static func spectralRadius(_ w: AdjacencyOperator) -> Double {
        spectralBounds(w).upper
    }
}
