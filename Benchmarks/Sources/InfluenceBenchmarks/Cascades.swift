import Foundation
import InfluenceModel

/// Referral exports made of branching-process cascades, for the comparison benchmarks.
///
/// Campaigns take turns growing one cascade at a time until each has its share of the
/// referrals. In a cascade every person refers a negative-binomial number of new people
/// (Poisson with a Gamma(0.5)-distributed mean, so a few people refer many: the heavy tail
/// of real cascades), with mean `offspring`; each hop takes an exponential time of mean 20
/// hours. Columns: `referrer,referred,created_at,campaign`.
enum Cascades {
    static func write(campaigns: Int, referrals: Int, offspring: Double, seed: UInt64, to path: String) throws {
        var rng = SplitMix64(seed: seed)
        var out = "referrer,referred,created_at,campaign\n"
        out.reserveCapacity(referrals * 40)
        let share = max(1, referrals / campaigns)
        var made = [Int](repeating: 0, count: campaigns)
        var person = 0
        var open = Array(0..<campaigns)
        var queue: [(id: Int, time: Double)] = []
        while !open.isEmpty {
            var k = 0
            while k < open.count {
                let c = open[k]
                person += 1
                queue.removeAll(keepingCapacity: true)
                queue.append((person, 1_735_689_600 + rng.unit() * 86_400 * 30))
                var head = 0
                while head < queue.count, made[c] < share {
                    let (parent, t) = queue[head]
                    head += 1
                    // Gamma(0.5, 2) by the sum of squares of one normal, times the mean.
                    let u1 = max(rng.unit(), 1e-300), u2 = rng.unit()
                    let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                    let children = draw(offspring * z * z, &rng)
                    for _ in 0..<children where made[c] < share {
                        person += 1
                        let time = t - 72_000 * log(max(rng.unit(), 1e-300))
                        queue.append((person, time))
                        out += "p\(parent),p\(person),\(Int(time)),campaign-\(c)\n"
                        made[c] += 1
                    }
                }
                if made[c] >= share { open.remove(at: k) } else { k += 1 }
            }
        }
        // The project's own atomic writer: Foundation's String.write(toFile:) on Linux wrote a
        // 4.2 GB export wrongly (the file's start again from its 2 GiB mark).
        try OutputFile.write(out, to: path)
    }

    /// Poisson(λ) by inversion from a uniform, walking the CDF (λ stays small here).
    static func draw(_ lambda: Double, _ rng: inout SplitMix64) -> Int {
        if lambda <= 0 { return 0 }
        let u = rng.unit()
        var k = 0
        var p = exp(-lambda), cumulative = p
        while u > cumulative, k < 10_000 {
            k += 1
            p *= lambda / Double(k)
            cumulative += p
        }
        return k
    }
}
