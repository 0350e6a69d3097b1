import ArgumentParser
import InfluenceModel

struct Seeds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Whom to start the next campaign with: k seeds that maximise the expected Independent Cascade spread.",
        discussion: """
            --method imm (default): IMM (Tang, Shi and Xiao 2015), a (1 - 1/e - epsilon) \
            approximation with probability 1 - 1/n, from reverse-reachable sets. --method celf: \
            CELF greedy with Monte Carlo estimates, a cross-check for small graphs. Edge \
            probabilities are set as in 'influence simulate'.

            CSV: rank,node,marginal_gain,expected_spread (the method's estimates). The chosen \
            set is then simulated (--runs), and so is the set of the k best-ranked people by \
            PageRank, for comparison (summary on standard error; both in JSON).
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    @Option(name: .customLong("k"), help: "How many seeds to choose.")
    var k: Int

    @Option(help: "IMM's epsilon.")
    var epsilon: Double = 0.1

    @Option(help: "imm or celf.")
    var method: String = "imm"

    @Option(help: "Monte Carlo runs to check the chosen seeds (and per estimate in CELF).")
    var runs: Int = 10_000

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 1

    @OptionGroup var cascade: CascadeOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1, not \(k).") }
        guard epsilon > 0, epsilon < 1 else { throw ValidationError("--epsilon must be between 0 and 1, not \(epsilon).") }
        guard SeedSelection.Method(rawValue: method) != nil else { throw ValidationError("--method must be imm or celf, not '\(method)'.") }
        guard (1...10_000_000).contains(runs) else { throw ValidationError("--runs must be between 1 and 10000000, not \(runs).") }
    }

    func run() throws {
        try reportingErrors {
            let (export, model, referralGraph) = try cascade.model(files: files, input: input)
            let (report, pagerank) = try SeedReport.plan(
                model: model, graph: referralGraph, k: k, method: SeedSelection.Method(rawValue: method) ?? .imm, epsilon: epsilon,
                runs: runs, seed: seed, quality: export.events.quality, conversionsQuality: export.conversions?.quality)
            // The PageRank seeds are only a yardstick, but one from an unconverged score is said so.
            if !pagerank.report.converged { warnNotConverged(pagerank.summary) }
            try outputOptions.write(report)
            RunReport.read(export.events.quality, kept: RunReport.count(export.events.count, "referral"), quiet: outputOptions.quiet)
            if !outputOptions.quiet {
                var stderr = StandardError()
                print("influence: " + report.summary, to: &stderr)
            }
        }
    }
}
