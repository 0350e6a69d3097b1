import CPrefetch

/// The spread of one campaign, or of every referral (the overall scope, `all`).
///
/// A scope's cascades are the trees of the referral forest built from the scope's own rows,
/// so a person referred in two campaigns sits in a cascade of each.
public struct ScopeSpread: Sendable {
    /// The label of the overall scope.
    public static let overallLabel = "all"

    /// The campaign's name, or `all`.
    public var campaign: String
    /// The campaign's index into the events' `campaigns`; `nil` for the overall scope.
    public var campaignIndex: Int32?
    /// People appearing in the scope's rows, as sharer or referred.
    public var people: Int
    /// Distinct sharers (sources) of the scope's rows.
    public var sharers: Int
    /// The scope's rows (self-referrals are never rows).
    public var referrals: Int
    /// The scope's cascades, largest first, then by root id.
    public var cascades: [Cascade]
    /// The size of the largest cascade.
    public var largestCascade: Int
    /// Generations below the root in the deepest cascade.
    public var maxDepth: Int
    /// The largest `maxBreadth` of any one cascade.
    public var maxBreadth: Int
    /// Mean structural virality over the cascades of two or more people; `nil` if there are none.
    public var structuralVirality: Double?
    /// Distinct referred people: people appearing as a target in the scope's rows.
    public var referredPeople: Int
    /// Referred people with a conversion that counts for the scope; `nil` without conversions.
    public var convertedReferredPeople: Int?
    /// People per generation over all the scope's cascades: n_0 (the roots), n_1, …
    public var generationSizes: [Int]
    /// Median hours per hop; `nil` without timestamps or without a timed hop.
    public var medianHoursPerHop: Double?
    /// Hops with both times known (the median's sample size).
    public var timedHops: Int
    /// New and cumulative people per UTC day.
    public var reach: [DailyReach]

    /// The number of cascades.
    public var cascadeCount: Int { cascades.count }
    /// People per cascade.
    public var meanCascadeSize: Double { cascades.isEmpty ? 0 : Double(people) / Double(cascades.count) }
    /// Referrals per distinct sharer; `nil` without sharers.
    public var invitesPerSharer: Double? { sharers == 0 ? nil : Double(referrals) / Double(sharers) }
    /// Converted referred people / referred people; `nil` without conversions or referred people.
    public var inviteConversionRate: Double? {
        guard let converted = convertedReferredPeople, referredPeople > 0 else { return nil }
        return Double(converted) / Double(referredPeople)
    }
    /// The K-factor: invites per sharer × invite conversion rate.
    public var kFactor: Double? {
        guard let invites = invitesPerSharer, let rate = inviteConversionRate else { return nil }
        return invites * rate
    }
    /// R_g = n_{g+1} / n_g for g = 0 … (one fewer than the generations).
    public var growth: [Double] {
        zip(generationSizes, generationSizes.dropFirst()).map { Double($1) / Double($0) }
    }

    /// Measures one scope.
    /// - Parameters:
    ///   - events: the referral export.
    ///   - scope: the scope's rows, with its people numbered locally.
    ///   - campaign: the campaign's index, or `nil` for the overall scope.
    ///   - converted: who converted, or `nil` without conversions.
    /// - Complexity: O(r log r + n) for r rows and n people of the scope.
    /// - Parameter forest: the scope's forest when the caller has it already (that of all rows).
    init(events: ReferralEvents, scope: ScopeRows, campaign: Int32?, converted: ConvertedPeople?, forest: ReferralForest? = nil) {
        var unused: [Int32]?
        self.init(events: events, scope: scope, campaign: campaign, converted: .known(converted), forest: forest, referred: &unused)
    }

    /// Who converted, for a scope measured before it is known.
    enum Converters {
        case known(ConvertedPeople?)
        /// Not known yet: `convertedReferredPeople` is left `nil` and the referred people are
        /// handed back (`countConverted` fills it in later).
        case later
    }

