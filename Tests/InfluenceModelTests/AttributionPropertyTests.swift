import Testing
@testable import InfluenceModel

/// Credit is conserved — per model and grouping, the credits plus organic equal the total — over
/// seeded random referral exports and conversions (ties, cycles, zero weights, untimed rows,
/// missing channels and campaigns, unknown converters).
struct AttributionPropertyTests {
    struct Case {
        var events: ReferralEvents
        var conversions: Conversions
    }

    static func randomCase(seed: Int) throws -> Case {
        var rng = SplitMix64(seed: UInt64(seed) &+ 77)
        let people = 2 + rng.below(25)
        let channels = ["email", "link", "", "sms"]
        let campaigns = ["a", "b", ""]
        var rows = ["source,target,timestamp,channel,campaign,weight"]
        for _ in 0..<1 + rng.below(4 * people) {
            let s = rng.below(people), t = rng.below(people)
            // Days 1–9 so ties are common; about one row in ten has no time.
            let day = rng.below(10) == 0 ? "" : "2025-01-0\(1 + rng.below(9))"
            let weight = [0.0, 0.5, 1, 2, 3][rng.below(5)]
            rows.append("p\(s),p\(t),\(day),\(channels[rng.below(4)]),\(campaigns[rng.below(3)]),\(weight)")
        }
        var purchases = ["user,timestamp,value,campaign"]
        for _ in 0..<1 + rng.below(2 * people) {
            let u = rng.below(people + 3)  // a few unknown converters
            let day = "2025-01-0\(1 + rng.below(9))"
            purchases.append("p\(u),\(day),\(Double(rng.below(20000)) / 100),\(campaigns[rng.below(3)])")
        }
        let events = try ReferralEvents.parse(bytes: Array(rows.joined(separator: "\n").utf8), file: "e.csv")
        let conversions = try Conversions.parse(bytes: Array(purchases.joined(separator: "\n").utf8), file: "c.csv")
        return Case(events: events, conversions: conversions)
    }

    static func expectConserved(_ result: AttributionResult, _ context: String) {
        var sum = result.organic
        for row in result.rows {
            sum += row.credit
            #expect(row.credit.conversions >= -1e-12 && row.credit.value >= -1e-12, "\(context): negative credit for \(row.id)")
        }
        #expect(abs(sum.conversions - result.total.conversions) <= 1e-9 * max(1, result.total.conversions), "\(context)")
        #expect(abs(sum.value - result.total.value) <= 1e-9 * max(1, result.total.value), "\(context)")
    }

    @Test(arguments: 0..<150)
    func creditIsConserved(seed: Int) throws {
        let c = try Self.randomCase(seed: seed)
        guard c.events.count > 0 else { return }
        let total = c.conversions.value.reduce(0, +)
        for model in [AttributionModel.lastTouch, .firstTouch, .linear, .position, .influenceFlow] {
            for grouping in AttributionGrouping.allCases {
                let options = AttributionOptions(model: model, grouping: grouping, damping: [0.0, 0.5, 0.9][seed % 3])
                let result = try Attribution.attribute(events: c.events, conversions: c.conversions, options: options)
                #expect(abs(result.total.value - total) <= 1e-9 * max(1, total))
                #expect(result.total.conversions == Double(c.conversions.count))
                Self.expectConserved(result, "seed \(seed) \(model.rawValue) by \(grouping.rawValue)")
            }
        }
        for model in [AttributionModel.markov, .shapley, .firstTouch, .lastTouch, .linear] {
            let options = AttributionOptions(model: model, grouping: .channel)
            let result = try Attribution.attribute(events: c.events, conversions: c.conversions, options: options, pathsFromEvents: true)
            Self.expectConserved(result, "seed \(seed) \(model.rawValue) on derived paths")
        }
    }

    @Test(arguments: 0..<100)
    func timeDecayIsConservedWhereEveryTimeIsKnown(seed: Int) throws {
        let c = try Self.randomCase(seed: seed)
        guard c.events.count > 0 else { return }
        do {
            let result = try Attribution.attribute(
                events: c.events, conversions: c.conversions,
                options: AttributionOptions(model: .timeDecay, halfLife: 86_400))
            Self.expectConserved(result, "seed \(seed) time-decay")
        } catch AttributionError.missingTime {
            // A chain passed an untimed referral: reported with its line, never guessed.
        }
    }

    @Test(arguments: 0..<100)
    func pathModelsAreConserved(seed: Int) throws {
        let paths = try ChannelPaths.parse(
            bytes: Array(AttributionPathTests.randomTable(seed: seed, channels: 1 + seed % 9).utf8),
            file: "p.csv")
        for model in [AttributionModel.markov, .shapley, .firstTouch, .lastTouch, .linear] {
            var options = AttributionOptions(model: model, grouping: .channel, shapleySamples: 50)
            options.shapleyExactLimit = seed % 2 == 0 ? 20 : 2
            Self.expectConserved(try Attribution.attribute(paths: paths, options: options), "seed \(seed) \(model.rawValue)")
        }
    }

