import CPrefetch
import Foundation

/// The referral chain behind each conversion (DESIGN.md, Attribution).
///
/// For a conversion by u at time t the chain climbs u's parents in the referral forest while
/// the referral from parent to child was made at or before t, and stops at the first later
/// one. Without timestamps (in either file) it climbs to the root. A conversion with no
/// chain — u unknown, nobody referred u, or u referred only after converting — is organic.
///
/// A referral or conversion row without a time (an empty field) cannot be shown to be later,
/// so the climb passes it.
public struct ConversionChains: Sendable {
    /// Why a conversion is organic.
    public enum Reason: Sendable, Equatable {
        /// The converter is not in the referral export.
        case unknownConverter
        /// Nobody referred the converter (a root of the forest).
        case notReferred
        /// The converter's first referral came after the conversion.
        case referredAfterConverting
    }

    /// The node of each conversion's converter in the events, -1 when unknown.
    public let converter: [Int32]
    /// Conversion i's chain is `referrer[chainStart[i] ..< chainStart[i + 1]]`, direct referrer first.
    public let chainStart: [Int]
    public let referrer: [Int32]
    /// Beside each referrer: the event row of the referral it made in the chain.
    public let row: [Int32]
    /// Why each conversion is organic, `nil` for those with a chain.
    public let organicReason: [Reason?]
    /// The chains were cut at conversion times (both files have a timestamp column).
    public let timed: Bool

    /// The number of conversions.
    public var count: Int { converter.count }

    /// Finds every conversion's chain.
    /// - Parameters:
    ///   - events: the referral rows (the forest's rows index into them).
    ///   - forest: the referral forest of `events`.
    ///   - conversions: the conversions.
    /// - Complexity: O(conversions × chain length + distinct converters).
    public init(events: ReferralEvents, forest: ReferralParents, conversions: Conversions) {
        self.init(events: events, forest: forest, conversions: conversions, node: events.people.indices(of: conversions.users))
    }

    /// `init(events:forest:conversions:)` with each of the conversions' users' person (−1:
    /// none) found already (`Interner.indices(of:)`): the events may have given up their
    /// people's ids.
    init(events: ReferralEvents, forest: ReferralParents, conversions: Conversions, node: [Int32]) {
        precondition(node.count == conversions.users.count, "ConversionChains: \(node.count) people for \(conversions.users.count) users")
        let referralTime = events.timestamp
        let conversionTime = conversions.timestamp
        let timed = referralTime != nil && conversionTime != nil
        // Each range of conversions is climbed on its own thread into its own arrays, then the
        // pieces are joined in order: the same arrays as one pass.
        let n = conversions.count
        let parts = Parallel.ranges(n, parts: n < 1 << 16 ? 1 : Parallel.threads * 2)
        let pieces = Parallel.pieces(parts) { range in
            Self.climb(
                range, node: node, user: conversions.user, forest: forest, referralTime: referralTime, conversionTime: conversionTime)
        }
        var converter: [Int32] = []
        var chainStart = [0]
        var referrer: [Int32] = []
        var row: [Int32] = []
        var reasons: [Reason?] = []
        converter.reserveCapacity(n)
        chainStart.reserveCapacity(n + 1)
        reasons.reserveCapacity(n)
        let links = pieces.reduce(0) { $0 + $1.referrer.count }
        referrer.reserveCapacity(links)
        row.reserveCapacity(links)
        for piece in pieces {
            let offset = referrer.count
            converter += piece.converter
            chainStart += piece.ends.lazy.map { $0 + offset }
            referrer += piece.referrer
            row += piece.row
            reasons += piece.reasons
        }
        self.converter = converter
        self.chainStart = chainStart
        self.referrer = referrer
        self.row = row
        self.organicReason = reasons
        self.timed = timed
    }

