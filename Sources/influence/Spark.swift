import ArgumentParser
import Foundation
import InfluenceModel
import SparkJob

struct Spark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score or measure the spread of a referral export on Apache Spark, with the same definitions and files.",
        discussion: """
            Reads the exports with the same input layer as score and spread (column mapping, ids, \
            times, filters), writes them in a canonical form with the job's parameters, runs the \
            PySpark job carried in this binary with spark-submit, and leaves in the output folder \
            the files score and spread write: scores.csv, or spread.csv (per campaign) and \
            cascades.csv (per cascade), with summary.json (iterations, convergence, data quality).

            Needs Java 17 and Spark \(SparkJob.pysparkVersion): \
            python3 -m pip install pyspark==\(SparkJob.pysparkVersion) (it carries spark-submit) and \
            apt-get install openjdk-17-jre-headless. When either is missing the run stops with exit \
            69 (EX_UNAVAILABLE: a program it needs is not there) and names what to install.

            Example:
              influence spark score referrals.csv --master 'local[2]' -o out
              influence spark spread referrals.csv --conversions conversions.csv -o out
              influence spark job -o influence_spark.py   # the job, for spark-submit on a cluster
            """,
        subcommands: [SparkScore.self, SparkSpread.self, SparkJobSource.self]
    )
}

/// Flags of every `influence spark` run.
struct SparkOptions: ParsableArguments {
    @Option(help: "Spark master URL, e.g. local[2], spark://host:7077, yarn (default: local[*], every core here).")
    var master = "local[*]"

    @Option(help: "The spark-submit to run (default: $SPARK_HOME/bin/spark-submit, then PATH, then the one pip's pyspark carries).")
    var submit: String?

    @Option(name: [.short, .customLong("output")], help: "Folder to leave the results in (created if missing).")
    var output = "."

    @Option(help: "Partitions of the edges (default: about a million referrals each, at least one per core).")
    var partitions: Int?

    @Option(help: "Folder for reliable checkpoints every few iterations (on a cluster, an HDFS or object-store path).")
    var checkpointDir: String?

    @Option(name: .customLong("conf"), help: "A Spark setting KEY=VALUE for spark-submit (repeatable), e.g. spark.driver.memory=4g.")
    var conf: [String] = []

    @Flag(help: "Keep the staging folder (canonical input, parameters, Spark's log) in the output folder.")
    var keepStaging = false

    @Flag(help: "Print no summary on standard error (warnings that change a result's meaning still print).")
    var quiet = false

    @Flag(help: "CSV: write text cells as read, without the ' that stops a spreadsheet running =, +, -, @ as a formula.")
    var rawCsv = false

    func validate() throws {
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1, not \(partitions).") }
        if let bad = conf.first(where: { !$0.contains("=") }) { throw ValidationError("--conf takes KEY=VALUE, not '\(bad)'.") }
    }
}

