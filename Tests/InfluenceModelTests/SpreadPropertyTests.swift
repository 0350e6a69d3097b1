import Testing
@testable import InfluenceModel

/// Structural virality from subtree sizes against the definition, on random forests.
struct SpreadPropertyTests {
    /// The mean distance over all pairs of a tree, by breadth-first search from every person
    /// over its undirected edges: O(n²), the definition itself.
    static func bruteForceMeanDistance(people: Int, edges: [(Int, Int)]) -> Double {
        var neighbours = [[Int]](repeating: [], count: people)
        for (a, b) in edges {
            neighbours[a].append(b)
            neighbours[b].append(a)
        }
        var total = 0
        for start in 0..<people {
            var distance = [Int](repeating: -1, count: people)
            distance[start] = 0
            var queue = [start], head = 0
            while head < queue.count {
                let p = queue[head]
                head += 1
                for q in neighbours[p] where distance[q] < 0 {
                    distance[q] = distance[p] + 1
                    queue.append(q)
                }
            }
            total += distance.reduce(0, +)
        }
        return Double(total) / Double(people * (people - 1))
    }

    /// Several hundred random forests of 1–4 trees (2–80 people each, random shapes from
    /// chains to stars), rows in random order, ids shuffled: every cascade's size, depth and
    /// virality match the brute force, to 1e-9.
    @Test(arguments: 0..<400)
    func viralityMatchesBruteForce(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let trees = Int.random(in: 1...4, using: &rng)
        var rows: [String] = []
        var expected: [String: (size: Int, depth: Int, virality: Double)] = [:]
        for tree in 0..<trees {
            let n = Int.random(in: 2...80, using: &rng)
            // Parent of person k is one of the k before it; a small window makes chains, a
            // wide one bushes.
            let window = Int.random(in: 1...n, using: &rng)
            var edges: [(Int, Int)] = []
            var depth = [0]
            for k in 1..<n {
                let parent = Int.random(in: max(0, k - window)..<k, using: &rng)
                edges.append((parent, k))
                depth.append(depth[parent] + 1)
            }
            let names = (0..<n).map { "t\(tree)p\($0)" }.shuffled(using: &rng)
            rows += edges.map { "\(names[$0.0]),\(names[$0.1])" }
            expected[names[0]] = (n, depth.max()!, Self.bruteForceMeanDistance(people: n, edges: edges))
        }
        rows.shuffle(using: &rng)
        let events = try ReferralEvents.parse(
            bytes: Array(("source,target\n" + rows.joined(separator: "\n") + "\n").utf8),
            file: "random.csv")
        let report = SpreadReport(events: events)
        #expect(report.overall.cascades.count == trees)
        for cascade in report.overall.cascades {
            let root = report.people.name(cascade.root)
            let want = try #require(expected[root], "root \(root) is a tree's first person")
            #expect(cascade.size == want.size)
            #expect(cascade.depth == want.depth)
            let virality = try #require(cascade.structuralVirality)
            #expect(abs(virality - want.virality) < 1e-9, "seed \(seed), root \(root): \(virality) vs \(want.virality)")
        }
    }
}
