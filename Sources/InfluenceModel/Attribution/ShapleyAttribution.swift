/// Shapley values of the channel game v(S) = conversions (and value) of the paths whose
/// channels all lie in S.
///
/// Up to `shapleyExactLimit` channels (20) the values are exact: v is tabulated over all 2^m
/// subsets by a subset-sum (zeta) transform and φ_c = Σ_{S ∌ c} |S|!(m − |S| − 1)!/m! ·
/// (v(S ∪ {c}) − v(S)). Beyond that, permutations are sampled (seeded): in each, every path's
/// conversions go to whichever of its channels arrives last, which is exactly the marginal
/// contribution; the mean over permutations is reported with its standard error. Every
/// permutation splits exactly the total, so sampled credit is conserved too.
///
/// (v is a sum of unanimity games, one per path on its set of channels, so φ_c is also the
/// path credit split evenly over each path's distinct channels; the tests use that identity
/// as the independent reference.)
enum ShapleyAttribution {
    static func attribute(_ paths: ChannelPaths, options: AttributionOptions) throws(AttributionError) -> AttributionResult {
        let m = paths.channels.count
        let rows: [AttributionResult.Row]
        var samples: Int?
        // Exact to 30 channels at most (2^30 subsets of two doubles are 16 GiB); the result
        // says which method gave it.
        if m <= min(options.shapleyExactLimit, 30) {
            let phi = exact(masks: masks(paths), conversions: paths.conversions, value: paths.value, channels: m)
            rows = (0..<m).map { AttributionResult.Row(id: paths.channels[$0], credit: phi[$0]) }
        } else {
            let sampled = sampled(
                sets: DistinctChannels(paths), conversions: paths.conversions, value: paths.value, channels: m,
                permutations: options.shapleySamples, seed: options.seed)
            rows = (0..<m).map {
                AttributionResult.Row(id: paths.channels[$0], credit: sampled.mean[$0], standardError: sampled.error[$0])
            }
            samples = options.shapleySamples
        }
        var result = try PathHeuristics.result(paths, model: .shapley, rows: rows)
        result.shapleySamples = samples
        result.parameters.append(("method", .string(samples == nil ? "exact" : "sampled")))
        if let samples {
            result.parameters.append(("permutations", .int(samples)))
            result.parameters.append(("seed", .int(Int(truncatingIfNeeded: options.seed))))
        }
        return result
    }

    /// Each path row's set of channels as a mask (bit c for channel c), for m ≤ 30 channels.
    ///
    /// Made from the channels directly: a `Set` and two arrays per row (about a million rows on
    /// the 10M program export) were a third of the model's time beside the paths.
    static func masks(_ paths: ChannelPaths) -> [Int] {
        precondition(paths.channels.count <= 30, "ShapleyAttribution.masks: \(paths.channels.count) channels")
        return paths.channel.withUnsafeBufferPointer { channel in
            (0..<paths.count).map { i in
                var mask = 0
                for k in paths.pathStart[i]..<paths.pathStart[i + 1] { mask |= 1 << Int(channel[k]) }
                return mask
            }
        }
    }

