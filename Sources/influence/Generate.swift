import ArgumentParser
import InfluenceModel

extension GeneratorVendor: ExpressibleByArgument {}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic referral program whose answers are known: exports, channel paths and the truth.",
        discussion: """
            Writes into the output folder: events.csv (referrals), conversions.csv, paths.csv \
            (channel paths in ChannelAttribution's format), truth.csv (per person: campaign, \
            cascade, parent, channel, generation, reached_at, sharing_propensity, invites, \
            descendants, converted, value) and truth.json (every parameter, each channel's true \
            conversion rate and each campaign's true offspring mean, with what this draw realised).

            The model: \(GeneratedProgram.modelDescription)

            --campaigns name:mean,… gives each campaign's offspring mean (mean friends each \
            person shares with, below 1); advocates are dealt to campaigns in turn. \
            --channels name[:rate[:hours]],… gives each channel's conversion probability and \
            median delay in hours (default channels: facebook:0.08:6, twitter:0.04:2, \
            linkedin:0.06:12, blog:0.12:48, email:0.2:24, event:0.3:72; another name alone: \
            0.1 and 24 hours).

            --vendor writes the same data with a platform's column names and date, money and id \
            conventions: friendbuy (read with --source-column 'Advocate Email'), referralcandy \
            (--timestamp-column 'Date Created'), mentionme (--timestamp-column 'Referral Date', and --date-order day-first when every date \
            falls on days 1 to 12); \
            the friend's order also rides on their first referral row for the last two.

            Same flags and seed: the same bytes, whatever the number of threads.

            Example:
              influence generate --people 5000 --seed 7 -o program
              influence compare program/events.csv --conversions program/conversions.csv
              influence generate --people 5000 --seed 7 --vendor friendbuy -o fb
            """
    )

    @Option(help: "People to generate (advocates and everyone their cascades reach).")
    var people: Int = 1000

    @Option(help: "Campaigns and their offspring means, as name:mean,… (each mean in [0, 1)).")
    var campaigns: String = "spring:0.5,summer:0.75"

    @Option(help: "Channels, as name[:rate[:hours]],… (default: facebook, twitter, linkedin, blog, email, event).")
    var channels: String?

    @Option(help: "Seed: the same seed and flags give the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Column names and conventions of the files written.")
    var vendor: GeneratorVendor = .canonical

    @Option(help: "Gamma shape of the sharing propensity (negative binomial dispersion; smaller: heavier tail).")
    var dispersion: Double = 0.5

    @Option(help: "Share of referred people referred again, later, by someone else in their cascade.")
    var repeatRate: Double = 0.05

    @Option(help: "Share of referred people who later refer one of their ancestors back (a cycle).")
    var cycleRate: Double = 0.01

    @Option(help: "Share of advocates who converted on their own, unreferred.")
    var unreferredRate: Double = 0.2

    @Option(help: "Median conversion value (log-normal).")
    var valueMedian: Double = 60

    @Option(help: "Log-scale spread of conversion values.")
    var valueSigma: Double = 0.7

    @Option(help: "Log-scale spread of delays around each channel's median.")
    var delaySigma: Double = 1

    @Option(help: "Advocates start sharing over this many days from 2024-03-01.")
    var days: Int = 30

    @Option(name: [.short, .customLong("output")], help: "Folder to write the files into (made if missing).")
    var output: String

    @Flag(help: "Print no summary on standard error.")
    var quiet = false

    @Flag(help: "Print the wall time of drawing, and of formatting and writing each file, on standard error.")
    var timings = false

    var parameters: GeneratorParameters {
        get throws {
            try GeneratorParameters(
                people: people, campaigns: GeneratorParameters.campaigns(campaigns),
                channels: channels.map { c throws(GeneratorError) in try GeneratorParameters.channels(c) } ?? GeneratedChannel.defaults,
                seed: seed, dispersion: dispersion, repeatRate: repeatRate, cycleRate: cycleRate, unreferredRate: unreferredRate,
                valueMedian: valueMedian, valueSigma: valueSigma, delaySigma: delaySigma, days: days)
        }
    }

    func validate() throws {
        if output.isEmpty || output == "-" { throw ValidationError("-o must name a folder to write the files into.") }
        do {
            try parameters.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        try reportingErrors {
            let clock = PhaseTimings()
            let settings = try parameters
            let program = try clock.measure("draw") { () throws(GeneratorError) in try GeneratedProgram(settings) }
            let written = try program.write(to: output, vendor: vendor, timings: clock)
            if !quiet {
                var stderr = StandardError()
                let referrals = program.count - program.cascades + program.extras.count
                print(
                    "influence: generated \(RunReport.count(program.count, "person", plural: "people")), "
                        + "\(RunReport.count(program.cascades, "cascade")), \(RunReport.count(referrals, "referral"))",
                    to: &stderr)
                for file in written { print("influence: wrote \(output)/\(file.name) (\(file.bytes) bytes)", to: &stderr) }
            }
            if timings {
                var stderr = StandardError()
                let phases = clock.phases.map { "\($0.name) \(Int(($0.seconds * 1000).rounded())) ms" }
                print("influence: timings: " + phases.joined(separator: ", "), to: &stderr)
            }
        }
    }
}
