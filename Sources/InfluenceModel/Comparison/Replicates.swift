import Foundation

/// The bootstrap of a comparison: every group's replicates, intervals, lifts, p-values and
/// chances of being best.
///
/// Replicate i of a group draws from streams seeded by the seed, the group's name, i and the
/// chunk of types alone, so its values do not depend on the thread that computes it, on the
/// other groups, or on how the replicates are split between threads.
struct Replicates: Sendable {
    let samples: [CascadeSample]
    let windows: [HopMedian]
    let metrics: [ComparisonMetric]
    let classSlots: Int
    let resamples: Int
    let seed: UInt64
    /// The baseline group.
    let baseline: Int

    /// Replicate values kept in memory when they fit in this many doubles; beyond it the
    /// second pass (chances of being best) draws them again.
    static let keepLimit = 1 << 24

    /// A group's key: the seed and the group's name (FNV-1a), mixed.
    static func key(seed: UInt64, group name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        var mixer = SplitMix64(seed: seed ^ h)
        return mixer.next()
    }

    /// Types drawn from one stream: replicate i draws the weights of types
    /// `c·chunk ..< (c + 1)·chunk` from stream (i, c), so one chunk of types can be summed over
    /// every replicate while it sits in cache, and a replicate's weights for any chunk can be
    /// drawn again.
    static let chunk = 1024

    /// The stream of chunk `c` of replicate `i` of the group with key `key`.
    @inline(__always) static func stream(key: UInt64, replicate i: Int, chunk c: Int) -> SplitMix64 {
        var replicate = SplitMix64(seed: key ^ (UInt64(i) &* 0xD1B5_4A32_D192_ED03))
        var part = SplitMix64(seed: replicate.next() ^ (UInt64(c) &* 0x9E37_79B9_7F4A_7C15))
        return SplitMix64(seed: part.next())
    }

    /// Replicate `i`'s weights of the types of chunk `c`, written into `weights`.
    @inline(__always) static func draw(
        _ multiplicity: UnsafeBufferPointer<Double>, key: UInt64, replicate i: Int, chunk c: Int,
        into weights: UnsafeMutableBufferPointer<Double>
    ) {
        var rng = stream(key: key, replicate: i, chunk: c)
        let one = PoissonDraw.One()
        for t in (c * chunk)..<min(multiplicity.count, (c + 1) * chunk) {
            let m = multiplicity[t]
            weights[t] = m == 1 ? one.draw(&rng) : Double(PoissonDraw.draw(m, &rng))
        }
    }

    /// The sums of a group with every cascade once.
    func estimate(_ g: Int) -> CascadeSums {
        var s = CascadeSums(classes: classSlots)
        samples[g].sums(weights: samples[g].multiplicity, classes: classSlots, window: windows[g], into: &s)
        return s
    }

