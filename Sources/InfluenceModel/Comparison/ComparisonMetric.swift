/// One metric compared between groups.
///
/// Each is a function of sums over a group's cascades, so the bootstrap resamples cascades
/// and recomputes it from the resampled sums.
public struct ComparisonMetric: Sendable, Hashable {
    /// The metric's name in CSV and JSON, e.g. `k_factor`.
    public let id: String
    /// Its name in sentences, e.g. `K-factor`.
    public let label: String
    /// Whether smaller is better (hours per hop); for `p_best`.
    public let lowerIsBetter: Bool
    let kind: Kind

    enum Kind: Hashable {
        /// A total: a field summed over cascades.
        case total(CascadeSample.Field)
        /// A ratio of two totals.
        case ratio(CascadeSample.Field, CascadeSample.Field)
        /// Invites per sharer × invite conversion rate.
        case kFactor
        /// The largest cascade, the deepest cascade.
        case largest, deepest
        /// The median of the timed hops, in hours.
        case medianHop
        /// Mean structural virality, and mean depth, of the cascades in one size class.
        case classVirality(Int), classDepth(Int)
    }

    /// Whether the metric is a smooth function of cascade sums: its interval is BCa, with
    /// the acceleration from the jackknife over cascades. The largest and deepest cascade
    /// and the median hop are not; theirs is the percentile interval.
    public var isSmooth: Bool {
        switch kind {
        case .largest, .deepest, .medianHop: return false
        default: return true
        }
    }

    public static let people = ComparisonMetric(id: "people", label: "people", lowerIsBetter: false, kind: .total(.people))
    public static let sharers = ComparisonMetric(id: "sharers", label: "sharers", lowerIsBetter: false, kind: .total(.sharers))
    public static let referrals = ComparisonMetric(id: "referrals", label: "referrals", lowerIsBetter: false, kind: .total(.referrals))
    public static let cascades = ComparisonMetric(id: "cascades", label: "cascades", lowerIsBetter: false, kind: .total(.cascades))
    public static let meanCascadeSize = ComparisonMetric(
        id: "mean_cascade_size", label: "mean cascade size", lowerIsBetter: false, kind: .ratio(.people, .cascades))
    public static let largestCascade = ComparisonMetric(
        id: "largest_cascade", label: "largest cascade", lowerIsBetter: false, kind: .largest)
    public static let maxDepth = ComparisonMetric(id: "max_depth", label: "maximum depth", lowerIsBetter: false, kind: .deepest)
    public static let structuralVirality = ComparisonMetric(
        id: "structural_virality", label: "structural virality", lowerIsBetter: false, kind: .ratio(.virality, .viral))
    public static let invitesPerSharer = ComparisonMetric(
        id: "invites_per_sharer", label: "invites per sharer", lowerIsBetter: false, kind: .ratio(.referrals, .sharers))
    public static let inviteConversionRate = ComparisonMetric(
        id: "invite_conversion_rate", label: "invite conversion rate", lowerIsBetter: false, kind: .ratio(.converted, .referred))
    public static let kFactor = ComparisonMetric(id: "k_factor", label: "K-factor", lowerIsBetter: false, kind: .kFactor)
    public static let conversions = ComparisonMetric(
        id: "conversions", label: "conversions", lowerIsBetter: false, kind: .total(.conversions))
    public static let value = ComparisonMetric(id: "value", label: "value", lowerIsBetter: false, kind: .total(.value))
    public static let valuePerSharer = ComparisonMetric(
        id: "value_per_sharer", label: "value per sharer", lowerIsBetter: false, kind: .ratio(.value, .sharers))
    public static let medianHoursPerHop = ComparisonMetric(
        id: "median_hours_per_hop", label: "median hours per hop", lowerIsBetter: true, kind: .medianHop)

    /// Mean structural virality of the cascades of size class `c` (see `SizeClass`).
    public static func structuralVirality(sizeClass c: Int) -> ComparisonMetric {
        let s = SizeClass.sizes(c)
        return ComparisonMetric(
            id: "structural_virality_size_\(s.lowerBound)_\(s.upperBound)",
            label: "structural virality of cascades of \(s.lowerBound)–\(s.upperBound)", lowerIsBetter: false,
            kind: .classVirality(c))
    }

    /// Mean depth of the cascades of size class `c`.
    public static func meanDepth(sizeClass c: Int) -> ComparisonMetric {
        let s = SizeClass.sizes(c)
        return ComparisonMetric(
            id: "mean_depth_size_\(s.lowerBound)_\(s.upperBound)",
            label: "mean depth of cascades of \(s.lowerBound)–\(s.upperBound)", lowerIsBetter: false, kind: .classDepth(c))
    }

