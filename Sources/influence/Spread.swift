import ArgumentParser
import InfluenceModel

struct Spread: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How far and how fast word of mouth travelled: cascades, depth, breadth, virality, K-factor.",
        discussion: """
            Builds the referral forest (each person's first referral in is their parent) of each \
            campaign's own rows and of all rows (campaign 'all'), and measures its cascades.

            --per campaign (default): people, sharers, referrals, cascades, largest_cascade, \
            mean_cascade_size, max_depth, max_breadth, structural_virality (mean over cascades of \
            two or more), invites_per_sharer, invite_conversion_rate, k_factor, generation_sizes, \
            median_hours_per_hop; one row per campaign, then 'all'.
            --per cascade: root, campaign, size, depth, max_breadth, structural_virality, \
            first_timestamp, last_timestamp.
            --per channel: referrals, people_reached, median_hours_per_hop, mean_depth, \
            invite_conversion_rate, k_factor of the referrals made on each channel.
            --per generation: people per generation and R_g = n_{g+1}/n_g.
            --per day: new and cumulative people reached per UTC day.

            A conversion counts for the campaign its row names, or, when it names none, for \
            the campaign of the referral that brought its person in; for 'all' and for channels \
            always. JSON holds every listing in one document.
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    @Option(help: "Conversions CSV (user, optional campaign): for invite conversion rates and K-factors.")
    var conversions: String?

    @Option(help: "List by campaign, cascade, channel, generation or day.")
    var per: String = "campaign"

    @Flag(help: "Print the wall time of each phase (read, duplicates, forest, conversions, measure, write) on standard error.")
    var timings = false

    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        guard SpreadLevel(rawValue: per) != nil else {
            throw ValidationError("--per must be one of \(SpreadLevel.allCases.map(\.rawValue).joined(separator: ", ")), not '\(per)'.")
        }
    }

    func run() throws {
        let level = SpreadLevel(rawValue: per)!
        try reportingErrors {
            let clock = timings ? PhaseTimings() : nil
            let progress = Progress(reading: files, quiet: outputOptions.quiet)
            let export = try clock.measure("read") { () throws(InputError) in
                try Export.read(
                    events: files, conversions: conversions.map { [$0] }, options: input.events,
                    conversionOptions: input.conversions, filter: input.filter)
            }
            let report = try SpreadReport(checking: export.events, conversions: export.conversions, timings: clock)
            progress.done()
            try report.check(level: level)
            try clock.measure("write") { () throws in try outputOptions.write(SpreadListing(report, per: level)) }
            RunReport.read(report.quality, kept: RunReport.count(export.events.count, "referral"), quiet: outputOptions.quiet)
            if let c = export.conversions {
                RunReport.read(c.quality, kept: RunReport.count(c.count, "conversion"), quiet: outputOptions.quiet)
            }
            RunReport.wrote(outputOptions.output, what: "spread by \(level.rawValue)", quiet: outputOptions.quiet)
            if let clock { RunReport.timings(clock) }
            Finished.keep((report, export))
        }
    }
}
