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
        // Each path row as its set of distinct channels.
        var sets: [[Int]] = []
        sets.reserveCapacity(paths.count)
        for i in 0..<paths.count {
            var seen = Set<Int32>()
            sets.append(paths.path(i).filter { seen.insert($0).inserted }.map(Int.init))
        }
        let rows: [AttributionResult.Row]
        var samples: Int?
        if m <= options.shapleyExactLimit {
            let phi = exact(sets: sets, conversions: paths.conversions, value: paths.value, channels: m)
            rows = (0..<m).map { AttributionResult.Row(id: paths.channels[$0], credit: phi[$0]) }
        } else {
            let sampled = sampled(
                sets: sets, conversions: paths.conversions, value: paths.value, channels: m,
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

    /// Exact Shapley values over all subsets of m ≤ 30 channels.
    /// - Complexity: O(2^m · m + total path length).
    static func exact(sets: [[Int]], conversions: [Double], value: [Double], channels m: Int) -> [Credit] {
        let size = 1 << m
        var vc = [Double](repeating: 0, count: size)
        var vv = [Double](repeating: 0, count: size)
        for (k, set) in sets.enumerated() {
            let mask = set.reduce(0) { $0 | (1 << $1) }
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
        sets: [[Int]], conversions: [Double], value: [Double], channels m: Int, permutations: Int,
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
            for (k, set) in sets.enumerated() {
                var last = set[0]
                for c in set.dropFirst() where position[c] > position[last] { last = c }
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
