import InfluenceModel

extension ReferralReport {
    /// What a report is asked to show, besides the data.
    public struct Options: Sendable {
        public var title: String
        public var currency: Currency
        public var grouping: Grouping
        /// How many advocates the top-advocates table lists.
        public var topAdvocates: Int
        /// The power iterations' stopping rule (PageRank, influence scores).
        public var iteration: IterationSettings
        /// Names by id, from the export's name column (the first non-empty name of each id).
        public var names: [String: String]
        /// How the power iterations apply the adjacency (sparse, dense or chosen by size).
        public var operatorChoice: OperatorChoice

        public init(
            title: String = "Referral report", currency: Currency = Currency(code: "USD"), grouping: Grouping = .campaign,
            topAdvocates: Int = 10, iteration: IterationSettings = IterationSettings(), names: [String: String] = [:],
            operatorChoice: OperatorChoice = .auto
        ) {
            self.title = title
            self.currency = currency
            self.grouping = grouping
            self.topAdvocates = topAdvocates
            self.iteration = iteration
            self.names = names
            self.operatorChoice = operatorChoice
        }
    }

    /// The chain models whose channel credit the report sets side by side, before the path models.
    static let chainModels: [AttributionModel] = [.lastTouch, .firstTouch, .linear, .position, .timeDecay]

    /// Measures an export for a report: its spread, PageRank, the linear attribution by
    /// person, and channel credit under the chain models and the Markov and Shapley path
    /// models (on the paths derived from the referrals).
    ///
    /// A model the data cannot carry (time-decay without times) is left out and named in
    /// `skippedModels`.
    /// - Parameters:
    ///   - events: the referral rows.
    ///   - conversions: the conversions, or `nil`.
    ///   - options: title, currency, grouping and the rest.
    /// - Throws: `InputError` when no referral links two people, `ScoreError` or
    ///   `AttributionError` when a computation fails.
    /// - Complexity: that of `SpreadReport`, PageRank and the attributions together.
    public init(events: ReferralEvents, conversions: Conversions?, options: Options = Options()) throws {
        let spread = try SpreadReport(checking: events, conversions: conversions)
        let graph = try ReferralGraph(checking: events)
        let pagerank = try graph.score(
            ScoreOptions(algorithm: .pagerank, iteration: options.iteration, operatorChoice: options.operatorChoice))
        let forest = ReferralForest(events: events)

        var totals: ConversionTotals?
        var credited: [String: Double] = [:]
        var channelCredit: [ChannelCredit] = []
        var skipped: [String] = []
        var converted: [Bool]?
        if let conversions {
            let linear = try Attribution.attribute(
                events: events, conversions: conversions,
                options: AttributionOptions(
                    model: .linear, grouping: .person, iteration: options.iteration, operatorChoice: options.operatorChoice))
            for row in linear.rows { credited[row.id, default: 0] += row.credit.value }
            totals = ConversionTotals(count: conversions.count, value: linear.total.value, referred: linear.credited)
            var flags = [Bool](repeating: false, count: events.people.count)
            for p in events.people.indices(of: conversions.users) where p >= 0 { flags[Int(p)] = true }
            converted = flags
            if events.channel != nil {
                for model in Self.chainModels + [.markov, .shapley] {
                    let o = AttributionOptions(
                        model: model, grouping: .channel, iteration: options.iteration, operatorChoice: options.operatorChoice)
                    if model == .timeDecay, events.timestamp == nil {
                        skipped.append("time-decay: the export has no times")
                        continue
                    }
                    do {
                        let result = try Attribution.attribute(
                            events: events, conversions: conversions, options: o, pathsFromEvents: !model.isChainModel)
                        var byChannel: [String: Credit] = [:]
                        for row in result.rows { byChannel[row.id, default: Credit()] += row.credit }
                        channelCredit.append(ChannelCredit(model: model.rawValue, credits: byChannel, organic: result.organic))
                    } catch {
                        skipped.append("\(model.rawValue): \(error)")
                    }
                }
            }
        }

        var channelReach: [String: [DailyReach]] = [:]
        if let channel = events.channel, events.timestamp != nil {
            let rowsOf = ScopeRows.rowLists(labels: channel, count: events.channels.count)
            var numbering = ScopeNumbering(events: events)
            for (c, rows) in rowsOf.enumerated() where !rows.isEmpty {
                channelReach[events.channels.name(Int32(c))] = DailyReach.series(scope: numbering.scope(rows, of: events))
            }
        }
        let advocates = Self.advocates(
            events: events, forest: forest, pagerank: pagerank, converted: converted,
            credited: conversions == nil ? nil : credited, names: options.names, top: options.topAdvocates)
        self.init(
            title: options.title, currency: options.currency, grouping: options.grouping, spread: spread, conversions: totals,
            advocates: advocates, scoredPeople: pagerank.people.count, channelCredit: channelCredit,
            cycleReferrals: Self.cycleReferrals(events: events, forest: forest), skippedModels: skipped,
            channelReach: channelReach)
    }

