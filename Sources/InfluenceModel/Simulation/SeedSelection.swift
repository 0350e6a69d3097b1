import CPrefetch
import Foundation
import Synchronization

/// Whom to start a campaign with: k seeds chosen to maximise the expected spread under the
/// Independent Cascade model.
public struct SeedSelection: Sendable {
    /// How the seeds were chosen.
    public enum Method: String, Sendable, CaseIterable {
        /// IMM (Tang, Shi and Xiao, SIGMOD 2015): a (1 − 1/e − ε)-approximation with
        /// probability at least 1 − 1/n, from reverse-reachable sets.
        case imm
        /// CELF greedy (Leskovec et al. 2007) with Monte Carlo estimates of each gain: the
        /// classic cross-check, for small graphs.
        case celf
    }

    public var method: Method
    /// The seeds in the order chosen, each with its estimated marginal gain and the
    /// estimated spread of the seeds up to it.
    public var seeds: [(node: Int32, marginalGain: Double, expectedSpread: Double)]
    /// IMM: reverse-reachable sets drawn and ε; CELF: Monte Carlo runs per estimate.
    public var samples: Int
    public var epsilon: Double?

    /// IMM.
    /// - Parameters:
    ///   - k: seeds to choose (at most the number of people).
    ///   - epsilon: the approximation's ε.
    ///   - seed: seeds the reverse-reachable sets; set j draws from a stream of its own, so the
    ///     sets do not depend on the number of threads.
    /// - Complexity: O(θ × mean RR-set cost) with θ = O((k + log n) n / (OPT ε²)) sets.
    /// - Throws: `SimulationError.tooManySets` when the sets IMM needs would not fit in
    ///   `memberLimit` stored members (about 4 bytes each).
    public static func imm(
        model: CascadeModel, k: Int, epsilon: Double = 0.1, seed: UInt64 = 1, memberLimit: Int = 400_000_000
    ) throws(SimulationError) -> SeedSelection {
        let n = Double(model.nodeCount)
        let k = min(k, model.nodeCount)
        guard model.nodeCount > 1, k > 0 else {
            return SeedSelection(method: .imm, seeds: [], samples: 0, epsilon: epsilon)
        }
        let reverse = ReverseEdges(model)
        var pool = RRPool()
        // ℓ = 1 (probability 1 − 1/n), raised so that the two phases together keep it.
        let l = 1 * (1 + log(2) / log(n))
        let logChoose = logBinomial(model.nodeCount, k)
        let epsPrime = 2.0.squareRoot() * epsilon
        let lambdaPrime = (2 + 2 * epsPrime / 3) * (logChoose + l * log(n) + log(log2(n))) * n / (epsPrime * epsPrime)
        var lowerBound = 1.0
        let rounds = max(1, Int(log2(n)) - 1)
        for i in 1...rounds {
            let x = n / pow(2, Double(i))
            let theta = Int((lambdaPrime / x).rounded(.up))
            try pool.check(theta, limit: memberLimit, epsilon: epsilon)
            try pool.grow(to: theta, reverse: reverse, seed: seed, limit: memberLimit, epsilon: epsilon)
            let (_, covered) = pool.greedy(k: k, nodes: model.nodeCount)
            if n * Double(covered) / Double(pool.count) >= (1 + epsPrime) * x {
                lowerBound = n * Double(covered) / Double(pool.count) / (1 + epsPrime)
                break
            }
        }
        let alpha = (l * log(n) + log(2)).squareRoot()
        let beta = ((1 - 1 / M_E) * (logChoose + l * log(n) + log(2))).squareRoot()
        let lambdaStar = 2 * n * pow((1 - 1 / M_E) * alpha + beta, 2) / (epsilon * epsilon)
        let theta = Int(min((lambdaStar / lowerBound).rounded(.up), Double(Int32.max)))
        try pool.check(theta, limit: memberLimit, epsilon: epsilon)
        try pool.grow(to: theta, reverse: reverse, seed: seed, limit: memberLimit, epsilon: epsilon)
        let (chosen, _) = pool.greedy(k: k, nodes: model.nodeCount)
        let scale = n / Double(pool.count)
        var running = 0.0
        let seeds = chosen.map { (node, gain) in
            running += Double(gain) * scale
            return (node, Double(gain) * scale, running)
        }
        return SeedSelection(method: .imm, seeds: seeds, samples: pool.count, epsilon: epsilon)
    }

