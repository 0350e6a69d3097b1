/// Chosen seeds with their checked spread, and the top PageRank people's for comparison.
public struct SeedReport: Sendable, OutputDocument {
    public var selection: SeedSelection
    public var model: CascadeModel
    /// A Monte Carlo simulation from the chosen seeds, and from the k best-ranked people by
    /// PageRank (`nil` when not computed).
    public var chosenSpread: Simulation
    public var pagerankSpread: Simulation?
    public var pagerankSeeds: [Int32]
    public var quality: DataQuality
    public var conversionsQuality: DataQuality?

    public init(
        selection: SeedSelection, model: CascadeModel, chosenSpread: Simulation, pagerankSpread: Simulation?, pagerankSeeds: [Int32],
        quality: DataQuality, conversionsQuality: DataQuality?
    ) {
        self.selection = selection
        self.model = model
        self.chosenSpread = chosenSpread
        self.pagerankSpread = pagerankSpread
        self.pagerankSeeds = pagerankSeeds
        self.quality = quality
        self.conversionsQuality = conversionsQuality
    }

    /// The seeds' rows, numbers written by `number`.
    func rows(_ number: (Double) -> String) -> [[String]] {
        selection.seeds.enumerated().map { k, s in
            [String(k + 1), model.people.name(s.node), number(s.marginalGain), number(s.expectedSpread)]
        }
    }

    /// The method in words, with its parameters.
    public var methodDescription: String {
        selection.method == .imm
            ? "IMM (ε = \(Format.short(selection.epsilon ?? 0)), \(selection.samples) reverse-reachable sets)"
            : "CELF greedy (\(selection.samples) runs per estimate)"
    }

    /// The `k` people of highest `score` (ties: the people's order), for the PageRank
    /// yardstick.
    /// - Complexity: O(n log n) on the scores alone, then on the few at or above the k-th.
    public static func top(_ k: Int, by score: [Double], people: Interner) -> [Int32] {
        let k = min(k, score.count)
        guard k > 0 else { return [] }
        let threshold = score.sorted(by: >)[k - 1]
        let candidates: [Int32] = (0..<Int32(score.count)).filter { score[Int($0)] >= threshold }
        let ranked = candidates.sorted { (a: Int32, b: Int32) -> Bool in
            let sa = score[Int(a)], sb = score[Int(b)]
            return sa != sb ? sa > sb : people.precedes(a, b)
        }
        return Array(ranked.prefix(k))
    }

    /// The chosen seeds checked by simulation and set against the top `k` by PageRank, as
    /// `influence seeds` reports them.
    /// - Throws: `SimulationError` when IMM cannot run (see `SeedSelection.imm`), or the
    ///   PageRank's error.
    public static func plan(
        model: CascadeModel, graph: ReferralGraph, k: Int, method: SeedSelection.Method = .imm, epsilon: Double = 0.1, runs: Int = 10_000,
        seed: UInt64 = 1, quality: DataQuality, conversionsQuality: DataQuality?
    ) throws -> (report: SeedReport, pagerank: ScoreResult) {
        let selection =
            method == .celf
            ? SeedSelection.celf(model: model, k: k, runs: runs, seed: seed)
            : try SeedSelection.imm(model: model, k: k, epsilon: epsilon, seed: seed)
        let chosen = selection.seeds.map(\.node)
        let checked = Simulation(model: model, seeds: chosen, runs: runs, seed: seed)
        let pagerank = try ScoringGraph(graph).score(ScoreOptions())
        let top = top(chosen.count, by: pagerank.score, people: model.people)
        let pagerankSpread = Simulation(model: model, seeds: top, runs: runs, seed: seed)
        let report = SeedReport(
            selection: selection, model: model, chosenSpread: checked, pagerankSpread: pagerankSpread, pagerankSeeds: top,
            quality: quality, conversionsQuality: conversionsQuality)
        return (report, pagerank)
    }

    /// One line: the method, the spread of the chosen seeds, and against the PageRank seeds.
    public var summary: String {
        var text =
            "\(selection.seeds.count) seeds by \(methodDescription): expected spread \(Format.short(chosenSpread.expectedSpread)) "
            + "(\(Format.short(chosenSpread.confidence * 100))% \(Format.short(chosenSpread.low)) to \(Format.short(chosenSpread.high)), \(chosenSpread.runs) runs)"
        if let p = pagerankSpread {
            text +=
                "; the top \(pagerankSeeds.count) by PageRank: \(Format.short(p.expectedSpread)) (\(Format.short(p.low)) to \(Format.short(p.high)))"
        }
        return text
    }

    /// `rank,node,marginal_gain,expected_spread`: the method's own estimates (IMM: from the
    /// reverse-reachable sets).
    public func csv() -> String {
        var out = "rank,node,marginal_gain,expected_spread\n"
        for row in rows(Format.shortest) {
            out += row[0] + ","
            CSVText.appendField(row[1], to: &out)
            out += "," + row[2] + "," + row[3] + "\n"
        }
        return out
    }

    public func table() -> String {
        summary + "\n\n"
            + TextTable.render(
                header: ["rank", "node", "marginal_gain", "expected_spread"], rows: rows(Format.short), rightAligned: [0, 2, 3])
    }

    public func markdown() -> String {
        "# Seeds\n\n" + MarkdownTable.escape(summary) + "\n\n"
            + MarkdownTable.render(
                header: ["rank", "node", "marginal gain", "expected spread"], rows: rows(Format.short), rightAligned: [0, 2, 3])
    }

    public func json() -> JSONValue {
        func spread(_ s: Simulation) -> JSONValue {
            .object([
                ("expected_spread", .number(s.expectedSpread)), ("low", .number(s.low)), ("high", .number(s.high)), ("runs", .int(s.runs)),
            ])
        }
        return .document(
            command: "seeds",
            parameters: [
                ("k", .int(selection.seeds.count)), ("method", .string(selection.method.rawValue)),
                ("epsilon", selection.epsilon.map(JSONValue.number) ?? .null), ("samples", .int(selection.samples)),
            ],
            results: [
                (
                    "seeds",
                    .array(
                        selection.seeds.enumerated().map { k, s in
                            .object([
                                ("rank", .int(k + 1)), ("node", .string(model.people.name(s.node))),
                                ("marginal_gain", .number(s.marginalGain)),
                                ("expected_spread", .number(s.expectedSpread)),
                            ])
                        })
                ),
                ("simulated", spread(chosenSpread)),
                ("pagerank_seeds", .array(pagerankSeeds.map { .string(model.people.name($0)) })),
                ("pagerank_simulated", pagerankSpread.map(spread) ?? .null),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }
}
