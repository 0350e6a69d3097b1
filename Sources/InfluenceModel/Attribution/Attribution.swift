import CPrefetch

/// Attribution of conversions to the people and channels that earned them (DESIGN.md, Attribution).
public enum Attribution {
    /// Credits each conversion to the referrers (or channels) behind it.
    ///
    /// Chain models and `influence-flow` run on the referral data directly; `markov` and
    /// `shapley` on the channel paths derived from it (`ChannelPaths(events:…)`), as do
    /// the path heuristics when grouping by channel with `pathsFromEvents`.
    /// - Parameters:
    ///   - events: the referral rows.
    ///   - conversions: the conversions.
    ///   - options: the model, grouping and parameters.
    ///   - pathsFromEvents: run a path model on the paths derived from the referral data.
    /// - Throws: `AttributionError` when the model needs a column the data lacks, a time is
    ///   missing for `time-decay`, or credit fails the conservation check.
    /// - Complexity: chain models O(conversions × chain length); `influence-flow`
    ///   O(iterations × columns × (people + edges)).
    public static func attribute(
        events: ReferralEvents, conversions: Conversions, options: AttributionOptions,
        pathsFromEvents: Bool = false, timings: PhaseTimings? = nil
    ) throws(AttributionError) -> AttributionResult {
        var events = events
        return try attribute(
            events: &events, release: false, conversions: conversions, options: options, pathsFromEvents: pathsFromEvents,
            timings: timings)
    }

    /// `attribute(events:…)`, with less memory: `events` gives up what the credit does not
    /// read. For the models that run on channel paths and for influence-flow by channel, it
    /// gives up its campaigns and line numbers before the parents, chains and graph are found
    /// (and, for influence-flow by channel, which names no one, its people's ids too, once the
    /// conversions' users are matched to them), then what those do not read (sources, targets,
    /// times), so that the paths' arrays or the solve's vectors do not come on top of them;
    /// afterwards `events` keeps its file, quality, channels and channel column only. For the
    /// other models, once the parents, chains and graph are found, it gives up its sources,
    /// targets and weights, and each column the model and grouping do not read (times and
    /// line numbers but for time-decay, channels but by channel, people's ids by channel), and,
    /// once the conversions' campaign labels are found (by campaign), the campaigns; `rows` and
    /// the parents go too. The people's
    /// ids that stay give up their slots (`Interner.keepKeysOnly`): `events.people` can name
    /// people afterwards, not find them. The same result.
    ///
    /// `rows`, when given, are `rowsFirst(events:)` of these events (found beside the reading
    /// of the conversions); they are used where the model starts from them.
    package static func attribute(
        releasing events: inout ReferralEvents, conversions: Conversions, options: AttributionOptions,
        pathsFromEvents: Bool = false, timings: PhaseTimings? = nil, rows: consuming Rows? = nil, converters: [Int32]? = nil
    ) throws(AttributionError) -> AttributionResult {
        try attribute(
            events: &events, release: true, conversions: conversions, options: options, pathsFromEvents: pathsFromEvents,
            timings: timings, rows: consume rows, converters: converters)
    }

    /// What every model but influence-flow finds from the referral rows alone before the
    /// conversions: each person's parent, and the merge count of the rest.
    package struct Rows: Sendable {
        let forest: ReferralParents
        let merged: DataQuality

        package init(_ found: (forest: ReferralParents, merged: DataQuality)) {
            (forest, merged) = found
        }
    }

    /// Whether a run of `options` starts from `Rows` (influence-flow starts from its graph,
    /// beside which it finds the parents itself).
    package static func startsFromRows(_ options: AttributionOptions, pathsFromEvents: Bool) -> Bool {
        options.model != .influenceFlow || pathsFromEvents
    }

    /// The rows' parents and merge count, each timed, side by side (on one thread when called
    /// inside another thread's work). Beside the reading of the conversions, `Export.read`
    /// runs the two halves (`rowsFirst(timings:label:)`) instead.
    package static func rowsFirst(events: ReferralEvents, timings: PhaseTimings?) -> Rows {
        let (parents, merged) = rowsFirst(timings: timings)
        return Rows(Parallel.both({ parents(events) }, { merged(events) }))
    }

