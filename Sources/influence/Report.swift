import ArgumentParser
import InfluenceModel
import InfluenceReport

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One self-contained report of a referral export: HTML (default), Markdown or JSON.",
        discussion: """
            The page holds the headline figures with what they mean, reach over time, the \
            generation funnel, the cascade size distribution (log-log), the top advocates, the \
            channels compared (speed, depth, conversion, K-factor, and channel credit under \
            several attribution models), and the data-quality notes. Charts are inline SVG, the \
            style inline CSS: the file opens offline, prints on A4 and runs no script.

            Example: influence report referrals.csv --conversions conversions.csv --title "Spring referrals" -o report.html
            """
    )

    @Argument(help: "Referral exports: CSV files (plain or .gz), folders of them, or - for standard input; read as one.")
    var files: [String] = []

    @Option(help: "Conversions CSV (user, value, optional timestamp and campaign): revenue, K-factor and credit.")
    var conversions: String?

    @Option(help: "Groups shown side by side: campaign or channel.")
    var by: ReferralReport.Grouping = .campaign

    @Option(help: "The report's title.")
    var title: String = "Referral report"

    @Option(help: "ISO 4217 code of the conversion values, such as USD, EUR or GBP.")
    var currency: String = "USD"

    @Option(help: "Bootstrap resamples of the campaign comparison (0 leaves the comparison out).")
    var resamples: Int = 2000

    @Option(help: "Seed of the comparison's resamples.")
    var seed: UInt64 = 1

    @Option(help: "How many advocates the top-advocates table lists.")
    var top: Int = 10

    @Option(
        help: ArgumentHelp(
            "How many best next advocates to choose (0 leaves the section out).",
            discussion: "As 'influence seeds --k K' chooses them: IMM, epsilon 0.1, probabilities per sender, 10000 runs."))
    var next: Int = 5

    @OptionGroup var iteration: IterationOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one referral export (a CSV file, a folder, or - for standard input).") }
        guard Currency.isValid(currency) else {
            throw ValidationError("--currency must be a three-letter ISO 4217 code such as USD, not '\(currency)'.")
        }
        if top < 1 { throw ValidationError("--top must be at least 1, not \(top).") }
        if next < 0 { throw ValidationError("--next must be 0 or more, not \(next).") }
        if resamples < 0 || resamples > 1_000_000 { throw ValidationError("--resamples must be between 0 and 1000000, not \(resamples).") }
        if let format = outputOptions.format, ![OutputFormat.html, .markdown, .json].contains(OutputFormat(rawValue: format)) {
            throw ValidationError("--format for a report must be html, markdown or json, not '\(format)'.")
        }
    }

    func run() throws {
        try reportingErrors {
            let progress = Progress(reading: files, quiet: outputOptions.quiet)
            let export = try Export.read(
                events: files, conversions: conversions.map { [$0] }, options: input.events,
                conversionOptions: input.conversions, filter: input.filter)
            // Standard input cannot be read twice: names come only from files.
            let names = files.contains("-") ? [:] : try PersonNames.read(paths: files, options: input.events)
            let options = ReferralReport.Options(
                title: title, currency: Currency(code: currency), grouping: by, topAdvocates: top, iteration: iteration.settings,
                names: names, operatorChoice: iteration.operatorChoice)
            var report = try ReferralReport(events: export.events, conversions: export.conversions, options: options)
            // Campaigns side by side, as `influence compare` has them, when there are two or more.
            let campaigns = Set(export.events.campaign?.filter { $0 >= 0 } ?? [])
            if resamples > 0, by == .campaign, campaigns.count >= 2 {
                let comparison = try Comparison(
                    events: export.events, conversions: export.conversions,
                    options: ComparisonOptions(grouping: .campaign, resamples: resamples, seed: seed))
                report.comparison = ReportComparison(comparison)
            }
            if next > 0 {
                let graph = ReferralGraph(events: export.events)
                let model = CascadeModel(graph: graph, events: export.events, conversions: export.conversions, rule: .perSender)
                do {
                    let (plan, pagerank) = try SeedReport.plan(
                        model: model, graph: graph, k: next, seed: seed, quality: export.events.quality,
                        conversionsQuality: export.conversions?.quality)
                    if !pagerank.report.converged { warnNotConverged(pagerank.summary) }
                    report.nextAdvocates = ReportNextAdvocates(plan, names: names)
                } catch let error as SimulationError {
                    // The rest of the report stands; the section says why it has no seeds.
                    report.nextAdvocates = ReportNextAdvocates(unavailable: error.description, probabilities: model.ruleDescription)
                    if !outputOptions.quiet {
                        var stderr = StandardError()
                        print("influence: warning: no best next advocates: \(error.description)", to: &stderr)
                    }
                }
            }
            progress.done()
            let format = outputOptions.format.flatMap(OutputFormat.init(rawValue:)) ?? .html
            try outputOptions.write(report, as: format)
            RunReport.read(report.spread.quality, kept: RunReport.count(export.events.count, "referral"), quiet: outputOptions.quiet)
            if let c = report.spread.conversionsQuality {
                RunReport.read(c, kept: RunReport.count(export.conversions?.count ?? 0, "conversion"), quiet: outputOptions.quiet)
            }
            RunReport.wrote(outputOptions.output, what: "the \(format.rawValue) report", quiet: outputOptions.quiet)
        }
    }
}

extension ReferralReport.Grouping: ExpressibleByArgument {}
