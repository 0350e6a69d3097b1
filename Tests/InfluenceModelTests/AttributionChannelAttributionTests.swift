import Foundation
import Testing
@testable import InfluenceModel

/// Path models against ChannelAttribution 2.2.5 (`heuristic_models`, `markov_model`), made by
/// `Scripts/make_channelattribution_fixtures.py`.
///
/// Heuristics are deterministic and must agree to 1e-9. `markov_model` simulates: for each
/// fold it draws `simulations_per_fold` journeys and estimates RE_c as the share of the
/// simulated conversions that visited c, a binomial proportion with standard error
/// σ_c = √(RE_c(1 − RE_c)/N), N ≈ simulations_per_fold × P(conversion). Our exact RE_c must lie
/// within 5σ_c of every seed's estimate (a false alarm about once in 1.7 million comparisons;
/// ChannelAttribution reports the fold nearest the median, which only narrows the spread),
/// and within 5σ_c/√seeds of their mean. Credit total × RE_c/ΣRE inherits the bound
/// total × (δ_c + share_c·Σδ)/ΣRE with δ = 5σ. The reference for the exact values is a
/// second computation — each channel removed in turn, P(conversion) solved by the power
/// iteration engine — and, for the `cycle` table, the values solved by hand.
///
/// ChannelAttribution's Markov *value* draws each simulated conversion's value from the paths
/// that end in the same channel, a different definition from total value × RE_c/ΣRE; the two
/// agree only when every conversion is worth the same, so value is compared on `tiny` and
/// `cycle` (10 and 1 per conversion) only.
struct AttributionChannelAttributionTests {
    static let tables = ["sample", "tiny", "loops", "cycle"]
    static let equalValueTables: Set<String> = ["tiny", "cycle"]

    static func folder() throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("channelattribution")
    }

    static func manifest() throws -> [String: Any] {
        let data = try Data(contentsOf: folder().appendingPathComponent("manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A fixture CSV as name → numeric columns.
    static func read(_ table: String, _ file: String) throws -> [String: [Double]] {
        let url = try folder().appendingPathComponent(table).appendingPathComponent(file)
        let reader = try CSVReader(bytes: Array(try Data(contentsOf: url)), file: file)
        var rows: [String: [Double]] = [:]
        var header = true
        try reader.forEachRecord { record in
            if header { header = false; return true }
            let name = try #require(record.string(0))
            var numbers: [Double] = []
            for column in 1..<record.count {
                let text = try #require(record.string(column))
                numbers.append(try #require(Double(text)))
            }
            rows[name] = numbers
            return true
        }
        return rows
    }

    static func paths(_ table: String) throws -> ChannelPaths {
        try ChannelPaths.read(path: folder().appendingPathComponent(table).appendingPathComponent("input.csv").path)
    }

    @Test func manifestNamesTheTool() throws {
        let manifest = try Self.manifest()
        #expect(manifest["tool"] as? String == "ChannelAttribution")
        #expect(manifest["version"] as? String == "2.2.5")
        let markov = try #require(manifest["markov_model"] as? [String: Any])
        #expect(markov["order"] as? Int == 1)
    }

    @Test(arguments: tables)
    func heuristicsEqualChannelAttribution(table: String) throws {
        let expected = try Self.read(table, "heuristic.csv")
        let paths = try Self.paths(table)
        for (model, column) in [(AttributionModel.firstTouch, 0), (.lastTouch, 2), (.linear, 4)] {
            let result = try Attribution.attribute(paths: paths, options: AttributionOptions(model: model, grouping: .channel))
            #expect(result.rows.count == expected.count)
            for row in result.rows {
                let want = try #require(expected[row.id], "\(row.id) missing from ChannelAttribution's answer")
                #expect(
                    abs(row.credit.conversions - want[column]) <= 1e-9 * max(1, abs(want[column])), "\(table) \(model.rawValue) \(row.id)")
                #expect(
                    abs(row.credit.value - want[column + 1]) <= 1e-9 * max(1, abs(want[column + 1])),
                    "\(table) \(model.rawValue) \(row.id) value")
            }
        }
    }

    @Test(arguments: tables)
    func exactRemovalEffectsMatchAnIndependentSolve(table: String) throws {
        let paths = try Self.paths(table)
        let solution = MarkovAttribution.solve(paths)
        let base = AttributionPathTests.conversionProbability(paths, removing: nil)
        #expect(abs(solution.conversionProbability - base) <= 1e-12)
        for c in 0..<paths.channels.count {
            let reference = 1 - AttributionPathTests.conversionProbability(paths, removing: c) / base
            #expect(abs(solution.removalEffect[c] - reference) <= 1e-10, "\(table) \(paths.channels[c])")
        }
    }

    @Test func cycleTableByHand() throws {
        let result = try Attribution.attribute(paths: Self.paths("cycle"), options: AttributionOptions(model: .markov, grouping: .channel))
        HandExample.expect(result, ["a": (2.0 / 3, 2.0 / 3), "b": (1.0 / 3, 1.0 / 3)])
    }

    @Test(arguments: tables)
    func markovWithinChannelAttributionsSimulationNoise(table: String) throws {
        let manifest = try Self.manifest()
        let settings = try #require(manifest["markov_model"] as? [String: Any])
        let seeds = try #require(settings["seeds"] as? [Int])
        let perFold = Double(try #require(settings["simulations_per_fold"] as? Int))
        let paths = try Self.paths(table)
        let result = try Attribution.attribute(paths: paths, options: AttributionOptions(model: .markov, grouping: .channel))
        let p = try #require(result.conversionProbability)
        let simulatedConversions = perFold * p
        let effects = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.id, $0.removalEffect!) })
        let credit = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.id, $0.credit) })
        let sum = effects.values.reduce(0, +)
        let delta = effects.mapValues { 5 * ($0 * (1 - $0) / simulatedConversions).squareRoot() }
        let deltaSum = delta.values.reduce(0, +)
        let total = result.total
        var means: [String: Double] = [:]
        for seed in seeds {
            let ca = try Self.read(table, "markov_seed\(seed).csv")
            #expect(Set(ca.keys) == Set(effects.keys))
            for (channel, row) in ca {
                let re = effects[channel]!, share = re / sum
                let creditTolerance = total.conversions * (delta[channel]! + share * deltaSum) / sum + 1e-12
                #expect(
                    abs(row[2] - re) <= delta[channel]! + 1e-12,
                    "\(table) seed \(seed) \(channel): RE ours \(re), ChannelAttribution \(row[2])")
                #expect(
                    abs(row[0] - credit[channel]!.conversions) <= creditTolerance,
                    "\(table) seed \(seed) \(channel): ours \(credit[channel]!.conversions), ChannelAttribution \(row[0]), tolerance \(creditTolerance)"
                )
                if Self.equalValueTables.contains(table) {
                    let valueTolerance = creditTolerance * total.value / total.conversions
                    #expect(abs(row[1] - credit[channel]!.value) <= valueTolerance + 1e-12, "\(table) seed \(seed) \(channel) value")
                    #expect(abs(row[3] - row[2]) <= 1e-12, "equal values: value and conversion removal effects agree")
                }
                means[channel, default: 0] += row[2] / Double(seeds.count)
            }
        }
        for (channel, mean) in means {
            let tolerance = delta[channel]! / Double(seeds.count).squareRoot() + 1e-12
            #expect(
                abs(mean - effects[channel]!) <= tolerance,
                "\(table) \(channel): mean of \(seeds.count) seeds \(mean), exact \(effects[channel]!)")
        }
    }
}
