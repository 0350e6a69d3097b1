import Foundation

/// Poisson draws from a `SplitMix64` stream, the same on every platform.
enum PoissonDraw {
    /// A draw from Poisson(λ), λ ≥ 0: multiplication of uniforms below 10, Hörmann's
    /// transformed rejection with squeeze (PTRS, 1993) from 10 up.
    /// - Complexity: O(λ) expected below 10, O(1) expected above.
    static func draw(_ lambda: Double, _ rng: inout SplitMix64) -> Int {
        if lambda <= 0 { return 0 }
        if lambda == 1 { return one(&rng) }
        if lambda < 10 {
            let limit = exp(-lambda)
            var k = 0
            var product = rng.unit()
            while product > limit {
                k += 1
                product *= rng.unit()
            }
            return k
        }
        let slam = lambda.squareRoot(), loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = rng.unit() - 0.5
            let v = rng.unit()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07, v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) { return Int(k) }
        }
    }

    /// P(X ≤ k) for X ~ Poisson(1), k = 0 … 18, scaled to 2⁶⁴; beyond the table the
    /// remaining mass is below 2⁻⁶⁴.
    private static let thresholds: [UInt64] = {
        var result: [UInt64] = []
        var term = exp(-1.0), cumulative = 0.0
        for k in 0...18 {
            cumulative += term
            term /= Double(k + 1)
            result.append(cumulative >= 1 ? UInt64.max : UInt64(cumulative * 0x1p64))
        }
        return result
    }()

    /// A draw from Poisson(1) by inverting its CDF with one 64-bit word.
    @inline(__always) static func one(_ rng: inout SplitMix64) -> Int {
        let u = rng.next()
        var k = 0
        while k < thresholds.count - 1, u >= thresholds[k] { k += 1 }
        return k
    }

    /// Poisson(1) draws with the first thresholds at hand, for loops that draw millions.
    struct One {
        private let t0: UInt64, t1: UInt64, t2: UInt64

        init() {
            t0 = PoissonDraw.thresholds[0]
            t1 = PoissonDraw.thresholds[1]
            t2 = PoissonDraw.thresholds[2]
        }

        /// The same draw as `PoissonDraw.one`, as a `Double`.
        @inline(__always) func draw(_ rng: inout SplitMix64) -> Double {
            let u = rng.next()
            if u < t0 { return 0 }
            if u < t1 { return 1 }
            if u < t2 { return 2 }
            var k = 3
            while k < PoissonDraw.thresholds.count - 1, u >= PoissonDraw.thresholds[k] { k += 1 }
            return Double(k)
        }
    }
}

/// A bootstrap interval and the settings it came from.
struct BootstrapInterval: Sendable, Equatable {
    var low: Double
    var high: Double

    /// The `q` quantile of finite values, interpolated linearly between order statistics
    /// (the same number as from the sorted values). The values are reordered, and every value
    /// from position `from` on is taken to be at least every value before it (as a previous
    /// call for a lower quantile leaves them), so only that part is searched.
    /// - Complexity: O(n) expected.
    static func quantile(_ values: inout [Double], _ q: Double, from: Int = 0) -> Double {
        let position = min(max(q, 0), 1) * Double(values.count - 1)
        let i = max(from, Int(position.rounded(.down)))
        let low = select(&values, i, from: from)
        if i + 1 >= values.count { return low }
        // After the selection everything above position i is at least `low`.
        var next = Double.infinity
        for v in values[(i + 1)...] { next = min(next, v) }
        let f = position - Double(i)
        return f > 0 ? low + f * (next - low) : low
    }

    /// The quantiles at `low` ≤ `high` of finite values, each the same number as from the
    /// sorted values (interpolated linearly between order statistics).
    ///
    /// From 512 values up, a sorted sample of 256 brackets each wanted rank with a window of
    /// ±4 of its binomial standard deviations (plus a few); one pass counts the values below
    /// each window and gathers those inside, and the order statistics are selected within the
    /// windows. When a window misses its rank (rarely), the values are selected in full.
    /// - Complexity: O(n) expected, about one pass.
    static func quantiles(_ values: inout [Double], _ low: Double, _ high: Double) -> (Double, Double) {
        let n = values.count
        func full(_ values: inout [Double]) -> (Double, Double) {
            let a = quantile(&values, low)
            let start = Int((min(max(low, 0), 1) * Double(n - 1)).rounded(.down))
            return (a, quantile(&values, max(low, high), from: start))
        }
        guard n >= 512 else { return full(&values) }
        let m = 256
        var sample = (0..<m).map { values[$0 * n / m] }
        struct Window {
            var position: Double
            var rank: Int
            var lower: Double
            var upper: Double
            var below = 0
            var inside: [Double] = []
        }
        // Each window's bounds are two order statistics of the sample, selected in increasing
        // order (each selection leaves everything after its position at least as large).
        func bounds(_ q: Double) -> (position: Double, rank: Int, a: Int, b: Int) {
            let position = min(max(q, 0), 1) * Double(n - 1)
            let rank = Int(position.rounded(.down))
            let expected = Double(rank) * Double(m) / Double(n)
            let p = Double(rank) / Double(n - 1)
            let reach = 4 * (Double(m) * p * (1 - p)).squareRoot() + 3
            return (position, rank, Int((expected - reach).rounded(.down)), Int((expected + reach).rounded(.up)))
        }
        let b1 = bounds(low), b2 = bounds(max(low, high))
        var picked: [Int: Double] = [:]
        var from = 0
        for i in Set([b1.a, b1.b, b2.a, b2.b].map { min(max($0, 0), m - 1) }).sorted() {
            picked[i] = select(&sample, i, from: from)
            from = i
        }
        func window(_ b: (position: Double, rank: Int, a: Int, b: Int)) -> Window {
            Window(
                position: b.position, rank: b.rank, lower: b.a <= 0 ? -.infinity : picked[b.a]!,
                upper: b.b >= m - 1 ? .infinity : picked[b.b]!)
        }
        var w1 = window(b1), w2 = window(b2)
        for v in values {
            if v < w1.lower { w1.below += 1 } else if v <= w1.upper { w1.inside.append(v) }
            if v < w2.lower { w2.below += 1 } else if v <= w2.upper { w2.inside.append(v) }
        }
        func value(_ w: inout Window) -> Double? {
            // The window must hold order statistics rank and rank + 1 (when there is one).
            let k = w.rank - w.below
            let needed = w.rank + 1 < n ? k + 1 : k
            guard k >= 0, needed < w.inside.count else { return nil }
            let a = select(&w.inside, k)
            let f = w.position - Double(w.rank)
            guard f > 0, w.rank + 1 < n else { return a }
            var next = Double.infinity
            for v in w.inside[(k + 1)...] { next = min(next, v) }
            return a + f * (next - a)
        }
        guard let a = value(&w1), let b = value(&w2) else { return full(&values) }
        return (a, b)
    }

