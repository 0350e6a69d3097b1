import ArgumentParser
import InfluenceModel

struct Attribute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Credit each conversion to the referrers and channels that earned it.",
        usage: """
            influence attribute <files> ... --conversions <conversions> [--model <model>] [--by <by>] [<options>]
            influence attribute --paths <paths> [--model <model>] [<options>]
            """,
        discussion: """
            A conversion by u at time t is credited along u's chain in the referral forest, climbing \
            only referrals made at or before t. Conversions with no chain (u unknown, never referred, \
            or referred only after converting) are organic. Credit always adds up to the total.

            Chain models (direct referrer first): last-touch, first-touch, linear (default), \
            position (40/20/40; one referrer 100%, two 50/50), time-decay (weights 2^(-(t - t_i)/h), \
            --half-life h, default 7d; needs timestamps).
            influence-flow: a conversion's value goes to all of u's referrers by edge weight; each \
            keeps 1 - d and passes d (--damping, default 0.5) to their own referrers; people nobody \
            referred keep it all. Solved by block power iteration.
            Channel paths (--paths FILE in ChannelAttribution's format, or --paths-from-events): \
            markov (default; exact removal effects of the first-order absorbing chain), shapley \
            (exact up to 20 channels, sampled permutations beyond), first-touch, last-touch, linear.

            CSV: node,conversions,value (--by person), channel,conversions,value (--by channel; \
            markov adds removal_effect), campaign,node,conversions,value (--by campaign); sorted by \
            value, highest first, then by id. JSON adds the totals, organic credit and data quality.
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    var events: [String]? { files.isEmpty ? nil : files }

    @Option(help: "Conversions CSV (user, optional value, timestamp, campaign).")
    var conversions: String?

    @Option(help: "A channel path table (path,total_conversions,total_conversion_value,total_null) instead of a referral export.")
    var paths: String?

    @Flag(help: "Run a path model on the channel paths derived from the referral export.")
    var pathsFromEvents = false

    @Option(
        help:
            "last-touch, first-touch, linear, position, time-decay, influence-flow (referrals); markov, shapley, first-touch, last-touch, linear (paths)."
    )
    var model: String?

    @Option(help: "Sum credit by person, channel or campaign (default: person; channel for paths).")
    var by: String?

    @Option(help: "influence-flow: the share each person passes on to their referrers, in [0, 1).")
    var damping: Double = 0.5

    @Option(help: "time-decay: the half-life, such as 7d, 36h, 90m, 3600s or plain seconds.")
    var halfLife: String = "7d"

    @Option(help: "shapley: the seed for sampled permutations (beyond 20 channels).")
    var seed: UInt64 = 1

    @Option(help: "shapley: permutations sampled beyond 20 channels.")
    var samples: Int = 10_000

    @OptionGroup var iteration: IterationOptions

    @Flag(help: "Print the wall time of each phase (read, parents, chains, credit, write) on standard error.")
    var timings = false

    @Option(help: "Show only the first K rows (default: all; 20 in a table).")
    var top: Int?

    @Option(help: "Path table column holding the path (default: path).")
    var pathColumn: String?
    @Option(help: "Path table column holding conversions (default: total_conversions).")
    var totalConversionsColumn: String?
    @Option(help: "Path table column holding conversion value (default: total_conversion_value).")
    var totalValueColumn: String?
    @Option(help: "Path table column holding journeys without a conversion (default: total_null).")
    var totalNullColumn: String?

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    /// The model asked for, or the default for the input.
    var resolvedModel: AttributionModel {
        model.flatMap(AttributionModel.init(rawValue:)) ?? (paths != nil || pathsFromEvents ? .markov : .linear)
    }

    /// The grouping asked for, or the default for the model and input.
    var resolvedGrouping: AttributionGrouping {
        if let by, let grouping = AttributionGrouping(rawValue: by) { return grouping }
        let m = resolvedModel
        return paths != nil || pathsFromEvents || m == .markov || m == .shapley ? .channel : .person
    }

    func validate() throws {
        switch (events, paths) {
        case (nil, nil): throw ValidationError("Name a referral export (with --conversions) or pass --paths FILE.")
        case (.some, .some): throw ValidationError("Pass either a referral export or --paths, not both.")
        case (.some, nil):
            guard conversions != nil else { throw ValidationError("A referral export needs --conversions FILE to attribute.") }
        case (nil, .some):
            if conversions != nil {
                throw ValidationError("--conversions goes with a referral export; a path table carries its own conversions.")
            }
            if pathsFromEvents { throw ValidationError("--paths-from-events needs a referral export, not --paths.") }
        }
        if let model, AttributionModel(rawValue: model) == nil {
            throw ValidationError(
                "--model must be one of \(AttributionModel.allCases.map(\.rawValue).joined(separator: ", ")), not '\(model)'.")
        }
        if let by, AttributionGrouping(rawValue: by) == nil {
            throw ValidationError("--by must be person, channel or campaign, not '\(by)'.")
        }
        let m = resolvedModel
        let onPaths = paths != nil || pathsFromEvents || m == .markov || m == .shapley
        if onPaths {
            guard m.isPathModel else {
                throw ValidationError(
                    "--model \(m.rawValue) needs people and times; on channel paths use markov, shapley, first-touch, last-touch or linear."
                )
            }
            guard resolvedGrouping == .channel else {
                throw ValidationError(
                    "Channel paths credit channels: use --by channel (or leave --by out) with --model \(m.rawValue)\(paths != nil ? " and --paths" : "")."
                )
            }
        }
        guard damping >= 0, damping < 1 else { throw ValidationError("--damping must lie in [0, 1), not \(damping).") }
        guard DurationText.seconds(halfLife) != nil else {
            throw ValidationError(
                "--half-life must be a positive duration such as 7d, 36h, 90m, 3600s or plain seconds, not '\(halfLife)'.")
        }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, not \(samples).") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1, not \(top).") }
    }

    /// Read options for a path table.
    var pathOptions: ReadOptions {
        var options = input.events
        options.columns = [:]
        options.columns[.path] = pathColumn
        options.columns[.totalConversions] = totalConversionsColumn
        options.columns[.totalConversionValue] = totalValueColumn
        options.columns[.totalNull] = totalNullColumn
        return options
    }

    func run() throws {
        let options = AttributionOptions(
            model: resolvedModel, grouping: resolvedGrouping, damping: damping,
            halfLife: DurationText.seconds(halfLife) ?? AttributionOptions.week,
            iteration: iteration.settings,
            operatorChoice: iteration.operatorChoice, seed: seed, shapleySamples: samples)
        try reportingErrors {
            let clock = timings ? PhaseTimings() : nil
            let result: AttributionResult
            var qualities: [(DataQuality, String)] = []
            if let paths {
                var table = try ChannelPaths.read(path: paths, options: pathOptions)
                // The path reader records no file list; JSON's inputs name the table.
                if table.quality.files.isEmpty { table.quality.files = [table.file] }
                qualities = [(table.quality, RunReport.count(table.count, "path"))]
                result = try Attribution.attribute(paths: table, options: options)
            } else {
                let progress = Progress(reading: files, quiet: outputOptions.quiet)
                defer { progress.done() }
                // The parents and merge count are found while the conversions are read and checked.
                let early = Attribution.startsFromRows(options, pathsFromEvents: pathsFromEvents)
                var (export, rows, converters) = try Export.read(
                    events: files, conversions: [conversions!], options: input.events,
                    conversionOptions: input.conversions, filter: input.filter, timings: clock,
                    beside: early ? Attribution.rowsFirst(timings: clock, label: " (beside the conversions)") : nil)
                let referrals = export.events.count
                // The path models give up the referral columns they no longer read.
                result = try Attribution.attribute(
                    releasing: &export.events, conversions: export.conversions!, options: options,
                    pathsFromEvents: pathsFromEvents, timings: clock, rows: (consume rows).map(Attribution.Rows.init),
                    converters: converters)
                // The result's counts include what building the graph merged.
                qualities = [
                    (result.quality, RunReport.count(referrals, "referral")),
                    (
                        result.conversionsQuality ?? export.conversions!.quality,
                        RunReport.count(export.conversions!.count, "conversion")
                    ),
                ]
            }
            try clock.measure("write") { () throws in try outputOptions.write(AttributionListing(result, top: top)) }
            for (q, kept) in qualities { RunReport.read(q, kept: kept, quiet: outputOptions.quiet) }
            RunReport.wrote(outputOptions.output, what: "\(resolvedModel.rawValue) attribution", quiet: outputOptions.quiet)
            if let report = result.report, !report.converged { warnNotConverged(result.summary) }
            if let clock { RunReport.timings(clock) }
            Finished.keep(result)
        }
    }
}
