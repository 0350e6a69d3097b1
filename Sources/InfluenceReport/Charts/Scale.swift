import Foundation

/// The Okabe–Ito palette (Okabe and Ito 2008): eight colours told apart with every common
/// colour-vision deficiency. Black comes after the six colours, since the overall series is
/// near-black; yellow is last: it is faint on white.
enum Palette {
    static let colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
    /// The colour of the overall series.
    static let overall = "#333333"

    static func color(_ k: Int) -> String { colors[k % colors.count] }
}

/// A map from data values to one axis of a chart, linear or logarithmic.
struct Scale {
    let low: Double
    let high: Double
    let from: Double
    let to: Double
    let log: Bool

    init(domain low: Double, _ high: Double, range from: Double, _ to: Double, log: Bool = false) {
        self.log = log
        if log {
            self.low = Foundation.log10(max(low, 1e-12))
            self.high = Foundation.log10(max(high, low * 10, 1e-11))
        } else {
            self.low = low
            self.high = high > low ? high : low + 1
        }
        self.from = from
        self.to = to
    }

    func callAsFunction(_ value: Double) -> Double {
        let v = log ? Foundation.log10(max(value, 1e-12)) : value
        return from + (v - low) / (high - low) * (to - from)
    }

    /// Round tick values covering [0, max] (or [low, high]): steps of 1, 2 or 5 × 10^k, about `count` of them.
    /// - Parameter integer: the values are counts: no step below 1.
    static func niceTicks(low: Double, high: Double, count: Int = 5, integer: Bool = false) -> [Double] {
        guard high > low, high.isFinite, low.isFinite else { return [low] }
        let raw = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integer { step = max(step, 1) }
        var ticks: [Double] = []
        var t = ceil(low / step) * step
        while t <= high + step * 1e-9 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// The upper end of an axis that starts at 0: the first nice tick at or above `max`.
    static func niceMax(_ max: Double, count: Int = 5, integer: Bool = false) -> Double {
        guard max > 0, max.isFinite else { return 1 }
        let ticks = niceTicks(low: 0, high: max, count: count, integer: integer)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : max
        return (ticks.last ?? max) < max ? (ticks.last ?? 0) + step : (ticks.last ?? max)
    }

    /// Powers of ten from ≤ low to ≥ high, with 2 and 5 between when there are few decades.
    static func logTicks(low: Double, high: Double) -> [Double] {
        let a = Int(floor(log10(max(low, 1e-12)))), b = Int(ceil(log10(max(high, 1e-12))))
        var ticks: [Double] = []
        for e in a...max(a, b) {
            let p = pow(10, Double(e))
            ticks.append(p)
            if b - a <= 2, e < b { ticks += [2 * p, 5 * p] }
        }
        return ticks.filter { $0 >= low * 0.999 && $0 <= high * 1.001 }
    }
}
