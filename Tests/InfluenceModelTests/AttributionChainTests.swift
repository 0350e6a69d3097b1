import Foundation
import Testing
@testable import InfluenceModel

/// A small referral export worked by hand, shared by the attribution tests.
///
///     X ─(day 10, twitter)→ A ─(day 1, email)→ B ─(day 2, facebook, w 3)→ C ─(day 3, email)→ D ─(day 20, link)→ E
///                                                Y ─(day 2, link, w 1)→ C
///
/// B→C and Y→C tie at day 2: input order makes B C's parent. A was referred (by X) only on
/// day 10, after A's own referral of B. Conversions:
///
/// | # | user | day | value | campaign | chain (direct first) |
/// |---|------|-----|-------|----------|----------------------|
/// | 0 | D | 5 | 100 | spring | C, B, A — X→A (day 10) is later: the chain straddles the conversion |
/// | 1 | D | 3 | 50 | (empty: D's first referral is spring) | C, B, A — C→D at day 3 ties the conversion and counts |
/// | 2 | E | 15 | 40 | summer | none: E was referred on day 20 (organic) |
/// | 3 | Y | 5 | 10 | spring | none: nobody referred Y (organic) |
/// | 4 | Z | 5 | 5 | spring | none: Z is not in the export (organic) |
/// | 5 | A | 11 | 20 | summer | X |
enum HandExample {
    static let events = """
        source,target,timestamp,channel,campaign,weight
        A,B,2025-01-01,email,spring,1
        B,C,2025-01-02,facebook,spring,3
        Y,C,2025-01-02,link,spring,1
        C,D,2025-01-03,email,spring,1
        X,A,2025-01-10,twitter,summer,1
        D,E,2025-01-20,link,summer,1
        """
    static let conversions = """
        user,timestamp,value,campaign
        D,2025-01-05,100,spring
        D,2025-01-03,50,
        E,2025-01-15,40,summer
        Y,2025-01-05,10,spring
        Z,2025-01-05,5,spring
        A,2025-01-11,20,summer
        """

    static func referrals(_ text: String = events) throws -> ReferralEvents {
        try ReferralEvents.parse(bytes: Array(text.utf8), file: "events.csv")
    }

    static func purchases(_ text: String = conversions) throws -> Conversions {
        try Conversions.parse(bytes: Array(text.utf8), file: "conversions.csv")
    }

    static func attribute(
        _ model: AttributionModel, by grouping: AttributionGrouping = .person,
        events: String = events, conversions: String = conversions,
        configure: (inout AttributionOptions) -> Void = { _ in }
    ) throws -> AttributionResult {
        var options = AttributionOptions(model: model, grouping: grouping)
        configure(&options)
        return try Attribution.attribute(events: referrals(events), conversions: purchases(conversions), options: options)
    }

    /// Rows as id → (conversions, value); by campaign the id is "campaign/node".
    static func credits(_ result: AttributionResult) -> [String: Credit] {
        var out: [String: Credit] = [:]
        for row in result.rows { out[(row.campaign.map { $0 + "/" } ?? "") + row.id] = row.credit }
        return out
    }

    /// Checks `result` against expected credits, exactly to 1e-12 relative.
    static func expect(
        _ result: AttributionResult, _ expected: [String: (Double, Double)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let got = credits(result)
        #expect(Set(got.keys) == Set(expected.keys), "ids", sourceLocation: sourceLocation)
        for (id, (conversions, value)) in expected {
            let c = got[id] ?? Credit(conversions: .nan, value: .nan)
            #expect(
                close(c.conversions, conversions) && close(c.value, value),
                "\(id): got \(c.conversions), \(c.value); want \(conversions), \(value)", sourceLocation: sourceLocation)
        }
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }
}

struct AttributionChainTests {
    @Test func chainsStopAtTheFirstLaterReferral() throws {
        let events = try HandExample.referrals()
        let forest = ReferralParents(events: events)
        let chains = ConversionChains(events: events, forest: forest, conversions: try HandExample.purchases())
        #expect(chains.timed)
        let names = (0..<chains.count).map { chains.referrers(of: $0).map { events.people.name($0) } }
        let expected: [[String]] = [["C", "B", "A"], ["C", "B", "A"], [], [], [], ["X"]]
        #expect(names == expected)
        let rows = chains.rows(of: 0).map { Int($0) }
        #expect(rows == [3, 1, 0], "C's referral of D, B's of C (not Y's: the tie goes to input order), A's of B")
        let reasons: [ConversionChains.Reason?] = [nil, nil, .referredAfterConverting, .notReferred, .unknownConverter, nil]
        #expect(chains.organicReason == reasons)
    }

