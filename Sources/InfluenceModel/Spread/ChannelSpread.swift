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

    /// Measures every channel of the events.
    /// - Parameters:
    ///   - events: the referral export.
    ///   - forest: the forest of all its rows.
    ///   - converted: who converted (any conversion counts), or `nil` without conversions.
    /// - Returns: one entry per channel named in some row, by name (UTF-8 byte order); empty
    ///   without a channel column.
    /// - Complexity: O(r + N + c log c) for r rows, N people and c channels, plus the hops' sort.
    static func measure(events: ReferralEvents, forest: ReferralForest, converted: ConvertedPeople?) -> [ChannelSpread] {
        guard let channel = events.channel else { return [] }
        let count = events.channels.count
        let rowsOf = ScopeRows.rowLists(labels: channel, count: count)
        var hoursOf = [[Double]](repeating: [], count: count)
        if let time = events.timestamp {
            for hop in ScopeSpread.hops(in: forest, time: time) where channel[Int(hop.row)] >= 0 {
                hoursOf[Int(channel[Int(hop.row)])].append(hop.hours)
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
        return order.map { result[Int($0)] }
    }
}
