import Foundation
import InfluenceModel
import InfluenceReport
import Testing

/// The HTML page of the sample export: well-formed, self-contained, one chart per figure,
/// and every number the one the library computes.
struct ReportPageTests {
    static let page = ReportFixture.report.page()

    @Test func isWellFormed() throws {
        let reader = try #require(PageReader.read(Self.page))
        #expect(Self.page.hasPrefix("<!DOCTYPE html>"))
        #expect(reader.sections == ["headline", "reach", "funnel", "sizes", "campaigns", "advocates", "channels", "quality"])
    }

    @Test(arguments: ["http", "src=", "<script", "@import", "url(", "<link", "<img", "<iframe", "javascript:"])
    func refersToNothingOutside(pattern: String) {
        #expect(!Self.page.lowercased().contains(pattern), "the page must open offline and run nothing")
    }

    @Test func oneSVGPerChart() throws {
        let reader = try #require(PageReader.read(Self.page))
        // Reach, funnel, sizes, the four channel panels in one, channel credit.
        #expect(reader.charts == ["reach": 1, "funnel": 1, "sizes": 1, "channels": 2])
        #expect(Self.page.components(separatedBy: "<svg").count - 1 == 5)
        // Every chart has a title and titled axes.
        #expect(Self.page.components(separatedBy: "<title>").count - 1 >= 5 + 1)
        for axis in ["date (UTC)", "people reached, cumulative", "cascade size, people (log scale)", "value credited to the channel (USD)"]
        {
            #expect(reader.chartTexts.contains(axis), "axis title \(axis)")
        }
    }

    @Test func headlineMatchesTheLibrary() throws {
        let export = ReportFixture.export
        let spread = SpreadReport(events: export.events, conversions: export.conversions)
        let conversions = try #require(export.conversions)
        let revenue = conversions.value.reduce(0, +)
        let all = spread.overall
        let reader = try #require(PageReader.read(Self.page))
        for expected in [
            HumanNumber.count(all.people), HumanNumber.count(all.referrals), HumanNumber.count(conversions.count),
            HumanNumber.money(revenue, Currency(code: "USD")), HumanNumber.decimal(try #require(all.kFactor)),
            HumanNumber.percent(try #require(all.inviteConversionRate)),
        ] {
            #expect(reader.text.contains(expected), "headline shows \(expected)")
        }
        // The sample: 2,923 people reached, checked against its README as well.
        #expect(reader.text.contains("2,923"))
        #expect(reader.tables["headline"] == nil, "the headline is cards, not a table")
    }

    @Test func funnelAndSizesMatchTheLibrary() throws {
        let spread = SpreadReport(events: ReportFixture.export.events, conversions: ReportFixture.export.conversions)
        let reader = try #require(PageReader.read(Self.page))
        let funnel = try #require(reader.tables["funnel"]?.first).dropFirst()
        #expect(funnel.map { $0[1] } == spread.overall.generationSizes.map(HumanNumber.count))
        let sizes = try #require(reader.tables["sizes"]?.first).dropFirst()
        var count: [Int: Int] = [:]
        for c in spread.overall.cascades { count[c.size, default: 0] += 1 }
        #expect(sizes.map { $0[0] } == count.keys.sorted().map(HumanNumber.count))
        #expect(sizes.map { $0[1] } == count.keys.sorted().map { HumanNumber.count(count[$0]!) })
        #expect(sizes.first?[2] == "100.0%", "every cascade has at least its smallest size")
    }

    @Test func advocatesMatchTheLibrary() throws {
        let export = ReportFixture.export
        let graph = try ReferralGraph(checking: export.events)
        let pagerank = try graph.score(ScoreOptions())
        let linear = try Attribution.attribute(
            events: export.events, conversions: try #require(export.conversions), options: AttributionOptions(model: .linear))
        var credited: [String: Double] = [:]
        for row in linear.rows { credited[row.id, default: 0] += row.credit.value }
        var invites: [String: Int] = [:]
        for r in 0..<export.events.count { invites[export.events.people.name(export.events.source[r]), default: 0] += 1 }
        // The ten best-ranked people who sent a referral.
        let ranked = pagerank.ranking().enumerated().map { (rank: $0.offset + 1, id: pagerank.people.name($0.element)) }
        let expected = ranked.filter { invites[$0.id] != nil }.prefix(10)

        let reader = try #require(PageReader.read(Self.page))
        let rows = try #require(reader.tables["advocates"]?.first).dropFirst()
        #expect(rows.count == 10)
        for (row, want) in zip(rows, expected) {
            #expect(row[0] == String(want.rank))
            #expect(row[1] == want.id)
            #expect(row[2] == HumanNumber.count(invites[want.id]!))
            #expect(row[4] == HumanNumber.money(credited[want.id] ?? 0, Currency(code: "USD")))
        }
    }

    @Test func channelCreditMatchesTheLibrary() throws {
        let export = ReportFixture.export
        let reader = try #require(PageReader.read(Self.page))
        let tables = try #require(reader.tables["channels"])
        #expect(tables.count == 2)
        let credit = tables[1]
        #expect(credit[0] == ["channel", "last-touch", "first-touch", "linear", "position", "time-decay", "markov", "shapley"])
        for (column, model) in credit[0].dropFirst().enumerated() {
            let m = try #require(AttributionModel(rawValue: model))
            let result = try Attribution.attribute(
                events: export.events, conversions: try #require(export.conversions),
                options: AttributionOptions(model: m, grouping: .channel), pathsFromEvents: !m.isChainModel)
            for row in result.rows {
                let line = try #require(credit.first { $0[0] == row.id }, "channel \(row.id) under \(model)")
                #expect(line[column + 1] == HumanNumber.money(row.credit.value, Currency(code: "USD")), "\(row.id), \(model)")
            }
        }
        let speed = tables[0].dropFirst()
        let channels = try #require(SpreadReport(events: export.events, conversions: export.conversions).channels)
        #expect(speed.map { $0[0] } == channels.map(\.channel))
        #expect(speed.map { $0[5] } == channels.map { HumanNumber.percent($0.inviteConversionRate!) })
    }

    @Test func dataQualityCountsMatchTheRead() throws {
        let q = ReportFixture.export.events.quality
        let reader = try #require(PageReader.read(Self.page))
        let rows = try #require(reader.tables["quality"]?.first)
        #expect(rows.contains(["referral rows read", HumanNumber.count(q.rows)]))
        #expect(rows.contains(["self-referrals left out", HumanNumber.count(q.selfReferrals)]))
        #expect(
            rows.contains([
                "repeated rows merged into one referral", HumanNumber.count(ReferralGraph.repeatedRows(in: ReportFixture.export.events)),
            ]))
        // The sample's README: 3 rows close a cycle.
        #expect(rows.contains(["referrals closing a cycle (never a first referral)", "3"]))
        let columns = try #require(reader.tables["quality"]?.last)
        #expect(columns.contains { $0.count == 4 && $0[2].contains("source ← referrer") })
    }

    @Test func printsOnA4WithPageBreaks() {
        #expect(Self.page.contains("@page { size: A4"))
        #expect(Self.page.contains("break-before: page"))
    }

    @Test func isByteIdenticalRunToRun() throws {
        let again = try ReferralReport(
            events: ReportFixture.export.events, conversions: ReportFixture.export.conversions,
            options: .init(title: "Brightleaf referrals"))
        #expect(again.page() == Self.page)
        #expect(again.json() == ReportFixture.report.json())
    }
}
