import Foundation

/// How far and how fast word of mouth travelled (DESIGN.md, Spread): per campaign and
/// overall, per cascade, per channel, per generation and per day.
///
/// Each campaign is measured on the forest of its own rows; rows with an empty campaign
/// cell belong only to the overall scope, `all`, which is measured on every row. Without a
/// campaign column there is only `all`. Channels are measured on the overall forest.
///
/// Conversions feed the invite conversion rate and K-factor. A conversion counts for the
/// overall scope and for channels whenever its user appears in the events; for a campaign
/// when the conversions file has no campaign column, when its campaign cell is empty, or
/// when it names that campaign. Timing is ignored.
public struct SpreadReport: Sendable {
    /// The events file, as messages show it.
    public var file: String
    /// The conversions file, if any.
    public var conversionsFile: String?
    /// People of the events, to name cascade roots.
    public var people: Interner
    /// Whether the events have a timestamp column.
    public var hasTimestamps: Bool
    /// Every campaign by name (UTF-8 byte order), then the overall scope.
    public var scopes: [ScopeSpread]
    /// Every channel by name; `nil` without a channel column.
    public var channels: [ChannelSpread]?
    /// What was read and skipped in the events; `unknownConverters` counts conversions by
    /// people not in the events.
    public var quality: DataQuality
    /// What was read and skipped in the conversions.
    public var conversionsQuality: DataQuality?
    /// Rows with an empty campaign cell (they count only for `all`); 0 without a campaign column.
    public var rowsWithoutCampaign = 0
    /// Rows with an empty channel cell (they belong to no channel); 0 without a channel column.
    public var rowsWithoutChannel = 0

    /// The overall scope, `all`.
    public var overall: ScopeSpread { scopes[scopes.count - 1] }

    /// Measures the spread of a referral export.
    /// - Parameters:
    ///   - events: the referral export.
    ///   - conversions: purchases, for conversion rates and K-factors.
    ///   - timings: records the wall time of each phase: the forest of all rows, then the
    ///     conversions, beside the duplicate count and the campaigns (and the wall time of all
    ///     four); then the overall scope and the channels (`measure`).
    /// - Complexity: O(r + N) for r rows and N people (plus a radix sort of a scope's times
    ///   when its rows are not in time order): each campaign's forest is built on its own rows
    ///   and people.
    public init(events: ReferralEvents, conversions: Conversions? = nil, timings: PhaseTimings? = nil) {
        file = events.file
        conversionsFile = conversions?.file
        people = events.people
        hasTimestamps = events.timestamp != nil
        conversionsQuality = conversions?.quality
        rowsWithoutCampaign = events.campaign?.count(where: { $0 < 0 }) ?? 0
        rowsWithoutChannel = events.channel?.count(where: { $0 < 0 }) ?? 0
        // Campaigns are measured on forests of their own rows, so they need nothing of the
        // forest of all rows: they run beside it (one thread's work each, the largest first,
        // each side taking the next one left), as do counting repeated rows (for the data
        // quality alone) and, after the forest, finding who converted. A campaign measured
        // before the conversions are known gets its converted count afterwards. On a 10M-row
        // program export the forest of all rows took 1.6 s of one core while the other was
        // idle. Work shared among the threads inside a side runs on that side's thread alone,
        // so the overall scope and the channels come after, side by side as before. Each
        // result has its own place, so the report is the same whatever ran where.
        var rowsOf: [[Int32]] = []
        var order: [Int32] = []
        if let campaign = events.campaign {
            rowsOf = ScopeRows.rowLists(labels: campaign, count: events.campaigns.count)
            // A campaign with no rows left (after --campaign or --since) has nothing to measure.
            order = (0..<Int32(events.campaigns.count)).sorted { events.campaigns.precedes($0, $1) }.filter { !rowsOf[Int($0)].isEmpty }
        }
        let largestFirst = order.indices.sorted { (rowsOf[Int(order[$0])].count, $1) > (rowsOf[Int(order[$1])].count, $0) }
        let campaignSpreads = ResultSlots<(ScopeSpread, [Int32]?)>(count: order.count)
        // Who converted, once known: `nil` inside until then (`.some(nil)` without conversions).
        let known = ResultSlots<ConvertedPeople?>(count: 1)
        if conversions == nil { known.put(nil, at: 0) }
        let measureCampaigns = { (numbering: inout ScopeNumbering?) in
            while let j = campaignSpreads.take(below: largestFirst.count) {
                let k = largestFirst[j]
                let c = order[k]
                if numbering == nil { numbering = ScopeNumbering(events: events) }
                let scope = numbering!.scope(rowsOf[Int(c)], of: events)
                var referred: [Int32]?
                let converters: ScopeSpread.Converters = known.values[0].map { .known($0) } ?? .later
                let spread = ScopeSpread(events: events, scope: scope, campaign: c, converted: converters, referred: &referred)
                campaignSpreads.put((spread, referred), at: k)
            }
        }
        let clock = PhaseTimings()
        let beside = order.isEmpty ? "" : " (beside the campaigns)"
        let names = (
            duplicates: "duplicates (beside the forest)", forest: "forest" + beside, conversions: "conversions" + beside,
            all: "forest and campaigns"
        )
        let ((forest, converted), counted) = clock.measure(names.all) {
            Parallel.both {
                let forest = clock.measure(names.forest) { ReferralForest(events: events, roots: false) }
                let converted = clock.measure(names.conversions) {
                    conversions.map { ConvertedPeople($0, events: events, forest: forest) }
                }
                known.put(converted, at: 0)
                var numbering: ScopeNumbering?
                measureCampaigns(&numbering)
                return (forest, converted)
            } _: {
                let counted = clock.measure(names.duplicates) { ReferralGraph.quality(of: events) }
                var numbering: ScopeNumbering?
                measureCampaigns(&numbering)
                return counted
            }
        }
        for name in [names.duplicates, names.forest, names.conversions] + (order.isEmpty ? [] : [names.all]) {
            timings?.record(name, seconds: clock.seconds(name))
        }
        quality = counted
        if let converted { quality.unknownConverters = converted.unknown }
        var campaignScopes: [ScopeSpread] = []
        for case let (spread, referred)? in campaignSpreads.values {
            var spread = spread
            if let converted, let referred { spread.countConverted(converted, referred: referred) }
            campaignScopes.append(spread)
        }

        let measured = timings.measure("measure") { Self.measure(events: events, forest: forest, converted: converted) }
        scopes = campaignScopes + [measured.overall]
        channels = measured.channels
    }