    /// The metrics of a comparison, in output order: conversion metrics only with
    /// conversions, the hop median only with timestamps, then structure by size class.
    static func list(conversions: Bool, time: Bool, sizeClasses: [Int]) -> [ComparisonMetric] {
        var list: [ComparisonMetric] = [
            .people, .sharers, .referrals, .cascades, .meanCascadeSize, .largestCascade, .maxDepth, .structuralVirality, .invitesPerSharer,
        ]
        if conversions { list += [.inviteConversionRate, .kFactor, .conversions, .value, .valuePerSharer] }
        if time { list.append(.medianHoursPerHop) }
        for c in sizeClasses { list += [.structuralVirality(sizeClass: c), .meanDepth(sizeClass: c)] }
        return list
    }

    /// The metric's value from a group's (weighted) sums; `nil` where it is undefined
    /// (no sharers, no referred people, no cascade in the class, no timed hop).
    func value(_ sums: CascadeSums) -> Double? {
        func ratio(_ a: CascadeSample.Field, _ b: CascadeSample.Field) -> Double? {
            let d = sums.fields[b.rawValue]
            return d > 0 ? sums.fields[a.rawValue] / d : nil
        }
        switch kind {
        case .total(let f): return sums.fields[f.rawValue]
        case .ratio(let a, let b): return ratio(a, b)
        case .kFactor:
            guard let i = ratio(.referrals, .sharers), let r = ratio(.converted, .referred) else { return nil }
            return i * r
        case .largest: return sums.fields[CascadeSample.Field.cascades.rawValue] > 0 ? Double(sums.largest) : nil
        case .deepest: return sums.fields[CascadeSample.Field.cascades.rawValue] > 0 ? Double(sums.deepest) : nil
        case .medianHop: return sums.medianHop
        case .classVirality(let c):
            guard c < sums.classCount.count, sums.classCount[c] > 0 else { return nil }
            return sums.classVirality[c] / sums.classCount[c]
        case .classDepth(let c):
            guard c < sums.classCount.count, sums.classCount[c] > 0 else { return nil }
            return sums.classDepth[c] / sums.classCount[c]
        }
    }
}

/// A group's cascades summed with some weight per type: the point estimate (the
/// multiplicities) or one bootstrap replicate (Poisson draws).
struct CascadeSums: Sendable {
    var fields: [Double]
    var classCount: [Double]
    var classVirality: [Double]
    var classDepth: [Double]
    var largest = 0
    var deepest = 0
    var medianHop: Double?

    init(classes: Int) {
        fields = [Double](repeating: 0, count: CascadeSample.width)
        classCount = [Double](repeating: 0, count: classes)
        classVirality = classCount
        classDepth = classCount
    }

    mutating func reset() {
        for i in fields.indices { fields[i] = 0 }
        for i in classCount.indices {
            classCount[i] = 0
            classVirality[i] = 0
            classDepth[i] = 0
        }
        largest = 0
        deepest = 0
        medianHop = nil
    }
}

extension CascadeSample {
    /// The sums with weight `weights[t]` on type t.
    /// - Complexity: O(types + hops in the median's window); O(types + hops) when the
    ///   median falls outside it.
    func sums(weights: [Double], classes: Int, window: HopMedian, into s: inout CascadeSums) {
        s.reset()
        let w = Self.width
        var largest = 0, deepest = 0
        fields.withUnsafeBufferPointer { f in
            weights.withUnsafeBufferPointer { weight in
                size.withUnsafeBufferPointer { size in
                    depth.withUnsafeBufferPointer { depth in
                        sizeClass.withUnsafeBufferPointer { sizeClass in
                            s.fields.withUnsafeMutableBufferPointer { total in
                                for t in 0..<typeCount {
                                    let k = weight[t]
                                    if k == 0 { continue }
                                    let base = t * w
                                    for j in 0..<w { total[j] += k * f[base + j] }
                                    largest = max(largest, size[t])
                                    deepest = max(deepest, depth[t])
                                }
                            }
                            for t in 0..<typeCount {
                                let k = weight[t], c = sizeClass[t]
                                guard k != 0, c >= 0, c < classes else { continue }
                                s.classCount[c] += k
                                s.classVirality[c] += k * f[t * w + Field.virality.rawValue]
                                s.classDepth[c] += k * Double(depth[t])
                            }
                        }
                    }
                }
            }
        }
        s.largest = largest
        s.deepest = deepest
        s.medianHop = window.median(self, weights: weights, sums: s.fields).value
    }

    /// Leave-one-out estimates of a smooth metric: for each type, the metric with one of its
    /// cascades removed.
    func jackknife(_ metric: ComparisonMetric, totals all: CascadeSums) -> [Double] {
        var s = all
        var result = [Double](repeating: .nan, count: typeCount)
        for t in 0..<typeCount {
            let base = t * Self.width
            for j in 0..<Self.width { s.fields[j] = all.fields[j] - fields[base + j] }
            let c = sizeClass[t]
            if c >= 0, c < all.classCount.count {
                s.classCount[c] = all.classCount[c] - 1
                s.classVirality[c] = all.classVirality[c] - fields[base + Field.virality.rawValue]
                s.classDepth[c] = all.classDepth[c] - Double(depth[t])
            }
            result[t] = metric.value(s) ?? .nan
            if c >= 0, c < all.classCount.count {
                s.classCount[c] = all.classCount[c]
                s.classVirality[c] = all.classVirality[c]
                s.classDepth[c] = all.classDepth[c]
            }
        }
        return result
    }
}