    /// CELF greedy: each step adds the person with the largest Monte Carlo marginal gain,
    /// re-estimating lazily (a gain never grows as the set grows). Every estimate uses the
    /// same `runs` streams (common random numbers), so gains compare fairly.
    /// - Complexity: O(k × evaluations × runs × edges reached); for small graphs.
    public static func celf(model: CascadeModel, k: Int, runs: Int = 1000, seed: UInt64 = 1) -> SeedSelection {
        let k = min(k, model.nodeCount)
        func spread(_ set: [Int32]) -> Double { Simulation(model: model, seeds: set, runs: runs, seed: seed).expectedSpread }
        var chosen: [Int32] = []
        var current = 0.0
        // (gain, node, round the gain was computed in): largest gain first, then lowest node.
        var queue: [(gain: Double, node: Int32, round: Int)] = (0..<Int32(model.nodeCount)).map { (spread([$0]), $0, 0) }
        var seeds: [(node: Int32, marginalGain: Double, expectedSpread: Double)] = []
        func better(_ a: (gain: Double, node: Int32, round: Int), _ b: (gain: Double, node: Int32, round: Int)) -> Bool {
            a.gain != b.gain ? a.gain > b.gain : a.node < b.node
        }
        while chosen.count < k, !queue.isEmpty {
            queue.sort(by: better)
            let top = queue[0]
            if top.round == chosen.count {
                queue.removeFirst()
                chosen.append(top.node)
                current += top.gain
                seeds.append((top.node, top.gain, current))
            } else {
                queue[0] = (spread(chosen + [top.node]) - current, top.node, chosen.count)
            }
        }
        return SeedSelection(method: .celf, seeds: seeds, samples: runs, epsilon: nil)
    }

    /// log C(n, k).
    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}

/// Incoming edges of every node, for reverse-reachable sets: each node's edges sorted by
/// probability, highest first (ties: lower source first), so that a set can be drawn by
/// geometric jumps over them (SUBSIM, Guo et al., SIGMOD 2020) instead of one draw per edge.
struct ReverseEdges: Sendable {
    /// One node: where its incoming edges start, and the probability p of its first (most
    /// likely) edge with log(1 − p), so that a node none of whose edges is live is decided
    /// from this record alone.
    struct Node {
        var start: Int
        var first: Double
        var logMiss: Double
    }
    /// One incoming edge: its probability and source, side by side so that the edge a jump
    /// lands on costs one cache line.
    struct Edge {
        var probability: Double
        var source: Int32
    }
    /// `nodeCount + 1` records; the last holds the end of the edges.
    let nodes: [Node]
    let edges: [Edge]

    init(_ model: CascadeModel) {
        let n = model.nodeCount
        var start = [Int](repeating: 0, count: n + 1)
        for t in model.target { start[Int(t) + 1] += 1 }
        for v in 0..<n { start[v + 1] += start[v] }
        var next = start
        var edges = [Edge](repeating: Edge(probability: 0, source: 0), count: model.edgeCount)
        for v in 0..<n {
            for e in model.rowStart[v]..<model.rowStart[v + 1] {
                let t = Int(model.target[e])
                edges[next[t]] = Edge(probability: model.probability[e], source: Int32(v))
                next[t] += 1
            }
        }
        // Sources are in increasing order within each node; sorting by probability with the
        // source as tie-break keeps that order among equal probabilities. Most nodes' edges
        // are sorted already.
        for v in 0..<n where start[v + 1] - start[v] > 1 {
            let range = start[v]..<start[v + 1]
            if !range.dropFirst().contains(where: { edges[$0 - 1].probability < edges[$0].probability }) { continue }
            let sorted = edges[range].sorted { a, b in
                a.probability != b.probability ? a.probability > b.probability : a.source < b.source
            }
            edges.replaceSubrange(range, with: sorted)
        }
        self.nodes = (0...n).map { v in
            let first = v < n && start[v] < start[v + 1] ? edges[start[v]].probability : 0
            return Node(start: start[v], first: first, logMiss: Self.logMiss(first))
        }
        self.edges = edges
    }

