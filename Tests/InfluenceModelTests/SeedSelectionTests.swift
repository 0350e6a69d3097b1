import Foundation
import Testing

@testable import InfluenceModel

/// IMM and CELF against the best seed set found by trying every one, with exact spreads.
struct SeedSelectionTests {
    /// Random graphs of up to 16 edges, k = 2: by exact spreads (every live-edge world), IMM's
    /// seeds reach at least 95% of CELF's and at least (1 − 1/e − ε) of the best pair's.
    @Test(arguments: 0..<12)
    func immAgainstCelfAndTheOptimum(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 500)
        let n = 6 + rng.below(5)
        var edges: [(Int32, Int32, Double)] = []
        var pairs = Set<Int>()
        while edges.count < 10 + rng.below(7) {
            let s = rng.below(n), t = rng.below(n)
            guard s != t, pairs.insert(s * n + t).inserted else { continue }
            edges.append((Int32(s), Int32(t), 0.2 + 0.7 * rng.unit()))
        }
        let model = CascadeModel(people: SimulationTests.interner((0..<n).map { "p\($0)" }), edges: edges)
        func exact(_ seeds: [Int32]) throws -> Double { try #require(Simulation.exact(model: model, seeds: seeds)).spread }
        var best = 0.0
        for a in 0..<n { for b in (a + 1)..<n { best = max(best, try exact([Int32(a), Int32(b)])) } }
        let imm = try SeedSelection.imm(model: model, k: 2, epsilon: 0.1, seed: seed)
        let celf = SeedSelection.celf(model: model, k: 2, runs: 4000, seed: seed)
        #expect(imm.seeds.count == 2 && celf.seeds.count == 2)
        let immSpread = try exact(imm.seeds.map(\.node)), celfSpread = try exact(celf.seeds.map(\.node))
        #expect(immSpread >= 0.95 * celfSpread, "IMM \(immSpread), CELF \(celfSpread)")
        #expect(immSpread >= (1 - 1 / M_E - 0.1) * best, "IMM \(immSpread), best \(best)")
        // IMM's own estimate of its spread is close to the exact one.
        #expect(abs(imm.seeds[1].expectedSpread - immSpread) <= 0.1 * immSpread, "\(imm.seeds[1].expectedSpread) against \(immSpread)")
    }

    /// A star: the hub is the first seed, with a gain of everything it reaches.
    @Test func theHubFirst() throws {
        var edges: [(Int32, Int32, Double)] = []
        for leaf in 1...30 { edges.append((0, Int32(leaf), 1)) }
        edges.append((31, 32, 1))
        let model = CascadeModel(people: SimulationTests.interner((0...32).map { "p\($0)" }), edges: edges)
        let imm = try SeedSelection.imm(model: model, k: 2, seed: 3)
        #expect(imm.seeds.map(\.node) == [0, 31])
        #expect(abs(imm.seeds[0].marginalGain - 31) < 31 * 0.1)
        let celf = SeedSelection.celf(model: model, k: 2, runs: 50)
        #expect(celf.seeds.map(\.node) == [0, 31])
        #expect(celf.seeds[1].expectedSpread == 33)
    }
}
