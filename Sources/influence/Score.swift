import ArgumentParser
import InfluenceModel

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every person's influence in a referral export.",
        discussion: """
            pagerank (default): PageRank of the reversed referral graph, so credit flows from the \
            referred to their referrers; --personalize makes the teleport vector proportional to \
            each person's total conversion value.
            reach: expected downstream reach Σ_{k≥1} β^k W^k 1; with β = 1 on a forest it counts descendants. \
            Without --beta, β = min(0.1, 0.5/ρ̄) for the graph's certified spectral-radius bound ρ̄.
            hits: hub and authority scores, each summing to 1 (ranked by hub).

            CSV columns: node,score,rank (hits: node,hub,authority,rank), rank 1 = highest, \
            ties by node id; scores are the shortest decimals that read back exactly.
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    @OptionGroup var method: ScoreMethodOptions

    @OptionGroup var iteration: IterationOptions

    @Option(help: "Show only the first K ranks (default: all; 20 in a table).")
    var top: Int?

    @Flag(help: "Print the wall time of each phase (read, build, iterate, write) on standard error.")
    var timings = false

    @Flag(help: "Score every input file on its own, writing one output per file into --out-dir, and print a summary table.")
    var each = false

    @Option(help: "With --each: the folder to write each file's scores into (created if missing).")
    var outDir: String?

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1, not \(top).") }
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        if each, outDir == nil { throw ValidationError("--each writes one file per input: name the folder with --out-dir DIR.") }
        if !each, outDir != nil { throw ValidationError("--out-dir goes with --each; for one output use -o FILE.") }
        if each, outputOptions.output != nil { throw ValidationError("--each writes into --out-dir; drop -o.") }
        if outputOptions.format == OutputFormat.html.rawValue {
            throw ValidationError("--format html is for influence report; use table, csv, json or markdown here.")
        }
    }

    var scoreOptions: ScoreOptions {
        ScoreOptions(
            algorithm: method.kind, damping: method.damping, beta: method.beta,
            iteration: iteration.settings, operatorChoice: iteration.operatorChoice)
    }

    /// Reads the export (and the personalization) and scores it.
    func score(_ paths: [String], clock: PhaseTimings?) throws -> (ScoreResult, DataQuality, (DataQuality, Int)?) {
        var options = scoreOptions
        let filter = input.filter
        var events = input.events
        // Time matters to score only through --since/--until: otherwise the time column is not read.
        events.useTime = events.useTime && filter.usesTime
        var conversionOptions = input.conversions
        conversionOptions.useTime = conversionOptions.useTime && filter.usesTime
        let graph: ScoringGraph
        var conversions: Conversions?
        if filter.isEmpty {
            graph = try ScoringGraph.read(paths: paths, options: events, timings: clock)
            conversions = try method.personalize.map { p throws(InputError) in try Conversions.read(paths: [p], options: conversionOptions)
            }
        } else {
            let export = try Export.read(
                events: paths, conversions: method.personalize.map { [$0] }, options: events,
                conversionOptions: conversionOptions, filter: filter)
            graph = ScoringGraph(try ReferralGraph(checking: export.events))
            conversions = export.conversions
        }
        var conversionsQuality: (DataQuality, Int)?
        if let conversions {
            let (values, _) = conversions.totals(over: graph.people)
            var q = conversions.quality
            (q.unknownConverters, q.unknownExamples) = conversions.unknownReport(over: graph.people)
            conversionsQuality = (q, conversions.count)
            guard values.contains(where: { $0 > 0 }) else {
                throw ScoreError.emptyPersonalization(file: conversions.file, unknown: q.unknownConverters)
            }
            options.personalization = values
        }
        var result = try graph.score(options, timings: clock)
        var quality = graph.quality
        quality.unknownConverters = conversionsQuality?.0.unknownConverters ?? 0
        result.quality = quality
        return (result, graph.quality, conversionsQuality)
    }

    func write(_ result: ScoreResult, to output: String?, format: OutputFormat, conversionsQuality: DataQuality? = nil) throws {
        var destination = outputOptions
        destination.output = output
        try destination.write(ScoreListing(result, top: top, conversionsQuality: conversionsQuality), as: format)
    }

    func run() throws {
        if each { return try runEach() }
        try reportingErrors {
            let clock = timings ? PhaseTimings() : nil
            let progress = Progress(reading: files, quiet: outputOptions.quiet)
            let (result, quality, conversionsQuality) = try score(files, clock: clock)
            progress.done()
            let format = outputOptions.resolvedFormat
            try clock.measure("write") { () throws in
                try write(result, to: outputOptions.output, format: format, conversionsQuality: conversionsQuality?.0)
            }
            let kept =
                RunReport.count(result.edgeCount, "referral pair") + " among "
                + RunReport.count(result.people.count, "person", plural: "people")
            RunReport.read(quality, kept: kept, quiet: outputOptions.quiet)
            if let (q, n) = conversionsQuality { RunReport.read(q, kept: RunReport.count(n, "conversion"), quiet: outputOptions.quiet) }
            RunReport.wrote(outputOptions.output, what: RunReport.count(result.people.count, "score"), quiet: outputOptions.quiet)
            if let clock {
                RunReport.timings(clock, detail: " (\(result.report.iterations) iterations, \(result.operatorKind.rawValue) operator)")
            }
            if !result.report.converged { warnNotConverged(result.summary) }
        }
    }

    /// `--each`: one output per input file, a summary table, and a failing file reported
    /// without stopping the rest; exits with the first failure's code at the end.
    func runEach() throws {
        var firstFailure: Int32?
        var rows: [[String]] = [["file", "status", "people", "referral_pairs", "converged", "output"]]
        let paths: [String]
        do {
            paths = try InputPaths.expand(files)
            try OutputFile.makeFolder(outDir!)
        } catch {
            guard let known = error as? InfluenceError else { fail("\(error)", 70) }
            fail(known.description, known.exitCode)
        }
        let format = outputOptions.format.flatMap(OutputFormat.init(rawValue:)) ?? .csv
        let suffix = format == .json ? "json" : format == .table ? "txt" : format == .markdown ? "md" : "csv"
        var used = Set<String>()
        var stderr = StandardError()
        for path in paths {
            var stem = InputPaths.stem(path)
            var k = 2
            while used.contains(stem) { stem = InputPaths.stem(path) + "-\(k)"; k += 1 }
            used.insert(stem)
            let output = (outDir!.hasSuffix("/") ? outDir! : outDir! + "/") + stem + "." + suffix
            do {
                let (result, quality, conversionsQuality) = try score([path], clock: nil)
                try write(result, to: output, format: format, conversionsQuality: conversionsQuality?.0)
                RunReport.read(quality, kept: RunReport.count(result.edgeCount, "referral pair"), quiet: outputOptions.quiet)
                if !result.report.converged { warnNotConverged("\(path): " + result.summary) }
                rows.append([
                    path, result.report.converged ? "ok" : "not converged", "\(result.people.count)",
                    "\(quality.rows - quality.selfReferrals - quality.skippedRows - quality.unreferredRows - quality.mergedDuplicates)",
                    result.report.converged ? "yes" : "no", output,
                ])
            } catch {
                let known = error as? InfluenceError
                let code = known?.exitCode ?? 70
                print("influence: error: \(known?.description ?? "\(error)")", to: &stderr)
                firstFailure = firstFailure ?? code
                rows.append([path, "failed (exit \(code))", "", "", "", ""])
            }
        }
        var text = ""
        for row in rows { text += row.map(CSVText.field).joined(separator: ",") + "\n" }
        do {
            try OutputFile.write(text, to: nil)
        } catch {
            if error.isBrokenPipe { Influence.exit() }
            fail(error.description, error.exitCode)
        }
        if let firstFailure { Influence.exit(withError: ExitCode(firstFailure)) }
    }
}