    /// The sharers with the best PageRank ranks, with what they did.
    /// - Complexity: O(r + N log N) for r rows and N people.
    static func advocates(
        events: ReferralEvents, forest: ReferralForest, pagerank: ScoreResult, converted: [Bool]?,
        credited: [String: Double]?, names: [String: String], top: Int
    ) -> [Advocate] {
        let n = events.people.count
        var invites = [Int](repeating: 0, count: n)
        var friends = [Int](repeating: 0, count: n)
        var seen = Set<Int64>()
        for r in 0..<events.count {
            let s = events.source[r], t = events.target[r]
            invites[Int(s)] += 1
            if let converted, converted[Int(t)], seen.insert(Int64(s) << 32 | Int64(t)).inserted { friends[Int(s)] += 1 }
        }
        // People below each person in the forest: children before parents, by depth.
        var below = [Int](repeating: 0, count: n)
        for p in forest.members.sorted(by: { forest.depth[Int($0)] > forest.depth[Int($1)] }) {
            let parent = forest.parent[Int(p)]
            if parent >= 0 { below[Int(parent)] += below[Int(p)] + 1 }
        }
        // PageRank's people and the events' people are interned in the same order, but match by id.
        var result: [Advocate] = []
        for (k, p) in pagerank.ranking().enumerated() {
            let id = pagerank.people.name(p)
            guard let e = events.people.index(of: id), invites[Int(e)] > 0 else { continue }
            result.append(
                Advocate(
                    id: id, name: names[id], directInvites: invites[Int(e)],
                    friendsConverted: converted == nil ? nil : friends[Int(e)],
                    revenueCredited: credited.map { $0[id] ?? 0 }, pagerankRank: k + 1, downstreamReach: below[Int(e)]))
            if result.count == top { break }
        }
        return result
    }

    /// Rows s → t where t is an ancestor of s in the forest: a referral that would close a
    /// cycle. (Ancestry only grows while the forest is built, so a row refused as a parent
    /// for closing a cycle still points at an ancestor at the end.)
    ///
    /// t is an ancestor of s exactly when s's depth-first interval lies inside t's.
    /// - Complexity: O(N + r) for N people and r rows.
    static func cycleReferrals(events: ReferralEvents, forest: ReferralForest) -> Int {
        let n = events.people.count
        var enter = [Int](repeating: -1, count: n)
        var leave = [Int](repeating: -1, count: n)
        var clock = 0
        var stack: [(person: Int32, next: Int)] = []
        for root in forest.roots {
            enter[Int(root)] = clock
            clock += 1
            stack.append((root, 0))
            while let (p, k) = stack.last {
                let children = forest.children(of: p)
                if k < children.count {
                    stack[stack.count - 1].next = k + 1
                    let c = children[children.startIndex + k]
                    enter[Int(c)] = clock
                    clock += 1
                    stack.append((c, 0))
                } else {
                    leave[Int(p)] = clock
                    clock += 1
                    stack.removeLast()
                }
            }
        }
        var count = 0
        for r in 0..<events.count {
            let s = Int(events.source[r]), t = Int(events.target[r])
            if enter[t] >= 0, enter[s] >= 0, enter[t] < enter[s], leave[s] < leave[t] { count += 1 }
        }
        return count
    }
}