    /// Measures one scope; with `.later`, `referred` receives the scope's referred people as
    /// the events' indices, ascending by local index. With `hopsAlongside`, the hops are left
    /// to the caller's work (`timedHops` 0 and `medianHoursPerHop` `nil` until it sets them).
    ///
    /// Once the forest is built the cascades, the hops, the daily reach and the sets of
    /// sharers and referred need nothing of each other: they run side by side (`Parallel.run`),
    /// with `alongside`, the caller's work that needs as much. Each writes its own result.
    init(
        events: ReferralEvents, scope: ScopeRows, campaign: Int32?, converted: Converters, forest: ReferralForest? = nil,
        referred: inout [Int32]?, alongside: [() -> Void] = [], hopsAlongside: Bool = false
    ) {
        self.campaign = campaign.map { events.campaigns.name($0) } ?? Self.overallLabel
        campaignIndex = campaign
        referrals = scope.count
        // A campaign's forest without each person's depth: only the overall one's is read (by
        // the channels), and the cascades read the depths in preorder.
        let forest = forest ?? ReferralForest(scope: scope, roots: false, depths: false)
        people = forest.members.count

        var sets: (sharers: [UInt64], referred: [UInt64]) = ([], [])
        var made: (cascades: [Cascade], generations: [Int]) = ([], [])
        var hops: (count: Int, median: Double?) = (0, nil)
        var series: [DailyReach] = []
        let (names, timestamps) = (events.people, events.timestamp)
        Parallel.run(
            [{ made = Self.cascadesLargestFirst(forest.cascades(timestamps: timestamps, scope: scope), people: names) }]
                + alongside
                + (hopsAlongside
                    ? []
                    : [
                        {
                            let hours = timestamps.map { Self.hopHours(in: forest, time: $0) } ?? []
                            hops = (hours.count, Self.median(consume hours))
                        }
                    ])
                + [
                    { series = DailyReach.series(scope: scope) },
                    { sets = Self.sharersAndReferred(scope) },
                ])

        let (isSharer, isReferred) = sets
        sharers = isSharer.reduce(0) { $0 + $1.nonzeroBitCount }
        referredPeople = isReferred.reduce(0) { $0 + $1.nonzeroBitCount }
        switch converted {
        case .known(let converted):
            convertedReferredPeople = converted.map { converted in
                var converts = 0
                Self.forEachMember(of: isReferred) { if converted.converted(scope.person($0), campaign: campaign) { converts += 1 } }
                return converts
            }
        case .later:
            convertedReferredPeople = nil
            var people: [Int32] = []
            people.reserveCapacity(referredPeople)
            Self.forEachMember(of: isReferred) { people.append(scope.person($0)) }
            referred = people
        }

        generationSizes = made.generations
        cascades = made.cascades
        largestCascade = cascades.first?.size ?? 0
        maxDepth = cascades.map(\.depth).max() ?? 0
        maxBreadth = cascades.map(\.maxBreadth).max() ?? 0
        let viralities = cascades.compactMap(\.structuralVirality)
        structuralVirality = viralities.isEmpty ? nil : viralities.reduce(0, +) / Double(viralities.count)

        (timedHops, medianHoursPerHop) = hops
        reach = series
    }

    /// Cascades largest first (`largestFirst`), and the people per generation over all of them.
    static func cascadesLargestFirst(_ made: consuming [Cascade], people: Interner) -> (cascades: [Cascade], generations: [Int]) {
        // Summed in the order the cascades were made, which is their generations' order in
        // memory (in size order each cascade's array is a miss of its own).
        var generations: [Int] = []
        for c in made.indices {
            for (g, n) in made[c].generationSizes.enumerated() {
                if g == generations.count { generations.append(0) }
                generations[g] += n
            }
        }
        return (largestFirst(made, people: people), generations)
    }

    /// Fills in `convertedReferredPeople` for a scope measured with `.later`.
    /// - Parameter referred: the people `init` handed back.
    mutating func countConverted(_ converted: ConvertedPeople, referred: [Int32]) {
        convertedReferredPeople = referred.count { converted.converted($0, campaign: campaignIndex) }
    }

    /// The people who shared in `scope` and those referred there, one bit a person (bit
    /// p % 64 of word p / 64).
    ///
    /// On 10M people each set (1.25 MB) stays in a core's cache, where a `Bool` a person
    /// (10 MB) was read at random from memory. From 2²⁰ rows the rows are cut among the
    /// threads, each filling its own sets, joined afterwards.
    static func sharersAndReferred(_ scope: ScopeRows) -> (sharers: [UInt64], referred: [UInt64]) {
        let words = (scope.peopleCount + 63) / 64
        let parts = Parallel.ranges(scope.count, parts: scope.count < 1 << 20 ? 1 : Parallel.threads)
        let sets = Parallel.map(parts.count, parts: parts.count) { p in
            var sharers = [UInt64](repeating: 0, count: words), referred = sharers
            scope.source.withUnsafeBufferPointer { source in
                scope.target.withUnsafeBufferPointer { target in
                    sharers.withUnsafeMutableBufferPointer { sharers in
                        referred.withUnsafeMutableBufferPointer { referred in
                            for k in parts[p] {
                                let s = Int(source[k]), t = Int(target[k])
                                sharers[s >> 6] |= 1 << UInt64(s & 63)
                                referred[t >> 6] |= 1 << UInt64(t & 63)
                            }
                        }
                    }
                }
            }
            return (sharers, referred)
        }
        guard var (sharers, referred) = sets.first else {
            return ([UInt64](repeating: 0, count: words), [UInt64](repeating: 0, count: words))
        }
        for other in sets.dropFirst() {
            for w in 0..<words {
                sharers[w] |= other.0[w]
                referred[w] |= other.1[w]
            }
        }
        return (sharers, referred)
    }

