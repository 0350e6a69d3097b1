import Foundation
import InfluenceModel
import InfluenceReport
import Testing

/// The campaign comparison: shown from `ReportComparison` rows when given, left out otherwise.
struct ReportComparisonTests {
    static let comparison = ReportComparison(
        baseline: "spring-launch",
        rows: [
            .init(group: "spring-launch", metric: "k_factor", value: 0.74, low: 0.68, high: 0.80, verdict: "baseline"),
            .init(
                group: "summer-friends", metric: "k_factor", value: 0.81, low: 0.73, high: 0.90, lift: 0.0946, liftLow: -0.02,
                liftHigh: 0.21, pValue: 0.11, significant: false, verdict: "no clear difference"),
            .init(
                group: "summer-friends", metric: "invite_conversion_rate", value: 0.38, low: 0.35, high: 0.41, lift: 0.152,
                liftLow: 0.05, liftHigh: 0.26, pValue: 0.004, significant: true, verdict: "summer-friends converts better"),
        ])

    @Test func isShownWithWhiskersAndATable() throws {
        var report = ReportFixture.report
        report.comparison = Self.comparison
        let page = report.page()
        let reader = try #require(PageReader.read(page))
        #expect(reader.sections.contains("comparison"))
        #expect(reader.charts["comparison"] == 1)
        let rows = try #require(reader.tables["comparison"]?.first).dropFirst()
        #expect(rows.map { $0[0] } == ["spring-launch", "summer-friends", "summer-friends"])
        #expect(rows.map { $0[4] } == ["baseline", "+9.5%", "+15.2%"])
        #expect(rows.map { $0[5] } == ["–", "−2.0% to +21.0%", "+5.0% to +26.0%"])
        #expect(rows.map { $0[7] } == ["no", "no", "yes"])
        #expect(rows.last?[8] == "summer-friends converts better")
        // One whisker (two end caps) per row with a lift, none for the baseline.
        #expect(page.components(separatedBy: "class=\"whisker").count - 1 == 4)
        #expect(reader.chartTexts.contains("lift over spring-launch, with its interval"))
        #expect(reader.chartTexts.contains("significant"))

        let markdown = report.markdown()
        #expect(markdown.contains("## Campaign comparison"))
        #expect(markdown.contains("| summer-friends | invite_conversion_rate |"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().rendered().utf8)) as? [String: Any])
        let comparison = try #require(json["comparison"] as? [String: Any])
        #expect((comparison["rows"] as? [Any])?.count == 3)
    }

    @Test func isLeftOutWithoutOne() throws {
        let reader = try #require(PageReader.read(ReportFixture.report.page()))
        #expect(!reader.sections.contains("comparison"))
        #expect(!ReportFixture.report.markdown().contains("Campaign comparison"))
    }
}