    /// Exact Shapley values over all subsets of m ≤ 30 channels, from each path row's mask.
    /// - Complexity: O(2^m · m + rows).
    static func exact(masks: [Int], conversions: [Double], value: [Double], channels m: Int) -> [Credit] {
        let size = 1 << m
        var vc = [Double](repeating: 0, count: size)
        var vv = [Double](repeating: 0, count: size)
        for (k, mask) in masks.enumerated() {
            precondition(mask >= 0 && mask < size, "ShapleyAttribution.exact: a path outside the \(m) channels")
            vc[mask] += conversions[k]
            vv[mask] += value[k]
        }
        // Zeta transform: v(S) = Σ_{T ⊆ S} f(T).
        vc.withUnsafeMutableBufferPointer { c in
            vv.withUnsafeMutableBufferPointer { v in
                for bit in 0..<m {
                    let b = 1 << bit
                    for s in 0..<size where s & b != 0 {
                        c[s] += c[s ^ b]
                        v[s] += v[s ^ b]
                    }
                }
            }
        }
        // weight[s] = s!(m − s − 1)!/m!, built by ratios to stay in range.
        var weight = [Double](repeating: 0, count: max(m, 1))
        if m > 0 {
            weight[0] = 1 / Double(m)
            for s in 1..<m { weight[s] = weight[s - 1] * Double(s) / Double(m - s) }
        }
        var phi = [Credit](repeating: Credit(), count: m)
        vc.withUnsafeBufferPointer { c in
            vv.withUnsafeBufferPointer { v in
                for channel in 0..<m {
                    let b = 1 << channel
                    var sc = 0.0, sv = 0.0
                    for s in 0..<size where s & b == 0 {
                        let w = weight[s.nonzeroBitCount]
                        sc += w * (c[s | b] - c[s])
                        sv += w * (v[s | b] - v[s])
                    }
                    phi[channel] = Credit(conversions: sc, value: sv)
                }
            }
        }
        return phi
    }

    /// Shapley values estimated from `permutations` random orders of the channels.
    /// - Returns: the mean marginal contributions and their standard errors.
    /// - Complexity: O(permutations × (m + total distinct path length)).
    static func sampled(
        sets: DistinctChannels, conversions: [Double], value: [Double], channels m: Int, permutations: Int,
        seed: UInt64
    ) -> (mean: [Credit], error: [Credit]) {
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<m)
        var position = [Int](repeating: 0, count: m)
        var gain = [Credit](repeating: Credit(), count: m)
        var sum = [Credit](repeating: Credit(), count: m)
        var squares = [Credit](repeating: Credit(), count: m)
        for _ in 0..<permutations {
            for i in stride(from: m - 1, to: 0, by: -1) {
                order.swapAt(i, generator.below(i + 1))
            }
            for (p, c) in order.enumerated() { position[c] = p }
            for c in 0..<m { gain[c] = Credit() }
            for k in 0..<sets.count {
                // A row without channels (none is read so) goes to no one, as in the exact game.
                let set = sets[k]
                guard let first = set.first else { continue }
                var last = Int(first)
                for c in set.dropFirst() where position[Int(c)] > position[last] { last = Int(c) }
                gain[last] += Credit(conversions: conversions[k], value: value[k])
            }
            for c in 0..<m {
                sum[c] += gain[c]
                squares[c] += Credit(conversions: gain[c].conversions * gain[c].conversions, value: gain[c].value * gain[c].value)
            }
        }
        let n = Double(permutations)
        var mean = [Credit](repeating: Credit(), count: m)
        var error = [Credit](repeating: Credit(), count: m)
        for c in 0..<m {
            mean[c] = Credit(conversions: sum[c].conversions / n, value: sum[c].value / n)
            guard permutations > 1 else { continue }
            func standardError(_ s: Double, _ q: Double) -> Double {
                let variance = max(0, (q - s * s / n) / (n - 1))
                return (variance / n).squareRoot()
            }
            error[c] = Credit(
                conversions: standardError(sum[c].conversions, squares[c].conversions),
                value: standardError(sum[c].value, squares[c].value))
        }
        return (mean, error)
    }
}

/// Each path row's distinct channels in order of first appearance, all rows in one array.
struct DistinctChannels {
    /// Row i's channels are `channel[start[i] ..< start[i + 1]]`.
    private(set) var start: [Int] = [0]
    private(set) var channel: [Int32] = []

    init(_ paths: ChannelPaths) {
        // The row that last took each channel, so a repeat within a row is passed over.
        var takenBy = [Int](repeating: -1, count: paths.channels.count)
        start.reserveCapacity(paths.count + 1)
        for i in 0..<paths.count {
            for c in paths.path(i) where takenBy[Int(c)] != i {
                takenBy[Int(c)] = i
                channel.append(c)
            }
            start.append(channel.count)
        }
    }

    var count: Int { start.count - 1 }

    subscript(i: Int) -> ArraySlice<Int32> { channel[start[i]..<start[i + 1]] }
}
