import Foundation

/// Monte Carlo runs of the Independent Cascade model from a seed set: the expected spread
/// σ(S) (seeds included, Kempe et al. 2003) with its interval, the distribution of cascade
/// sizes, and each person's activation probability.
public struct Simulation: Sendable {
    /// The seeds, as node indices, ascending (duplicates removed): the order they are given
    /// in does not change a run.
    public var seeds: [Int32]
    public var runs: Int
    public var seed: UInt64
    /// Mean people activated per run, seeds included.
    public var expectedSpread: Double
    /// The normal interval of the mean: expectedSpread ± z·sd/√runs.
    public var low: Double
    public var high: Double
    public var confidence: Double
    /// The standard deviation of the spread over runs.
    public var standardDeviation: Double
    /// Cascade sizes and how many runs reached each, by size.
    public var sizes: [(size: Int, runs: Int)]
    /// Per node: the share of runs in which it was activated.
    public var activation: [Double]

    /// Runs the model `runs` times from `seeds`.
    ///
    /// Run r draws from a stream seeded by `seed` and r alone, and the runs are split into
    /// contiguous blocks per thread whose counts are summed as integers: the same result
    /// whatever the number of threads.
    /// - Complexity: O(runs × edges reached per run).
    public init(model: CascadeModel, seeds: [Int32], runs: Int, seed: UInt64 = 1, confidence: Double = 0.95) {
        let unique = Array(Set(seeds)).sorted()
        self.seeds = unique
        self.runs = runs
        self.seed = seed
        self.confidence = confidence
        let n = model.nodeCount
        let parts = Parallel.ranges(runs, parts: Parallel.threads)
        var counts = [[Int32]](repeating: [], count: parts.count)
        var spreads = [Int](repeating: 0, count: runs)
        counts.withUnsafeMutableBufferPointer { countsOut in
            spreads.withUnsafeMutableBufferPointer { spreadsOut in
                let countsShared = SharedBuffer(countsOut), spreadsShared = SharedBuffer(spreadsOut)
                Parallel.forEach(parts.count) { p in
                    var count = [Int32](repeating: 0, count: n)
                    var stamp = [Int32](repeating: -1, count: n)
                    var queue: [Int32] = []
                    for r in parts[p] {
                        var rng = Self.stream(seed: seed, run: r)
                        let reached = Self.run(
                            model, seeds: unique, stamp: &stamp, mark: Int32(truncatingIfNeeded: r), queue: &queue, rng: &rng)
                        for v in queue { count[Int(v)] += 1 }
                        spreadsShared[r] = reached
                    }
                    countsShared[p] = count
                }
            }
        }
        var total = [Int](repeating: 0, count: n)
        for part in counts { for v in 0..<n { total[v] += Int(part[v]) } }
        activation = total.map { Double($0) / Double(max(runs, 1)) }
        let mean = Double(spreads.reduce(0, +)) / Double(max(runs, 1))
        var squares = 0.0
        for s in spreads { squares += (Double(s) - mean) * (Double(s) - mean) }
        let sd = runs > 1 ? (squares / Double(runs - 1)).squareRoot() : 0
        expectedSpread = mean
        standardDeviation = sd
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        low = mean - z * sd / Double(max(runs, 1)).squareRoot()
        high = mean + z * sd / Double(max(runs, 1)).squareRoot()
        var histogram: [Int: Int] = [:]
        for s in spreads { histogram[s, default: 0] += 1 }
        sizes = histogram.keys.sorted().map { ($0, histogram[$0]!) }
    }

    /// The stream of run `r`.
    static func stream(seed: UInt64, run r: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// One run: breadth-first from the seeds, each edge of a newly active person tried once
    /// (a uniform draw below its probability activates the target), in CSR order.
    /// - Returns: the people activated (left in `queue`, seeds first), counted.
    static func run(
        _ model: CascadeModel, seeds: [Int32], stamp: inout [Int32], mark: Int32, queue: inout [Int32], rng: inout SplitMix64
    ) -> Int {
        queue.removeAll(keepingCapacity: true)
        for s in seeds where stamp[Int(s)] != mark {
            stamp[Int(s)] = mark
            queue.append(s)
        }
        var head = 0
        model.rowStart.withUnsafeBufferPointer { start in
            model.target.withUnsafeBufferPointer { target in
                model.probability.withUnsafeBufferPointer { probability in
                    while head < queue.count {
                        let u = Int(queue[head])
                        head += 1
                        for e in start[u]..<start[u + 1] {
                            let v = Int(target[e])
                            if stamp[v] == mark { continue }
                            let p = probability[e]
                            if p >= 1 || (p > 0 && rng.unit() < p) {
                                stamp[v] = mark
                                queue.append(Int32(v))
                            }
                        }
                    }
                }
            }
        }
        return queue.count
    }

    /// The exact expected spread and activation probabilities, by enumerating every live-edge
    /// world (each edge live with its probability): for tiny graphs and tests.
    /// - Returns: `nil` beyond `maxEdges` edges.
    /// - Complexity: O(2^edges × edges).
    public static func exact(model: CascadeModel, seeds: [Int32], maxEdges: Int = 20) -> (spread: Double, activation: [Double])? {
        let m = model.edgeCount, n = model.nodeCount
        guard m <= maxEdges else { return nil }
        var source = [Int32](repeating: 0, count: m)
        for v in 0..<n { for e in model.rowStart[v]..<model.rowStart[v + 1] { source[e] = Int32(v) } }
        var spread = 0.0
        var activation = [Double](repeating: 0, count: n)
        for world in 0..<(1 << m) {
            var weight = 1.0
            for e in 0..<m { weight *= (world >> e) & 1 == 1 ? model.probability[e] : 1 - model.probability[e] }
            guard weight > 0 else { continue }
            var active = [Bool](repeating: false, count: n)
            var stack: [Int32] = []
            for s in seeds where !active[Int(s)] {
                active[Int(s)] = true
                stack.append(s)
            }
            while let u = stack.popLast() {
                for e in model.rowStart[Int(u)]..<model.rowStart[Int(u) + 1] where (world >> e) & 1 == 1 {
                    let v = Int(model.target[e])
                    if !active[v] {
                        active[v] = true
                        stack.append(Int32(v))
                    }
                }
            }
            for v in 0..<n where active[v] {
                activation[v] += weight
                spread += weight
            }
        }
        return (spread, activation)
    }
}
