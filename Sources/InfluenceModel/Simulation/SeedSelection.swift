import Foundation

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
            pool.grow(to: theta, reverse: reverse, seed: seed)
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
        pool.grow(to: theta, reverse: reverse, seed: seed)
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

/// Incoming edges of every node, for reverse-reachable sets.
struct ReverseEdges: Sendable {
    let start: [Int]
    let source: [Int32]
    let probability: [Double]

    init(_ model: CascadeModel) {
        let n = model.nodeCount
        var start = [Int](repeating: 0, count: n + 1)
        for t in model.target { start[Int(t) + 1] += 1 }
        for v in 0..<n { start[v + 1] += start[v] }
        var next = start
        var source = [Int32](repeating: 0, count: model.edgeCount)
        var probability = [Double](repeating: 0, count: model.edgeCount)
        for v in 0..<n {
            for e in model.rowStart[v]..<model.rowStart[v + 1] {
                let t = Int(model.target[e])
                source[next[t]] = Int32(v)
                probability[next[t]] = model.probability[e]
                next[t] += 1
            }
        }
        self.start = start
        self.source = source
        self.probability = probability
    }
}

/// Reverse-reachable sets, stored flat: set j is `members[offset[j] ..< offset[j + 1]]`.
struct RRPool {
    var members: [Int32] = []
    var offset: [Int] = [0]

    var count: Int { offset.count - 1 }

    /// Refuses to grow to `target` sets when, at the mean size of the sets drawn so far (or
    /// one member each before any), they would hold more than `limit` members.
    func check(_ target: Int, limit: Int, epsilon: Double) throws(SimulationError) {
        let mean = count == 0 ? 1 : max(1, Double(members.count) / Double(count))
        let projected = Double(target) * mean
        guard projected <= Double(limit), target < Int(Int32.max) else {
            throw .tooManySets(sets: target, members: Int(min(projected, 9e18)), epsilon: epsilon)
        }
    }

    /// Draws sets until there are `target`, set j from its own stream, in parallel blocks
    /// appended in order: the same sets whatever the number of threads.
    mutating func grow(to target: Int, reverse: ReverseEdges, seed: UInt64) {
        guard target > count else { return }
        let first = count
        let parts = Parallel.ranges(target - first, parts: Parallel.threads)
        var blocks = [(members: [Int32], sizes: [Int])](repeating: ([], []), count: parts.count)
        let n = reverse.start.count - 1
        blocks.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(parts.count) { p in
                var members: [Int32] = [], sizes: [Int] = []
                var stamp = [Int32](repeating: -1, count: n)
                var queue: [Int32] = []
                for j in parts[p] {
                    let index = first + j
                    var rng = SplitMix64(seed: seed ^ (UInt64(index) &* 0xA24B_AED4_963E_E407))
                    rng = SplitMix64(seed: rng.next())
                    let mark = Int32(truncatingIfNeeded: index)
                    let root = Int32(rng.below(n))
                    queue.removeAll(keepingCapacity: true)
                    queue.append(root)
                    stamp[Int(root)] = mark
                    var head = 0
                    while head < queue.count {
                        let v = Int(queue[head])
                        head += 1
                        for e in reverse.start[v]..<reverse.start[v + 1] {
                            let u = Int(reverse.source[e])
                            if stamp[u] == mark { continue }
                            if rng.unit() < reverse.probability[e] {
                                stamp[u] = mark
                                queue.append(Int32(u))
                            }
                        }
                    }
                    members.append(contentsOf: queue)
                    sizes.append(queue.count)
                }
                shared[p] = (members, sizes)
            }
        }
        for block in blocks {
            members.append(contentsOf: block.members)
            for s in block.sizes { offset.append(offset[offset.count - 1] + s) }
        }
    }

    /// Greedy maximum coverage: k nodes, each covering the most sets not yet covered (ties:
    /// the lowest node index).
    /// - Returns: the nodes with the sets each newly covers, and the sets covered in all.
    func greedy(k: Int, nodes n: Int) -> (chosen: [(Int32, Int)], covered: Int) {
        var coverage = [Int](repeating: 0, count: n)
        for v in members { coverage[Int(v)] += 1 }
        // Sets of each node.
        var start = [Int](repeating: 0, count: n + 1)
        for v in members { start[Int(v) + 1] += 1 }
        for v in 0..<n { start[v + 1] += start[v] }
        var next = start
        var setsOf = [Int32](repeating: 0, count: members.count)
        for j in 0..<count {
            for i in offset[j]..<offset[j + 1] {
                let v = Int(members[i])
                setsOf[next[v]] = Int32(j)
                next[v] += 1
            }
        }
        var covered = [Bool](repeating: false, count: count)
        var chosen: [(Int32, Int)] = []
        var total = 0
        var taken = [Bool](repeating: false, count: n)
        for _ in 0..<k {
            var best = -1, bestCount = -1
            for v in 0..<n where !taken[v] && coverage[v] > bestCount {
                best = v
                bestCount = coverage[v]
            }
            guard best >= 0 else { break }
            taken[best] = true
            chosen.append((Int32(best), bestCount))
            total += bestCount
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