    /// The two halves of `rowsFirst(events:timings:)`, for `Export.read`'s `beside`: the
    /// parents, and the merge count (which runs there on the side that is done first).
    package static func rowsFirst(timings: PhaseTimings?, label: String = "") -> (
        alone: (ReferralEvents) -> ReferralParents, after: (ReferralEvents) -> DataQuality
    ) {
        (
            { events in timings.measure("parents\(label)") { ReferralParents(events: events) } },
            { events in timings.measure("merge count") { ReferralGraph.quality(of: events) } }
        )
    }

    /// The parents, chains and (for influence-flow) graph every model starts from, and the
    /// merge count of the rest. Influence-flow reads the parents past the chains only for
    /// campaigns' labels: otherwise they are given up once the chains are found (`nil`), while
    /// the graph is still being built.
    ///
    /// `unnamed`, for events that have given up their people's ids: how many people there are
    /// and each of the conversions' users' person.
    private static func prepare(
        events: ReferralEvents, conversions: Conversions, options: AttributionOptions, pathsFromEvents: Bool, timings: PhaseTimings?,
        rows: Rows?, unnamed: (people: Int, node: [Int32])? = nil, converters: [Int32]? = nil, fullChains: Bool = false
    ) -> (
        graph: ReferralGraph?, first: InfluenceFlow.FirstOrder?, forest: ReferralParents?, chains: ConversionChains, merged: DataQuality?,
        journeys: ChannelPaths.FullChains?
    ) {
        // Each conversion's user's person: found by the read, or here.
        func node() -> [Int32] { unnamed?.node ?? converters ?? events.people.indices(of: conversions.users) }
        // Only influence-flow runs on the graph: it is built first, on every thread; then the
        // order its solve starts from (one thread's walk over the graph) is found beside the
        // parents and chains, which need only the rows. (The graph beside the parents and
        // chains, on one thread, then the order: graph 683 ms, the order 0.68 s of the credit,
        // one run with timers on the 10M program export.)
        if options.model == .influenceFlow && !pathsFromEvents {
            let graph = timings.measure("graph") { ReferralGraph(events: events, peopleCount: unnamed?.people) }
            let (first, (forest, chains)) = Parallel.both(
                { timings.measure("sweep order (beside the parents)") { InfluenceFlow.firstOrder(graph.forward) } },
                {
                    let people = unnamed?.people ?? events.people.count
                    let forest = timings.measure("parents (beside the sweep order)") {
                        ReferralParents(scope: ScopeRows(allOf: events, peopleCount: people), joinOrder: false)
                    }
                    let chains = timings.measure("chains (beside the sweep order)") {
                        ConversionChains(events: events, forest: forest, conversions: conversions, node: node())
                    }
                    return (options.grouping == .campaign ? forest : nil, chains)
                })
            return (graph, first, forest, chains, nil, nil)
        }
        // The other models need the graph's merge count alone: the duplicate count needs only
        // the rows, and runs beside the parents (one thread's union–find). The chains come
        // after, on every thread (inside `Parallel.both` they would run on one), or, for the
        // paths, on one thread beside the full chains the null journeys are counted on (one
        // thread's walk).
        let rows = rows ?? rowsFirst(events: events, timings: timings)
        if fullChains {
            let (chains, journeys) = Parallel.both(
                {
                    timings.measure("chains (beside the full chains)") {
                        ConversionChains(events: events, forest: rows.forest, conversions: conversions, node: node())
                    }
                },
                { timings.measure("full chains (beside the chains)") { ChannelPaths.FullChains(events: events, forest: rows.forest) } })
            return (nil, nil, rows.forest, chains, rows.merged, journeys)
        }
        let chains = timings.measure("chains") {
            ConversionChains(events: events, forest: rows.forest, conversions: conversions, node: node())
        }
        return (nil, nil, rows.forest, chains, rows.merged, nil)
    }

