/// What the groups of a comparison are.
public enum ComparisonGrouping: String, Sendable, CaseIterable {
    /// One group per campaign of the campaign column.
    case campaign
    /// One group per channel of the channel column.
    case channel
    /// One group per file read, named by its stem.
    case file
}

/// The settings of a comparison.
public struct ComparisonOptions: Sendable, Equatable {
    /// What the groups are; `nil` chooses: campaigns when there is a campaign column, else
    /// files when there are several (the choice is reported).
    public var grouping: ComparisonGrouping?
    /// The group the others are measured against; `nil` for the first.
    public var baseline: String?
    /// Bootstrap replicates.
    public var resamples: Int
    /// Coverage of the intervals, and 1 − the level of the tests.
    public var confidence: Double
    /// Seeds the replicates; replicate i of a group always draws from the same stream.
    public var seed: UInt64
    /// The metrics to compare, by id (`k_factor`, …); `nil` for all that the data allow.
    public var metrics: [String]?

    public init(
        grouping: ComparisonGrouping? = nil, baseline: String? = nil, resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64 = 1,
        metrics: [String]? = nil
    ) {
        self.metrics = metrics
        self.grouping = grouping
        self.baseline = baseline
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }
}

/// One group's figures for one metric, and how it stands against the baseline.
public struct ComparisonRow: Sendable, Equatable {
    public var group: String
    public var metric: ComparisonMetric
    /// The estimate from all the group's cascades; `nil` where undefined.
    public var value: Double?
    /// The interval; `nil` when too few replicates define the metric.
    public var low: Double?
    public var high: Double?
    /// value − the baseline's value, with its interval; `nil` for the baseline.
    public var lift: Double?
    public var liftLow: Double?
    public var liftHigh: Double?
    /// value / the baseline's value, with its interval; `nil` for the baseline or a zero baseline.
    public var ratio: Double?
    public var ratioLow: Double?
    public var ratioHigh: Double?
    /// The two-sided p-value of "no difference from the baseline", from the lift's bootstrap.
    public var pValue: Double?
    /// The p-value after Holm's correction over the groups compared on this metric.
    public var pHolm: Double?
    /// Whether the Holm-corrected p-value is below 1 − confidence.
    public var significant: Bool?
    /// The share of replicates in which this group leads on the metric (ties shared).
    public var pBest: Double?
}

/// One group compared.
public struct ComparisonGroup: Sendable, Equatable {
    public var name: String
    /// Its referral rows and cascades.
    public var referrals: Int
    public var cascades: Int
}

/// Why a comparison cannot be made.
public enum ComparisonError: Error, CustomStringConvertible, Equatable, Sendable {
    case noColumn(file: String, grouping: ComparisonGrouping)
    case oneFile(file: String)
    case noGrouping(file: String)
    case tooFewGroups(file: String, grouping: ComparisonGrouping, names: [String])
    case unknownBaseline(name: String, groups: [String])
    case unknownMetric(name: String, metrics: [String])

    public var exitCode: Int32 {
        switch self {
        case .oneFile, .unknownBaseline, .unknownMetric: return 64
        default: return 65
        }
    }

    public var description: String {
        switch self {
        case .noColumn(let file, let grouping):
            let aliases = grouping == .campaign ? "campaign (or campaign_id, campaign_name)" : "channel (or share_channel, medium)"
            return "\(file):1: --by \(grouping.rawValue) needs a \(grouping.rawValue) column, and the file has none. "
                + "Add a \(aliases) column, pass --\(grouping.rawValue)-column NAME, or compare files with --by file."
        case .oneFile(let file):
            return
                "--by file compares one file with another, and only \(file) was given. Name two or more files, or use --by campaign or --by channel."
        case .noGrouping(let file):
            return "\(file):1: there is nothing to compare: no campaign column and only one file. "
                + "Pass --by channel, name one file per campaign (--by file), or add a campaign column."
        case .tooFewGroups(let file, let grouping, let names):
            let found = names.isEmpty ? "none" : "only '\(names[0])'"
            return "\(file): --by \(grouping.rawValue) found \(found) with referrals; a comparison needs two groups. "
                + "Check the \(grouping.rawValue) column and the --campaign/--since/--until filters."
        case .unknownBaseline(let name, let groups):
            let shown = groups.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
            return "--baseline '\(name)' is not one of the groups compared: \(shown)\(groups.count > 10 ? ", …" : "")."
        case .unknownMetric(let name, let metrics):
            return "--metrics: '\(name)' is not a metric of this comparison; it has \(metrics.joined(separator: ", "))."
        }
    }
}

extension ComparisonError: InfluenceError {}

