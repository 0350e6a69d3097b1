import Foundation

extension SplitMix64 {
    /// A generator for item `index` of a stream seeded by `seed`: its draws depend only on
    /// the two numbers, so items can be generated on any thread in any order.
    static func stream(seed: UInt64, index: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ 0x5EED_0F_1F1_0E7C3)
        let base = mixer.next()
        var g = SplitMix64(seed: base &+ index &* 0xD1B5_4A32_D192_ED03)
        _ = g.next()
        return g
    }

    /// A standard normal draw (Box–Muller, one of the pair; the same on every platform
    /// `log`, `sqrt` and `cos` round alike).
    mutating func normal() -> Double {
        let u = 1 - unit()  // (0, 1]
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A gamma draw of shape `k` and scale 1 (Marsaglia and Tsang 2000; shape below one by
    /// the boost U^(1/k)).
    mutating func gamma(shape k: Double) -> Double {
        if k < 1 {
            let boost = pow(1 - unit(), 1 / k)
            return gamma(shape: k + 1) * boost
        }
        let d = k - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = 1 - unit()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A Poisson draw of mean `mean` (multiplication of uniforms below 30; the rounded
    /// normal approximation above, where it is within a fraction of a percent).
    mutating func poisson(_ mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var product = unit()
            var n = 0
            while product > limit {
                product *= unit()
                n += 1
            }
            return n
        }
        return max(0, Int((mean + mean.squareRoot() * normal()).rounded()))
    }

    /// A log-normal draw with median `median` and log-scale spread `sigma`.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        sigma == 0 ? median : median * exp(sigma * normal())
    }
}
