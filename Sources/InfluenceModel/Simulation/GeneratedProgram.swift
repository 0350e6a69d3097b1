/// A referral program drawn from a generative model whose answers are known: who referred
/// whom, on which channel, when, who converted and for how much, and the truth behind it.
///
/// The model: each campaign seeds advocates, who start sharing uniformly over the first
/// `days` days. Every person has a sharing propensity λ ~ Gamma(k, m/k) (m: the campaign's
/// offspring mean, k: the dispersion) and shares with Poisson(λ) friends, a negative binomial
/// number with mean m and a heavy tail. Each invitation goes over a channel chosen uniformly;
/// the friend is reached after a log-normal delay around the channel's median and converts
/// with the channel's probability, after another such delay, for a log-normal value. Some
/// advocates converted unreferred; some referred people are referred again later by an earlier
/// member of their cascade (repeats); some refer one of their ancestors back (cycles).
/// Cascades are drawn one after another until `people` people exist; the last is cut to fit
/// (its first people in breadth-first order, so it stays a tree).
///
/// Cascade i draws only from `SplitMix64.stream(seed:index:)`, so the result is the same
/// whatever the number of threads that drew it.
public struct GeneratedProgram: Sendable {
    public let parameters: GeneratorParameters
    /// Per person (index i is `GeneratedProgram.id(i)`): the referrer in the planted tree, −1
    /// for an advocate.
    public internal(set) var parent: [Int32] = []
    /// Per person: the campaign index.
    public internal(set) var campaign: [UInt8] = []
    /// Per person: the channel index of the referral that reached them (`noChannel` for advocates).
    public internal(set) var channel: [UInt8] = []
    /// Per person: minutes from the first day's midnight (UTC) to when they were reached
    /// (advocates: when they started sharing).
    public internal(set) var reached: [Int32] = []
    /// Per person: the sharing propensity λ (mean invitations).
    public internal(set) var propensity: [Double] = []
    /// Per person: minutes to their conversion, or `noConversion`.
    public internal(set) var conversionTime: [Int32] = []
    /// Per person: the conversion's value in cents (0 without conversion).
    public internal(set) var valueCents: [Int64] = []
    /// Per person: people below them in the planted tree.
    public internal(set) var descendants: [Int32] = []
    /// Per person: depth in the planted tree (advocates 0).
    public internal(set) var generation: [Int32] = []
    /// Per person: friends they invited in the planted tree.
    public internal(set) var invites: [Int32] = []
    /// Referrals beyond the tree: repeats (a second referrer) and cycles (back to an ancestor).
    public internal(set) var extras: [ExtraReferral] = []
    /// Cascades (advocates) drawn.
    public internal(set) var cascades = 0

    public static let noChannel: UInt8 = 255
    public static let noConversion = Int32.min

    /// A referral that is not a parent link of the planted tree.
    public struct ExtraReferral: Sendable, Equatable {
        public var source: Int32
        public var target: Int32
        public var time: Int32
        public var channel: UInt8
        /// True for a cycle (target is an ancestor of source), false for a repeat.
        public var isCycle: Bool
    }

    /// People in the program.
    public var count: Int { parent.count }

    /// The id of person `i`, as every layout writes it.
    public static func id(_ i: Int) -> String { "p\(i + 1)@example.com" }

    /// Draws a program.
    /// - Throws: `GeneratorError` when a parameter is out of range.
    /// - Complexity: O(people + referrals), on `Parallel.threads` threads.
    public init(_ parameters: GeneratorParameters) throws(GeneratorError) {
        try parameters.validate()
        self.parameters = parameters
        let n = parameters.people
        parent.reserveCapacity(n)
        campaign.reserveCapacity(n)
        channel.reserveCapacity(n)
        reached.reserveCapacity(n)
        propensity.reserveCapacity(n)
        conversionTime.reserveCapacity(n)
        valueCents.reserveCapacity(n)
        generation.reserveCapacity(n)
        let meanSize =
            parameters.campaigns.reduce(0.0) { $0 + min(50, 1 / (1 - $1.offspringMean)) } / Double(parameters.campaigns.count)
        var next = 0
        while count < n {
            let remaining = n - count
            let batch = max(16, Int(Double(remaining) / meanSize * 1.05) + 16)
            let parts = Parallel.ranges(batch, parts: batch < 512 ? 1 : Parallel.threads * 4)
            var blocks = [CascadeBlock](repeating: CascadeBlock(), count: parts.count)
            let first = next
            blocks.withUnsafeMutableBufferPointer { slots in
                let shared = SharedBuffer(slots)
                Parallel.forEach(parts.count) { p in
                    var block = CascadeBlock()
                    for k in parts[p] { block.draw(cascade: first + k, cap: remaining, parameters: parameters) }
                    shared[p] = block
                }
            }
            next += batch
            for block in blocks where count < n { append(block, limit: n) }
        }
        numberByTime()
        finish()
    }