    /// log(1 − p), with p clamped to [0, 1]: 0 for an edge never live, −∞ for one always live.
    static func logMiss(_ p: Double) -> Double { p > 0 ? log1p(-min(p, 1)) : 0 }

    var nodeCount: Int { nodes.count - 1 }

    /// Draws the reverse-reachable sets `indices` (set j from its own stream of `seed`) and
    /// appends them in order: the root of a set of one person to `singles`, any other set to
    /// `members` with its size in `sizes`.
    ///
    /// From a random root, a set grows breadth-first over live incoming edges. At edge i the
    /// probability p_i bounds every later edge's, so the next edge to try is a geometric jump
    /// of rate p_i away, kept with probability p_j / p_i (thinning): each edge is live with
    /// exactly its own probability, independently, while the draws number about the live
    /// edges rather than all edges.
    ///
    /// The work is bound by cache misses (a node's record, the edge a jump lands on, the
    /// mark of a person found), so sixteen sets grow together in lanes, each taking one step
    /// in turn: a step prefetches what the lane's next step reads. Each set's draws come
    /// from its own stream in its own order and its people are queued in the order found, so
    /// the sets are those of drawing them one by one.
    /// - Parameter seen: one bit per lane per node, all clear (and left clear).
    func draw(
        _ indices: Range<Int>, seed: UInt64, seen: inout [UInt16], members: inout [Int32], sizes: inout [Int],
        singles: inout [Int32]
    ) {
        /// One set being drawn: its queue, the people found but not yet checked against the
        /// marks (their marks prefetched), and the edge a jump landed on, still to be read.
        struct Lane {
            var rng = SplitMix64(seed: 0)
            var queue: [Int32] = []
            var head = 0
            var found: [Int32] = []
            /// The landing edge (or -1), the end of the node's edges, and the bound p_i of
            /// the jump that landed there.
            var landing = -1
            var end = 0
            var bound = 0.0
            var busy: Bool { landing >= 0 || !found.isEmpty || head < queue.count }
        }
        let width = 16
        var lanes = [Lane](repeating: Lane(), count: width)
        let n = nodeCount
        var batch = indices.lowerBound
        nodes.withUnsafeBufferPointer { nodes in
            edges.withUnsafeBufferPointer { edges in
                seen.withUnsafeMutableBufferPointer { seen in
                    /// From edge `i` of a node whose edges end at `end`, with bound `bound`:
                    /// the edge the next jump lands on (prefetched), or -1 past the end.
                    func jump(_ lane: inout Lane, from i: Int, bound: Double, logMiss: Double) -> Int {
                        guard i < lane.end, bound > 0 else { return -1 }
                        if bound >= 1 {
                            lane.bound = 1
                            influence_prefetch(edges.baseAddress! + i)
                            return i
                        }
                        let step = log(1 - lane.rng.unit()) / logMiss
                        guard step < Double(lane.end - i) else { return -1 }
                        let at = i + Int(step)
                        lane.bound = bound
                        influence_prefetch(edges.baseAddress! + at)
                        return at
                    }
                    while batch < indices.upperBound {
                        let count = min(width, indices.upperBound - batch)
                        for l in 0..<count {
                            let index = batch + l
                            var rng = SplitMix64(seed: seed ^ (UInt64(index) &* 0xA24B_AED4_963E_E407))
                            rng = SplitMix64(seed: rng.next())
                            let root = Int32(rng.below(n))
                            lanes[l].rng = rng
                            lanes[l].queue.removeAll(keepingCapacity: true)
                            lanes[l].head = 0
                            lanes[l].found.removeAll(keepingCapacity: true)
                            lanes[l].found.append(root)
                            lanes[l].landing = -1
                            influence_prefetch(seen.baseAddress! + Int(root))
                            influence_prefetch(nodes.baseAddress! + Int(root))
                        }
                        var active = count
                        while active > 0 {
                            active = 0
                            for l in 0..<count where lanes[l].busy {
                                let bit = UInt16(1) << UInt16(l)
                                // People found: queue those not yet in the set.
                                for u in lanes[l].found where seen[Int(u)] & bit == 0 {
                                    seen[Int(u)] |= bit
                                    lanes[l].queue.append(u)
                                    influence_prefetch(nodes.baseAddress! + Int(u))
                                }
                                lanes[l].found.removeAll(keepingCapacity: true)
                                // The edge a jump landed on: kept (thinning) or not, then the
                                // next jump along the same node's edges.
                                // Landings a few edges apart share cache lines (high probabilities):
                                // those are read in the same step.
                                var previous = -1
                                while lanes[l].landing >= 0, previous < 0 || lanes[l].landing - previous <= 4 {
                                    let i = lanes[l].landing
                                    previous = i
                                    let edge = edges[i]
                                    let bound = lanes[l].bound
                                    if !(edge.probability < bound) || lanes[l].rng.unit() * bound < edge.probability {
                                        lanes[l].found.append(edge.source)
                                        influence_prefetch(seen.baseAddress! + Int(edge.source))
                                    }
                                    let next = i + 1
                                    if next < lanes[l].end {
                                        let p = edges[next].probability
                                        lanes[l].landing = jump(&lanes[l], from: next, bound: p, logMiss: ReverseEdges.logMiss(p))
                                    } else {
                                        lanes[l].landing = -1
                                    }
                                }
                                // Next nodes of the queue, until one's jump lands on an edge.
                                while lanes[l].landing < 0, lanes[l].head < lanes[l].queue.count {
                                    let v = Int(lanes[l].queue[lanes[l].head])
                                    lanes[l].head += 1
                                    lanes[l].end = nodes[v + 1].start
                                    lanes[l].landing = jump(
                                        &lanes[l], from: nodes[v].start, bound: nodes[v].first, logMiss: nodes[v].logMiss)
                                }
                                if lanes[l].busy { active += 1 }
                            }
                        }
                        for l in 0..<count {
                            let bit = ~(UInt16(1) << UInt16(l))
                            for u in lanes[l].queue { seen[Int(u)] &= bit }
                            if lanes[l].queue.count == 1 {
                                singles.append(lanes[l].queue[0])
                            } else {
                                members.append(contentsOf: lanes[l].queue)
                                sizes.append(lanes[l].queue.count)
                            }
                        }
                        batch += count
                    }
                }
            }
        }
    }
}

