import ArgumentParser
import Foundation
import InfluenceModel

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Which campaign, channel or file did better, by how much, and whether the difference is real.",
        discussion: """
            Groups come from the campaign column (--by campaign, the default when there is one), \
            the channel column (--by channel) or one file each (--by file, named by stem; the \
            default without a campaign column when several files are given).

            Metrics per group: people, sharers, referrals, cascades, mean_cascade_size, \
            largest_cascade, max_depth, structural_virality, invites_per_sharer; with \
            --conversions also invite_conversion_rate, k_factor, conversions, value, \
            value_per_sharer; with timestamps median_hours_per_hop; and structural virality and \
            mean depth within each cascade size class (3-4, 5-8, … people), since size drives \
            most structure.

            Each metric has a bootstrap interval that resamples cascades, the independent unit, \
            within each group (Poisson bootstrap; BCa intervals, percentile for largest_cascade, \
            max_depth and median_hours_per_hop). Each group other than the baseline has its lift \
            (difference and ratio) with an interval and a two-sided p-value; 'significant' \
            applies Holm's correction over the groups compared. p_best is the share of \
            resamples in which the group leads. Same input and seed: same bytes out, whatever \
            the number of threads.

            CSV is long form: group,metric,value,low,high,lift,lift_low,lift_high,p_value,\
            significant,p_best. Table and Markdown add a plain verdict per metric.
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input.")
    var files: [String] = []

    @Option(help: "Groups: campaign, channel or file (default: campaign with a campaign column, else file with several files).")
    var by: String?

    @Option(help: "Conversions CSV (user, optional value and campaign): for conversion rates, K-factors and value.")
    var conversions: String?

    @Option(help: "The group the others are compared with (default: the first: campaigns and channels by name, files as given).")
    var baseline: String?

    @Option(help: "Compare only these metrics, by name, comma-separated (e.g. k_factor,invite_conversion_rate).")
    var metrics: String?

    @Option(help: "Bootstrap resamples.")
    var resamples: Int = 2000

    @Option(help: "Interval coverage, and 1 - the level of the tests.")
    var confidence: Double = 0.95

    @Option(help: "Seed of the resamples.")
    var seed: UInt64 = 1

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        if let by, ComparisonGrouping(rawValue: by) == nil {
            throw ValidationError(
                "--by must be one of \(ComparisonGrouping.allCases.map(\.rawValue).joined(separator: ", ")), not '\(by)'.")
        }
        guard (1...1_000_000).contains(resamples) else {
            throw ValidationError("--resamples must be between 1 and 1000000, not \(resamples).")
        }
        guard confidence > 0, confidence < 1 else {
            throw ValidationError("--confidence must be between 0 and 1 (e.g. 0.95), not \(confidence).")
        }
    }

    func run() throws {
        try reportingErrors {
            let progress = Progress(reading: files, quiet: outputOptions.quiet)
            let export = try Export.read(
                events: files, conversions: conversions.map { [$0] }, options: input.events,
                conversionOptions: input.conversions, filter: input.filter)
            let options = ComparisonOptions(
                grouping: by.flatMap(ComparisonGrouping.init(rawValue:)), baseline: baseline, resamples: resamples,
                confidence: confidence, seed: seed,
                metrics: metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
            let comparison = try Comparison(events: export.events, conversions: export.conversions, options: options)
            progress.done()
            try outputOptions.write(comparison)
            RunReport.read(comparison.quality, kept: RunReport.count(export.events.count, "referral"), quiet: outputOptions.quiet)
            if let c = export.conversions {
                RunReport.read(c.quality, kept: RunReport.count(c.count, "conversion"), quiet: outputOptions.quiet)
            }
            var stderr = StandardError()
            for w in comparison.warnings { print("influence: warning: " + w, to: &stderr) }
            let groups = comparison.groups.map(\.name)
            RunReport.wrote(
                outputOptions.output, what: "comparison of \(groups.count) \(comparison.grouping.rawValue)s", quiet: outputOptions.quiet)
        }
    }
}
