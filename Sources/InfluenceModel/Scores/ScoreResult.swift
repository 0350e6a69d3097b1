/// Every person's score, with how the iteration that produced it ended.
public struct ScoreResult: Sendable {
    public let options: ScoreOptions
    public let people: Interner
    /// PageRank or reach by person; for HITS, the hub score.
    public let score: [Double]
    /// HITS authority by person; `nil` for the other scores.
    public let authority: [Double]?
    public let report: IterationReport
    public let operatorKind: OperatorKind
    public let edgeCount: Int
    /// What was read, skipped and merged.
    public var quality: DataQuality

    public var algorithm: ScoreAlgorithm { options.algorithm }

    /// People ordered by rank: highest score first, ties by authority (HITS) then by id.
    /// - Complexity: O(n log n).
    public func ranking() -> [Int32] {
        radixRanking()
    }

    /// `ranking()` by comparison sort: the definition `radixRanking()` is tested against.
    func comparisonRanking() -> [Int32] {
        let people = self.people
        let score = self.score
        let authority = self.authority
        return (0..<Int32(score.count)).sorted { a, b in
            let sa = score[Int(a)], sb = score[Int(b)]
            if sa != sb { return sa > sb }
            if let authority, authority[Int(a)] != authority[Int(b)] { return authority[Int(a)] > authority[Int(b)] }
            return people.precedes(a, b)
        }
    }
}

extension ReferralGraph {
    /// Scores every person.
    /// - Parameter options: the algorithm and its parameters.
    /// - Throws: `ScoreError`.
    /// - Complexity: O(iterations × (people + edges)) sparse, O(iterations × people²) dense.
    public func score(_ options: ScoreOptions) throws(ScoreError) -> ScoreResult {
        let kind = options.operatorChoice.resolve(people: nodeCount, edges: edgeCount)
        let w = AdjacencyOperator(forward: forward, reverse: reverse, kind: kind)
        return try Scores.solve(w, inWeight: { reverse.rowSums() }, people: people, quality: quality, options: options)
    }
}

extension Scores {
    /// Runs the score `options` asks for on `w` and wraps it up with the graph's people and counts.
    /// - Parameter inWeight: in(t) for each person; asked for by PageRank only.
    static func solve(
        _ w: AdjacencyOperator, inWeight: () -> [Double], people: Interner, quality: DataQuality,
        options: ScoreOptions
    ) throws(ScoreError) -> ScoreResult {
        var options = options
        if let v = options.personalization {
            // Checked before BLAS sees it: a short vector would be read past its end.
            let n = people.count
            if v.count != n { throw .badPersonalization(people: n, entries: v.count, reason: "the lengths differ") }
            if !v.allSatisfy({ $0 >= 0 && $0.isFinite }) {
                throw .badPersonalization(people: n, entries: v.count, reason: "a value is negative, infinite or NaN")
            }
            if !v.contains(where: { $0 > 0 }) { throw .badPersonalization(people: n, entries: v.count, reason: "every value is 0") }
        }
        var authority: [Double]?
        var solved: (x: [Double], report: IterationReport)
        // Large sparse PageRank and reach on forest-like graphs iterate over people renumbered
        // breadth-first (see `Renumbering`); HITS also needs Wᵀ and keeps the file's numbering.
        let renumbering =
            options.algorithm != .hits && w.kind == .sparse && Renumbering.pays(people: w.dimension, entries: w.forward.count)
            ? Renumbering(w.forward) : nil
        let operand = renumbering.map { AdjacencyOperator(forward: $0.matrix, reverse: nil, kind: .sparse) } ?? w
        switch options.algorithm {
        case .pagerank:
            let weights = inWeight()
            solved = Scores.pagerank(
                operand, inWeight: renumbering?.forward(weights) ?? weights, damping: options.damping,
                personalization: options.personalization.map { renumbering?.forward($0) ?? $0 }, settings: options.iteration)
        case .reach:
            let bounds = Scores.spectralBounds(operand)
            if options.automaticBeta { options.beta = ScoreOptions.automaticBeta(upper: bounds.upper) }
            solved = try Scores.reach(operand, beta: options.beta, bounds: bounds, settings: options.iteration)
        case .hits:
            let hits = try Scores.hits(w, settings: options.iteration)
            solved = (hits.hub, hits.report)
            authority = hits.authority
        }
        if let renumbering { solved.x = renumbering.back(solved.x) }
        guard solved.report.finite, solved.x.allSatisfy(\.isFinite) else { throw .nonFinite(algorithm: options.algorithm) }
        return ScoreResult(
            options: options, people: people, score: solved.x, authority: authority,
            report: solved.report, operatorKind: w.kind, edgeCount: w.forward.count, quality: quality)
    }
}