/// Reverse-reachable sets: set j of more than one person is `members[offset[j] ..< offset[j +
/// 1]]`; a set of one person (most, when probabilities are low) is only its root, in `singles`.
/// The order of the sets does not matter to anything computed from them.
struct RRPool {
    var members: [Int32] = []
    var offset: [Int] = [0]
    var singles: [Int32] = []

    /// Sets of more than one person.
    var multiple: Int { offset.count - 1 }
    /// All sets.
    var count: Int { multiple + singles.count }

    /// The mean size of the sets drawn so far (1 before any).
    var meanSize: Double { count == 0 ? 1 : max(1, Double(members.count + singles.count) / Double(count)) }

    /// Refuses to grow to `target` sets when, at the mean size of the sets drawn so far,
    /// they would hold more than `limit` members.
    func check(_ target: Int, limit: Int, epsilon: Double) throws(SimulationError) {
        let projected = Double(target) * meanSize
        guard projected <= Double(limit), target < Int(Int32.max) else {
            throw .tooManySets(sets: target, members: Int(min(projected, 9e18)), meanSize: meanSize, epsilon: epsilon)
        }
    }

    /// Draws sets until there are `target`, set j from its own stream, in parallel blocks
    /// appended in order: the same sets whatever the number of threads.
    /// - Throws: `SimulationError.tooManySets` as soon as the sets hold more than `limit`
    ///   members in all (large sets can exhaust memory before any estimate of their size).
    mutating func grow(to target: Int, reverse: ReverseEdges, seed: UInt64, limit: Int, epsilon: Double) throws(SimulationError) {
        guard target > count else { return }
        let first = count
        let parts = Parallel.ranges(target - first, parts: Parallel.threads)
        var blocks = [(members: [Int32], sizes: [Int], singles: [Int32])](repeating: ([], [], []), count: parts.count)
        let n = reverse.nodeCount
        let room = limit - members.count - singles.count
        let total = Atomic<Int>(0)
        blocks.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(parts.count) { p in
                var members: [Int32] = [], sizes: [Int] = [], singles: [Int32] = []
                var seen = [UInt16](repeating: 0, count: n)
                // Chunks of sets, growing from 16 to 4096, so that the shared count of members is
                // touched rarely. A part stops when the sets pass the room left, or when their
                // mean size projects the whole draw to more than four times it (sets that each
                // hold much of the graph are refused after a few of them).
                var j = parts[p].lowerBound
                var width = 16
                while j < parts[p].upperBound {
                    let chunk = j..<min(j + width, parts[p].upperBound)
                    let before = members.count + singles.count
                    reverse.draw(
                        (first + chunk.lowerBound)..<(first + chunk.upperBound), seed: seed, seen: &seen, members: &members,
                        sizes: &sizes, singles: &singles)
                    let drawn = members.count + singles.count
                    if total.add(drawn - before, ordering: .relaxed).newValue > room { break }
                    let sets = sizes.count + singles.count
                    if Double(drawn) / Double(sets) * Double(target - first) > 4 * Double(room) {
                        total.add(room + 1, ordering: .relaxed)
                        break
                    }
                    j = chunk.upperBound
                    width = min(width * 2, 4096)
                }
                shared[p] = (members, sizes, singles)
            }
        }
        if total.load(ordering: .relaxed) > room {
            let sets = blocks.reduce(0) { $0 + $1.sizes.count + $1.singles.count }
            let drawn = blocks.reduce(0) { $0 + $1.members.count + $1.singles.count }
            let mean = Double(drawn) / Double(max(sets, 1))
            throw .tooManySets(
                sets: target, members: Int(min(Double(target) * mean, 9e18)), meanSize: mean, epsilon: epsilon)
        }
        for block in blocks {
            members.append(contentsOf: block.members)
            for s in block.sizes { offset.append(offset[offset.count - 1] + s) }
            singles.append(contentsOf: block.singles)
        }
    }

    /// Greedy maximum coverage: k nodes, each covering the most sets not yet covered (ties:
    /// the lowest node index).
    /// - Returns: the nodes with the sets each newly covers, and the sets covered in all.
    func greedy(k: Int, nodes n: Int) -> (chosen: [(Int32, Int)], covered: Int) {
        // The sets of more than one person that hold each node, built in parallel over
        // ranges of nodes (each part reads every set and writes only its own nodes').
        var start = [Int](repeating: 0, count: n + 1)
        for v in members { start[Int(v) + 1] += 1 }
        var coverage = [Int32](repeating: 0, count: n)
        for v in 0..<n {
            coverage[v] = Int32(start[v + 1])
            start[v + 1] += start[v]
        }
        for v in singles { coverage[Int(v)] += 1 }
        var setsOf = [Int32](repeating: 0, count: members.count)
        let parts = Parallel.ranges(n, parts: Parallel.threads)
        setsOf.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(parts.count) { p in
                let nodes = parts[p]
                var next = Array(start[nodes.lowerBound..<nodes.upperBound])
                let low = nodes.lowerBound
                members.withUnsafeBufferPointer { members in
                    offset.withUnsafeBufferPointer { offset in
                        for j in 0..<(offset.count - 1) {
                            for i in offset[j]..<offset[j + 1] {
                                let v = Int(members[i])
                                guard nodes.contains(v) else { continue }
                                shared[next[v - low]] = Int32(j)
                                next[v - low] += 1
                            }
                        }
                    }
                }
            }
        }
        var covered = [Bool](repeating: false, count: multiple)
        var chosen: [(Int32, Int)] = []
        var total = 0
        var taken = [Bool](repeating: false, count: n)
        for _ in 0..<k {
            var best = -1
            var bestCount: Int32 = -1
            for v in 0..<n where !taken[v] && coverage[v] > bestCount {
                best = v
                bestCount = coverage[v]
            }
            guard best >= 0 else { break }
            taken[best] = true
            chosen.append((Int32(best), Int(bestCount)))
            total += Int(bestCount)
            for s in start[best]..<start[best + 1] {
                let j = Int(setsOf[s])
                if covered[j] { continue }
                covered[j] = true
                for i in offset[j]..<offset[j + 1] { coverage[Int(members[i])] -= 1 }
            }
        }
        return (chosen, total)
    }
}
