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

    /// One line: the method, the spread of the chosen seeds, and against the PageRank seeds.
    public var summary: String {
        let method =
            selection.method == .imm
            ? "IMM (ε = \(Format.short(selection.epsilon ?? 0)), \(selection.samples) reverse-reachable sets)"
            : "CELF greedy (\(selection.samples) runs per estimate)"
        var text =
            "\(selection.seeds.count) seeds by \(method): expected spread \(Format.short(chosenSpread.expectedSpread)) "
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