struct SparkScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "influence score on Spark: scores.csv with the same columns (node,score,rank; hits: node,hub,authority,rank).",
        discussion: """
            The same algorithms, parameters and stop rule as influence score: the L1 change of a \
            step at most max(--tolerance, 16 ε ‖x‖₁), HITS by its estimated error. Reach without \
            --beta uses the β influence score would choose for the graph (computed here before \
            the job starts).

            Example:
              influence spark score referrals.csv --algorithm hits --master 'local[2]' -o out
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them; read as one.")
    var files: [String] = []

    @OptionGroup var method: ScoreMethodOptions
    @OptionGroup var stop: StopOptions
    @OptionGroup var spark: SparkOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file or a folder).") }
    }

    func run() throws {
        try reportingErrors {
            let tools = try SparkTools.locate(submit: spark.submit)
            let filter = input.filter
            var events = input.events
            events.useTime = events.useTime && filter.usesTime
            var conversionOptions = input.conversions
            conversionOptions.useTime = conversionOptions.useTime && filter.usesTime
            let export = try Export.read(
                events: files, conversions: method.personalize.map { [$0] }, options: events, conversionOptions: conversionOptions,
                filter: filter)
            if export.events.count == 0 { _ = try ReferralGraph(checking: export.events) }
            let algorithm = method.kind
            var parameters: [String: Any] = [
                "command": "score", "algorithm": algorithm.rawValue, "damping": method.damping, "tolerance": stop.tolerance,
                "max_iterations": stop.maxIterations,
            ]
            var jsonParameters: [(String, JSONValue)] = [("algorithm", .string(algorithm.rawValue))]
            if let conversions = export.conversions {
                let (values, _) = conversions.totals(over: export.events.people)
                guard values.contains(where: { $0 > 0 }) else {
                    throw ScoreError.emptyPersonalization(file: conversions.file, unknown: conversions.quality.unknownConverters)
                }
            }
            switch algorithm {
            case .pagerank:
                jsonParameters += [("damping", .number(method.damping)), ("personalized", .bool(method.personalize != nil))]
            case .reach:
                // The β and the convergence proof influence score would use, from the same bounds.
                let graph = ScoringGraph(try ReferralGraph(checking: export.events))
                let bounds = Scores.spectralBounds(graph.adjacency())
                let chosen = method.beta ?? ScoreOptions.automaticBeta(upper: bounds.upper)
                if chosen >= bounds.divergentFrom { throw ScoreError.divergentReach(beta: chosen, spectralRadius: bounds.upper) }
                let rule = method.beta == nil ? ScoreOptions.automaticBetaRule : "given"
                parameters["beta"] = chosen
                parameters["beta_chosen"] = rule
                parameters["proven_convergent"] = chosen < bounds.convergentBelow
                jsonParameters += [("beta", .number(chosen)), ("beta_chosen", .string(rule))]
            case .hits: break
            }
            jsonParameters += [("tolerance", .number(stop.tolerance)), ("max_iterations", .int(stop.maxIterations))]
            let quality = ReferralGraph.quality(of: export.events)
            var run = SparkRun(options: spark, tools: tools, command: "score")
            let summary = try run.execute(events: export.events, conversions: export.conversions, parameters: parameters)

            let people = export.events.people.count
            let edges = export.events.count - quality.mergedDuplicates
            try run.check(summary, people: people, edges: edges)
            let converged = summary["converged"] as? Bool ?? false
            let iterations = summary["iterations"] as? Int ?? 0
            let residual = (summary["residual"] as? Double) ?? .nan
            let files = try run.deliver(["scores.csv"])
            let document = JSONValue.document(
                command: "spark score", parameters: jsonParameters,
                results: run.engine(summary) + [
                    ("iterations", .int(iterations)), ("residual", .number(residual)), ("converged", .bool(converged)),
                    ("people", .int(people)), ("edges", .int(edges)), ("files", .array(files.map(JSONValue.string))),
                ],
                quality: InputQualities(referrals: quality, conversions: export.conversions?.quality))
            try run.finish(document)

            let state = converged ? "converged in \(iterations) iterations" : "did NOT converge in \(iterations) iterations"
            let kept =
                RunReport.count(edges, "referral pair") + " among " + RunReport.count(people, "person", plural: "people")
            RunReport.read(quality, kept: kept, quiet: spark.quiet)
            if let c = export.conversions { RunReport.read(c.quality, kept: RunReport.count(c.count, "conversion"), quiet: spark.quiet) }
            let line =
                "\(algorithm.rawValue) of \(people) people, \(edges) referral pairs on Spark: \(state) (L1 residual \(Format.short(residual)))"
            run.report(line, summary: summary, files: files)
            if !converged { warnNotConverged(line) }
        }
    }
}

struct SparkSpread: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spread",
        abstract: "influence spread on Spark: spread.csv (per campaign, then all) and cascades.csv (per cascade).",
        discussion: """
            The same referral forest as influence spread (each person's first referral in, by \
            time then input order, that does not close a cycle) built for every campaign's rows \
            and for all rows, and the same columns as spread --per campaign and --per cascade.

            Example:
              influence spark spread referrals.csv --conversions conversions.csv -o out
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them; read as one.")
    var files: [String] = []

    @Option(help: "Conversions CSV (user, optional campaign): for invite conversion rates and K-factors.")
    var conversions: String?

    @OptionGroup var spark: SparkOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file or a folder).") }
    }

    func run() throws {
        try reportingErrors {
            let tools = try SparkTools.locate(submit: spark.submit)
            let export = try Export.read(
                events: files, conversions: conversions.map { [$0] }, options: input.events,
                conversionOptions: input.conversions, filter: input.filter)
            if export.events.count == 0 { _ = try SpreadReport(checking: export.events) }
            let quality = ReferralGraph.quality(of: export.events)
            var run = SparkRun(options: spark, tools: tools, command: "spread")
            let summary = try run.execute(events: export.events, conversions: export.conversions, parameters: ["command": "spread"])
            try run.check(summary, people: export.events.people.count, edges: export.events.count - quality.mergedDuplicates)
            let files = try run.deliver(["spread.csv", "cascades.csv"])
            var results = run.engine(summary)
            results.append(("people", .int(export.events.people.count)))
            results.append(("edges", .int(export.events.count - quality.mergedDuplicates)))
            let forest = summary["forest"] as? [String: Any]
            results.append(("cycle_referrals", .int(forest?["cycle_referrals_refused"] as? Int ?? 0)))
            results.append(("files", .array(files.map(JSONValue.string))))
            let document = JSONValue.document(
                command: "spark spread", parameters: [], results: results,
                quality: InputQualities(referrals: quality, conversions: export.conversions?.quality))
            try run.finish(document)
            RunReport.read(quality, kept: RunReport.count(export.events.count, "referral"), quiet: spark.quiet)
            if let c = export.conversions { RunReport.read(c.quality, kept: RunReport.count(c.count, "conversion"), quiet: spark.quiet) }
            run.report(
                "spread of \(export.events.count) referrals among \(export.events.people.count) people on Spark", summary: summary,
                files: files)
        }
    }
}

struct SparkJobSource: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Print the PySpark job (or write it with -o), to run it with spark-submit on a cluster.",
        discussion: """
            spark-submit influence_spark.py --help lists its parameters; it reads the canonical \
            files influence spark writes (influence spark score … --keep-staging shows them).
            """
    )

    @Option(name: [.short, .customLong("output")], help: "Write the job to this file (atomically).")
    var output: String?

    func run() throws {
        do {
            try OutputFile.write(SparkJob.source, to: output)
        } catch {
            if error.isBrokenPipe { Influence.exit() }
            fail(error.description, error.exitCode)
        }
    }
}
