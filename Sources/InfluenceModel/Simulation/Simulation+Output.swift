/// A simulation with the model and names it ran on, ready to write in every format.
public struct SimulationReport: Sendable, OutputDocument {
    public var simulation: Simulation
    public var model: CascadeModel
    /// The quality of the inputs read.
    public var quality: DataQuality
    public var conversionsQuality: DataQuality?
    /// Rows listed by table and Markdown (CSV and JSON list everyone activated at least once).
    public var top: Int

    public init(simulation: Simulation, model: CascadeModel, quality: DataQuality, conversionsQuality: DataQuality? = nil, top: Int = 20) {
        self.simulation = simulation
        self.model = model
        self.quality = quality
        self.conversionsQuality = conversionsQuality
        self.top = top
    }

    /// Nodes activated in some run, by activation probability (highest first), then id.
    var ranked: [Int32] {
        let people = model.people
        return (0..<Int32(model.nodeCount)).filter { simulation.activation[Int($0)] > 0 }.sorted { a, b in
            let pa = simulation.activation[Int(a)], pb = simulation.activation[Int(b)]
            return pa != pb ? pa > pb : people.precedes(a, b)
        }
    }

    /// How the edge probabilities were set, in words.
    public var ruleDescription: String { model.ruleDescription }

    /// One line: the expected spread, its interval, the seeds, runs and how edges were weighed.
    public var summary: String {
        let s = simulation
        return "expected spread \(Format.short(s.expectedSpread)) people (\(Format.short(s.confidence * 100))% \(Format.short(s.low)) to "
            + "\(Format.short(s.high))) from \(s.seeds.count) seed\(s.seeds.count == 1 ? "" : "s"), \(s.runs) runs (seed \(s.seed)); "
            + "edge probabilities \(ruleDescription): \(model.edgeCount) edges, \(model.successfulEdges) successful"
    }

    /// `node,activation_probability`, everyone activated in some run, seeds included.
    public func csv() -> String {
        var out = "node,activation_probability\n"
        for v in ranked {
            CSVText.appendField(model.people.name(v), to: &out)
            out += "," + Format.shortest(simulation.activation[Int(v)]) + "\n"
        }
        return out
    }

    public func table() -> String {
        let rows = ranked.prefix(top).enumerated().map { k, v in
            [String(k + 1), model.people.name(v), Format.short(simulation.activation[Int(v)])]
        }
        return summary + "\n\n" + TextTable.render(header: ["rank", "node", "activation_probability"], rows: rows, rightAligned: [0, 2])
    }

    public func markdown() -> String {
        let rows = ranked.prefix(top).enumerated().map { k, v in
            [String(k + 1), model.people.name(v), Format.short(simulation.activation[Int(v)])]
        }
        return "# Simulation\n\n" + MarkdownTable.escape(summary) + "\n\n"
            + MarkdownTable.render(header: ["rank", "node", "activation probability"], rows: rows, rightAligned: [0, 2])
    }

    public func json() -> JSONValue {
        let s = simulation
        return .document(
            command: "simulate",
            parameters: [
                ("seeds", .array(s.seeds.map { .string(model.people.name($0)) })), ("runs", .int(s.runs)),
                ("seed", .string(String(s.seed))),
                ("confidence", .number(s.confidence)), ("edge_probabilities", .string(ruleDescription)),
            ],
            results: [
                ("expected_spread", .number(s.expectedSpread)), ("low", .number(s.low)), ("high", .number(s.high)),
                ("standard_deviation", .number(s.standardDeviation)), ("runs", .int(s.runs)),
                ("edges", .int(model.edgeCount)), ("successful_edges", .int(model.successfulEdges)),
                (
                    "channels",
                    .array(
                        model.channelCounts.map {
                            .object([("channel", .string($0.channel)), ("edges", .int($0.edges)), ("successes", .int($0.successes))])
                        })
                ),
                ("sizes", .array(s.sizes.map { .object([("size", .int($0.size)), ("runs", .int($0.runs))]) })),
                (
                    "activation",
                    .array(
                        ranked.map { v in
                            .object([("node", .string(model.people.name(v))), ("activation_probability", .number(s.activation[Int(v)]))])
                        })
                ),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }
}

extension CascadeModel {
    /// How the edge probabilities were set, in words.
    public var ruleDescription: String {
        switch rule {
        case .constant(let p): return "constant \(Format.short(p))"
        case .perSender: return "per sender (share of referrals whose target converted or referred someone)"
        case .perChannel: return "per channel (share of referrals whose target converted or referred someone)"
        case .shrunk(let k): return "per sender and channel, shrunk toward the channel's rate with \(Format.short(k)) pseudo-referrals"
        case .given(let given): return "from the column '\(given.column)'"
        }
    }
}
