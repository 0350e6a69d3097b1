import Foundation
import InfluenceModel
import Testing

/// The generator plants parameters the toolkit must recover.
struct GeneratorTests {
    /// Writes `program` into a fresh folder and reads its events and conversions back.
    static func readBack(_ program: GeneratedProgram) throws -> Export {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generator-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try program.write(to: folder)
        return try Export.read(events: [folder + "/events.csv"], conversions: [folder + "/conversions.csv"])
    }

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedOthers() throws {
        let a = try GeneratedProgram(GeneratorParameters(people: 4000, seed: 9))
        let b = try GeneratedProgram(GeneratorParameters(people: 4000, seed: 9))
        let c = try GeneratedProgram(GeneratorParameters(people: 4000, seed: 10))
        for name in GeneratedProgram.fileNames {
            #expect(a.file(name) == b.file(name), "\(name)")
        }
        #expect(a.eventsCSV() != c.eventsCSV())
        #expect(a.count == 4000)
    }

    @Test func thePlantedTreeIsConsistent() throws {
        let p = try GeneratedProgram(GeneratorParameters(people: 5000, seed: 4))
        var children = [Int32](repeating: 0, count: p.count)
        for i in 0..<p.count where p.parent[i] >= 0 {
            #expect(Int(p.parent[i]) < i)
            #expect(p.reached[i] > p.reached[Int(p.parent[i])])
            #expect(p.generation[i] == p.generation[Int(p.parent[i])] + 1)
            children[Int(p.parent[i])] += 1
        }
        #expect(children == p.invites)
        #expect(p.descendants.reduce(0) { $0 + Int($1) } == p.generation.reduce(0) { $0 + Int($1) })
        for x in p.extras {
            // Every extra referral is later than its target's first referral in.
            #expect(x.time > p.reached[Int(x.target)] || p.parent[Int(x.target)] < 0)
        }
    }

    @Test(arguments: [UInt64(101), 202])
    func channelConversionRatesAreRecoveredWithinSamplingError(seed: UInt64) throws {
        let parameters = GeneratorParameters(people: 30_000, seed: seed, repeatRate: 0, cycleRate: 0)
        let export = try Self.readBack(try GeneratedProgram(parameters))
        let channels = try #require(SpreadReport(events: export.events, conversions: export.conversions).channels)
        #expect(channels.count == parameters.channels.count)
        for truth in parameters.channels {
            let found = try #require(channels.first { $0.channel == truth.name })
            let rate = try #require(found.inviteConversionRate)
            let n = Double(found.peopleReached)
            let error = (truth.conversionRate * (1 - truth.conversionRate) / n).squareRoot()
            #expect(n > 1000)
            #expect(abs(rate - truth.conversionRate) < 4 * error, "\(truth.name): \(rate) vs \(truth.conversionRate) ± \(error)")
        }
    }

    /// Rows in a campaign-grouped comparison of two campaigns with offspring means `a` and `b`.
    static func compare(_ a: Double, _ b: Double, seed: UInt64) throws -> ComparisonRow {
        let parameters = GeneratorParameters(
            people: 4000,
            campaigns: [GeneratedCampaign(name: "a", offspringMean: a), GeneratedCampaign(name: "b", offspringMean: b)],
            seed: seed)
        let export = try Self.readBack(try GeneratedProgram(parameters))
        let comparison = try Comparison(
            events: export.events, conversions: export.conversions,
            options: ComparisonOptions(grouping: .campaign, baseline: "a", resamples: 400, seed: seed, metrics: ["invites_per_sharer"]))
        return try #require(comparison.row("b", .invitesPerSharer))
    }

    @Test func campaignsWithDifferentOffspringMeansAreToldApart() throws {
        for seed in [UInt64(31), 32, 33] {
            let row = try Self.compare(0.3, 0.7, seed: seed)
            #expect(row.significant == true, "seed \(seed): p \(row.pValue ?? -1)")
            #expect((row.lift ?? 0) > 0)
        }
    }

    @Test func campaignsWithEqualOffspringMeansAreNot() throws {
        var significant = 0
        for seed in [UInt64(41), 42, 43, 44] where try Self.compare(0.6, 0.6, seed: seed).significant == true { significant += 1 }
        #expect(significant <= 1)
    }

    @Test func truthJSONHoldsThePlantedRatesAndMeans() throws {
        let parameters = GeneratorParameters(people: 2000, seed: 5)
        let text = try GeneratedProgram(parameters).truthJSON().rendered()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let channels = try #require(json["channels"] as? [[String: Any]])
        #expect(channels.map { $0["name"] as? String } == parameters.channels.map(\.name))
        #expect(channels.map { $0["conversion_rate"] as? Double } == parameters.channels.map(\.conversionRate))
        let campaigns = try #require(json["campaigns"] as? [[String: Any]])
        #expect(campaigns.map { $0["offspring_mean"] as? Double } == parameters.campaigns.map(\.offspringMean))
    }

    @Test(arguments: ["spring", "spring:1", "spring:-0.1", "spring:0.5,spring:0.6", "a:b", ""])
    func badCampaignSpecsAreRefused(_ spec: String) {
        #expect(throws: GeneratorError.self) { try GeneratorParameters.campaigns(spec) }
    }

    @Test func channelSpecsTakeDefaultsByName() throws {
        let channels = try GeneratorParameters.channels("email,sms:0.3,event:0.5:10")
        #expect(channels[0] == GeneratedChannel.defaults.first { $0.name == "email" })
        #expect(channels[1] == GeneratedChannel(name: "sms", conversionRate: 0.3, medianHours: 24))
        #expect(channels[2] == GeneratedChannel(name: "event", conversionRate: 0.5, medianHours: 10))
        #expect(throws: GeneratorError.self) { try GeneratorParameters.channels("email:2") }
    }
}