    /// Renumbers people in the order they were reached (ties: as drawn), as a platform numbers
    /// its users, so rows written by time read the columns in order rather than at random.
    /// Parents stay before their children: a child is reached strictly later.
    /// - Complexity: O(people + minutes) by a counting sort, O(people log people) beyond.
    private mutating func numberByTime() {
        var order: [Int]
        let last = Int(reached.max() ?? 0)
        if last > 8 * count + 4_000_000 {
            order = Array(0..<count)
            order.sort { (reached[$0], $0) < (reached[$1], $1) }
        } else {
            var start = [Int](repeating: 0, count: last + 2)
            for t in reached { start[Int(t) + 1] += 1 }
            for t in 1..<start.count { start[t] += start[t - 1] }
            order = [Int](repeating: 0, count: count)
            for i in 0..<count {
                order[start[Int(reached[i])]] = i
                start[Int(reached[i])] += 1
            }
        }
        var rank = [Int32](repeating: 0, count: count)
        for (k, i) in order.enumerated() { rank[i] = Int32(k) }
        parent = order.map { parent[$0] < 0 ? -1 : rank[Int(parent[$0])] }
        campaign = order.map { campaign[$0] }
        channel = order.map { channel[$0] }
        reached = order.map { reached[$0] }
        propensity = order.map { propensity[$0] }
        conversionTime = order.map { conversionTime[$0] }
        valueCents = order.map { valueCents[$0] }
        generation = order.map { generation[$0] }
        for e in extras.indices {
            extras[e].source = rank[Int(extras[e].source)]
            extras[e].target = rank[Int(extras[e].target)]
        }
    }

    /// Appends the cascades of `block` until `limit` people exist, cutting the last one.
    private mutating func append(_ block: CascadeBlock, limit: Int) {
        for c in 0..<block.starts.count - 1 where count < limit {
            let start = block.starts[c]
            let keep = min(block.starts[c + 1] - start, limit - count)
            let offset = Int32(count - start)
            for i in start..<(start + keep) {
                parent.append(block.parent[i] < 0 ? -1 : block.parent[i] + offset)
                campaign.append(block.campaign[i])
                channel.append(block.channel[i])
                reached.append(block.reached[i])
                propensity.append(block.propensity[i])
                conversionTime.append(block.conversionTime[i])
                valueCents.append(block.valueCents[i])
                generation.append(block.generation[i])
            }
            let end = Int32(start + keep)
            for e in block.extraStarts[c]..<block.extraStarts[c + 1] {
                var x = block.extras[e]
                guard x.source < end, x.target < end else { continue }
                x.source += offset
                x.target += offset
                extras.append(x)
            }
            cascades += 1
        }
    }

    /// Counts each person's invitations and descendants in the planted tree.
    private mutating func finish() {
        invites = [Int32](repeating: 0, count: count)
        descendants = [Int32](repeating: 0, count: count)
        // Parents come before their children, so one backward pass sums subtrees.
        for i in stride(from: count - 1, through: 0, by: -1) where parent[i] >= 0 {
            let p = Int(parent[i])
            invites[p] += 1
            descendants[p] += descendants[i] + 1
        }
    }
}

/// Cascades drawn by one thread, in the layout of `GeneratedProgram` with block-local indices.
struct CascadeBlock: Sendable {
    var parent: [Int32] = []
    var campaign: [UInt8] = []
    var channel: [UInt8] = []
    var reached: [Int32] = []
    var propensity: [Double] = []
    var conversionTime: [Int32] = []
    var valueCents: [Int64] = []
    var generation: [Int32] = []
    var extras: [GeneratedProgram.ExtraReferral] = []
    /// Where each cascade's people start (one past the last: the count).
    var starts: [Int] = [0]
    var extraStarts: [Int] = [0]

