import ArgumentParser
import Foundation
import InfluenceModel

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What a campaign started from given people would reach: Independent Cascade runs on the referral graph.",
        discussion: """
            Each referral edge source -> target gets one chance to activate the target when the \
            source becomes active. Edge probabilities are estimated from the export: a referral \
            succeeded when its target converted (--conversions) or went on to refer someone. \
            --estimate sender (default): each sender's success rate; channel: each channel's; \
            shrunk: each sender's rate on each channel shrunk toward the channel's rate with \
            --strength pseudo-referrals. --probability P sets one probability for every edge.

            Output: the expected spread (people activated, seeds included) with its Monte Carlo \
            interval, and each person's activation probability (CSV node,activation_probability; \
            JSON adds the size distribution). Run r draws from a stream seeded by --seed and r: \
            the same bytes whatever the number of threads.
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    @Option(help: "Seed people, comma-separated ids.")
    var seeds: String?

    @Option(help: "A file of seed ids, one per line.")
    var seedsFile: String?

    @Option(help: "Monte Carlo runs.")
    var runs: Int = 10_000

    @Option(help: "Seed of the runs.")
    var seed: UInt64 = 1

    @OptionGroup var cascade: CascadeOptions

    @Option(help: "How many people the table lists.")
    var top: Int = 20

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        if seeds == nil && seedsFile == nil { throw ValidationError("Name the seed people: --seeds a,b,c or --seeds-file FILE.") }
        guard (1...100_000_000).contains(runs) else { throw ValidationError("--runs must be between 1 and 100000000, not \(runs).") }
    }

    func seedIds() throws -> [String] {
        var ids = (seeds ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let seedsFile {
            guard let text = try? String(contentsOfFile: seedsFile, encoding: .utf8) else {
                fail("cannot read the seeds file \(seedsFile).", 66)
            }
            ids += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty && !$0.hasPrefix("#")
            }
        }
        return ids
    }

    func run() throws {
        try reportingErrors {
            let (export, model, _) = try cascade.model(files: files, input: input)
            let nodes = try model.nodes(ofSeeds: try seedIds(), exactIds: input.exactIds, file: seedsFile ?? "--seeds")
            let simulation = Simulation(model: model, seeds: nodes, runs: runs, seed: seed)
            let report = SimulationReport(
                simulation: simulation, model: model, quality: export.events.quality, conversionsQuality: export.conversions?.quality,
                top: top)
            try outputOptions.write(report)
            RunReport.read(export.events.quality, kept: RunReport.count(export.events.count, "referral"), quiet: outputOptions.quiet)
            if !outputOptions.quiet {
                var stderr = StandardError()
                print("influence: " + report.summary, to: &stderr)
            }
            RunReport.wrote(outputOptions.output, what: "activation probabilities", quiet: outputOptions.quiet)
        }
    }
}

/// The Independent Cascade model's options, shared by `simulate` and `seeds`.
struct CascadeOptions: ParsableArguments {
    @Option(help: "One activation probability for every edge (instead of estimating them).")
    var probability: Double?

    @Option(help: "How to estimate edge probabilities: sender, channel or shrunk.")
    var estimate: String = "sender"

    @Option(help: "Pseudo-referrals of the channel rate in --estimate shrunk.")
    var strength: Double = 5

    @Option(help: "Conversions CSV: a converted target makes its referral a success.")
    var conversions: String?

    @Option(help: "A column of the export holding each referral's probability (0 to 1), instead of estimating them.")
    var probabilityColumn: String?

    func validate() throws {
        if let probability, !(0...1).contains(probability) {
            throw ValidationError("--probability must be between 0 and 1, not \(probability).")
        }
        if probability != nil, probabilityColumn != nil { throw ValidationError("Give --probability or --probability-column, not both.") }
        guard ["sender", "channel", "shrunk"].contains(estimate) else {
            throw ValidationError("--estimate must be sender, channel or shrunk, not '\(estimate)'.")
        }
        guard strength >= 0, strength.isFinite else { throw ValidationError("--strength must be a number of at least 0, not \(strength).") }
    }

    /// Reads the export and builds the model.
    func model(files: [String], input: InputOptions) throws -> (Export, CascadeModel, ReferralGraph) {
        let export = try Export.read(
            events: files, conversions: conversions.map { [$0] }, options: input.events,
            conversionOptions: input.conversions, filter: input.filter)
        var rule: EdgeProbabilityRule =
            probability.map { .constant($0) }
            ?? (estimate == "channel" ? .perChannel : estimate == "shrunk" ? .shrunk(strength: strength) : .perSender)
        if let probabilityColumn {
            if files.contains("-") { fail("--probability-column reads the files a second time, so it cannot read standard input.", 64) }
            rule = .given(try GivenProbabilities.read(paths: files, column: probabilityColumn, options: input.events))
        }
        if case .perChannel = rule, export.events.channel == nil {
            fail("\(export.events.file):1: --estimate channel needs a channel column, and the export has none.", 65)
        }
        let graph = ReferralGraph(events: export.events)
        let model = CascadeModel(graph: graph, events: export.events, conversions: export.conversions, rule: rule)
        if model.missing > 0, let example = model.missingExample {
            fail(
                "\(model.missing) referral\(model.missing == 1 ? " has" : "s have") no value in the column '\(probabilityColumn ?? "")' "
                    + "(the first: \(example.source) -> \(example.target)). Fill the column for every referral, or estimate the probabilities.",
                65)
        }
        return (export, model, graph)
    }
}
