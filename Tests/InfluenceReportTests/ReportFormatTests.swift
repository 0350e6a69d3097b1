import Foundation
import InfluenceModel
import InfluenceReport
import Testing

/// Markdown and JSON carry the page's figures; every command's result writes Markdown
/// through the same `OutputDocument` protocol.
struct ReportFormatTests {
    @Test func markdownHasEverySectionAsATable() {
        let markdown = ReportFixture.report.markdown()
        for heading in [
            "## The headline", "## Reach over time", "## Generation funnel", "## Cascade sizes", "## Campaigns side by side",
            "## Top advocates", "## Channels compared", "## Channel credit by attribution model", "## Data quality", "## Columns used",
        ] {
            #expect(markdown.contains(heading + "\n"), "\(heading)")
        }
        #expect(markdown.components(separatedBy: "\n|---").count - 1 == 9)
        let spread = SpreadReport(events: ReportFixture.export.events, conversions: ReportFixture.export.conversions)
        #expect(markdown.contains("| 0 (seeds) | \(HumanNumber.count(spread.overall.generationSizes[0])) |"))
    }

    @Test func jsonFollowsTheContract() throws {
        let text = ReportFixture.report.json().rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == JSONValue.schemaVersion)
        #expect(object["command"] as? String == "report")
        let headline = try #require(object["headline"] as? [String: Any])
        let spread = SpreadReport(events: ReportFixture.export.events, conversions: ReportFixture.export.conversions)
        #expect(headline["people_reached"] as? Int == spread.overall.people)
        // Foundation's JSON reader may round the last digit: compare within 1e-15.
        let k = try #require(headline["k_factor"] as? Double), want = try #require(spread.overall.kFactor)
        #expect(abs(k - want) <= 1e-15 * want)
        #expect(text.contains("\"k_factor\": \(Format.shortest(want))"))
        #expect((object["advocates"] as? [Any])?.count == 10)
        #expect(object["comparison"] is NSNull)
        #expect(object["next_advocates"] is NSNull)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(
            keys == [
                "schema_version", "tool", "command", "inputs", "parameters", "headline", "scopes", "advocates", "channels",
                "channel_credit", "comparison", "next_advocates", "cycle_referrals", "skipped_models", "data_quality",
            ])
    }

    @Test func csvIsLongForm() {
        let csv = ReportFixture.report.csv()
        #expect(csv.hasPrefix("section,row,measure,value\n"))
        #expect(csv.contains("\nheadline,People reached,value,\"2,923\"\n"))
    }

    @Test func everyResultWritesMarkdownTables() throws {
        let export = ReportFixture.export
        let score = try ReferralGraph(checking: export.events).score(ScoreOptions())
        let spread = SpreadReport(events: export.events, conversions: export.conversions)
        let attribution = try Attribution.attribute(
            events: export.events, conversions: try #require(export.conversions), options: AttributionOptions())
        let documents: [(any OutputDocument, String)] = [
            (ScoreListing(score, top: 5), "| rank | node | pagerank |"),
            (SpreadListing(spread, per: .channel), "| channel | referrals | people_reached |"),
            (AttributionListing(attribution, top: 5), "| node | conversions | value |"),
            (ReportFixture.report, "| PageRank rank | advocate |"),
        ]
        for (document, header) in documents {
            let markdown = try #require(document.rendered(as: .markdown))
            #expect(markdown.contains(header), "\(header)")
            #expect(markdown.contains("\n|---"), "an alignment row")
            #expect(document.supports(.html) == (document is ReferralReport))
        }
        let top = score.ranking().first.map { score.people.name($0) }
        #expect(ScoreListing(score, top: 1).markdown().contains("| 1 | \(try #require(top)) |"))
    }
}

/// The best-next-advocates section in each format, from values set by hand.
struct ReportNextAdvocatesTests {
    static let next = ReportNextAdvocates(
        method: "IMM (ε = 0.1, 1000 reverse-reachable sets)", probabilities: "per sender",
        rows: [
            .init(id: "u1", name: "Ada", marginalGain: 12.5, expectedSpread: 12.5),
            .init(id: "u2", marginalGain: 7.25, expectedSpread: 19.75),
        ], spread: 19.5, low: 19, high: 20, runs: 1000, pagerankSpread: 15, pagerankLow: 14.5, pagerankHigh: 15.5)

    @Test func allFormatsShowTheSeeds() throws {
        var report = ReportFixture.report
        report.nextAdvocates = Self.next
        let markdown = report.markdown()
        #expect(markdown.contains("## Best next advocates"))
        #expect(markdown.contains("| 1 | Ada | u1 | 12.50 | 12.50 |"), "\(markdown)")
        #expect(markdown.contains("| 2 | u2 | u2 | 7.25 | 19.75 |"))
        #expect(
            markdown.contains(
                "reaches about 19.50 people (19.00 to 20.00, 1,000 simulated cascades), against 15.00 for the 2 people of highest PageRank")
        )
        let page = report.page()
        #expect(page.contains("Best next advocates"))
        let json = report.json().rendered()
        #expect(json.contains("\"next_advocates\": {"))
        #expect(json.contains("\"pagerank_expected_spread\": 15"))
    }

    @Test func aRefusalIsSaid() {
        var report = ReportFixture.report
        report.nextAdvocates = ReportNextAdvocates(unavailable: "IMM would need too many sets.", probabilities: "per sender")
        let markdown = report.markdown()
        #expect(markdown.contains("## Best next advocates\n\nNo seeds were chosen: IMM would need too many sets."))
        #expect(!markdown.contains("| rank | advocate | people added"))
        #expect(report.page().contains("No seeds were chosen: IMM would need too many sets."))
    }
}