    private static func attribute(
        events: inout ReferralEvents, release: Bool, conversions: Conversions, options: AttributionOptions,
        pathsFromEvents: Bool, timings: PhaseTimings?, rows: consuming Rows? = nil, converters: [Int32]? = nil
    ) throws(AttributionError) -> AttributionResult {
        try check(options)
        let onPaths = pathsFromEvents || options.model == .markov || options.model == .shapley
        let flowByChannel = options.model == .influenceFlow && !pathsFromEvents && options.grouping == .channel
        // What the credit does not read of the referral data. The paths and influence-flow by
        // channel read the channels alone (and the parents, for the paths). A chain model's
        // credit and influence-flow's by person or campaign read the chains, influence-flow's
        // the graph, and of the referral data only the people's ids (by person or campaign),
        // the times and line numbers (time-decay), the channels (by channel); by campaign the
        // labels are found first, from the campaigns and parents. What the parents, chains and
        // graph do not read either goes before they are found, the rest after. (On the 10.9M-person program export,
        // last-touch and linear by person came to their peak in the credit, 1.14 and 1.31 GB,
        // before this went; influence-flow by person to 1.52 GB.)
        var unread: ReferralEvents.Columns = []
        if release, onPaths || flowByChannel {
            unread = [.people, .endpoints, .times, .campaigns, .lines]
        } else if release {
            unread = [.endpoints]
            if options.model != .timeDecay { unread.formUnion([.times, .lines]) }
            if options.grouping != .channel { unread.insert(.channels) }
            if options.grouping != .campaign { unread.insert(.campaigns) }
            if options.grouping == .channel { unread.insert(.people) }
        }
        events.release(unread.subtracting([.endpoints, .times, .people]))
        // Influence-flow by channel never names a person: the people's ids (their bytes and
        // tables, 0.36 GB of the 10.9M-person program export) go before the graph is built,
        // once the conversions' users are matched to them.
        // So do the paths' and the chain models' by channel, once the parents are found (the
        // rows' only reader of the people's count): their chains never name anyone (on the
        // program export the paths' peak came while their chains were found, 986 MB with the
        // ids, 0.36 GB of it).
        var unnamed: (people: Int, node: [Int32])?
        if release, flowByChannel || (unread.contains(.people) && rows != nil) {
            unnamed = (events.people.count, converters ?? events.people.indices(of: conversions.users))
            events.people = Interner(capacity: 0)
        }
        // The paths' full chains are found beside the chains only when the paths will be made.
        let fullChains = onPaths && options.model.isPathModel && options.grouping == .channel && events.channel != nil
        let (found, first, parents, chains, merged, fullChainsFound) = prepare(
            events: events, conversions: conversions, options: options, pathsFromEvents: pathsFromEvents, timings: timings,
            rows: consume rows, unnamed: unnamed, converters: converters, fullChains: fullChains)
        // Influence-flow is handed the graph and the parents, to give them up as it goes.
        // The paths are handed the full chains, to grow their trie without a copy.
        var (graph, forest, journeys) = (consume found, consume parents, consume fullChainsFound)
        let graphQuality = graph?.quality
        // By campaign, each conversion's label is found here, from the parents and the campaign
        // column, which then go (on the 10M program export time-decay by campaign held 1.17 GB
        // with them through its credit). A missing time is reported first, as before.
        var campaigns: CampaignLabels?
        if !onPaths, options.grouping == .campaign {
            if graph == nil { try checkTimed(options.model, chains: chains, events: events, conversions: conversions) }
            guard let forest else { preconditionFailure("Attribution: the parents are needed by campaign") }
            campaigns = try CampaignLabels(events: events, forest: forest, conversions: conversions, chains: chains, model: options.model)
            if release { unread.insert(.campaigns) }
        }
        events.release(unread)
        // The people's ids that stay are only named from here on, never looked for: their
        // slots go (for 10.9M e-mail ids without a number, 256 MiB).
        if release, !unread.contains(.people), events.people.count > 0 { events.people.keepKeysOnly() }
        if !onPaths { forest = nil }
        var result = try timings.measure("credit") { () throws(AttributionError) -> AttributionResult in
            if onPaths {
                guard options.model.isPathModel else {
                    throw .unsupported(
                        model: options.model,
                        reason:
                            "paths carry no people or times; use \(AttributionModel.allCases.filter(\.isPathModel).map(\.rawValue).joined(separator: ", ")) on paths."
                    )
                }
                guard options.grouping == .channel else {
                    throw .unsupported(model: options.model, reason: "paths credit channels; use --by channel.")
                }
                let paths = try ChannelPaths(
                    events: events, forest: forest!, chains: chains, conversions: conversions,
                    journeys: journeys.take() ?? ChannelPaths.FullChains(events: events, forest: forest!))
                var result = try attribute(paths: paths, options: options)
                result.conversionsQuality = conversions.quality
                result.conversionRows = conversions.count
                return result
            } else if let handed = graph.take() {
                return try InfluenceFlow.attribute(
                    events: events, graph: handed, campaigns: campaigns, chains: chains,
                    conversions: conversions, options: options, first: first)
            } else {
                return try chainAttribution(
                    events: events, campaigns: campaigns, chains: chains, conversions: conversions,
                    options: options)
            }
        }
        result.quality = graphQuality ?? merged!
        result.quality.unknownConverters = result.organicCounts.unknownConverter
        return result
    }