/// Groups of a referral export side by side (DESIGN.md, Compare): every spread metric with
/// a bootstrap interval, the lift over the baseline with its interval and p-value, Holm's
/// correction over the groups, and the probability each group is best.
///
/// Cascades are the independent unit: each group's cascades are resampled within the group
/// by the Poisson bootstrap (each cascade weighted by a Poisson(1) draw, so the number of
/// cascades varies too, as it would in another run of the campaign). Intervals are BCa
/// (bias-corrected and accelerated, the acceleration from the jackknife over cascades) for
/// metrics that are smooth functions of cascade sums, and percentile intervals for the
/// largest cascade, the maximum depth and the median hop. A replicate is a weighted sum
/// over the group's cascades, never a new pass over the rows.
public struct Comparison: Sendable {
    /// What the groups are, and whether that was chosen for the user.
    public var grouping: ComparisonGrouping
    public var groupingChosen: Bool
    /// The groups, in order: campaigns and channels by name, files as given.
    public var groups: [ComparisonGroup]
    /// The baseline's name.
    public var baseline: String
    public var metrics: [ComparisonMetric]
    /// One row per metric and group: metrics in `metrics` order, groups in `groups` order.
    public var rows: [ComparisonRow]
    public var options: ComparisonOptions
    /// How intervals are made, in words.
    public static let intervalMethod =
        "BCa (percentile for largest_cascade, max_depth, median_hours_per_hop), Poisson bootstrap over cascades"
    /// The events file and the conversions file, as messages show them.
    public var file: String
    public var conversionsFile: String?
    public var quality: DataQuality
    public var conversionsQuality: DataQuality?
    /// Structure is compared in a size class when two groups have at least this many
    /// cascades in it.
    public static let minimumClassCascades = 5
    /// Groups with fewer cascades than this are warned about: their intervals are rough.
    public static let fewCascades = 20
    /// Rows in no group (an empty campaign or channel cell).
    public var rowsWithoutGroup: Int
    /// What a reader must know: a guessed grouping, groups with few cascades, metrics
    /// without intervals.
    public var warnings: [String] = []

    /// The row of `group` for `metric`.
    public func row(_ group: String, _ metric: ComparisonMetric) -> ComparisonRow? {
        rows.first { $0.group == group && $0.metric == metric }
    }

    /// Compares the groups of `events`.
    /// - Throws: `ComparisonError` when there are not two groups, or the baseline is not one.
    /// - Complexity: O(r log r + N) to build each group's cascades, then
    ///   O(resamples × (types + median windows)) per group and metric.
    public init(events: ReferralEvents, conversions: Conversions? = nil, options: ComparisonOptions = ComparisonOptions())
        throws(ComparisonError)
    {
        file = events.file
        conversionsFile = conversions?.file
        quality = ReferralGraph.quality(of: events)
        conversionsQuality = conversions?.quality
        self.options = options

        let grouping: ComparisonGrouping
        if let chosen = options.grouping {
            grouping = chosen
            groupingChosen = false
        } else if events.campaign != nil {
            grouping = .campaign
            groupingChosen = true
        } else if events.sources.count > 1 {
            grouping = .file
            groupingChosen = true
        } else {
            throw .noGrouping(file: events.file)
        }
        self.grouping = grouping
        let plan = try Self.groups(of: events, by: grouping)
        rowsWithoutGroup = plan.unassigned
        guard plan.groups.count >= 2 else { throw .tooFewGroups(file: events.file, grouping: grouping, names: plan.groups.map(\.name)) }
        let names = plan.groups.map(\.name)
        let baseIndex: Int
        if let wanted = options.baseline {
            guard let k = names.firstIndex(of: wanted) else { throw .unknownBaseline(name: wanted, groups: names) }
            baseIndex = k
        } else {
            baseIndex = 0
        }
        baseline = names[baseIndex]
        if groupingChosen {
            let why = grouping == .campaign ? "the events have a campaign column" : "several files were read"
            warnings.append("groups are \(grouping.rawValue)s, since \(why); --by campaign|channel|file chooses.")
        }
        if rowsWithoutGroup > 0 {
            warnings.append(
                "\(rowsWithoutGroup) referral row\(rowsWithoutGroup == 1 ? " has" : "s have") no \(grouping.rawValue) and belong\(rowsWithoutGroup == 1 ? "s" : "") to no group."
            )
        }

        let converted = conversions.map { ConvertedPeople($0, events: events, forest: ReferralForest(events: events)) }
        if let converted { quality.unknownConverters = converted.unknown }
        var samples = Self.samples(plan.groups, events: events, converted: converted)
        let windows = samples.indices.map { HopMedian.prepare(&samples[$0]) }
        groups = samples.map { ComparisonGroup(name: $0.name, referrals: $0.rows, cascades: $0.cascadeCount) }

        // Size classes where two groups or more have enough cascades to compare.
        var classGroups: [Int: Int] = [:]
        for s in samples {
            var perClass: [Int: Double] = [:]
            for (t, c) in s.sizeClass.enumerated() where c >= 0 { perClass[c, default: 0] += s.multiplicity[t] }
            for (c, n) in perClass where n >= Double(Self.minimumClassCascades) { classGroups[c, default: 0] += 1 }
        }
        let classes = classGroups.filter { $0.value >= 2 }.keys.sorted()
        let classSlots = (classes.last ?? 0) + 1
        var metrics = ComparisonMetric.list(conversions: conversions != nil, time: events.timestamp != nil, sizeClasses: classes)
        if let wanted = options.metrics {
            for id in wanted where !metrics.contains(where: { $0.id == id }) { throw .unknownMetric(name: id, metrics: metrics.map(\.id)) }
            metrics = metrics.filter { wanted.contains($0.id) }
        }
        self.metrics = metrics

        let engine = Replicates(
            samples: samples, windows: windows, metrics: metrics, classSlots: classSlots, resamples: max(1, options.resamples),
            seed: options.seed, baseline: baseIndex)
        rows = engine.compare(confidence: options.confidence)
        let small = samples.filter { $0.cascadeCount < Self.fewCascades }
        if small.count == 1 {
            let n = small[0].cascadeCount
            warnings.append("'\(small[0].name)' has \(n) cascade\(n == 1 ? "" : "s"): its intervals are rough.")
        } else if !small.isEmpty {
            let shown = small.prefix(3).map { "'\($0.name)'" }.joined(separator: ", ")
            warnings.append(
                "\(small.count) groups have fewer than \(Self.fewCascades) cascades (\(shown)\(small.count > 3 ? ", …" : "")): their intervals are rough."
            )
        }
        let undefined = Set(rows.filter { $0.value != nil && $0.low == nil }.map(\.metric.id))
        if !undefined.isEmpty {
            warnings.append(
                "no interval where more than a tenth of the replicates leave the metric undefined (\(metrics.filter { undefined.contains($0.id) }.map(\.id).joined(separator: ", ")))."
            )
        }
    }

