import Foundation
import Testing

@testable import InfluenceModel

/// Independent Cascade: Monte Carlo against exact live-edge enumeration and against
/// cynetdiff, and the estimated edge probabilities by hand.
struct SimulationTests {
    static func interner(_ names: [String]) -> Interner {
        var people = Interner()
        for name in names { _ = Array(name.utf8).withUnsafeBufferPointer { people.intern($0) } }
        return people
    }

    /// A chain a → b → c at 0.5 each from a: σ = 1 + 0.5 + 0.25, by enumeration and by hand.
    @Test func chainByHand() throws {
        let model = CascadeModel(people: Self.interner(["a", "b", "c"]), edges: [(0, 1, 0.5), (1, 2, 0.5)])
        let exact = try #require(Simulation.exact(model: model, seeds: [0]))
        #expect(abs(exact.spread - 1.75) < 1e-15)
        #expect(exact.activation == [1, 0.5, 0.25])
    }

    /// Random small graphs (up to 14 edges, cycles and parallel paths included): the Monte
    /// Carlo mean and every activation probability are within 4.5 standard errors of the
    /// exact values from every live-edge world.
    @Test(arguments: 0..<25)
    func monteCarloMatchesEnumeration(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 100)
        let n = 3 + rng.below(6)
        var edges: [(Int32, Int32, Double)] = []
        var pairs = Set<Int>()
        for _ in 0..<(2 + rng.below(13)) {
            let s = rng.below(n), t = rng.below(n)
            guard s != t, pairs.insert(s * n + t).inserted else { continue }
            edges.append((Int32(s), Int32(t), 0.1 + 0.8 * rng.unit()))
        }
        let model = CascadeModel(people: Self.interner((0..<n).map { "p\($0)" }), edges: edges)
        let seeds: [Int32] = [0, Int32(rng.below(n))]
        let exact = try #require(Simulation.exact(model: model, seeds: seeds))
        let runs = 20_000
        let mc = Simulation(model: model, seeds: seeds, runs: runs, seed: seed)
        #expect(abs(mc.expectedSpread - exact.spread) <= 4.5 * mc.standardDeviation / Double(runs).squareRoot() + 1e-12)
        #expect(mc.low <= mc.expectedSpread && mc.expectedSpread <= mc.high)
        for v in 0..<n {
            let p = exact.activation[v]
            #expect(abs(mc.activation[v] - p) <= 4.5 * (max(0, p * (1 - p)) / Double(runs)).squareRoot() + 1e-12, "node \(v)")
        }
        #expect(mc.sizes.map(\.runs).reduce(0, +) == runs)
    }

    /// The expected spread agrees with cynetdiff's (fixtures from
    /// Scripts/make_cynetdiff_fixtures.py, cynetdiff 0.1.18, 200,000 runs each) within
    /// 4.5 standard errors of the difference of the two means.
    @Test(arguments: ["sample", "random"])
    func agreesWithCynetdiff(_ name: String) throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cynetdiff")
        let text = try String(contentsOf: folder.appendingPathComponent("\(name).csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        var names: [String] = []
        var index: [String: Int32] = [:]
        func node(_ id: String) -> Int32 {
            if let i = index[id] { return i }
            index[id] = Int32(names.count)
            names.append(id)
            return Int32(names.count - 1)
        }
        let edges = lines.map { (node($0[0]), node($0[1]), Double($0[2])!) }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("\(name).json"))) as? [String: Any])
        let seeds = try #require(json["seeds"] as? [String]).map(node)
        let model = CascadeModel(people: Self.interner(names), edges: edges)
        let runs = 100_000
        let ours = Simulation(model: model, seeds: seeds, runs: runs, seed: 3)
        let theirs = try #require(json["mean_activated"] as? Double), sd = try #require(json["sd_activated"] as? Double)
        let theirRuns = Double(try #require(json["runs"] as? Int))
        let error = (ours.standardDeviation * ours.standardDeviation / Double(runs) + sd * sd / theirRuns).squareRoot()
        #expect(abs(ours.expectedSpread - theirs) <= 4.5 * error, "\(name): \(ours.expectedSpread) against cynetdiff's \(theirs)")
    }

    /// Edge probabilities estimated from a small export, by hand: a referral succeeds when
    /// its target converted or referred someone.
    @Test func estimatedProbabilities() throws {
        // a refers b (b refers d: success), c (converts: success), e (nothing) by email/email/sms;
        // b refers d (nothing) by sms.
        let text = "referrer,referred,channel\na,b,email\na,c,email\na,e,sms\nb,d,sms\n"
        let events = try ReferralEvents.parse(bytes: Array(text.utf8), file: "e.csv")
        let conversions = try Conversions.parse(bytes: Array("user,value\nc,10\n".utf8), file: "c.csv")
        func p(_ model: CascadeModel, _ s: String, _ t: String) -> Double {
            let sv = Int(model.people.index(of: s)!), tv = model.people.index(of: t)!
            let e = (model.rowStart[sv]..<model.rowStart[sv + 1]).first { model.target[$0] == tv }!
            return model.probability[e]
        }
        let sender = CascadeModel(events: events, conversions: conversions, rule: .perSender)
        #expect(sender.successfulEdges == 2)
        #expect(p(sender, "a", "e") == 2.0 / 3 && p(sender, "b", "d") == 0)
        let channel = CascadeModel(events: events, conversions: conversions, rule: .perChannel)
        #expect(p(channel, "a", "b") == 1 && p(channel, "a", "e") == 0 && p(channel, "b", "d") == 0)
        let shrunk = CascadeModel(events: events, conversions: conversions, rule: .shrunk(strength: 2))
        // a on sms: 0 of 1, channel sms 0 of 2 → (0 + 2·0) / (1 + 2); a on email: (2 + 2·1) / (2 + 2).
        #expect(p(shrunk, "a", "e") == 0 && p(shrunk, "a", "b") == 1)
        let noConversions = CascadeModel(events: events, rule: .perSender)
        #expect(p(noConversions, "a", "c") == 1.0 / 3)
        #expect(throws: SimulationError.unknownSeeds(names: ["zz"], file: "--seeds")) {
            try sender.nodes(ofSeeds: ["a", "zz"], file: "--seeds")
        }
        #expect(try sender.nodes(ofSeeds: [" a "], file: "--seeds") == [sender.people.index(of: "a")!])
    }

    /// Same seed, same result on one thread or several; another seed, another.
    @Test func seededAndSplitIndependent() {
        var rng = SplitMix64(seed: 1)
        var edges: [(Int32, Int32, Double)] = []
        for _ in 0..<3000 { edges.append((Int32(rng.below(500)), Int32(rng.below(500)), 0.2)) }
        let model = CascadeModel(people: Self.interner((0..<500).map { "n\($0)" }), edges: edges.filter { $0.0 != $0.1 })
        let a = Simulation(model: model, seeds: [1, 2], runs: 999, seed: 5)
        let b = Simulation(model: model, seeds: [2, 1, 2], runs: 999, seed: 5)
        #expect(a.expectedSpread == b.expectedSpread && a.activation == b.activation)
        let c = Simulation(model: model, seeds: [1, 2], runs: 500, seed: 5)
        let d = Simulation(model: model, seeds: [1, 2], runs: 999, seed: 6)
        #expect(c.expectedSpread != d.expectedSpread)
    }
}
