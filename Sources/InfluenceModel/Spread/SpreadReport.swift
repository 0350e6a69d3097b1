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
    ///   - timings: records the wall time of each phase (duplicates, beside the forest; forest;
    ///     conversions; measure).
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
        // Counting repeated rows (for the data quality alone) runs beside the forest, one
        // thread's work: on 100M referrals the forest took 5.5 s of one core while the other
        // was idle. (Not beside the measures or the conversions: work shared among the threads
        // inside one side of the pair runs on one thread.)
        // Their times are recorded in this order whichever ends first; the count's is named as
        // overlapping, as attribution names its phases that run beside another.
        let clock = PhaseTimings()
        let duplicates = "duplicates (beside the forest)"
        let (counted, forest) = Parallel.both {
            clock.measure(duplicates) { ReferralGraph.quality(of: events) }
        } _: {
            clock.measure("forest") { ReferralForest(events: events) }
        }
        for name in [duplicates, "forest"] { timings?.record(name, seconds: clock.seconds(name)) }
        quality = counted
        let converted = timings.measure("conversions") { conversions.map { ConvertedPeople($0, events: events, forest: forest) } }
        if let converted { quality.unknownConverters = converted.unknown }

        // Campaigns, the overall scope and the channels are measured apart, so they run side by
        // side: the largest first, each worker taking the next one left. Each result has its
        // own place, so the report is the same whatever ran where.
        var rowsOf: [[Int]] = []
        var order: [Int32] = []
        if let campaign = events.campaign {
            rowsOf = [[Int]](repeating: [], count: events.campaigns.count)
            for r in 0..<events.count where campaign[r] >= 0 { rowsOf[Int(campaign[r])].append(r) }
            // A campaign with no rows left (after --campaign or --since) has nothing to measure.
            order = (0..<Int32(events.campaigns.count)).sorted { events.campaigns.precedes($0, $1) }.filter { !rowsOf[Int($0)].isEmpty }
        }
        let measured = timings.measure("measure") {
            Self.measure(events: events, campaigns: order, rowsOf: rowsOf, forest: forest, converted: converted)
        }
        scopes = measured.scopes
        channels = measured.channels
    }

    /// The spread of each campaign in `campaigns` (in that order), then of all rows, and the
    /// channels when there is a channel column, measured on `Parallel.threads` workers.
    private static func measure(
        events: ReferralEvents, campaigns: [Int32], rowsOf: [[Int]], forest: ReferralForest, converted: ConvertedPeople?
    ) -> (scopes: [ScopeSpread], channels: [ChannelSpread]?) {
        enum Job { case campaign(Int), overall, channels }
        var jobs: [(job: Job, cost: Int)] = campaigns.indices.map { (.campaign($0), 2 * rowsOf[Int(campaigns[$0])].count) }
        jobs.append((.overall, events.count))  // its forest is built already
        if events.channel != nil { jobs.append((.channels, events.count / 2)) }
        jobs.sort { $0.cost > $1.cost }
        let results = ResultSlots<ScopeSpread>(count: campaigns.count + 1)
        let channelResult = ResultSlots<[ChannelSpread]>(count: 1)
        Parallel.forEach(min(Parallel.threads, jobs.count)) { _ in
            var numbering: ScopeNumbering?
            while let j = results.take(below: jobs.count) {
                switch jobs[j].job {
                case .campaign(let k):
                    let c = campaigns[k]
                    if numbering == nil { numbering = ScopeNumbering(events: events) }
                    let scope = numbering!.scope(rowsOf[Int(c)], of: events)
                    results.put(ScopeSpread(events: events, scope: scope, campaign: c, converted: converted), at: k)
                case .overall:
                    let all = ScopeSpread(
                        events: events, scope: ScopeRows(allOf: events), campaign: nil, converted: converted, forest: forest)
                    results.put(all, at: campaigns.count)
                case .channels:
                    channelResult.put(ChannelSpread.measure(events: events, forest: forest, converted: converted), at: 0)
                }
            }
        }
        return (results.values.map { $0! }, events.channel == nil ? nil : channelResult.values[0]!)
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
/// the jobs: both under one lock, which the few and large jobs it serves do not contend for.
private final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var taken = 0

    init(count: Int) { slots = [Value?](repeating: nil, count: count) }

    func put(_ value: Value, at index: Int) { lock.withLock { slots[index] = value } }

    /// The next index below `limit` that no worker has taken yet, or `nil`.
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard taken < limit else { return nil }
            taken += 1
            return taken - 1
        }
    }

    var values: [Value?] { lock.withLock { slots } }
}