    /// The chains of the conversions in `range`: `ends[k]` is where conversion
    /// `range.lowerBound + k`'s links end in the piece's `referrer` and `row`.
    private static func climb(
        _ range: Range<Int>, node: [Int32], user: [Int32], forest: ReferralParents, referralTime: [Double]?,
        conversionTime: [Double]?
    ) -> (converter: [Int32], ends: [Int], referrer: [Int32], row: [Int32], reasons: [Reason?]) {
        let timed = referralTime != nil && conversionTime != nil
        var converter: [Int32] = []
        var ends: [Int] = []
        var referrer: [Int32] = []
        var row: [Int32] = []
        var reasons: [Reason?] = []
        converter.reserveCapacity(range.count)
        ends.reserveCapacity(range.count)
        reasons.reserveCapacity(range.count)
        // A conversion's converter and its first link are read at random: the converter is
        // fetched sixteen conversions ahead, its parent and referral row eight ahead (hints,
        // which change no result).
        @inline(__always) func fetch(_ i: Int, links: Bool) {
            guard i < range.upperBound else { return }
            let n = Int(user[i])
            guard n >= 0, n < node.count else { return }
            if !links {
                node.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + n) }
                return
            }
            let u = Int(node[n])
            guard u >= 0, u < forest.parent.count else { return }
            forest.parent.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + u) }
            forest.parentRow.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + u) }
        }
        // The climbs of a batch of conversions are walked first side by side, a link of each in
        // turn and nothing kept (`warm`), so that the misses of different chains overlap rather
        // than wait on one another; each chain is then climbed alone, from the cache.
        let batch = 32
        for i in range {
            if (i - range.lowerBound) % batch == 0 {
                warm(
                    i..<min(i + batch, range.upperBound), node: node, user: user, forest: forest, referralTime: referralTime,
                    conversionTime: conversionTime)
            }
            fetch(i &+ 16, links: false)
            fetch(i &+ 8, links: true)
            let u = node[Int(user[i])]
            converter.append(u)
            guard u >= 0 else {
                reasons.append(.unknownConverter)
                ends.append(referrer.count)
                continue
            }
            let t = conversionTime?[i] ?? .nan
            let before = referrer.count
            var child = u
            while forest.parent[Int(child)] >= 0 {
                let r = forest.parentRow[Int(child)]
                if timed, !t.isNaN, let made = referralTime?[Int(r)], made > t { break }
                child = forest.parent[Int(child)]
                referrer.append(child)
                row.append(r)
            }
            if referrer.count > before {
                reasons.append(nil)
            } else {
                reasons.append(forest.parent[Int(u)] < 0 ? .notReferred : .referredAfterConverting)
            }
            ends.append(referrer.count)
        }
        return (converter, ends, referrer, row, reasons)
    }

    /// Reads what the climbs of the conversions in `batch` read, a link of every unfinished
    /// climb in turn: the loads of one turn do not depend on one another, so their misses are
    /// in flight together. It keeps nothing and changes nothing (a cache warm-up); it stops a
    /// climb where `climb` does, and reads only within the arrays.
    private static func warm(
        _ batch: Range<Int>, node: [Int32], user: [Int32], forest: ReferralParents, referralTime: [Double]?,
        conversionTime: [Double]?
    ) {
        let timed = referralTime != nil && conversionTime != nil
        let (parent, parentRow) = (forest.parent, forest.parentRow)
        let people = parent.count
        withUnsafeTemporaryAllocation(of: (child: Int32, t: Double).self, capacity: batch.count) { climbs in
            var open = 0
            for i in batch {
                let n = Int(user[i])
                guard n >= 0, n < node.count else { continue }
                let u = node[n]
                guard u >= 0, Int(u) < people else { continue }
                climbs[open] = (u, conversionTime?[i] ?? .nan)
                open += 1
            }
            parent.withUnsafeBufferPointer { parent in
                parentRow.withUnsafeBufferPointer { parentRow in
                    (referralTime ?? []).withUnsafeBufferPointer { time in
                        while open > 0 {
                            var kept = 0
                            for j in 0..<open {
                                let (child, t) = climbs[j]
                                let up = parent[Int(child)]
                                guard up >= 0, Int(up) < people else { continue }
                                if timed, !t.isNaN {
                                    let r = Int(parentRow[Int(child)])
                                    if r >= 0, r < time.count, time[r] > t { continue }
                                }
                                climbs[kept] = (up, t)
                                kept += 1
                            }
                            open = kept
                        }
                    }
                }
            }
        }
    }

    /// The referrers of conversion `i`, direct referrer first.
    public func referrers(of i: Int) -> ArraySlice<Int32> { referrer[chainStart[i]..<chainStart[i + 1]] }

    /// The event rows of conversion `i`'s chain, beside `referrers(of:)`.
    public func rows(of i: Int) -> ArraySlice<Int32> { row[chainStart[i]..<chainStart[i + 1]] }

    /// How many conversions are organic for each reason.
    public func organicCounts() -> (unknownConverter: Int, notReferred: Int, referredAfterConverting: Int) {
        var counts = (0, 0, 0)
        for reason in organicReason {
            switch reason {
            case .unknownConverter: counts.0 += 1
            case .notReferred: counts.1 += 1
            case .referredAfterConverting: counts.2 += 1
            case nil: break
            }
        }
        return counts
    }
}

extension ConversionChains {
    /// The share of one conversion each referrer of a chain of `length` gets under a chain model.
    ///
    /// - Parameters:
    ///   - model: a chain model.
    ///   - length: the number of referrers k ≥ 1, direct referrer first.
    ///   - ages: for `time-decay`, t − tᵢ in seconds for each referrer (ignored otherwise).
    ///   - halfLife: h in seconds.
    /// - Returns: k shares summing to 1.
    public static func shares(_ model: AttributionModel, length k: Int, ages: [Double] = [], halfLife: Double) -> [Double] {
        var shares: [Double] = []
        self.shares(model, length: k, ages: ages, halfLife: halfLife, into: &shares)
        return shares
    }

    /// `shares(_:length:ages:halfLife:)` written into `shares` (its room kept from one chain to
    /// the next), the same values.
    static func shares(_ model: AttributionModel, length k: Int, ages: [Double], halfLife: Double, into shares: inout [Double]) {
        shares.removeAll(keepingCapacity: true)
        shares.append(contentsOf: repeatElement(0, count: k))
        guard k > 0 else { return }
        switch model {
        case .lastTouch:
            shares[0] = 1
        case .firstTouch:
            shares[k - 1] = 1
        case .linear:
            for i in 0..<k { shares[i] = 1 / Double(k) }
        case .position:
            if k == 1 {
                shares[0] = 1
            } else if k == 2 {
                shares[0] = 0.5
                shares[1] = 0.5
            } else {
                shares[0] = 0.4
                shares[k - 1] = 0.4
                for i in 1..<k - 1 { shares[i] = 0.2 / Double(k - 2) }
            }
        case .timeDecay:
            // 2^(−ageᵢ/h) / Σ 2^(−ageⱼ/h), taken relative to the youngest referral so that
            // old chains do not underflow to 0/0.
            precondition(ages.count >= k, "ConversionChains.shares: \(ages.count) ages for \(k) referrers")
            let youngest = ages[0..<k].min() ?? 0
            var total = 0.0
            for i in 0..<k {
                shares[i] = exp2(-(ages[i] - youngest) / halfLife)
                total += shares[i]
            }
            for i in 0..<k { shares[i] /= total }
        case .influenceFlow, .markov, .shapley:
            break
        }
    }
}