    /// The overall scope, and the channels when there is a channel column, side by side: the
    /// channels as one more of the overall scope's parts.
    private static func measure(events: ReferralEvents, forest: ReferralForest, converted: ConvertedPeople?) -> (
        overall: ScopeSpread, channels: [ChannelSpread]?
    ) {
        // The channels' job also measures the overall scope's hops (one walk of them for both).
        var channels: [ChannelSpread]?
        var hops: (count: Int, median: Double?) = (0, nil)
        let channelJob: [() -> Void] =
            events.channel.map { channel in
                [
                    {
                        let measured = ChannelSpread.measureWithHops(events: events, channel: channel, forest: forest, converted: converted)
                        (channels, hops) = (measured.channels, (measured.timedHops, measured.medianHoursPerHop))
                    }
                ]
            } ?? []
        var unused: [Int32]?
        var overall = ScopeSpread(
            events: events, scope: ScopeRows(allOf: events), campaign: nil, converted: .known(converted), forest: forest,
            referred: &unused, alongside: channelJob, hopsAlongside: !channelJob.isEmpty)
        if !channelJob.isEmpty { (overall.timedHops, overall.medianHoursPerHop) = hops }
        return (overall, channels)
    }

    /// Measures the spread, refusing an export with no referral between two people.
    /// - Throws: `InputError.noReferrals`.
    public init(checking events: ReferralEvents, conversions: Conversions? = nil, timings: PhaseTimings? = nil) throws(InputError) {
        guard events.count > 0 else {
            let q = events.quality
            var detail = "no referral links two different people"
            if q.selfReferrals > 0 { detail += " (\(q.selfReferrals) self-referral row\(q.selfReferrals == 1 ? "" : "s") left out)" }
            if q.skippedRows > 0 { detail += " (\(q.skippedRows) bad row\(q.skippedRows == 1 ? "" : "s") skipped)" }
            throw .noReferrals(file: events.file, detail: detail + "; there is no spread to measure. Check the source and target columns.")
        }
        self.init(events: events, conversions: conversions, timings: timings)
    }

    /// Every scope's cascades: campaigns by name, then `all`; within one, largest first, then by root id.
    public var cascades: [(campaign: String, cascade: Cascade)] {
        scopes.flatMap { scope in scope.cascades.map { (scope.campaign, $0) } }
    }

    /// The reach series exists only with timestamps; channels only with a channel column.
    /// - Throws: `SpreadError` when `level` needs a column the events lack.
    public func check(level: SpreadLevel) throws(SpreadError) {
        switch level {
        case .channel where channels == nil: throw .noChannelColumn(file: file)
        case .day where !hasTimestamps: throw .noTimestampColumn(file: file)
        default: break
        }
    }
}

/// What the spread is listed by.
public enum SpreadLevel: String, Sendable, CaseIterable {
    case campaign, cascade, channel, generation, day
}

/// Why a spread listing cannot be made from the events given.
public enum SpreadError: Error, CustomStringConvertible, Equatable, Sendable {
    case noChannelColumn(file: String)
    case noTimestampColumn(file: String)

    /// Bad data for what was asked: 65.
    public var exitCode: Int32 { 65 }

    public var description: String {
        switch self {
        case .noChannelColumn(let file):
            return "\(file):1: the file has no channel column, so there is nothing to list per channel. "
                + "Add a channel (or share_channel, medium) column, or pass --channel-column NAME."
        case .noTimestampColumn(let file):
            return "\(file):1: the file has no timestamp column, so there is no reach over time to list per day. "
                + "Add a timestamp (or time, date, created_at) column, or pass --timestamp-column NAME."
        }
    }
}

extension SpreadError: InfluenceError {}

/// Results filled in by parallel workers, each at its own index, and a counter handing out
/// the jobs (`JobCounter`). `@unchecked Sendable` is sound: `slots` is read and written only
/// while holding `lock`.
private final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private let counter = JobCounter()

    init(count: Int) { slots = [Value?](repeating: nil, count: count) }

    func put(_ value: Value, at index: Int) { lock.withLock { slots[index] = value } }

    /// The next index below `limit` that no worker has taken yet, or `nil`.
    func take(below limit: Int) -> Int? { counter.take(below: limit) }

    var values: [Value?] { lock.withLock { slots } }
}
