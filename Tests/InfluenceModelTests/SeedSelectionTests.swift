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

/// The reverse-reachable sets themselves: drawn by geometric jumps and thinning, each must
/// hold each person with exactly the probability the Independent Cascade model gives.
struct ReverseReachableTests {
    /// Mixed probabilities (0, 1, and values in between on the in-edges of one person, so that
    /// thinning is exercised): person u is in a random root's set with probability σ({u}) / n,
    /// σ computed exactly over every live-edge world.
    @Test func membershipFrequenciesMatchExactSpreads() throws {
        let edges: [(Int32, Int32, Double)] = [
            (0, 1, 0.9), (2, 1, 0.15), (3, 1, 0.5), (4, 1, 0.5), (5, 1, 0.02),
            (1, 6, 0.7), (6, 0, 0.3), (2, 6, 1), (5, 3, 0), (3, 4, 0.25), (6, 7, 0.6), (7, 2, 0.45),
        ]
        let n = 8
        let model = CascadeModel(people: SimulationTests.interner((0..<n).map { "p\($0)" }), edges: edges)
        var pool = RRPool()
        let sets = 400_000
        try pool.grow(to: sets, reverse: ReverseEdges(model), seed: 7, limit: 10_000_000, epsilon: 0.1)
        #expect(pool.count == sets)
        var hits = [Int](repeating: 0, count: n)
        for v in pool.members { hits[Int(v)] += 1 }
        for v in pool.singles { hits[Int(v)] += 1 }
        for u in 0..<n {
            let exact = try #require(Simulation.exact(model: model, seeds: [Int32(u)])).spread / Double(n)
            let seen = Double(hits[u]) / Double(sets)
            // Five standard errors of a proportion.
            let tolerance = 5 * (exact * (1 - exact) / Double(sets)).squareRoot() + 1e-9
            #expect(abs(seen - exact) <= tolerance, "person \(u): \(seen) against exact \(exact)")
        }
    }

    /// Sets that hold most of the graph: IMM stops as soon as they pass the memory limit and
    /// says how large they are, instead of exhausting memory.
    @Test func largeSetsAreRefusedEarly() throws {
        let n = 300
        let edges: [(Int32, Int32, Double)] = (0..<n).map { (Int32($0), Int32(($0 + 1) % n), 1.0) }
        let model = CascadeModel(people: SimulationTests.interner((0..<n).map { "p\($0)" }), edges: edges)
        do {
            _ = try SeedSelection.imm(model: model, k: 2, epsilon: 0.1, seed: 1, memberLimit: 50_000)
            Issue.record("IMM should refuse")
        } catch {
            guard case .tooManySets(_, let members, let meanSize, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(meanSize == Double(n))
            #expect(members > 50_000)
            #expect(error.description.contains("reach much of the graph"))
        }
    }
}
