import Foundation
import Testing

/// `influence compare` end to end, through the built binary.
@Suite(.serialized)
struct CompareCommandTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"

    static func run(_ arguments: [String]) throws -> Runner.Outcome {
        try Runner.run(["compare"] + arguments)
    }

    static func csv(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Long-form CSV: the columns, one row per metric and group, the baseline's lift
    /// cells empty, the other group's filled, and the sample's K-factors as `spread` has them.
    @Test func longFormCSV() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--format", "csv", "--resamples", "200"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = Self.csv(outcome.stdout)
        #expect(
            lines[0] == ["group", "metric", "value", "low", "high", "lift", "lift_low", "lift_high", "p_value", "significant", "p_best"])
        let rows = lines.dropFirst()
        #expect(rows.allSatisfy { $0.count == 11 })
        let k = rows.filter { $0[1] == "k_factor" }
        #expect(k.map { $0[0] } == ["spring-launch", "summer-friends"])
        let spread = try Runner.run(["spread", Self.sample, "--conversions", Self.conversions, "--format", "csv", "--quiet"])
        let spreadK = Self.csv(spread.stdout).dropFirst().filter { $0[0] != "all" }.map { $0[12] }
        #expect(k.map { $0[2] } == spreadK)
        let baselineLift = k[0][5...9]
        #expect(baselineLift.allSatisfy { $0.isEmpty }, "the baseline has no lift")
        #expect(k[1][5...9].allSatisfy { !$0.isEmpty })
        for row in rows where !row[3].isEmpty {
            let value = Double(row[2])!, low = Double(row[3])!, high = Double(row[4])!
            #expect(low <= high, "\(row)")
            if row[1] != "largest_cascade" && row[1] != "max_depth" { #expect(low <= value + 1e-9 && value <= high + 1e-9, "\(row)") }
        }
        #expect(outcome.stderr.contains("groups are campaigns, since the events have a campaign column"))
    }

    /// The sample's two campaigns do not differ in K-factor: the verdict says so.
    @Test func verdictOnTheSample() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--format", "markdown", "--resamples", "500"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("# Comparison of campaigns"))
        #expect(outcome.stdout.contains("| k\\_factor | summer-friends |") || outcome.stdout.contains("| k_factor | summer-friends |"))
        let verdict = try #require(outcome.stdout.split(separator: "\n").first { $0.contains("summer-friends: K-factor") })
        #expect(verdict.contains("0.743 vs 0.739"))
        #expect(verdict.contains("no evidence of a difference"))
    }

    /// --baseline flips the sign of the lift; --by channel and --by file make other groups.
    @Test func baselineAndGroupings() throws {
        let flipped = try Self.run([Self.sample, "--format", "csv", "--resamples", "100", "--baseline", "summer-friends", "--quiet"])
        #expect(flipped.status == 0, "\(flipped.stderr)")
        let people = Self.csv(flipped.stdout).filter { $0[1] == "people" }
        #expect(people.first { $0[0] == "spring-launch" }?[5] == "332", "spring-launch reached 332 more people")
        #expect(people.first { $0[0] == "summer-friends" }?[5] == "", "the baseline has no lift")

        let channels = try Self.run([Self.sample, "--by", "channel", "--format", "csv", "--resamples", "50", "--quiet"])
        #expect(channels.status == 0)
        #expect(
            Set(Self.csv(channels.stdout).dropFirst().map { $0[0] }) == ["email", "facebook", "in-person", "link", "twitter", "whatsapp"])

        let folder = try Runner.temporaryFolder()
        let text = try String(contentsOf: Runner.root.appendingPathComponent(Self.sample), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = String(lines[0])
        let spring = lines.dropFirst().filter { $0.contains(",spring-launch,") },
            summer = lines.dropFirst().filter { $0.contains(",summer-friends,") }
        try ([header] + spring.map(String.init)).joined(separator: "\n").write(
            to: folder.appendingPathComponent("spring.csv"), atomically: true, encoding: .utf8)
        try ([header] + summer.map(String.init)).joined(separator: "\n").write(
            to: folder.appendingPathComponent("summer.csv"), atomically: true, encoding: .utf8)
        let files = try Self.run([
            folder.appendingPathComponent("spring.csv").path, folder.appendingPathComponent("summer.csv").path, "--by", "file", "--format",
            "csv",
            "--resamples", "100", "--quiet",
        ])
        #expect(files.status == 0, "\(files.stderr)")
        let byFile = Self.csv(files.stdout).filter { $0[1] == "people" }
        #expect(byFile.map { $0[0] } == ["spring", "summer"])
        // One file per campaign gives the figures of one campaign column.
        let byCampaign = Self.csv(flipped.stdout).filter { $0[1] == "people" }
        #expect(Set(byFile.map { $0[2] }) == Set(byCampaign.map { $0[2] }))
    }

    /// Same seed, same bytes; another seed, other intervals.
    @Test func seeded() throws {
        let a = try Self.run([Self.sample, "--format", "csv", "--resamples", "200", "--seed", "7", "--quiet"])
        let b = try Self.run([Self.sample, "--format", "csv", "--resamples", "200", "--seed", "7", "--quiet"])
        let c = try Self.run([Self.sample, "--format", "csv", "--resamples", "200", "--seed", "8", "--quiet"])
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
    }

    /// Usage and data errors exit 64 and 65 with the fix in the message.
    @Test func refusals() throws {
        let unknown = try Self.run([Self.sample, "--baseline", "winter", "--format", "csv"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("'winter' is not one of the groups compared: 'spring-launch', 'summer-friends'"))
        let by = try Self.run([Self.sample, "--by", "week"])
        #expect(by.status == 64)
        let oneFile = try Self.run([Self.sample, "--by", "file"])
        #expect(oneFile.status == 64)
        let confidence = try Self.run([Self.sample, "--confidence", "95"])
        #expect(confidence.status == 64)
        let folder = try Runner.temporaryFolder()
        let plain = folder.appendingPathComponent("plain.csv")
        try "referrer,referred\na,b\nb,c\n".write(to: plain, atomically: true, encoding: .utf8)
        let nothing = try Self.run([plain.path])
        #expect(nothing.status == 65)
        #expect(nothing.stderr.contains("no campaign column and only one file"))
        let noChannel = try Self.run([plain.path, "--by", "channel"])
        #expect(noChannel.status == 65)
        #expect(noChannel.stderr.contains("--by channel needs a channel column"))
    }
}
