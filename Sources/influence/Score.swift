import ArgumentParser
import InfluenceModel

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every person's influence in a referral export.",
        discussion: """
            pagerank (default): PageRank of the reversed referral graph, so credit flows from the \
            referred to their referrers; --personalize makes the teleport vector proportional to \
            each person's total conversion value.
            reach: expected downstream reach Σ_{k≥1} β^k W^k 1; with β = 1 on a forest it counts descendants.
            hits: hub and authority scores, each summing to 1 (ranked by hub).

            CSV columns: node,score,rank (hits: node,hub,authority,rank), rank 1 = highest, \
            ties by node id; scores carry 17 significant digits.
            """
    )

    @Argument(help: "The referral export (CSV), or - for standard input.")
    var events: String

    @Option(help: "pagerank, reach or hits.")
    var algorithm: String = "pagerank"

    @Option(help: "PageRank damping, in (0, 1).")
    var damping: Double = 0.85

    @Option(help: "Reach's per-hop factor β (> 0).")
    var beta: Double = 0.1



    @Option(help: "Conversions CSV (user, value): personalize PageRank by each person's total conversion value.")
    var personalize: String?

    @OptionGroup var iteration: IterationOptions

    @Option(help: "Show only the first K ranks (default: all; 20 in a table).")
    var top: Int?

    @Flag(help: "Print the wall time of each phase (read, build, iterate, write) on standard error.")
    var timings = false

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard let algorithm = ScoreAlgorithm(rawValue: algorithm) else {
            throw ValidationError("--algorithm must be pagerank, reach or hits, not '\(self.algorithm)'.")
        }
        guard damping > 0, damping < 1 else { throw ValidationError("--damping must lie strictly between 0 and 1, not \(damping).") }
        guard beta > 0, beta.isFinite else { throw ValidationError("--beta must be a positive number, not \(beta).") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1, not \(top).") }
        if personalize != nil, algorithm != .pagerank {
            throw ValidationError("--personalize applies to --algorithm pagerank only.")
        }
    }

    func run() throws {
        try reportingErrors {
            let clock = timings ? PhaseTimings() : nil
            let graph = try ScoringGraph.read(path: events, options: input.events, timings: clock)
            var options = ScoreOptions(
                algorithm: ScoreAlgorithm(rawValue: algorithm)!, damping: damping, beta: beta,
                iteration: iteration.settings,
                operatorChoice: iteration.operatorChoice)
            var quality = graph.quality
            if let personalize {
                let conversions = try Conversions.read(path: personalize, options: input.conversions)
                let (values, unknown) = conversions.totals(over: graph.people)
                quality.unknownConverters = unknown
                guard values.contains(where: { $0 > 0 }) else {
                    throw ScoreError.emptyPersonalization(file: conversions.file, unknown: unknown)
                }
                options.personalization = values
            }
            reportSkipped(quality, quiet: outputOptions.quiet)
            var result = try graph.score(options, timings: clock)
            result.quality = quality
            let format = outputOptions.resolvedFormat
            try clock.measure("write") { () throws(OutputError) in
                switch format {
                case .csv: try OutputFile.write(bytes: result.csvBytes(top: top), to: outputOptions.output)
                case .json: try OutputFile.write(result.json(top: top).rendered(), to: outputOptions.output)
                case .table: try OutputFile.write(result.table(top: top ?? 20), to: outputOptions.output)
                }
            }
            if let clock {
                var stderr = StandardError()
                let phases = clock.phases.map { "\($0.name) \(Int(($0.seconds * 1000).rounded())) ms" }
                print("influence: timings: " + phases.joined(separator: ", ") + " (\(result.report.iterations) iterations, \(graph.storage) \(result.operatorKind.rawValue) operator)", to: &stderr)
            }
            if !result.report.converged { warnNotConverged(result.summary, quiet: outputOptions.quiet) }
        }
    }
}