    /// The k-th smallest (0-based) of finite values, which are reordered so that every value
    /// after position k is at least it and every value before is at most it: Hoare's selection
    /// with a median-of-three pivot, within positions `from…` (those before are at most all
    /// of them).
    /// - Complexity: O(n) expected.
    static func select(_ values: inout [Double], _ k: Int, from: Int = 0) -> Double {
        values.withUnsafeMutableBufferPointer { v in
            var lo = from, hi = v.count - 1
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if v[mid] < v[lo] { v.swapAt(mid, lo) }
                if v[hi] < v[lo] { v.swapAt(hi, lo) }
                if v[hi] < v[mid] { v.swapAt(hi, mid) }
                let pivot = v[mid]
                var i = lo, j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while pivot < v[j] { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if k <= j {
                    hi = j
                } else if k >= i {
                    lo = i
                } else {
                    return v[k]
                }
            }
            return v[k]
        }
    }

    /// The share of values below `x`, ties counting half, kept within half a value of 0 and 1.
    static func share(_ values: [Double], below x: Double) -> Double {
        var below = 0.0
        for v in values { below += (v < x ? 1 : 0) + (v == x ? 0.5 : 0) }
        let n = Double(values.count)
        return min(max(below / n, 0.5 / n), 1 - 0.5 / n)
    }

    /// The bias correction z₀: Φ⁻¹ of the share of replicates below the estimate.
    static func biasCorrection(_ values: [Double], estimate: Double) -> Double {
        Normal.quantile(share(values, below: estimate))
    }

    /// The acceleration from jackknife values: each sample's leave-one-out values of the
    /// statistic (with how many units share each) enter as U = (n − 1)(mean − value);
    /// a = Σ U³ / (6 (Σ U²)^{3/2}), and 0 when there is no spread or a value is undefined.
    static func acceleration(_ samples: [(values: [Double], counts: [Double])]) -> Double {
        var cube = 0.0, square = 0.0
        for sample in samples {
            let n = sample.counts.reduce(0, +)
            guard n > 1 else { continue }
            var mean = 0.0
            for (v, m) in zip(sample.values, sample.counts) {
                guard v.isFinite else { return 0 }
                mean += m * v
            }
            mean /= n
            for (v, m) in zip(sample.values, sample.counts) {
                let u = (n - 1) * (mean - v)
                cube += m * u * u * u
                square += m * u * u
            }
        }
        guard square > 0 else { return 0 }
        let a = cube / (6 * pow(square, 1.5))
        return a.isFinite ? a : 0
    }

    /// The BCa interval (Efron 1987) from finite replicates (reordered); with `z0 = a = 0` it
    /// is the percentile interval.
    static func bca(_ values: inout [Double], z0: Double, a: Double, confidence: Double) -> BootstrapInterval {
        let tail = (1 - confidence) / 2
        func level(_ z: Double) -> Double {
            let shifted = z0 + z
            let denominator = 1 - a * shifted
            guard denominator > 0 else { return z > 0 ? 1 : 0 }
            return Normal.cdf(z0 + shifted / denominator)
        }
        let lowLevel = level(Normal.quantile(tail)), highLevel = level(Normal.quantile(1 - tail))
        let (low, high) = quantiles(&values, lowLevel, highLevel)
        return BootstrapInterval(low: low, high: high)
    }

    /// The two-sided p-value of "the true value is `null`" by inverting the same interval:
    /// the smallest 1 − confidence at which it would leave `null` out.
    static func pValue(_ values: [Double], null: Double, z0: Double, a: Double) -> Double {
        let n = Double(values.count)
        let w = Normal.quantile(share(values, below: null)) - z0
        // Past the pole of the BCa map the interval leaves `null` out at every level.
        guard 1 + a * w > 0 else { return min(1, 1 / n) }
        let u = w / (1 + a * w)
        let level = Normal.cdf(u - z0)
        return min(1, 2 * min(level, 1 - level))
    }
}
