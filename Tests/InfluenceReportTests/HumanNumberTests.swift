import InfluenceReport
import Testing

/// Numbers written for people.
struct HumanNumberTests {
    @Test(arguments: [
        (0.334805, "33.5%"), (0, "0.0%"), (1, "100.0%"), (0.0004, "<0.1%"), (0.9996, "100.0%"),
    ])
    func percent(share: Double, text: String) {
        #expect(HumanNumber.percent(share) == text)
    }

    @Test(arguments: [
        (26872.38, "$26,872"), (68.99, "$68.99"), (0, "$0.00"), (1_234_567.5, "$1,234,568"), (-12.5, "−$12.50"),
    ])
    func money(value: Double, text: String) {
        #expect(HumanNumber.money(value, Currency(code: "USD")) == text)
    }

    @Test func currencies() {
        #expect(HumanNumber.money(1500, Currency(code: "eur")) == "€1,500")
        #expect(HumanNumber.money(1500, Currency(code: "SEK")) == "SEK 1,500")
        #expect(Currency.isValid("usd"))
        #expect(!Currency.isValid("US$"))
    }

    @Test(arguments: [
        (950.0, "950"), (1234, "1.2k"), (12_345, "12k"), (3_400_000, "3.4M"), (999_999, "1M"), (0.5, "0.50"),
    ])
    func compact(value: Double, text: String) {
        #expect(HumanNumber.compact(value) == text)
    }

    @Test(arguments: [(0.7834, "0.78"), (2.3, "2.30"), (0.04123, "0.0412"), (0, "0.00")])
    func decimal(value: Double, text: String) {
        #expect(HumanNumber.decimal(value) == text)
    }

    @Test(arguments: [(0.5, "30 min"), (5.25, "5.3 h"), (60, "2.5 days")])
    func hours(value: Double, text: String) {
        #expect(HumanNumber.hours(value) == text)
    }

    @Test func durationsShareOneUnit() {
        #expect(HumanNumber.hours([37.02, nil, 47.9]) == ["37.0 h", "–", "47.9 h"])
        #expect(HumanNumber.hours([37.02, 51.46]) == ["1.5 days", "2.1 days"])
    }

    @Test func spans() {
        #expect(HumanNumber.span(20150, 20219) == "3 Mar – 11 May 2025")
        #expect(HumanNumber.span(20150, 20150) == "3 Mar 2025")
        #expect(HumanNumber.shortPercent(0.05) == "5%")
        #expect(HumanNumber.shortPercent(0.005) == "0.5%")
    }

    @Test func counts() {
        #expect(HumanNumber.count(2923) == "2,923")
        #expect(HumanNumber.date(day: 20150) == "2025-03-03")
    }
}