/// The median of a group's timed hops under weights, found by walking only a window of the
/// sorted hops around the unweighted median.
///
/// Under Poisson weights the weighted median's rank moves by a few standard deviations of
/// the weighted count below it; the window spans six of them (and 64 hops more) on each side. `hopsBelowWindow` counts each type's hops below the window, so the weight below the
/// window is one more field of the sums. When the median falls outside the window the walk
/// covers every hop: the answer is exact either way.
struct HopMedian: Sendable {
    var lower = 0
    var upper = 0
    /// Types with a hop in the window; `prepare` puts them first, so a replicate's walk of
    /// the window needs only the weights of types `0 ..< windowTypes`.
    var windowTypes = 0

    /// Sets the window and each type's count of hops below it.
    static func prepare(_ sample: inout CascadeSample) -> HopMedian {
        let h = sample.hopHours.count
        guard h > 0 else { return HopMedian() }
        var perType = [Double](repeating: 0, count: sample.typeCount)
        for t in sample.hopType { perType[Int(t)] += 1 }
        var variance = 0.0
        for t in 0..<sample.typeCount { variance += sample.multiplicity[t] * perType[t] * perType[t] }
        // Each hop stands for at least one weighted hop, so a reach in weighted hops is
        // enough in positions.
        let reach = Int((6 * variance.squareRoot()).rounded(.up)) + 64
        let half = sample.totals[CascadeSample.Field.hops.rawValue] / 2
        var mid = 0, cumulative = 0.0
        while mid < h - 1 {
            cumulative += sample.multiplicity[Int(sample.hopType[mid])]
            if cumulative > half { break }
            mid += 1
        }
        var window = HopMedian(lower: max(0, mid - reach), upper: min(h, mid + reach))
        // Types with a hop in the window first, each part in its old order.
        var inWindow = [Bool](repeating: false, count: sample.typeCount)
        for k in window.lower..<window.upper { inWindow[Int(sample.hopType[k])] = true }
        let order = (0..<sample.typeCount).filter { inWindow[$0] } + (0..<sample.typeCount).filter { !inWindow[$0] }
        window.windowTypes = inWindow.count(where: { $0 })
        sample.reorderTypes(order)
        var below = [Double](repeating: 0, count: sample.typeCount)
        for k in 0..<window.lower { below[Int(sample.hopType[k])] += 1 }
        for t in 0..<sample.typeCount {
            sample.fields[t * CascadeSample.width + CascadeSample.Field.hopsBelowWindow.rawValue] = below[t]
        }
        sample.totals[CascadeSample.Field.hopsBelowWindow.rawValue] = zip(below, sample.multiplicity).reduce(0) { $0 + $1.0 * $1.1 }
        return window
    }

    /// The median of the hops, each weighted by its type's weight (the mean of the middle
    /// two for an even total); `nil` without a weighted hop.
    /// - Parameter complete: whether `weights` holds every type's weight; when only the first
    ///   `windowTypes` are set and the median lies outside the window, `needsAll` is true and
    ///   the value is to be ignored.
    func median(_ sample: CascadeSample, weights: [Double], sums: [Double], complete: Bool = true) -> (value: Double?, needsAll: Bool) {
        weights.withUnsafeBufferPointer { weights in
            median(
                sample, weights: weights, hops: sums[CascadeSample.Field.hops.rawValue],
                below: sums[CascadeSample.Field.hopsBelowWindow.rawValue], complete: complete)
        }
    }

    /// The same from the weighted count of hops (`hops`) and of those below the window (`below`).
    func median(_ sample: CascadeSample, weights: UnsafeBufferPointer<Double>, hops total: Double, below: Double, complete: Bool)
        -> (value: Double?, needsAll: Bool)
    {
        guard total > 0 else { return (nil, false) }
        // 0-based positions of the middle one or two in the weighted order.
        let first = ((total - 1) / 2).rounded(.down), second = (total / 2).rounded(.down)
        var before = below
        var start = lower, end = upper
        if before > first {
            guard complete else { return (nil, true) }
            start = 0
            before = 0
            end = sample.hopHours.count
        }
        var low: Double?
        for k in start..<end {
            let w = weights[Int(sample.hopType[k])]
            if w == 0 { continue }
            let next = before + w
            if low == nil, first < next { low = sample.hopHours[k] }
            if second < next { return ((low! + sample.hopHours[k]) / 2, false) }
            before = next
        }
        // The middle lies above the window: walk the rest.
        guard complete else { return (nil, true) }
        for k in end..<sample.hopHours.count {
            let w = weights[Int(sample.hopType[k])]
            if w == 0 { continue }
            let next = before + w
            if low == nil, first < next { low = sample.hopHours[k] }
            if second < next { return ((low! + sample.hopHours[k]) / 2, false) }
            before = next
        }
        return (low, false)
    }
}
