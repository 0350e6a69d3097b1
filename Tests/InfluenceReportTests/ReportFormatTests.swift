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
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(
            keys == [
                "schema_version", "tool", "command", "inputs", "parameters", "headline", "scopes", "advocates", "channels",
                "channel_credit", "comparison", "cycle_referrals", "skipped_models", "data_quality",
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