    /// Rows come out in `precedes` order (campaign, value descending, id bytes), ties in input
    /// order: the index sort against the rows sorted by the comparison itself, on rows with
    /// few distinct values (long runs of ties), ids sharing prefixes, non-ASCII ids, no
    /// campaign beside the empty one, and −0 beside 0.
    @Test(arguments: 0..<40)
    func rowsAreInOutputOrder(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 901)
        // Ids around eight bytes too (the sort's first key is an id's first eight bytes):
        // equal there and different after, one the start of another, NUL bytes at the edge.
        let ids = [
            "a", "ab", "abc", "b", "é", "e\u{301}", "p10", "p9", "p100", "Z", "", "p1@x.com", "abcdefgh", "abcdefghij",
            "abcdefg\u{0}", "abcdefgh\u{0}", "abcdefg", "abcdéfg",
        ]
        let campaigns: [String?] = seed % 3 == 0 ? [nil] : ["spring", "", "été", "Summer", nil]
        let values: [Double] = [0, -0.0, 1.5, 2, 1e9, 0.25, 7, -3]
        let count = seed < 5 ? seed : 1 + rng.below(seed % 2 == 0 ? 200 : 70_000)
        let rows: [AttributionResult.Row] = (0..<count).map { k in
            let id = ids[rng.below(ids.count)] + (rng.below(3) == 0 ? String(k) : "")
            let value = rng.below(4) == 0 ? Double(rng.below(1000)) / 8 : values[rng.below(values.count)]
            // Each row's conversions are its input position, which tells equal rows apart.
            return .init(campaign: campaigns[rng.below(campaigns.count)], id: id, credit: Credit(conversions: Double(k), value: value))
        }
        // The standard library's sort is stable: equal rows keep their input order.
        let want = rows.sorted(by: AttributionResult.precedes)
        let got = AttributionResult.inOutputOrder(rows)
        // Compared by bytes: `String`'s == takes "é" and "e\u{301}" as equal.
        func key(_ row: AttributionResult.Row) -> [UInt8] {
            Array((row.campaign.map { "c" + $0 } ?? "-").utf8) + [0] + Array(row.id.utf8) + [0]
                + Array("\(row.credit.conversions) \(row.credit.value.bitPattern)".utf8)
        }
        let (gotKeys, wantKeys) = (got.map(key), want.map(key))
        #expect(gotKeys.count == count)
        #expect(gotKeys == wantKeys, "seed \(seed)")
    }

    /// The credits' JSON, written straight into bytes, is what the array of one object per row
    /// renders (the form it replaced), at the document's indent: by person, channel and
    /// campaign, with removal effects and standard errors, ids that need escapes, non-finite
    /// numbers, and `top` cutting the rows.
    @Test(arguments: 0..<24)
    func creditsJSONIsTheObjectsRendered(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 515)
        let grouping = AttributionGrouping.allCases[seed % 3]
        let model: AttributionModel = [.lastTouch, .markov, .shapley, .linear][(seed / 3) % 4]
        let ids = ["p1", "a \"quoted\" id", "back\\slash", "tab\tand\nline", "é", "\u{1}ctl", "=SUM(A1)"]
        let count = seed < 3 ? seed : 1 + rng.below(seed % 2 == 0 ? 30 : 9_000)
        var total = Credit()
        let rows: [AttributionResult.Row] = (0..<count).map { k in
            let credit = Credit(conversions: Double(rng.below(5)) / 4, value: Double(rng.below(100_000)) / 100)
            total += credit
            return .init(
                campaign: grouping == .campaign ? ["spring", "", "x\"y"][rng.below(3)] : nil,
                id: ids[rng.below(ids.count)] + String(k), credit: credit,
                removalEffect: model == .markov ? [0.25, 1, .nan][rng.below(3)] : nil,
                standardError: model == .shapley ? Credit(conversions: 0.5, value: Double(rng.below(9))) : nil)
        }
        var result = try AttributionResult(
            model: model, grouping: grouping, rows: rows, total: total, organic: Credit(), quality: DataQuality())
        if model == .shapley { result.shapleySamples = 100 }
        for top in [nil, 0, 3] as [Int?] {
            let header = result.csvHeader
            let objects: [JSONValue] = result.rows.prefix(top ?? .max).map { row in
                var fields: [(String, JSONValue)] = []
                if let campaign = row.campaign { fields.append(("campaign", .string(campaign))) }
                fields.append((grouping == .channel ? "channel" : "node", .string(row.id)))
                var numbers = [row.credit.conversions, row.credit.value]
                if let effect = row.removalEffect { numbers.append(effect) }
                if let error = row.standardError { numbers += [error.conversions, error.value] }
                for (name, number) in zip(header.dropFirst(row.campaign == nil ? 1 : 2), numbers) { fields.append((name, .number(number))) }
                return .object(fields)
            }
            let (text, tree) = (result.creditsJSON(top: top), JSONValue.array(objects))
            // At the document's indent (copied as written), at the top (lines shifted left),
            // nested deeper (shifted right) and as an array's item.
            for place in [
                { JSONValue.object([("credits", $0), ("after", .int(1))]) }, { $0 }, { .object([("a", .object([("b", $0)]))]) },
                { .array([.int(1), $0]) },
            ]
                as [(JSONValue) -> JSONValue]
            {
                #expect(place(text).renderedBytes() == place(tree).renderedBytes(), "seed \(seed) top \(String(describing: top))")
            }
        }
    }

    @Test func sameInputSameAnswer() throws {
        let c = try Self.randomCase(seed: 3)
        for model in [AttributionModel.linear, .influenceFlow] {
            let options = AttributionOptions(model: model, grouping: .campaign)
            let a = try Attribution.attribute(events: c.events, conversions: c.conversions, options: options)
            let b = try Attribution.attribute(events: c.events, conversions: c.conversions, options: options)
            #expect(a.csv() == b.csv())
            #expect(a.json().rendered() == b.json().rendered())
        }
    }
}
