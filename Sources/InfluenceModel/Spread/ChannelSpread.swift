/// How referrals made on one channel travelled, measured on the overall referral forest.
///
/// The question people ask of social media: is one channel faster, does it reach deeper into
/// a cascade, do its invitations convert better? Rows with an empty channel cell belong to
/// no channel.
public struct ChannelSpread: Sendable, Equatable {
    /// The channel's name.
    public var channel: String
    /// Rows on the channel.
    public var referrals: Int
    /// Distinct sharers of those rows.
    public var sharers: Int
    /// Distinct referred people (targets) of those rows.
    public var peopleReached: Int
    /// Median hours of the hops p → c (p itself referred) whose c was referred on this
    /// channel; `nil` without a timed hop.
    public var medianHoursPerHop: Double?
    /// Hops with both times known (the median's sample size).
    public var timedHops: Int
    /// Mean over the channel's rows of the sharer's depth in the overall forest + 1: the
    /// generation the channel's invitations land in.
    public var meanDepth: Double
    /// People reached on the channel who converted; `nil` without conversions.
    public var convertedReferredPeople: Int?

    /// Referrals per distinct sharer on the channel.
    public var invitesPerSharer: Double { sharers == 0 ? 0 : Double(referrals) / Double(sharers) }
    /// Converted people reached / people reached; `nil` without conversions.
    public var inviteConversionRate: Double? {
        guard let converted = convertedReferredPeople, peopleReached > 0 else { return nil }
        return Double(converted) / Double(peopleReached)
    }
    /// Invites per sharer × invite conversion rate, on the channel's rows alone.
    public var kFactor: Double? { inviteConversionRate.map { invitesPerSharer * $0 } }

    /// Measures every channel of the events, and the forest's timed hops (those of rows
    /// without a channel too): their count and median, which are the overall scope's
    /// (`ScopeSpread.hopHours`, whose median does not depend on the hours' order). The hops
    /// are walked once for both: the overall scope's own walk and its list of every hop with
    /// its child and row took `spread` on the 10.9M-person program export 8.68 s of CPU
    /// against 8.23 s this way (medians of six runs each, alternating; the wall 0.99×).
    /// - Parameters:
    ///   - events: the referral export.
    ///   - channel: its channel column.
    ///   - forest: the forest of all its rows.
    ///   - converted: who converted (any conversion counts), or `nil` without conversions.
    /// - Returns: one entry per channel named in some row, by name (UTF-8 byte order).
    /// - Complexity: O(r + N + c log c) for r rows, N people and c channels, plus the hops' medians.
    static func measureWithHops(events: ReferralEvents, channel: [Int32], forest: ReferralForest, converted: ConvertedPeople?) -> (
        channels: [ChannelSpread], timedHops: Int, medianHoursPerHop: Double?
    ) {
        precondition(channel.count == events.count, "ChannelSpread: \(channel.count) channels for \(events.count) rows")
        let count = events.channels.count
        let rowsOf = ScopeRows.rowLists(labels: channel, count: count)
        // By channel (without a channel: the last list), straight into each list, not through
        // a list of every hop (16 bytes a hop, 157 MB on the program export).
        var hoursOf = [[Double]](repeating: [], count: count + 1)
        if let time = events.timestamp {
            ScopeSpread.forEachHop(in: forest, time: time) { _, row, hours in
                let c = Int(channel[Int(row)])
                hoursOf[c >= 0 ? c : count].append(hours)
            }
        }
        // Marks hold the channel last counted, so one pair of arrays serves every channel.
        var sharerMark = [Int32](repeating: -1, count: events.people.count)
        var targetMark = sharerMark
        var result: [ChannelSpread] = []
        for c in 0..<Int32(count) {
            let rows = rowsOf[Int(c)]
            var sharers = 0, reached = 0, converts = 0
            var depthSum = 0.0
            for r in rows {
                let s = events.source[Int(r)], t = events.target[Int(r)]
                if sharerMark[Int(s)] != c { sharerMark[Int(s)] = c; sharers += 1 }
                if targetMark[Int(t)] != c {
                    targetMark[Int(t)] = c
                    reached += 1
                    if let converted, converted.converted(t, campaign: nil) { converts += 1 }
                }
                depthSum += Double(forest.depth[Int(s)] + 1)
            }
            result.append(
                ChannelSpread(
                    channel: events.channels.name(c), referrals: rows.count, sharers: sharers, peopleReached: reached,
                    medianHoursPerHop: ScopeSpread.median(hoursOf[Int(c)]), timedHops: hoursOf[Int(c)].count,
                    meanDepth: rows.isEmpty ? 0 : depthSum / Double(rows.count),
                    convertedReferredPeople: converted == nil ? nil : converts))
        }
        let order = (0..<Int32(count)).sorted { events.channels.precedes($0, $1) }
        var every: [Double] = []
        every.reserveCapacity(hoursOf.reduce(0) { $0 + $1.count })
        for hours in hoursOf { every.append(contentsOf: hours) }
        return (order.map { result[Int($0)] }, every.count, ScopeSpread.median(consume every))
    }
}
