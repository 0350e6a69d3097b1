/// First-order Markov attribution with removal effects computed exactly from the absorbing chain.
///
/// Each path row stands for `total_conversions + total_null` journeys start → its channels →
/// conversion or null; transition probabilities are the journeys' transition counts,
/// row-normalized. A channel repeated back to back is one visit (as in ChannelAttribution;
/// self-loops do not change where a chain is absorbed anyway).
///
/// Removing channel c sends every journey that reaches c to null, so by the strong Markov
/// property at the first visit to c,
///
///     P(conversion without c) = P(conversion) − h_c · a_c,
///     RE_c = 1 − P(conversion without c) / P(conversion) = h_c · a_c / a_start,
///
/// with a the absorption probabilities into conversion ((I − T)·a = r) and h_c the
/// probability of ever reaching c from the start, G[start][c] / G[c][c] for the fundamental
/// matrix G = (I − T)⁻¹. One LU factorization of I − T gives both. ChannelAttribution's
/// `markov_model` estimates the same quantities by simulation. Credit is total × RE_c / Σ RE,
/// for conversions and for value.
public enum MarkovAttribution {
    /// The absorbing chain of a path table and its removal effects.
    public struct Solution: Sendable {
        /// P(conversion) from the start state.
        public var conversionProbability: Double
        /// RE_c by channel index.
        public var removalEffect: [Double]
        /// P(ever reaching c) from the start, by channel.
        public var reachProbability: [Double]
        /// P(conversion | at c), by channel.
        public var absorption: [Double]
    }

    /// Solves the chain of `paths`.
    /// - Complexity: O(total path length + m³) for m channels (dense LU with partial pivoting).
    public static func solve(_ paths: ChannelPaths) -> Solution {
        let m = paths.channels.count
        let size = m + 1  // state 0 is the start; channel c is state c + 1
        var counts = [Double](repeating: 0, count: size * size)
        var toConversion = [Double](repeating: 0, count: size)
        var out = [Double](repeating: 0, count: size)
        // Every label is checked once against the channels, so the loop over the paths' labels
        // (about five million on the 10M program export) reads and adds without bounds checks,
        // in the same order.
        precondition(paths.channel.allSatisfy { $0 >= 0 && Int($0) < m }, "MarkovAttribution: a path's channel outside the channels")
        precondition(
            paths.pathStart.count == paths.count + 1 && paths.pathStart.first == 0 && paths.pathStart.last == paths.channel.count,
            "MarkovAttribution: paths out of step")
        paths.channel.withUnsafeBufferPointer { channel in
            paths.pathStart.withUnsafeBufferPointer { start in
                counts.withUnsafeMutableBufferPointer { counts in
                    out.withUnsafeMutableBufferPointer { out in
                        for i in 0..<paths.count {
                            let journeys = paths.conversions[i] + paths.nulls[i]
                            guard journeys > 0 else { continue }
                            var state = 0
                            let (from, to) = (start[i], start[i + 1])
                            precondition(from <= to && to <= channel.count, "MarkovAttribution: path \(i) outside the paths' channels")
                            for k in from..<to {
                                let next = Int(channel[k]) &+ 1
                                if next == state { continue }
                                counts[state &* size &+ next] += journeys
                                out[state] += journeys
                                state = next
                            }
                            toConversion[state] += paths.conversions[i]
                            out[state] += journeys
                        }
                    }
                }
            }
        }
        // A = I − T and r, row by row.
        var a = [Double](repeating: 0, count: size * size)
        var r = [Double](repeating: 0, count: size)
        for i in 0..<size {
            a[i * size + i] = 1
            guard out[i] > 0 else { continue }
            for j in 0..<size where counts[i * size + j] != 0 { a[i * size + j] -= counts[i * size + j] / out[i] }
            r[i] = toConversion[i] / out[i]
        }
        let lu = LU(a, size: size)
        let absorption = lu.solve(r)
        let pConversion = absorption[0]
        var reach = [Double](repeating: 0, count: m)
        var effect = [Double](repeating: 0, count: m)
        var unit = [Double](repeating: 0, count: size)
        for c in 0..<m {
            let s = c + 1
            unit[s] = 1
            let column = lu.solve(unit)  // G[·][s]
            unit[s] = 0
            reach[c] = column[s] > 0 ? min(1, max(0, column[0] / column[s])) : 0
            if pConversion > 0 { effect[c] = min(1, max(0, reach[c] * absorption[s] / pConversion)) }
        }
        return Solution(
            conversionProbability: pConversion, removalEffect: effect, reachProbability: reach,
            absorption: Array(absorption.dropFirst()))
    }

    /// Credits each channel total × RE_c / Σ RE.
    static func attribute(_ paths: ChannelPaths) throws(AttributionError) -> AttributionResult {
        let solution = solve(paths)
        let total = paths.total
        let credited = Credit(conversions: total.conversions - paths.organic.conversions, value: total.value - paths.organic.value)
        let sum = solution.removalEffect.reduce(0, +)
        if sum == 0, credited.conversions > 0 || credited.value > 0 {
            throw .unsupported(
                model: .markov,
                reason:
                    "no journey in \(paths.file) reaches a conversion, yet the table holds conversions or value; check total_conversions.")
        }
        let rows = paths.channels.enumerated().map { c, name in
            let share = sum > 0 ? solution.removalEffect[c] / sum : 0
            return AttributionResult.Row(
                id: name, credit: Credit(conversions: credited.conversions * share, value: credited.value * share),
                removalEffect: solution.removalEffect[c])
        }
        var result = try PathHeuristics.result(paths, model: .markov, rows: rows)
        result.conversionProbability = solution.conversionProbability
        result.parameters.append(("order", .int(1)))
        return result
    }

    /// A dense LU factorization with partial pivoting, PA = LU, for the small systems of a
    /// channel chain (one state per channel).
    struct LU {
        let size: Int
        /// L below the diagonal (unit diagonal implied), U on and above, row-major.
        private var factors: [Double]
        private var pivot: [Int]

        init(_ matrix: [Double], size n: Int) {
            size = n
            var f = matrix
            var pivot = Array(0..<n)
            f.withUnsafeMutableBufferPointer { a in
                for k in 0..<n {
                    var best = k
                    for i in k + 1..<max(k + 1, n) where abs(a[i * n + k]) > abs(a[best * n + k]) { best = i }
                    if best != k {
                        for j in 0..<n { a.swapAt(k * n + j, best * n + j) }
                        pivot.swapAt(k, best)
                    }
                    let p = a[k * n + k]
                    guard p != 0 else { continue }
                    for i in k + 1..<max(k + 1, n) {
                        let factor = a[i * n + k] / p
                        guard factor != 0 else { continue }
                        a[i * n + k] = factor
                        for j in k + 1..<n { a[i * n + j] -= factor * a[k * n + j] }
                    }
                }
            }
            factors = f
            self.pivot = pivot
        }

        /// x with A·x = b.
        func solve(_ b: [Double]) -> [Double] {
            let n = size
            var x = pivot.map { b[$0] }
            factors.withUnsafeBufferPointer { a in
                for i in 0..<n {
                    var sum = x[i]
                    for j in 0..<i { sum -= a[i * n + j] * x[j] }
                    x[i] = sum
                }
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var sum = x[i]
                    for j in i + 1..<n { sum -= a[i * n + j] * x[j] }
                    x[i] = a[i * n + i] != 0 ? sum / a[i * n + i] : 0
                }
            }
            return x
        }
    }
}
