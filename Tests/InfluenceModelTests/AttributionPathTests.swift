import Foundation
import Testing
@testable import InfluenceModel

/// Channel path tables: reading, the heuristics, Markov removal effects and Shapley values,
/// each against values worked by hand or computed a second, independent way.
struct AttributionPathTests {
    static func table(_ text: String) throws -> ChannelPaths {
        try ChannelPaths.parse(bytes: Array(text.utf8), file: "paths.csv")
    }

    static func attribute(
        _ text: String, _ model: AttributionModel,
        configure: (inout AttributionOptions) -> Void = { _ in }
    ) throws -> AttributionResult {
        var options = AttributionOptions(model: model, grouping: .channel)
        configure(&options)
        return try Attribution.attribute(paths: table(text), options: options)
    }

    // MARK: Reading

    @Test func readsAnyDelimiterAndTrimsChannels() throws {
        let paths = try Self.table(
            "path;total_conversions;total_conversion_value;total_null\n email >facebook>  link ;2;3,5;1\na >> b;0;0;4\n")
        #expect(paths.channels == ["email", "facebook", "link", "a", "b"])
        #expect(paths.path(0).map { paths.channels[Int($0)] } == ["email", "facebook", "link"])
        #expect(paths.path(1).count == 2, "empty segments are passed over, as ChannelAttribution does")
        #expect(paths.value == [3.5, 0])
        #expect(paths.nulls == [1, 4])
    }

    @Test func valueAndNullColumnsAreOptional() throws {
        let paths = try Self.table("path,total_conversions\na > b,3\n")
        #expect(paths.value == [3])
        #expect(paths.nulls == [0])
    }

