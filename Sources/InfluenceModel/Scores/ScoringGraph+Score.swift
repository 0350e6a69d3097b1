extension ScoringGraph {
    /// Scores every person, as `ReferralGraph.score` does.
    /// - Throws: `ScoreError`.
    public func score(_ options: ScoreOptions, timings: PhaseTimings? = nil) throws(ScoreError) -> ScoreResult {
        let kind = options.operatorChoice.resolve(people: nodeCount, edges: edgeCount)
        let reverse = options.algorithm == .hits && kind == .sparse ? timings.measure("transpose") { forward.transposed() } : nil
        let w = AdjacencyOperator(forward: forward, reverse: reverse, kind: kind)
        return try timings.measure("iterate") { () throws(ScoreError) in
            try Scores.solve(w, inWeight: { inWeight }, people: people, quality: quality, options: options)
        }
    }

    /// Whether sparse PageRank and reach on this graph iterate over people renumbered
    /// breadth-first (`Renumbering.pays`: large graphs under 2 referrals per person).
    public var iteratesRenumbered: Bool { Renumbering.pays(people: nodeCount, entries: edgeCount) }

    /// The adjacency W as the operator `score` would use for `choice` (for benchmarks).
    /// With `renumbered`, people are in the breadth-first order PageRank and reach iterate in
    /// when `iteratesRenumbered`.
    public func adjacency(_ choice: OperatorChoice = .auto, renumbered: Bool = false) -> AdjacencyOperator {
        let w = renumbered ? Renumbering(forward).matrix : forward
        return AdjacencyOperator(forward: w, reverse: nil, kind: choice.resolve(people: nodeCount, edges: edgeCount))
    }
}
