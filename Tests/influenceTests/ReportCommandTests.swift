import Foundation
import Testing

/// `influence report`, and the formats every command shares, end to end through the binary.
@Suite(.serialized)
struct ReportCommandTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"

    @Test func writesOneSelfContainedPageByDefault() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("report.html").path
        let outcome = try Runner.run(["report", Self.sample, "--conversions", Self.conversions, "--title", "Brightleaf", "-o", output])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("wrote the html report to \(output)"))
        let page = try String(contentsOfFile: output, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<title>Brightleaf</title>"))
        for pattern in ["http", "src=", "<script", "@import", "url("] { #expect(!page.contains(pattern), "\(pattern)") }
        // Five charts, and the campaign comparison's whiskers: the sample has two campaigns.
        #expect(page.components(separatedBy: "<svg").count - 1 == 6)
        #expect(page.contains("summer-friends: K-factor 0.743 vs 0.739"), "the verdict of compare")
    }

    @Test func markdownAndJSON() throws {
        let markdown = try Runner.run(["report", Self.sample, "--conversions", Self.conversions, "--format", "markdown", "--quiet"])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.hasPrefix("# Referral report\n"))
        #expect(markdown.stdout.contains("| PageRank rank | advocate |"))
        let json = try Runner.run(["report", Self.sample, "--format", "json", "--quiet", "--by", "channel", "--currency", "eur"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let parameters = try #require(object["parameters"] as? [String: Any])
        #expect(parameters["currency"] as? String == "EUR")
        #expect(parameters["by"] as? String == "channel")
        #expect((object["scopes"] as? [Any])?.count == 1, "by channel: no campaign scopes")
    }

    /// The report's best next advocates are those `influence seeds` chooses on the same
    /// export, with the same simulated spread; `--next 0` leaves the section out.
    @Test func nextAdvocatesAreThoseOfSeeds() throws {
        let report = try Runner.run([
            "report", Self.sample, "--conversions", Self.conversions, "--format", "json", "--quiet", "--next", "4",
        ])
        #expect(report.status == 0, "\(report.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let next = try #require(object["next_advocates"] as? [String: Any])
        let seeds = try #require(next["seeds"] as? [[String: Any]])
        let chosen = seeds.compactMap { $0["node"] as? String }
        #expect(chosen.count == 4)
        let direct = try Runner.run(["seeds", Self.sample, "--conversions", Self.conversions, "--k", "4", "--format", "json", "--quiet"])
        #expect(direct.status == 0, "\(direct.stderr)")
        let seedsObject = try #require(try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any])
        let expected = try #require(seedsObject["seeds"] as? [[String: Any]]).compactMap { $0["node"] as? String }
        #expect(chosen == expected)
        let simulated = try #require(seedsObject["simulated"] as? [String: Any])
        #expect(next["expected_spread"] as? Double == simulated["expected_spread"] as? Double)
        // Better than the PageRank yardstick on this export, and said so on the page.
        let spread = try #require(next["expected_spread"] as? Double), yardstick = try #require(next["pagerank_expected_spread"] as? Double)
        #expect(spread > yardstick)
        let markdown = try Runner.run(["report", Self.sample, "--conversions", Self.conversions, "--format", "markdown", "--quiet"])
        #expect(markdown.stdout.contains("## Best next advocates"))
        #expect(markdown.stdout.contains("| rank | advocate | people added | expected reach so far |"))
        let none = try Runner.run(["report", Self.sample, "--format", "json", "--quiet", "--next", "0"])
        let noneObject = try #require(try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [String: Any])
        #expect(noneObject["next_advocates"] is NSNull)
    }

    @Test(arguments: [
        (["report", sample, "--format", "csv"], "--format for a report must be html, markdown or json"),
        (["report", sample, "--currency", "dollars"], "--currency must be a three-letter ISO 4217 code"),
        (["report", sample, "--by", "person"], "--by"),
        (["report"], "Name at least one referral export"),
        (["score", sample, "--format", "html"], "--format html is for influence report"),
        (["spread", sample, "--format", "html"], "--format html is for influence report"),
    ])
    func refusesBadUsage(arguments: [String], message: String) throws {
        let outcome = try Runner.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test func missingFileExits66() throws {
        let outcome = try Runner.run(["report", "no-such-file.csv"])
        #expect(outcome.status == 66, "\(outcome.stderr)")
    }

    @Test(arguments: [
        (["score", sample, "--top", "3"], "| rank | node | pagerank |"),
        (["spread", sample, "--conversions", conversions], "| measure | spring-launch | summer-friends | all |"),
        (["spread", sample, "--per", "channel"], "| channel | referrals | people_reached |"),
        (["attribute", sample, "--conversions", conversions, "--top", "3"], "| node | conversions | value |"),
        (
            ["attribute", sample, "--conversions", conversions, "--by", "channel", "--model", "markov"],
            "| channel | conversions | value | removal_effect |"
        ),
    ])
    func everyCommandWritesMarkdown(arguments: [String], header: String) throws {
        let outcome = try Runner.run(arguments + ["--format", "markdown", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let at = try #require(lines.firstIndex { $0.hasPrefix(header) }, "\(outcome.stdout)")
        #expect(lines[at + 1].hasPrefix("|---") || lines[at + 1].hasPrefix("|---:"))
        #expect(lines[at + 2].hasPrefix("| "))
    }

    @Test func formulaCellsAreGuardedUnlessRaw() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "source,target\n=HYPERLINK(1),b\nb,c\n".write(
            to: folder.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        let guarded = try Runner.run(["score", "events.csv", "--format", "csv", "--quiet"], in: folder)
        #expect(guarded.stdout.contains("'=HYPERLINK(1)"), "\(guarded.stdout)")
        let raw = try Runner.run(["score", "events.csv", "--format", "csv", "--quiet", "--raw-csv"], in: folder)
        #expect(raw.stdout.contains("\n=HYPERLINK(1),"), "\(raw.stdout)")
    }
}

/// Names from the export's name column reach the top-advocates table, beside the ids.
@Suite struct ReportNameTests {
    @Test func advocatesShowNamesFromTheExport() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = """
            Referrer Name,Referrer Email,Friend Email,Date Created
            Ana Silva,ana@example.com,b@example.com,2025-03-01
            ,ana@example.com,c@example.com,2025-03-02
            Bo <Lee>,b@example.com,d@example.com,2025-03-03

            """
        try events.write(to: folder.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["report", "events.csv", "--format", "markdown"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("| PageRank rank | advocate | id | direct invites |"))
        #expect(outcome.stdout.contains("| Ana Silva | ana@example.com | 2 |"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("| Bo &lt;Lee&gt; | b@example.com | 1 |"))
        #expect(outcome.stderr.contains("source_name ← \"Referrer Name\""))
        let html = try Runner.run(["report", "events.csv", "--quiet"], in: folder)
        #expect(html.stdout.contains("<td>Bo &lt;Lee&gt;</td><td>b@example.com</td>"))
    }
}

/// Rows skipped under `--on-error skip` are counted, and said why, in the report's data quality.
@Suite struct ReportQualityTests {
    @Test func skippedRowsAreExplained() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "source,target,weight\na,b,1\nb,c,lots\nc,d,2\nd,d,1\n".write(
            to: folder.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["report", "events.csv", "--on-error", "skip", "--format", "markdown", "--quiet"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("| bad rows skipped | 1 |"))
        #expect(outcome.stdout.contains("| self-referrals left out | 1 |"))
        #expect(outcome.stdout.contains("- 1 bad row skipped for the weight column"))
        #expect(outcome.stdout.contains("- skipped: events.csv:3"), "\(outcome.stdout)")
    }
}