    /// Calls `body` with each person in a set of `sharersAndReferred`, ascending.
    @inline(__always)
    static func forEachMember(of bits: [UInt64], _ body: (Int32) -> Void) {
        for (w, word) in bits.enumerated() {
            var rest = word
            while rest != 0 {
                body(Int32(w << 6 | rest.trailingZeroBitCount))
                rest &= rest &- 1
            }
        }
    }

    /// The timed hops of a forest: for each edge p → c where p has a parent itself, the hours
    /// from p's parent referral to c's. Hops where either referral has no time are left out;
    /// a hop is negative when someone shared before their own first referral in.
    /// - Returns: each hop's child (as the forest numbers people), the child's parent-referral
    ///   row and the hours, by child in member order.
    /// - Complexity: O(m) for m people in the forest.
    static func hops(in forest: ReferralForest, time: [Double]) -> [(child: Int32, row: Int32, hours: Double)] {
        var hops: [(child: Int32, row: Int32, hours: Double)] = []
        forEachHop(in: forest, time: time) { hops.append(($0, $1, $2)) }
        return hops
    }

    /// The hours of `hops(in:time:)` alone, in the same order: a scope's median needs no more
    /// (at 10M people the tuples were 160 MB beside the hours).
    static func hopHours(in forest: ReferralForest, time: [Double]) -> [Double] {
        var hours: [Double] = []
        hours.reserveCapacity(forest.members.count)
        forEachHop(in: forest, time: time) { hours.append($2) }
        return hours
    }

    /// Calls `body(child, row, hours)` for each timed hop of `forest`, by child in member order.
    @inline(__always)
    static func forEachHop(in forest: ReferralForest, time: [Double], _ body: (Int32, Int32, Double) -> Void) {
        // Each hop reads four entries at random (a person's parent and parent row, the parent's
        // parent row, two times), each found from the one before: asked for in stages, a
        // stage ahead each (hints only), so that the misses of different people overlap.
        let stage = 8
        forest.members.withUnsafeBufferPointer { members in
            forest.parent.withUnsafeBufferPointer { parent in
                forest.parentRow.withUnsafeBufferPointer { parentRow in
                    time.withUnsafeBufferPointer { time in
                        let m = members.count
                        for i in 0..<m {
                            if i &+ 3 &* stage < m {
                                let c = Int(members[i &+ 3 &* stage])
                                influence_prefetch(parent.baseAddress! + c)
                                influence_prefetch(parentRow.baseAddress! + c)
                            }
                            if i &+ 2 &* stage < m {
                                let c = Int(members[i &+ 2 &* stage])
                                let (p, row) = (Int(parent[c]), Int(parentRow[c]))
                                if p >= 0 { influence_prefetch(parentRow.baseAddress! + p) }
                                if row >= 0, row < time.count { influence_prefetch(time.baseAddress! + row) }
                            }
                            if i &+ stage < m {
                                let p = Int(parent[Int(members[i &+ stage])])
                                if p >= 0 {
                                    let previous = Int(parentRow[p])
                                    if previous >= 0, previous < time.count { influence_prefetch(time.baseAddress! + previous) }
                                }
                            }
                            let c = members[i]
                            let row = parentRow[Int(c)]
                            guard row >= 0 else { continue }
                            let previous = parentRow[Int(parent[Int(c)])]
                            guard previous >= 0 else { continue }
                            // `time` comes from the caller: read only within it.
                            precondition(Int(row) < time.count && Int(previous) < time.count, "ScopeSpread.hops: no time for a parent row")
                            let t = time[Int(row)], t0 = time[Int(previous)]
                            guard t.isFinite, t0.isFinite else { continue }
                            body(c, row, (t - t0) / 3600)
                        }
                    }
                }
            }
        }
    }