    /// Credits the conversions of a path table to its channels.
    /// - Throws: `AttributionError.unsupported` for a model that needs people or times.
    public static func attribute(paths: ChannelPaths, options: AttributionOptions) throws(AttributionError) -> AttributionResult {
        try check(options)
        guard options.model.isPathModel else {
            throw .unsupported(
                model: options.model, reason: "paths carry no people or times; use markov, shapley, first-touch, last-touch or linear.")
        }
        switch options.model {
        case .markov: return try MarkovAttribution.attribute(paths)
        case .shapley: return try ShapleyAttribution.attribute(paths, options: options)
        default: return try PathHeuristics.attribute(paths, model: options.model)
        }
    }

    static func check(_ options: AttributionOptions) throws(AttributionError) {
        guard options.damping >= 0, options.damping < 1 else {
            throw .badParameter(name: "--damping", value: Format.short(options.damping), rule: "it must lie in [0, 1)")
        }
        guard options.halfLife > 0, options.halfLife.isFinite else {
            throw .badParameter(name: "--half-life", value: Format.short(options.halfLife), rule: "it must be a positive duration")
        }
        guard options.shapleySamples >= 1 else {
            throw .badParameter(name: "--samples", value: String(options.shapleySamples), rule: "it must be at least 1")
        }
    }

    /// Time-decay needs each chain cut at its conversion's time.
    /// - Throws: `AttributionError.needsColumn` when the events or the conversions have no time.
    static func checkTimed(
        _ model: AttributionModel, chains: ConversionChains, events: ReferralEvents, conversions: Conversions
    ) throws(AttributionError) {
        if model == .timeDecay, !chains.timed {
            let file = events.timestamp == nil ? events.file : conversions.file
            throw .needsColumn(model: "time-decay", column: "timestamp", file: file, flag: "--timestamp-column (events)")
        }
    }