    /// Enough conversions for the climb to be cut into pieces on several threads: every chain
    /// is the one the generated tree gives, climbed here one conversion at a time.
    @Test func manyConversionsClimbTheChainsOfTheTree() throws {
        var rng = SplitMix64(seed: 11)
        let people = 30_000
        func time(_ minute: Int) -> String {
            let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
            return "2025-01-\(two(1 + minute / 1440))T\(two(minute % 1440 / 60)):\(two(minute % 60)):00Z"
        }
        // Person k > 0 is referred once, by an earlier person, at minute k.
        var parent = [Int](repeating: -1, count: people)
        var events = "source,target,timestamp,channel\n"
        for k in 1..<people {
            parent[k] = Int(rng.next() % UInt64(k))
            events += "u\(parent[k]),u\(k),\(time(k)),email\n"
        }
        var conversions = "user,timestamp,value\n"
        var expected: [[String]] = []
        for _ in 0..<100_000 {
            let user = Int(rng.next() % UInt64(people + 1_000))  // the last thousand are unknown
            let minute = Int(rng.next() % UInt64(people + 1_000))
            conversions += "u\(user),\(time(minute)),1\n"
            var chain: [String] = []
            if user < people {
                var child = user
                while parent[child] >= 0, child <= minute {  // the referral of child was made at minute child
                    child = parent[child]
                    chain.append("u\(child)")
                }
            }
            expected.append(chain)
        }
        let read = try HandExample.referrals(events)
        let chains = ConversionChains(
            events: read, forest: ReferralParents(events: read), conversions: try HandExample.purchases(conversions))
        #expect(chains.count == expected.count && chains.chainStart.count == expected.count + 1)
        var wrong = 0
        for i in 0..<chains.count where chains.referrers(of: i).map({ read.people.name($0) }) != expected[i] { wrong += 1 }
        #expect(wrong == 0)
        let unknown = chains.converter.filter { $0 < 0 }.count
        #expect(unknown == chains.organicReason.filter { $0 == .unknownConverter }.count && unknown > 0)
        #expect(chains.referrer.count == chains.row.count && chains.referrer.count == expected.reduce(0) { $0 + $1.count })
    }