    /// A log-normal delay of a hop on channel `c`, in whole minutes (at least one).
    static func delay(_ c: GeneratedChannel, sigma: Double, _ rng: inout SplitMix64) -> Int32 {
        let minutes = rng.logNormal(median: c.medianHours * 60, sigma: sigma)
        return Int32(min(525_600, max(1, minutes.rounded())))
    }

    /// Draws cascade `k` (its campaign is `k` modulo the campaigns), at most `cap` people.
    mutating func draw(cascade k: Int, cap: Int, parameters g: GeneratorParameters) {
        var rng = SplitMix64.stream(seed: g.seed, index: UInt64(k))
        let c = k % g.campaigns.count
        let mean = g.campaigns[c].offspringMean
        let start = parent.count
        let channels = g.channels
        // The advocate.
        let t0 = Int32(rng.below(g.days * 1440))
        parent.append(-1)
        campaign.append(UInt8(c))
        channel.append(GeneratedProgram.noChannel)
        reached.append(t0)
        generation.append(0)
        if rng.unit() < g.unreferredRate {
            conversionTime.append(t0 - 1 - Int32(rng.below(7 * 1440)))
            valueCents.append(Self.cents(rng.logNormal(median: g.valueMedian, sigma: g.valueSigma)))
        } else {
            conversionTime.append(GeneratedProgram.noConversion)
            valueCents.append(0)
        }
        // Breadth first: parents always come before their children.
        var j = start
        while j < parent.count {
            let lambda = mean == 0 ? 0 : rng.gamma(shape: g.dispersion) * mean / g.dispersion
            propensity.append(lambda)
            let friends = min(rng.poisson(lambda), 100_000, cap - (parent.count - start))
            for _ in 0..<max(0, friends) {
                let h = rng.below(channels.count)
                let t = reached[j] + Self.delay(channels[h], sigma: g.delaySigma, &rng)
                parent.append(Int32(j - start))
                campaign.append(UInt8(c))
                channel.append(UInt8(h))
                reached.append(t)
                generation.append(generation[j] + 1)
                if rng.unit() < channels[h].conversionRate {
                    conversionTime.append(t + Self.delay(channels[h], sigma: g.delaySigma, &rng))
                    valueCents.append(Self.cents(rng.logNormal(median: g.valueMedian, sigma: g.valueSigma)))
                } else {
                    conversionTime.append(GeneratedProgram.noConversion)
                    valueCents.append(0)
                }
            }
            j += 1
        }
        // Repeats and cycles, in cascade-local indices (made block-local below).
        let size = parent.count - start
        for local in 1..<max(1, size) {
            let i = start + local
            if g.repeatRate > 0, rng.unit() < g.repeatRate, local >= 2 {
                // An earlier member of the cascade other than the parent: never a descendant.
                var q = rng.below(local - 1)
                if q >= Int(parent[i]) { q += 1 }
                let h = rng.below(channels.count)
                let t = max(reached[i], reached[start + q]) + Self.delay(channels[h], sigma: g.delaySigma, &rng)
                extras.append(.init(source: Int32(q + start), target: Int32(i), time: t, channel: UInt8(h), isCycle: false))
            }
            if g.cycleRate > 0, rng.unit() < g.cycleRate {
                var a = local
                for _ in 0...rng.below(Int(generation[i])) { a = Int(parent[start + a]) }
                let h = rng.below(channels.count)
                let t = reached[i] + Self.delay(channels[h], sigma: g.delaySigma, &rng)
                extras.append(.init(source: Int32(i), target: Int32(a + start), time: t, channel: UInt8(h), isCycle: true))
            }
        }
        // Parents were cascade-local; make them block-local.
        for i in (start + 1)..<(start + max(1, size)) { parent[i] += Int32(start) }
        starts.append(parent.count)
        extraStarts.append(extras.count)
    }

    /// A value rounded to cents, capped so sums stay exact.
    static func cents(_ value: Double) -> Int64 { Int64(min(1e9, max(1, (value * 100).rounded()))) }
}