    /// The chain models: each conversion split over its chain's referrers.
    /// - Parameter campaigns: each conversion's campaign label, by campaign (found by the caller).
    static func chainAttribution(
        events: ReferralEvents, campaigns: CampaignLabels?, chains: ConversionChains,
        conversions: Conversions, options: AttributionOptions
    ) throws(AttributionError) -> AttributionResult {
        let model = options.model
        try checkTimed(model, chains: chains, events: events, conversions: conversions)
        let channel: [Int32]?
        if options.grouping == .channel {
            guard let c = events.channel else {
                throw .needsColumn(model: "--by channel", column: "channel", file: events.file, flag: "--channel-column")
            }
            channel = c
        } else {
            channel = nil
        }
        precondition((options.grouping == .campaign) == (campaigns != nil), "Attribution: campaign labels exactly by campaign")
        let n = events.people.count
        var ledger = CreditLedger()
        var total = Credit()
        var organic = Credit()
        var organicByCampaign = [Credit](repeating: Credit(), count: campaigns?.names.count ?? 0)
        var ages: [Double] = []
        var shares: [Double] = []
        let fetch = CreditFetch(
            chains: chains, model: model, channel: channel, time: model == .timeDecay ? events.timestamp : nil,
            grouping: options.grouping)
        for i in 0..<chains.count {
            fetch.fetch(conversion: i &+ CreditFetch.ahead, ledger: ledger)
            let value = conversions.value[i]
            total += Credit(conversions: 1, value: value)
            let referrers = chains.referrers(of: i)
            guard !referrers.isEmpty else {
                organic += Credit(conversions: 1, value: value)
                if let campaigns { organicByCampaign[campaigns.ofConversion[i]] += Credit(conversions: 1, value: value) }
                continue
            }
            let rows = chains.rows(of: i)
            if model == .timeDecay {
                let t = conversions.timestamp![i]
                guard !t.isNaN else { throw .missingTime(file: conversions.file, line: Int(conversions.line[i]), what: "conversion") }
                ages.removeAll(keepingCapacity: true)
                for r in rows {
                    let made = events.timestamp![Int(r)]
                    guard !made.isNaN else { throw .missingTime(file: events.file, line: Int(events.line[Int(r)]), what: "referral") }
                    ages.append(t - made)
                }
            }
            ConversionChains.shares(model, length: referrers.count, ages: ages, halfLife: options.halfLife, into: &shares)
            for (k, (person, row)) in zip(referrers, rows).enumerated() where shares[k] != 0 {
                let key: Int
                switch options.grouping {
                case .person: key = Int(person)
                case .channel: key = Int(channel![Int(row)])
                case .campaign: key = campaigns!.ofConversion[i] * n + Int(person)
                }
                ledger.add(key, Credit(conversions: shares[k], value: shares[k] * value))
            }
        }
        // Keys are people in the order they were first credited: at random.
        let rows = ledger.rows(people: options.grouping == .person ? events.people : nil) { key, credit in
            row(key: key, credit: credit, grouping: options.grouping, events: events, campaigns: campaigns)
        }
        let counts = chains.organicCounts()
        var result = try AttributionResult(
            model: model, grouping: options.grouping, rows: rows, total: total, organic: organic,
            organicByCampaign: campaigns.map { c in organicByCampaign.enumerated().map { (c.names[$0.offset], $0.element) } } ?? [],
            organicCounts: .init(
                unknownConverter: counts.unknownConverter, notReferred: counts.notReferred,
                referredAfterConverting: counts.referredAfterConverting),
            quality: events.quality)
        if model == .timeDecay { result.parameters = [("half_life_seconds", .number(options.halfLife))] }
        result.parameters.append(("chains_cut_at_conversion_time", .bool(chains.timed)))
        result.conversionsQuality = conversions.quality
        result.conversionRows = conversions.count
        return result
    }

    /// The output row of a ledger key.
    static func row(
        key: Int, credit: Credit, grouping: AttributionGrouping, events: ReferralEvents,
        campaigns: CampaignLabels?
    ) -> AttributionResult.Row {
        switch grouping {
        case .person:
            return .init(id: events.people.name(Int32(key)), credit: credit)
        case .channel:
            return .init(id: key >= 0 ? events.channels.name(Int32(key)) : ChannelPaths.noChannel, credit: credit)
        case .campaign:
            let n = events.people.count
            return .init(campaign: campaigns!.names[key / n], id: events.people.name(Int32(key % n)), credit: credit)
        }
    }
}

/// What the credit of one conversion's chain reads at random, fetched some conversions ahead:
/// the channel or time of each referral row that gets a share, or the ledger's slot of each
/// referrer. Hints only: it reads, and forms an address only from an index checked against
/// its array's length.
private struct CreditFetch {
    /// How many conversions ahead.
    static let ahead = 8
    let chains: ConversionChains
    let model: AttributionModel
    let channel: [Int32]?
    let time: [Double]?
    let grouping: AttributionGrouping

    @inline(__always) func fetch(conversion i: Int, ledger: borrowing CreditLedger) {
        guard i < chains.count else { return }
        let (start, end) = (chains.chainStart[i], chains.chainStart[i + 1])
        guard end > start else { return }
        // The links that get a share: the direct referrer alone for last-touch, the first
        // sharer alone for first-touch, every one otherwise.
        let links =
            switch model {
            case .lastTouch: start..<start + 1
            case .firstTouch: end - 1..<end
            default: start..<end
            }
        for k in links {
            if grouping == .person {
                ledger.prefetch(Int(chains.referrer[k]))
                continue
            }
            let r = Int(chains.row[k])
            if let channel, r >= 0, r < channel.count { channel.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + r) } }
            if let time, r >= 0, r < time.count { time.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + r) } }
        }
    }
}