    @Test func badRowsNameTheirLine() throws {
        #expect(throws: InputError.emptyValue(file: "paths.csv", line: 3, column: 1, name: "path")) {
            try Self.table("path,total_conversions\na,1\n > ,2\n")
        }
        #expect(throws: InputError.self) { try Self.table("path,total_conversions\na,-1\n") }
        #expect(throws: InputError.self) { try Self.table("journey,total_conversions,total_null\na,x,1\n") }
        #expect(throws: InputError.self) { try Self.table("route,conversions\na,1\n") }
        let skipped = try ChannelPaths.parse(
            bytes: Array("path,total_conversions\na,1\n>,2\nb,1\n".utf8), file: "p.csv",
            options: ReadOptions(onError: .skip))
        #expect(skipped.count == 2 && skipped.quality.skippedRows == 1)
    }

    // MARK: Heuristics

    /// a: 1 conversion (value 10); a > b > a: 3 (30); b > c: 2 (8).
    static let small = "path,total_conversions,total_conversion_value,total_null\na,1,10,5\na > b > a,3,30,0\nb > c,2,8,1\n"

    @Test func heuristicsByHand() throws {
        HandExample.expect(try Self.attribute(Self.small, .firstTouch), ["a": (4, 40), "b": (2, 8), "c": (0, 0)])
        HandExample.expect(try Self.attribute(Self.small, .lastTouch), ["a": (4, 40), "b": (0, 0), "c": (2, 8)])
        // Linear shares by touch: a > b > a gives a 2/3, b 1/3.
        HandExample.expect(try Self.attribute(Self.small, .linear), ["a": (3, 30), "b": (2, 14), "c": (1, 4)])
    }

    // MARK: Markov

    /// a > b > a (1 conversion), b (1 null). From the start a or b with 1/2 each; a → b or
    /// conversion 1/2 each; b → a or null 1/2 each. Absorption: a_a = 1/2 + a_b/2, a_b = a_a/2,
    /// so a_a = 2/3, a_b = 1/3 and P(conversion) = 1/2. Without a, nothing converts: RE_a = 1.
    /// Without b, a_a = 1/2 and P = 1/4: RE_b = 1/2. Credit 1 × (1, 1/2)/(3/2) = 2/3, 1/3.
    static let cycle = "path,total_conversions,total_conversion_value,total_null\na > b > a,1,1,0\nb,0,0,1\n"

    @Test func markovByHandOnACycle() throws {
        let result = try Self.attribute(Self.cycle, .markov)
        HandExample.expect(result, ["a": (2.0 / 3, 2.0 / 3), "b": (1.0 / 3, 1.0 / 3)])
        #expect(HandExample.close(result.conversionProbability ?? 0, 0.5))
        let effects = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.id, $0.removalEffect ?? .nan) })
        #expect(HandExample.close(effects["a"]!, 1) && HandExample.close(effects["b"]!, 0.5))
    }

    /// a (1 conversion, 1 null), a > b (2 conversions), b (2 nulls): start → a 4/6, b 2/6;
    /// a → conversion 1/4, null 1/4, b 1/2; b → conversion 1/2, null 1/2. a_b = 1/2,
    /// a_a = 1/4 + 1/4 = 1/2, P = 1/2. Without a: P = 1/3 · 1/2 = 1/6, RE 2/3. Without b:
    /// a_a = 1/4, P = 2/3 · 1/4 = 1/6, RE 2/3. Equal credit: 1.5 each of 3; value 12 → 6 each.
    @Test func markovByHandWithoutACycle() throws {
        let result = try Self.attribute(
            "path,total_conversions,total_conversion_value,total_null\na,1,2,1\na > b,2,10,0\nb,0,0,2\n", .markov)
        HandExample.expect(result, ["a": (1.5, 6), "b": (1.5, 6)])
        #expect(result.rows.allSatisfy { HandExample.close($0.removalEffect ?? 0, 2.0 / 3) })
    }

    @Test func backToBackRepeatsAreOneVisit() throws {
        let a = try Self.attribute("path,total_conversions,total_null\na > a > b,3,1\nb > c,1,2\n", .markov)
        let b = try Self.attribute("path,total_conversions,total_null\na > b,3,1\nb > c,1,2\n", .markov)
        #expect(a.rows == b.rows)
    }

    @Test(arguments: 0..<30)
    func removalEffectsMatchRemovingEachChannel(seed: Int) throws {
        let text = Self.randomTable(seed: seed, channels: 2 + seed % 6)
        let paths = try Self.table(text)
        let solution = MarkovAttribution.solve(paths)
        let base = Self.conversionProbability(paths, removing: nil)
        #expect(abs(solution.conversionProbability - base) <= 1e-9)
        for c in 0..<paths.channels.count {
            let without = Self.conversionProbability(paths, removing: c)
            let effect = base > 0 ? 1 - without / base : 0
            #expect(abs(solution.removalEffect[c] - effect) <= 1e-9, "seed \(seed) channel \(paths.channels[c])")
        }
    }

    /// P(conversion) with channel `removed` made a dead end, by the power-iteration engine on the
    /// backward equations a = T·a + r (written apart from MarkovAttribution's LU).
    static func conversionProbability(_ paths: ChannelPaths, removing removed: Int?) -> Double {
        let size = paths.channels.count + 1
        var counts = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        var conversion = [Double](repeating: 0, count: size)
        var out = [Double](repeating: 0, count: size)
        for i in 0..<paths.count {
            let journeys = paths.conversions[i] + paths.nulls[i]
            guard journeys > 0 else { continue }
            var states = [0]
            for c in paths.path(i) where states.last! != Int(c) + 1 { states.append(Int(c) + 1) }
            for (from, to) in zip(states, states.dropFirst()) { counts[from][to] += journeys; out[from] += journeys }
            conversion[states.last!] += paths.conversions[i]
            out[states.last!] += journeys
        }
        let dead = removed.map { $0 + 1 }
        let r = (0..<size).map { out[$0] > 0 && $0 != dead ? conversion[$0] / out[$0] : 0 }
        let solved = PowerIteration.affine(
            start: [Double](repeating: 0, count: size), alpha: 1, constant: r,
            settings: IterationSettings(tolerance: 1e-15, maxIterations: 1_000_000)
        ) { x, y in
            for i in 0..<size {
                var sum = 0.0
                if out[i] > 0, i != dead { for j in 0..<size { sum += counts[i][j] / out[i] * x[j] } }
                y[i] = sum
            }
        }
        return solved.x[0]
    }

    /// A random path table with revisits and repeats.
    static func randomTable(seed: Int, channels: Int) -> String {
        var rng = SplitMix64(seed: UInt64(seed) &+ 1000)
        var lines = ["path,total_conversions,total_conversion_value,total_null"]
        for _ in 0..<1 + rng.below(12) {
            let path = (0..<1 + rng.below(5)).map { _ in "c\(rng.below(channels))" }.joined(separator: " > ")
            let conversions = rng.below(6)
            lines.append("\(path),\(conversions),\(Double(conversions) * Double(1 + rng.below(9))),\(rng.below(6))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Shapley

    /// a (1), a > b (2), b > c (1): v is a sum of unanimity games, so φ_a = 1 + 2/2 = 2,
    /// φ_b = 2/2 + 1/2 = 1.5, φ_c = 1/2.
    @Test func shapleyByHand() throws {
        let result = try Self.attribute("path,total_conversions,total_conversion_value\na,1,1\na > b,2,4\nb > c,1,6\n", .shapley)
        HandExample.expect(result, ["a": (2, 3), "b": (1.5, 5), "c": (0.5, 3)])
        #expect(result.shapleySamples == nil)
    }

    @Test(arguments: 0..<20)
    func exactShapleyIsTheEvenSplitOverDistinctChannels(seed: Int) throws {
        let paths = try Self.table(Self.randomTable(seed: seed, channels: 2 + seed % 10))
        let result = try Attribution.attribute(paths: paths, options: AttributionOptions(model: .shapley, grouping: .channel))
        let expected = Self.unanimitySplit(paths)
        let got = HandExample.credits(result)
        for (name, credit) in expected {
            #expect(abs(got[name]!.conversions - credit.conversions) <= 1e-9 * max(1, credit.conversions))
            #expect(abs(got[name]!.value - credit.value) <= 1e-9 * max(1, credit.value))
        }
    }

    @Test func sampledShapleyIsWithinItsStandardError() throws {
        let paths = try Self.table(Self.randomTable(seed: 7, channels: 8))
        var options = AttributionOptions(model: .shapley, grouping: .channel, seed: 42, shapleySamples: 4000)
        options.shapleyExactLimit = 3
        let result = try Attribution.attribute(paths: paths, options: options)
        let again = try Attribution.attribute(paths: paths, options: options)
        #expect(result.rows == again.rows, "seeded")
        #expect(result.shapleySamples == 4000)
        let expected = Self.unanimitySplit(paths)
        for row in result.rows {
            let se = try #require(row.standardError)
            let want = expected[row.id]!
            #expect(abs(row.credit.conversions - want.conversions) <= 5 * se.conversions + 1e-12, "\(row.id)")
            #expect(abs(row.credit.value - want.value) <= 5 * se.value + 1e-12, "\(row.id)")
        }
    }

    /// A path row without channels, which no reader makes but a library caller can append,
    /// is refused by the conservation check, sampled or exact, rather than trapping; and a
    /// limit past 30 channels still samples instead of tabulating 2^m subsets.
    @Test func shapleyRefusesAPathWithoutChannels() throws {
        var paths = ChannelPaths(file: "p.csv")
        paths.append(path: ["a", "b"], conversions: 3, value: 30, nulls: 0)
        paths.append(path: [], conversions: 2, value: 20, nulls: 0)
        for limit in [0, 20] {
            var options = AttributionOptions(model: .shapley, grouping: .channel, seed: 1, shapleySamples: 50)
            options.shapleyExactLimit = limit
            #expect(throws: AttributionError.self) { try Attribution.attribute(paths: paths, options: options) }
        }
        var lines = ["path,total_conversions"]
        for i in 0..<31 { lines.append("c\(i) > c\((i + 1) % 31),1") }
        let wide = try Self.attribute(lines.joined(separator: "\n"), .shapley) {
            $0.shapleySamples = 20
            $0.shapleyExactLimit = 40
        }
        #expect(wide.shapleySamples == 20)
    }

    @Test func moreThanTwentyChannelsAreSampled() throws {
        var lines = ["path,total_conversions"]
        for i in 0..<25 { lines.append("c\(i) > c\((i + 1) % 25),\(i + 1)") }
        let result = try Self.attribute(lines.joined(separator: "\n"), .shapley) { $0.shapleySamples = 500 }
        #expect(result.shapleySamples == 500)
        #expect(result.rows.count == 25)
        #expect(result.csvHeader == ["channel", "conversions", "value", "conversions_se", "value_se"])
    }

    /// Each path's credit split evenly over its distinct channels.
    static func unanimitySplit(_ paths: ChannelPaths) -> [String: Credit] {
        var out = Dictionary(uniqueKeysWithValues: paths.channels.map { ($0, Credit()) })
        for i in 0..<paths.count {
            let distinct = Set(paths.path(i))
            for c in distinct {
                out[paths.channels[Int(c)]]! += Credit(
                    conversions: paths.conversions[i] / Double(distinct.count),
                    value: paths.value[i] / Double(distinct.count))
            }
        }
        return out
    }

    // MARK: Paths from events

    /// HandExample's conversions 0 and 1 climb C→D (email), B→C (facebook), A→B (email):
    /// top first, "email > facebook > email". Conversion 5 climbs X→A: "twitter". Referred
    /// people without a credited conversion add a null on their whole chain: B, C and E.
    @Test func pathsFromEvents() throws {
        let events = try HandExample.referrals()
        let conversions = try HandExample.purchases()
        let forest = ReferralParents(events: events)
        let chains = ConversionChains(events: events, forest: forest, conversions: conversions)
        let paths = try ChannelPaths(events: events, forest: forest, chains: chains, conversions: conversions)
        let rows = (0..<paths.count).map { i in paths.path(i).map { paths.channels[Int($0)] }.joined(separator: " > ") }
        let expected = [
            "email > facebook > email", "twitter", "twitter > email", "twitter > email > facebook",
            "twitter > email > facebook > email > link",
        ]
        #expect(rows == expected)
        #expect(paths.conversions == [2, 1, 0, 0, 0])
        #expect(paths.value == [150, 20, 0, 0, 0])
        #expect(paths.nulls == [0, 0, 1, 1, 1])
        #expect(paths.organic == Credit(conversions: 3, value: 55))
        // The chain's linear credit by channel is the path table's linear credit.
        let byChain = try HandExample.attribute(.linear, by: .channel)
        let byPath = try Attribution.attribute(
            events: events, conversions: conversions,
            options: AttributionOptions(model: .linear, grouping: .channel), pathsFromEvents: true)
        let chainCredits = HandExample.credits(byChain)
        for row in byPath.rows where row.credit.conversions > 0 {
            #expect(HandExample.close(chainCredits[row.id]!.value, row.credit.value))
        }
        #expect(byPath.total == byChain.total && byPath.organic == byChain.organic)
    }

    /// Paths derived from a 20,000-person referral forest (several batches of null journeys,
    /// chains many levels deep, referrals without a channel with and without a channel named
    /// "(none)", conversions after every referral and among them, so that chains stop below
    /// a later referral) equal the paths worked out a second way: each conversion's chain and each
    /// referred non-converter's climb to the root, as channel names, grouped by text in
    /// order of first appearance.
    @Test(arguments: 0..<6)
    func derivedPathsMatchTheClimbs(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 4242)
        let people = 20_000
        // Seeds 4 and 5 name 70 channels more: past the trie's table of children by label, its
        // hash map.
        let channels =
            ["email", "link", "", "sms"] + (seed % 2 == 0 ? ["(none)"] : []) + (seed >= 4 ? (0..<70).map { "c\($0)" } : [])
        var rows = ["source,target,timestamp,channel"]
        for k in 1..<people where rng.below(12) != 0 {
            // A recent referrer most of the time: deep chains.
            let s = rng.below(2) == 0 ? max(0, k - 1 - rng.below(3)) : rng.below(k)
            rows.append("p\(s),p\(k),2025-01-01T00:00:\(String(format: "%02d", k % 60))Z,\(channels[rng.below(channels.count)])")
        }
        var purchases = ["user,timestamp,value"]
        // After every referral for seeds 0 and 1, so every chain climbs to its tree's top;
        // among the referrals' times for seeds 2 and 3, so that many stop below a later one.
        for _ in 0..<3_000 {
            let time = seed < 2 ? "2025-02-01" : "2025-01-01T00:00:\(String(format: "%02d", rng.below(60)))Z"
            purchases.append("p\(rng.below(people + 50)),\(time),\(1 + rng.below(90))")
        }
        let events = try ReferralEvents.parse(bytes: Array(rows.joined(separator: "\n").utf8), file: "e.csv")
        let conversions = try Conversions.parse(bytes: Array(purchases.joined(separator: "\n").utf8), file: "c.csv")
        let forest = ReferralParents(events: events)
        let chains = ConversionChains(events: events, forest: forest, conversions: conversions)
        let paths = try ChannelPaths(events: events, forest: forest, chains: chains, conversions: conversions)

        func name(_ row: Int32) -> String {
            let c = events.channel![Int(row)]
            return c >= 0 ? events.channels.name(c) : ChannelPaths.noChannel
        }
        var order: [String] = []
        var sums: [String: (conversions: Double, value: Double, nulls: Double)] = [:]
        func add(_ path: String, _ conversions: Double, _ value: Double, _ nulls: Double) {
            if sums[path] == nil { order.append(path) }
            let old = sums[path] ?? (0, 0, 0)
            sums[path] = (old.conversions + conversions, old.value + value, old.nulls + nulls)
        }
        var converted = Set<Int32>()
        var cut = 0  // chains stopped below the top of their tree
        for i in 0..<chains.count where !chains.rows(of: i).isEmpty {
            converted.insert(chains.converter[i])
            if forest.parent[Int(chains.referrers(of: i).last!)] >= 0 { cut += 1 }
            add(chains.rows(of: i).reversed().map(name).joined(separator: " > "), 1, conversions.value[i], 0)
        }
        for p in forest.members where forest.parent[Int(p)] >= 0 && !converted.contains(p) {
            var names: [String] = []
            var at = p
            while forest.parent[Int(at)] >= 0 {
                names.append(name(forest.parentRow[Int(at)]))
                at = forest.parent[Int(at)]
            }
            add(names.reversed().joined(separator: " > "), 0, 0, 1)
        }
        let got = (0..<paths.count).map { i in paths.path(i).map { paths.channels[Int($0)] }.joined(separator: " > ") }
        #expect(seed < 2 ? cut == 0 : cut > 100)
        #expect(got.count > 1_000)
        #expect(got == order)
        let want = order.map { sums[$0]! }
        #expect(paths.conversions == want.map(\.conversions))
        #expect(paths.value == want.map(\.value))
        #expect(paths.nulls == want.map(\.nulls))
        // Channels are numbered in order of first appearance along the rows, as appending the
        // rows one by one numbers them.
        var firstSeen: [String] = []
        for path in order {
            for name in path.components(separatedBy: " > ") where !firstSeen.contains(name) { firstSeen.append(name) }
        }
        #expect(paths.channels == firstSeen)
    }

    /// Every model and grouping run on the referral data.
    static let releaseCases: [(AttributionModel, AttributionGrouping, Bool)] =
        AttributionModel.allCases.flatMap { model -> [(AttributionModel, AttributionGrouping, Bool)] in
            if model.isChainModel || model == .influenceFlow {
                return AttributionGrouping.allCases.map { (model, $0, false) } + (model.isPathModel ? [(model, .channel, true)] : [])
            }
            return [(model, .channel, false)]
        }

    /// Attributing while releasing the referral columns gives the same credit, and the events
    /// keep what the credit reads only: the path models and influence-flow by channel their
    /// channels alone; the other models no sources or targets, the people's ids (without
    /// their slots) but by channel, times and line numbers for time-decay alone, channels by
    /// channel alone, and no campaigns (by campaign, the labels are found before they go).
    @Test(arguments: releaseCases)
    func releasingGivesTheSameCredit(model: AttributionModel, grouping: AttributionGrouping, fromEvents: Bool) throws {
        let events = try HandExample.referrals()
        let conversions = try HandExample.purchases()
        #expect(events.campaign != nil && events.channel != nil && events.timestamp != nil && !events.line.isEmpty)
        let options = AttributionOptions(model: model, grouping: grouping)
        let kept = try Attribution.attribute(events: events, conversions: conversions, options: options, pathsFromEvents: fromEvents)
        var released = events
        let result = try Attribution.attribute(
            releasing: &released, conversions: conversions, options: options, pathsFromEvents: fromEvents)
        func text(_ r: AttributionResult) -> [String] {
            r.rows.map { "\($0.campaign ?? "-") \($0.id) \($0.credit.conversions) \($0.credit.value)" }
        }
        #expect(text(result) == text(kept) && !text(kept).isEmpty)
        #expect(result.total == kept.total && result.organic == kept.organic && result.quality == kept.quality)
        let channelsOnly = fromEvents || model == .markov || model == .shapley || (model == .influenceFlow && grouping == .channel)
        #expect(released.count == 0 && released.target.isEmpty)
        #expect(released.people.count == (channelsOnly || grouping == .channel ? 0 : events.people.count))
        // The ids that stay are named, never looked for: their slots are given up.
        #expect(released.people.count == 0 || released.people.keysOnly)
        let timed = model == .timeDecay && !channelsOnly
        #expect((released.timestamp != nil) == timed && released.line.isEmpty == !timed)
        let channels = channelsOnly || grouping == .channel
        #expect((released.channel == events.channel) == channels && released.channels.count == (channels ? events.channels.count : 0))
        // By campaign, the labels are found before the campaigns go.
        #expect(released.campaign == nil && released.campaigns.count == 0)
        #expect(released.quality == events.quality && released.file == events.file)
    }

    /// The parents and merge count found beside the reading of the conversions give every
    /// model that starts from them the credit found after it; with a filter (which changes the
    /// rows after reading) nothing is found beside.
    @Test func rowsFoundBesideTheConversionsGiveTheSameCredit() throws {
        let program = try GeneratedProgram(GeneratorParameters(people: 20_000, seed: 21))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beside-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try program.write(to: folder)
        let (events, conversions) = ([folder + "/events.csv"], [folder + "/conversions.csv"])
        let plain = try Export.read(events: events, conversions: conversions)
        func read(_ filter: RowFilter) throws -> (Export, Attribution.Rows?) {
            let read = try Export.read(
                events: events, conversions: conversions, options: ReadOptions(), conversionOptions: ReadOptions(),
                filter: filter, timings: nil, beside: Attribution.rowsFirst(timings: nil))
            return (read.export, read.beside.map(Attribution.Rows.init))
        }
        let (export, rows) = try read(RowFilter())
        #expect((rows != nil) == (Parallel.threads > 1))
        #expect(export.conversions?.count == plain.conversions?.count && export.events.count == plain.events.count)
        let filtered = try read(RowFilter(campaigns: [program.parameters.campaigns[0].name]))
        #expect(filtered.1 == nil)
        for model in AttributionModel.allCases where model != .influenceFlow {
            for grouping in [AttributionGrouping.channel, .person] where !(grouping == .person && !model.isChainModel) {
                let options = AttributionOptions(model: model, grouping: grouping)
                let expected = try Attribution.attribute(events: plain.events, conversions: plain.conversions!, options: options)
                var released = export.events
                let result = try Attribution.attribute(
                    releasing: &released, conversions: export.conversions!, options: options, rows: rows)
                func text(_ r: AttributionResult) -> [String] { r.rows.map { "\($0.id) \($0.credit.conversions) \($0.credit.value)" } }
                #expect(text(result) == text(expected) && !text(expected).isEmpty, "\(model) by \(grouping)")
                #expect(result.total == expected.total && result.organic == expected.organic && result.quality == expected.quality)
            }
        }
    }
}