    @Test func withoutTimestampsTheWholeChainClimbs() throws {
        let untimed = HandExample.conversions.split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 1 }.map(\.element).joined(
                separator: ",")
        }.joined(separator: "\n")
        let events = try HandExample.referrals()
        let chains = ConversionChains(
            events: events, forest: ReferralParents(events: events),
            conversions: try HandExample.purchases(untimed))
        #expect(!chains.timed)
        let names = (0..<chains.count).map { chains.referrers(of: $0).map { events.people.name($0) } }
        let expected: [[String]] = [["C", "B", "A", "X"], ["C", "B", "A", "X"], ["D", "C", "B", "A", "X"], [], [], ["X"]]
        #expect(names == expected)
    }

    @Test func lastTouch() throws {
        HandExample.expect(try HandExample.attribute(.lastTouch), ["C": (2, 150), "X": (1, 20)])
    }

    @Test func firstTouch() throws {
        HandExample.expect(try HandExample.attribute(.firstTouch), ["A": (2, 150), "X": (1, 20)])
    }

    @Test func linear() throws {
        let third = 2.0 / 3
        HandExample.expect(try HandExample.attribute(.linear), ["C": (third, 50), "B": (third, 50), "A": (third, 50), "X": (1, 20)])
    }

    @Test func position() throws {
        HandExample.expect(try HandExample.attribute(.position), ["C": (0.8, 60), "B": (0.4, 30), "A": (0.8, 60), "X": (1, 20)])
    }

    @Test func timeDecayWithAOneDayHalfLife() throws {
        // Conversion 0 (day 5): ages 2, 3, 4 days → weights 1/4, 1/8, 1/16 → 4/7, 2/7, 1/7.
        // Conversion 1 (day 3): ages 0, 1, 2 days → 1, 1/2, 1/4 → the same shares.
        let result = try HandExample.attribute(.timeDecay) { $0.halfLife = 86_400 }
        HandExample.expect(result, ["C": (8.0 / 7, 600.0 / 7), "B": (4.0 / 7, 300.0 / 7), "A": (2.0 / 7, 150.0 / 7), "X": (1, 20)])
    }

    @Test func timeDecayWithTheDefaultWeek() throws {
        let result = try HandExample.attribute(.timeDecay)
        // Conversion 0: 2^(−2/7), 2^(−3/7), 2^(−4/7); conversion 1: 2^0, 2^(−1/7), 2^(−2/7).
        func shares(_ ages: [Double]) -> [Double] {
            let w = ages.map { exp2(-$0 / 7) }
            let total = w.reduce(0, +)
            return w.map { $0 / total }
        }
        let a = shares([2, 3, 4]), b = shares([0, 1, 2])
        HandExample.expect(
            result,
            [
                "C": (a[0] + b[0], 100 * a[0] + 50 * b[0]),
                "B": (a[1] + b[1], 100 * a[1] + 50 * b[1]),
                "A": (a[2] + b[2], 100 * a[2] + 50 * b[2]),
                "X": (1, 20),
            ])
    }

    @Test func organicTotals() throws {
        for model in [AttributionModel.lastTouch, .firstTouch, .linear, .position, .timeDecay] {
            let result = try HandExample.attribute(model)
            #expect(result.total == Credit(conversions: 6, value: 225))
            #expect(result.organic == Credit(conversions: 3, value: 55))
            #expect(result.organicCounts == .init(unknownConverter: 1, notReferred: 1, referredAfterConverting: 1))
        }
    }

    @Test func byChannelUsesTheCreditedReferral() throws {
        // Linear: C (row 3, email) and A (row 0, email) 2/3 each, B (row 1, facebook) 2/3, X (row 4, twitter) 1.
        HandExample.expect(
            try HandExample.attribute(.linear, by: .channel),
            ["email": (4.0 / 3, 100), "facebook": (2.0 / 3, 50), "twitter": (1, 20)])
        HandExample.expect(try HandExample.attribute(.lastTouch, by: .channel), ["email": (2, 150), "twitter": (1, 20)])
    }

    @Test func byCampaignFallsBackToTheFirstReferral() throws {
        let result = try HandExample.attribute(.linear, by: .campaign)
        let third = 2.0 / 3
        HandExample.expect(result, ["spring/C": (third, 50), "spring/B": (third, 50), "spring/A": (third, 50), "summer/X": (1, 20)])
        let organic = Dictionary(uniqueKeysWithValues: result.organicByCampaign.map { ($0.campaign, $0.credit) })
        #expect(organic == ["spring": Credit(conversions: 2, value: 15), "summer": Credit(conversions: 1, value: 40)])
        #expect(result.rows.map(\.campaign) == ["spring", "spring", "spring", "summer"])
    }

    static let positionCases: [(Int, [Double])] = [
        (1, [1.0]),
        (2, [0.5, 0.5]),
        (3, [0.4, 0.2, 0.4]),
        (5, [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]),
    ]

    @Test(arguments: positionCases)
    func positionShares(length: Int, expected: [Double]) {
        let shares = ConversionChains.shares(.position, length: length, halfLife: 1)
        #expect(zip(shares, expected).allSatisfy { HandExample.close($0, $1) })
    }

    @Test func timeDecayDoesNotUnderflowOnOldChains() {
        let shares = ConversionChains.shares(.timeDecay, length: 2, ages: [1e9, 1e9 + 3600], halfLife: 3600)
        #expect(HandExample.close(shares[0], 2.0 / 3) && HandExample.close(shares[1], 1.0 / 3))
    }

    @Test func rowsAreSortedByValueThenId() throws {
        let events = "source,target\nb,x\na,y\nc,z\n"
        let conversions = "user,value\nx,5\ny,5\nz,7\n"
        let result = try HandExample.attribute(.lastTouch, events: events, conversions: conversions)
        #expect(result.rows.map(\.id) == ["c", "a", "b"])
    }

    @Test func timeDecayNeedsTimestamps() throws {
        let events = "source,target\na,b\n"
        #expect(throws: AttributionError.self) { try HandExample.attribute(.timeDecay, events: events) }
        do {
            _ = try HandExample.attribute(.timeDecay, events: events)
        } catch let error as AttributionError {
            #expect(error.exitCode == 64)
            #expect(error.description.contains("timestamp"))
        }
    }

    @Test func timeDecayNamesARowWithoutATime() throws {
        let conversions = "user,timestamp,value\nD,,100\n"
        #expect(throws: AttributionError.missingTime(file: "conversions.csv", line: 2, what: "conversion")) {
            try HandExample.attribute(.timeDecay, conversions: conversions)
        }
    }

    @Test func byChannelNeedsAChannelColumn() throws {
        let events = "source,target\na,b\n"
        #expect(
            throws: AttributionError.needsColumn(model: "--by channel", column: "channel", file: "events.csv", flag: "--channel-column")
        ) {
            try HandExample.attribute(.linear, by: .channel, events: events, conversions: "user\nb\n")
        }
    }

    static let durationCases: [(String, Double)] = [
        ("7d", 604_800), ("36h", 129_600), ("90m", 5400), ("3600s", 3600), ("3600", 3600), ("1.5d", 129_600), ("2w", 1_209_600),
    ]

    @Test(arguments: durationCases)
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "d", "-1d", "0", "7x", "1e3", "inf", "nan"])
    func badDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