    /// Replicates `range` of group `g`, metric-major: `out[m * range.count + (i − lower)]`,
    /// NaN where the metric is undefined.
    ///
    /// The sums are taken chunk by chunk of types, each chunk over every replicate of the
    /// range (the chunk stays in cache; each replicate's partial sums wait in `totals`); the
    /// median hop then draws each replicate's weights again, for the types of the median's
    /// window only unless the median falls outside it.
    func values(_ g: Int, _ range: Range<Int>) -> [Double] {
        let sample = samples[g], window = windows[g]
        let n = range.count, width = CascadeSample.width, classes = classSlots
        var out = [Double](repeating: .nan, count: metrics.count * n)
        let key = Self.key(seed: seed, group: sample.name)
        let types = sample.typeCount, chunks = (types + Self.chunk - 1) / Self.chunk
        var totals = [Double](repeating: 0, count: n * width)
        var classTotals = [Double](repeating: 0, count: n * 3 * classes)
        var largest = [Int](repeating: 0, count: n), deepest = largest
        var weights = [Double](repeating: 0, count: types)
        let hasHops = !sample.hopHours.isEmpty
        var medians = [Double](repeating: .nan, count: chunks == 1 && hasHops ? n : 0)
        sample.multiplicity.withUnsafeBufferPointer { multiplicity in
            sample.fields.withUnsafeBufferPointer { f in
                weights.withUnsafeMutableBufferPointer { weights in
                    totals.withUnsafeMutableBufferPointer { totals in
                        classTotals.withUnsafeMutableBufferPointer { classTotals in
                            for c in 0..<chunks {
                                let chunkTypes = (c * Self.chunk)..<min(types, (c + 1) * Self.chunk)
                                for k in 0..<n {
                                    Self.draw(multiplicity, key: key, replicate: range.lowerBound + k, chunk: c, into: weights)
                                    let row = k * width
                                    var big = largest[k], deep = deepest[k]
                                    for t in chunkTypes {
                                        let w = weights[t]
                                        if w == 0 { continue }
                                        let base = t &* width
                                        for j in 0..<width { totals[row &+ j] += w * f[base &+ j] }
                                        big = max(big, sample.size[t])
                                        deep = max(deep, sample.depth[t])
                                        let s = sample.sizeClass[t]
                                        if s >= 0, s < classes {
                                            let at = (k * classes + s) * 3
                                            classTotals[at] += w
                                            classTotals[at + 1] += w * f[base + CascadeSample.Field.virality.rawValue]
                                            classTotals[at + 2] += w * Double(sample.depth[t])
                                        }
                                    }
                                    largest[k] = big
                                    deepest[k] = deep
                                    // One chunk: the replicate's weights are all drawn; its median now.
                                    if chunks == 1, hasHops {
                                        medians[k] =
                                            window.median(
                                                sample, weights: UnsafeBufferPointer(weights),
                                                hops: totals[row + CascadeSample.Field.hops.rawValue],
                                                below: totals[row + CascadeSample.Field.hopsBelowWindow.rawValue], complete: true
                                            ).value ?? .nan
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var s = CascadeSums(classes: classes)
        let windowChunks = (window.windowTypes + Self.chunk - 1) / Self.chunk
        for k in 0..<n {
            let i = range.lowerBound + k
            for j in 0..<width { s.fields[j] = totals[k * width + j] }
            for c in 0..<classes {
                s.classCount[c] = classTotals[(k * classes + c) * 3]
                s.classVirality[c] = classTotals[(k * classes + c) * 3 + 1]
                s.classDepth[c] = classTotals[(k * classes + c) * 3 + 2]
            }
            s.largest = largest[k]
            s.deepest = deepest[k]
            s.medianHop = nil
            if chunks == 1, hasHops {
                s.medianHop = medians[k].isNaN ? nil : medians[k]
            } else if hasHops {
                sample.multiplicity.withUnsafeBufferPointer { multiplicity in
                    weights.withUnsafeMutableBufferPointer { weights in
                        for c in 0..<windowChunks { Self.draw(multiplicity, key: key, replicate: i, chunk: c, into: weights) }
                    }
                }
                var median = window.median(sample, weights: weights, sums: s.fields, complete: windowChunks == chunks)
                if median.needsAll {
                    sample.multiplicity.withUnsafeBufferPointer { multiplicity in
                        weights.withUnsafeMutableBufferPointer { weights in
                            for c in windowChunks..<chunks { Self.draw(multiplicity, key: key, replicate: i, chunk: c, into: weights) }
                        }
                    }
                    median = window.median(sample, weights: weights, sums: s.fields)
                }
                s.medianHop = median.value
            }
            for (j, metric) in metrics.enumerated() { out[j * n + k] = metric.value(s) ?? .nan }
        }
        return out
    }

    /// All replicates of group `g`, metric-major, split over threads by blocks of replicates.
    /// - Parameter parallel: split the replicates over threads (when not already on one of
    ///   several threads).
    func values(_ g: Int, parallel: Bool) -> [Double] {
        let parts = Parallel.ranges(resamples, parts: parallel ? Parallel.threads : 1)
        var blocks = [[Double]](repeating: [], count: parts.count)
        blocks.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(parts.count) { p in shared[p] = values(g, parts[p]) }
        }
        var all = [Double](repeating: .nan, count: metrics.count * resamples)
        for (p, range) in parts.enumerated() {
            for j in 0..<metrics.count {
                for i in range { all[j * resamples + i] = blocks[p][j * range.count + i - range.lowerBound] }
            }
        }
        return all
    }

    /// One metric's replicates of a group.
    private func metric(_ all: [Double], _ j: Int) -> ArraySlice<Double> { all[j * resamples..<(j + 1) * resamples] }

    /// The rows of the comparison: metric-major, groups in order.
    func compare(confidence: Double) -> [ComparisonRow] {
        let b = baseline
        let estimates = samples.indices.map(estimate)
        let values = samples.indices.map { g in metrics.map { $0.value(estimates[g]) } }
        let jackknives = samples.indices.map { g in
            metrics.map { m in m.isSmooth ? samples[g].jackknife(m, totals: estimates[g]) : [] }
        }
        let keep = samples.count * metrics.count * resamples <= Self.keepLimit
        // Few groups: each group's replicates on every thread, kept for both passes. Many:
        // one group per thread at a time.
        let few = keep && samples.count < 2 * Parallel.threads
        let early: [[Double]] = few ? samples.indices.map { self.values($0, parallel: true) } : []
        let baseReplicates = few ? early[b] : self.values(b, parallel: true)

        // Pass 1: each group's intervals and lifts, and the best value of every replicate.
        struct PartResult {
            var rows: [[ComparisonRow]] = []
            var best: [Double] = []
            var ties: [Double] = []
            var replicates: [[Double]] = []
        }
        let groupParts = Parallel.ranges(samples.count, parts: samples.count >= Parallel.threads ? Parallel.threads : 1)
        var results = [PartResult](repeating: PartResult(), count: groupParts.count)
        results.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(groupParts.count) { p in
                var part = PartResult()
                part.best = [Double](repeating: -.infinity, count: metrics.count * resamples)
                part.ties = [Double](repeating: 0, count: metrics.count * resamples)
                for g in groupParts[p] {
                    let reps = few ? early[g] : g == b ? baseReplicates : self.values(g, parallel: groupParts.count == 1)
                    var rows: [ComparisonRow] = []
                    for (j, m) in metrics.enumerated() {
                        rows.append(
                            row(
                                g, j, m, value: values[g][j], baseValue: values[b][j], reps: metric(reps, j),
                                baseReps: metric(baseReplicates, j),
                                jack: jackknives[g][j], baseJack: jackknives[b][j], isBaseline: g == b, confidence: confidence))
                        for i in 0..<resamples {
                            let v = reps[j * resamples + i]
                            guard v.isFinite else { continue }
                            Self.offer(m.lowerIsBetter ? -v : v, at: j * resamples + i, best: &part.best, ties: &part.ties)
                        }
                    }
                    part.rows.append(rows)
                    if keep, !few { part.replicates.append(reps) }
                }
                shared[p] = part
            }
        }
        var best = results[0].best, ties = results[0].ties
        for r in results.dropFirst() {
            for k in best.indices where r.ties[k] > 0 {
                if r.best[k] > best[k] {
                    best[k] = r.best[k]
                    ties[k] = r.ties[k]
                } else if r.best[k] == best[k] {
                    ties[k] += r.ties[k]
                }
            }
        }
        let groupRows = results.flatMap(\.rows)
        let kept = results.flatMap(\.replicates)

        // Pass 2: each group's share of the replicates it leads.
        var pBest = [[Double]](repeating: [], count: samples.count)
        pBest.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(samples.count) { g in
                let reps = few ? early[g] : keep ? kept[g] : (g == b ? baseReplicates : self.values(g, parallel: false))
                shared[g] = metrics.indices.map { j in
                    var share = 0.0
                    for i in 0..<resamples {
                        let v = reps[j * resamples + i]
                        guard v.isFinite else { continue }
                        if (metrics[j].lowerIsBetter ? -v : v) == best[j * resamples + i] { share += 1 / ties[j * resamples + i] }
                    }
                    return share / Double(resamples)
                }
            }
        }

        // Rows metric-major, with Holm's correction over the groups compared on each metric.
        var rows: [ComparisonRow] = []
        for j in metrics.indices {
            var block = samples.indices.map { g in
                var r = groupRows[g][j]
                r.pBest = pBest[g][j]
                return r
            }
            let tested = block.indices.filter { block[$0].pValue != nil }.sorted { block[$0].pValue! < block[$1].pValue! }
            var running = 0.0
            for (rank, k) in tested.enumerated() {
                running = max(running, min(1, Double(tested.count - rank) * block[k].pValue!))
                block[k].pHolm = running
                block[k].significant = running < 1 - confidence
            }
            rows += block
        }
        return rows
    }

    /// Counts `v` toward the best of replicate slot `k`.
    private static func offer(_ v: Double, at k: Int, best: inout [Double], ties: inout [Double]) {
        if v > best[k] {
            best[k] = v
            ties[k] = 1
        } else if v == best[k] {
            ties[k] += 1
        }
    }

    /// One group's row for metric `j`.
    private func row(
        _ g: Int, _ j: Int, _ m: ComparisonMetric, value: Double?, baseValue: Double?, reps: ArraySlice<Double>,
        baseReps: ArraySlice<Double>, jack: [Double], baseJack: [Double], isBaseline: Bool, confidence: Double
    ) -> ComparisonRow {
        var row = ComparisonRow(group: samples[g].name, metric: m, value: value)
        if !isBaseline, let value, let baseValue {
            row.lift = value - baseValue
            if baseValue != 0 { row.ratio = value / baseValue }
        }
        var finite = reps.filter(\.isFinite)
        guard let value, finite.count * 10 >= resamples * 9 else { return row }
        let own = interval(
            &finite, estimate: value, smooth: m.isSmooth, jackknife: [(jack, samples[g].multiplicity)], confidence: confidence)
        row.low = own.interval.low
        row.high = own.interval.high
        guard !isBaseline, let baseValue else { return row }

        var differences: [Double] = [], ratios: [Double] = []
        for (x, y) in zip(reps, baseReps) where x.isFinite && y.isFinite {
            differences.append(x - y)
            if y != 0 { ratios.append(x / y) }
        }
        let lift = value - baseValue
        guard differences.count * 10 >= resamples * 9 else { return row }
        let liftJack: [([Double], [Double])] = [
            (jack.map { $0 - baseValue }, samples[g].multiplicity),
            (baseJack.map { value - $0 }, baseMultiplicity),
        ]
        let d = interval(&differences, estimate: lift, smooth: m.isSmooth, jackknife: liftJack, confidence: confidence)
        row.liftLow = d.interval.low
        row.liftHigh = d.interval.high
        row.pValue = BootstrapInterval.pValue(differences, null: 0, z0: d.z0, a: d.a)
        if baseValue != 0 {
            let ratio = value / baseValue
            if ratios.count * 10 >= resamples * 9 {
                let ratioJack: [([Double], [Double])] = [
                    (jack.map { $0 / baseValue }, samples[g].multiplicity),
                    (baseJack.map { value / $0 }, baseMultiplicity),
                ]
                let r = interval(&ratios, estimate: ratio, smooth: m.isSmooth, jackknife: ratioJack, confidence: confidence)
                row.ratioLow = r.interval.low
                row.ratioHigh = r.interval.high
            }
        }
        return row
    }

    /// The baseline's multiplicities.
    private var baseMultiplicity: [Double] { samples[baseline].multiplicity }

    /// A BCa interval for smooth metrics, a percentile one otherwise, from finite replicates
    /// (reordered).
    private func interval(
        _ values: inout [Double], estimate: Double, smooth: Bool, jackknife: [([Double], [Double])], confidence: Double
    ) -> (interval: BootstrapInterval, z0: Double, a: Double) {
        var low = Double.infinity, high = -Double.infinity
        for v in values {
            low = min(low, v)
            high = max(high, v)
        }
        if low == high { return (BootstrapInterval(low: low, high: low), 0, 0) }
        guard smooth else { return (BootstrapInterval.bca(&values, z0: 0, a: 0, confidence: confidence), 0, 0) }
        let z0 = BootstrapInterval.biasCorrection(values, estimate: estimate)
        let a = BootstrapInterval.acceleration(jackknife.map { (values: $0.0, counts: $0.1) })
        return (BootstrapInterval.bca(&values, z0: z0, a: a, confidence: confidence), z0, a)
    }
}