    /// Cascades largest first, then by their root's id (UTF-8 byte order). The sort reads
    /// the roots and sizes alone; each cascade then moves once (`permuted(by:)`), not copied.
    /// - Complexity: O(c) radix sorts by the ids' first eight bytes and by size, plus a
    ///   comparison sort of each run of roots whose first eight bytes agree.
    static func largestFirst(_ cascades: consuming [Cascade], people: Interner) -> [Cascade] {
        let (roots, sizes) = cascades.withUnsafeBufferPointer { c in
            (c.indices.map { c[$0].root }, c.indices.map { c[$0].size })
        }
        var keys = roots.map { people.leadingBytes($0) }
        var order = (0..<Int32(roots.count)).map { $0 }
        RadixSort.sort(keys: &keys, payload: &order)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, keys[end] == keys[start] { end += 1 }
            if end - start > 1 { order[start..<end].sort { people.precedes(roots[Int($0)], roots[Int($1)]) } }
            start = end
        }
        // Stable, so equal sizes keep the order by id.
        keys = order.map { ~UInt64(sizes[Int($0)]) }
        RadixSort.sort(keys: &keys, payload: &order)
        return cascades.permuted(by: order)
    }

    /// The median (the mean of the middle two for an even count); `nil` for no values.
    /// - Complexity: O(n) expected: a selection, not a sort (a sort past 2 log₂ n rounds).
    static func median(_ values: consuming [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        if values.count >= radixFrom { return radixMedian(values) }
        var values = values
        let mid = values.count / 2
        let upper = select(&values, rank: mid)
        guard values.count % 2 == 0 else { return upper }
        // Everything before `mid` is at most `upper`: the largest of them is the lower middle.
        return (values[0..<mid].max()! + upper) / 2
    }

    /// From this many values `median` selects by the values' bits.
    static let radixFrom = 1 << 14

    /// `median` of values that are not NaN, found by their bits rather than by partitions: a
    /// partition's comparisons go either way at random (on 10M hops, 2.2% of `spread`'s samples
    /// on the program export), a count of 16-bit digits streams. The first pass counts the top
    /// digit of every value, the next ones only the values that share the digits found so far.
    /// A zero's sign is not kept (−0 and +0 compare equal, and no hop is −0).
    /// - Complexity: O(n) for n values, plus O(n) for an even count.
    static func radixMedian(_ values: [Double]) -> Double {
        // Keys in the values' order: the sign bit set for positives, every bit flipped for negatives.
        @inline(__always) func key(_ v: Double) -> UInt64 {
            let bits = (v == 0 ? 0.0 : v).bitPattern
            return bits >> 63 == 0 ? bits | 1 << 63 : ~bits
        }
        @inline(__always) func value(_ key: UInt64) -> Double {
            Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
        }
        let mid = values.count / 2
        var rank = mid  // within the keys kept
        var counts = [Int](repeating: 0, count: 1 << 16)
        /// The digit whose keys hold rank `rank`, and the rank within them.
        func bucket() -> Int {
            var below = 0
            for digit in 0..<counts.count {
                if below + counts[digit] > rank {
                    rank -= below
                    return digit
                }
                below += counts[digit]
            }
            preconditionFailure("ScopeSpread.radixMedian: rank past the count")
        }
        for v in values { counts[Int(key(v) >> 48)] += 1 }
        var prefix = UInt64(bucket())
        var kept: [UInt64] = []
        kept.reserveCapacity(counts[Int(prefix)])
        for v in values where key(v) >> 48 == prefix { kept.append(key(v)) }
        for shift in [UInt64(32), 16, 0] {
            for d in counts.indices { counts[d] = 0 }
            for k in kept { counts[Int(truncatingIfNeeded: k >> shift) & 0xFFFF] += 1 }
            prefix = prefix << 16 | UInt64(bucket())
            if shift > 0 { kept.removeAll { $0 >> shift != prefix } }
        }
        let upper = value(prefix)
        guard values.count % 2 == 0 else { return upper }
        // The lower middle: the largest value below `upper` when exactly `mid` values are below
        // it, else `upper` itself (it is there more than once).
        var less = 0
        var largest = -Double.infinity
        for v in values where v < upper {
            less += 1
            largest = max(largest, v)
        }
        return ((less == mid ? largest : upper) + upper) / 2
    }

    /// The value of rank `k` (0 is the smallest) of `values`, which are not NaN; on return no
    /// value before position k is larger than it and none after is smaller.
    static func select(_ values: inout [Double], rank k: Int) -> Double {
        var lo = 0, hi = values.count  // k is in lo..<hi
        var rounds = 2 * (Int.bitWidth - values.count.leadingZeroBitCount)
        while hi - lo > 1 {
            if rounds == 0 {
                values[lo..<hi].sort()
                return values[k]
            }
            rounds -= 1
            let a = values[lo], b = values[lo + (hi - lo) / 2], c = values[hi - 1]
            let pivot = max(min(a, b), min(max(a, b), c))
            // Three ways: lo..<less below the pivot, less..<more equal, more..<hi above.
            var less = lo, i = lo, more = hi
            while i < more {
                let x = values[i]
                if x < pivot {
                    values.swapAt(i, less)
                    less += 1
                    i += 1
                } else if x > pivot {
                    more -= 1
                    values.swapAt(i, more)
                } else {
                    i += 1
                }
            }
            if k < less {
                hi = less
            } else if k >= more {
                lo = more
            } else {
                return pivot
            }
        }
        return values[k]
    }
}