    /// The rows of each group, in group order, and the rows in none.
    struct GroupPlan {
        var groups: [(name: String, rows: [Int32], campaign: Int32?)]
        var unassigned: Int
    }

    static func groups(of events: ReferralEvents, by grouping: ComparisonGrouping) throws(ComparisonError) -> GroupPlan {
        switch grouping {
        case .campaign, .channel:
            let labels = grouping == .campaign ? events.campaign : events.channel
            let names = grouping == .campaign ? events.campaigns : events.channels
            guard let labels else { throw .noColumn(file: events.file, grouping: grouping) }
            let rowsOf = ScopeRows.rowLists(labels: labels, count: names.count)
            let unassigned = labels.count { $0 < 0 }
            let order = (0..<Int32(names.count)).sorted { names.precedes($0, $1) }
            let groups = order.filter { !rowsOf[Int($0)].isEmpty }.map { c in
                (name: names.name(c), rows: rowsOf[Int(c)], campaign: grouping == .campaign ? Optional(c) : nil)
            }
            return GroupPlan(groups: groups, unassigned: unassigned)
        case .file:
            guard events.sources.count > 1 else { throw .oneFile(file: events.file) }
            let stems = events.sources.map { InputPaths.stem($0.file) }
            var groups: [(name: String, rows: [Int32], campaign: Int32?)] = []
            for (k, source) in events.sources.enumerated() {
                let end = k + 1 < events.sources.count ? events.sources[k + 1].firstRow : events.count
                // Two files with one stem are told apart by their paths.
                let name = stems.filter { $0 == stems[k] }.count > 1 ? source.file : stems[k]
                if end > source.firstRow { groups.append((name, (source.firstRow..<end).map { Int32($0) }, nil)) }
            }
            return GroupPlan(groups: groups, unassigned: 0)
        }
    }

    /// Each group's cascades, built on as many threads as there are, each numbering its
    /// groups' people with its own scratch array.
    static func samples(_ groups: [(name: String, rows: [Int32], campaign: Int32?)], events: ReferralEvents, converted: ConvertedPeople?)
        -> [CascadeSample]
    {
        let parts = Parallel.ranges(groups.count, parts: Parallel.threads)
        var built = [[CascadeSample]](repeating: [], count: parts.count)
        built.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            Parallel.forEach(parts.count) { p in
                var numbering = ScopeNumbering(events: events)
                shared[p] = parts[p].map { g in
                    let scope = numbering.scope(groups[g].rows, of: events)
                    return CascadeSample(
                        name: groups[g].name, events: events, scope: scope, campaign: groups[g].campaign, converted: converted)
                }
            }
        }
        return built.flatMap { $0 }
    }
}
