import InfluenceModel

extension ReferralReport {
    /// One headline figure with a sentence saying what it means.
    public struct Headline: Sendable, Equatable {
        public var label: String
        public var value: String
        public var meaning: String
    }

    /// The headline figures: period, people reached, referrals, conversions and revenue, K-factor.
    public var headlines: [Headline] {
        let all = spread.overall
        var items: [Headline] = []
        if let a = all.reach.first, let b = all.reach.last {
            let days = b.day - a.day + 1
            items.append(
                Headline(
                    label: "Period", value: HumanNumber.span(a.day, b.day),
                    meaning:
                        "\(HumanNumber.count(days)) day\(days == 1 ? "" : "s") from the first person reached (\(a.date)) to the last (\(b.date)), UTC."
                ))
        } else {
            items.append(Headline(label: "Period", value: "no dates", meaning: "The export has no time column, so there is no timeline."))
        }
        items.append(
            Headline(
                label: "People reached", value: HumanNumber.count(all.people),
                meaning:
                    "Everyone who shared or received a referral, in \(HumanNumber.count(all.cascadeCount)) cascade\(all.cascadeCount == 1 ? "" : "s") (chains of referrals), each started by one seed sharer."
            ))
        var referrals =
            "Invitations from one person to another (self-referrals left out), from \(HumanNumber.count(all.sharers)) sharer\(all.sharers == 1 ? "" : "s")"
        if let invites = all.invitesPerSharer {
            referrals += ": \(HumanNumber.decimal(invites)) each on average."
        } else {
            referrals += "."
        }
        items.append(Headline(label: "Referrals", value: HumanNumber.count(all.referrals), meaning: referrals))
        if let conversions {
            let share = conversions.value > 0 ? conversions.referred.value / conversions.value : 0
            let referred = conversions.referred.conversions
            items.append(
                Headline(
                    label: "Conversions", value: HumanNumber.count(conversions.count),
                    meaning:
                        "Purchases in the conversions file; \(HumanNumber.percent(conversions.count > 0 ? referred / Double(conversions.count) : 0)) of them were made by someone a referral brought in."
                ))
            items.append(
                Headline(
                    label: "Revenue", value: HumanNumber.money(conversions.value, currency),
                    meaning:
                        "\(HumanNumber.money(conversions.referred.value, currency)) of it (\(HumanNumber.percent(share))) came through a chain of referrals; the rest was organic."
                ))
        } else {
            items.append(Headline(label: "Conversions", value: "not given", meaning: "Pass --conversions FILE to count purchases."))
            items.append(
                Headline(label: "Revenue", value: "not given", meaning: "Pass --conversions FILE with a value column to count revenue."))
        }
        if let k = all.kFactor, let invites = all.invitesPerSharer, let rate = all.inviteConversionRate {
            let growth =
                k >= 1
                ? "Above 1, word of mouth grows on its own."
                : "Below 1, each wave is smaller than the last: growth needs new seed customers."
            items.append(
                Headline(
                    label: "K-factor", value: HumanNumber.decimal(k),
                    meaning:
                        "Each sharer invited \(HumanNumber.decimal(invites)) people and \(HumanNumber.percent(rate)) of those invited converted: every sharer brought \(HumanNumber.decimal(k)) new customers. \(growth)"
                ))
        } else {
            items.append(
                Headline(
                    label: "K-factor", value: "–",
                    meaning: "Needs conversions: invites per sharer × the share of invited people who converted."))
        }
        return items
    }

    /// The scopes shown side by side: the campaigns when grouping by campaign, else none.
    var groupScopes: [ScopeSpread] {
        grouping == .campaign ? Array(spread.scopes.dropLast()) : []
    }

    /// The campaigns drawn in charts: the largest by people reached, at most `Charts.maxSeries`,
    /// in the tables' order.
    var chartScopes: [ScopeSpread] {
        let scopes = groupScopes
        guard scopes.count > Charts.maxSeries else { return scopes }
        let kept = Set(scopes.indices.sorted { scopes[$0].people > scopes[$1].people }.prefix(Charts.maxSeries))
        return scopes.indices.filter(kept.contains).map { scopes[$0] }
    }

    /// The channels whose reach is drawn with `--by channel`: the most referrals first, at most
    /// `Charts.maxSeries`, in the tables' order.
    var chartChannels: [ChannelSpread] {
        guard grouping == .channel, let all = spread.channels else { return [] }
        let kept = Set(all.indices.sorted { all[$0].referrals > all[$1].referrals }.prefix(Charts.maxSeries))
        return all.indices.filter { kept.contains($0) && channelReach[all[$0].channel] != nil }.map { all[$0] }
    }

    /// A note under a chart that draws only some of the groups.
    var chartScopesNote: String {
        if grouping == .channel {
            let count = spread.channels?.count ?? 0
            return count > Charts.maxSeries ? " The chart draws the \(Charts.maxSeries) channels with the most referrals, of \(count)." : ""
        }
        return groupScopes.count > Charts.maxSeries
            ? " The chart draws the \(Charts.maxSeries) campaigns that reached the most people, of \(groupScopes.count)." : ""
    }

    /// Reach over time as chart series: the overall line, then one per campaign (or, by
    /// channel, one per channel: the people its referrals reached).
    var reachSeries: [Charts.Series] {
        var series = [
            Charts.Series(
                label: "all", color: Palette.overall,
                points: spread.overall.reach.map { (Double($0.day), Double($0.cumulativePeople)) })
        ]
        for (k, scope) in chartScopes.enumerated() where !scope.reach.isEmpty {
            series.append(
                Charts.Series(
                    label: scope.campaign, color: Palette.color(k),
                    points: scope.reach.map { (Double($0.day), Double($0.cumulativePeople)) },
                    dashed: true))
        }
        for (k, channel) in chartChannels.enumerated() {
            let reach = channelReach[channel.channel] ?? []
            series.append(
                Charts.Series(
                    label: channel.channel, color: Palette.color(k), points: reach.map { (Double($0.day), Double($0.cumulativePeople)) },
                    dashed: true))
        }
        return series
    }

    /// The share of a scope's cascades of at least each size, by size.
    static func sizeDistribution(_ scope: ScopeSpread) -> [(size: Int, cascades: Int, atLeast: Double)] {
        var count: [Int: Int] = [:]
        for c in scope.cascades { count[c.size, default: 0] += 1 }
        let total = Double(scope.cascades.count)
        var remaining = scope.cascades.count
        return count.keys.sorted().map { size in
            let share = Double(remaining) / total
            remaining -= count[size]!
            return (size, count[size]!, share)
        }
    }

    var ccdfSeries: [Charts.Series] {
        var series = [
            Charts.Series(
                label: "all", color: Palette.overall, points: Self.sizeDistribution(spread.overall).map { (Double($0.size), $0.atLeast) })
        ]
        for (k, scope) in chartScopes.enumerated() {
            series.append(
                Charts.Series(
                    label: scope.campaign, color: Palette.color(k),
                    points: Self.sizeDistribution(scope).map { (Double($0.size), $0.atLeast) },
                    dashed: true))
        }
        return series
    }

    // MARK: Tables

    var reachTable: ReportTable {
        ReportTable(
            section: "reach over time", header: ["date", "new people", "people reached"],
            rows: spread.overall.reach.map { [$0.date, HumanNumber.count($0.newPeople), HumanNumber.count($0.cumulativePeople)] })
    }

    var funnelTable: ReportTable {
        let sizes = spread.overall.generationSizes
        return ReportTable(
            section: "generation funnel", header: ["generation", "people", "R (× the generation before)"],
            rows: sizes.enumerated().map { g, n in
                [
                    g == 0 ? "0 (seeds)" : String(g), HumanNumber.count(n),
                    g == 0 || sizes[g - 1] == 0 ? "–" : HumanNumber.decimal(Double(n) / Double(sizes[g - 1])),
                ]
            })
    }

    var sizeTable: ReportTable {
        ReportTable(
            section: "cascade sizes", header: ["size (people)", "cascades", "cascades at least this size"],
            rows: Self.sizeDistribution(spread.overall).map {
                [HumanNumber.count($0.size), HumanNumber.count($0.cascades), HumanNumber.percent($0.atLeast)]
            })
    }

    /// Spread measures, one column per campaign and one for all.
    var scopeTable: ReportTable {
        let scopes = groupScopes + [spread.overall]
        func optional(_ v: Double?, _ f: (Double) -> String) -> String { v.map(f) ?? "–" }
        let measures: [(String, (ScopeSpread) -> String)] = [
            ("people reached", { HumanNumber.count($0.people) }),
            ("sharers", { HumanNumber.count($0.sharers) }),
            ("referrals", { HumanNumber.count($0.referrals) }),
            ("cascades", { HumanNumber.count($0.cascadeCount) }),
            ("largest cascade", { HumanNumber.count($0.largestCascade) }),
            ("deepest generation", { HumanNumber.count($0.maxDepth) }),
            ("structural virality", { optional($0.structuralVirality, HumanNumber.decimal) }),
            ("invites per sharer", { optional($0.invitesPerSharer, HumanNumber.decimal) }),
            ("invite conversion rate", { optional($0.inviteConversionRate, HumanNumber.percent) }),
            ("K-factor", { optional($0.kFactor, HumanNumber.decimal) }),
        ]
        let hops = HumanNumber.hours(scopes.map(\.medianHoursPerHop))
        return ReportTable(
            section: "campaigns", header: ["measure"] + scopes.map(\.campaign),
            rows: measures.map { name, value in [name] + scopes.map(value) } + [["median time per hop"] + hops])
    }

    var advocateTable: ReportTable {
        let named = advocates.contains { $0.name != nil }
        var header = ["PageRank rank", "advocate"]
        if named { header.append("id") }
        header += ["direct invites", "friends converted", "revenue credited", "downstream reach"]
        let rows: [[String]] = advocates.map { a in
            var row = [String(a.pagerankRank), a.name ?? a.id]
            if named { row.append(a.id) }
            row += [
                HumanNumber.count(a.directInvites), a.friendsConverted.map(HumanNumber.count) ?? "–",
                a.revenueCredited.map { HumanNumber.money($0, currency) } ?? "–", HumanNumber.count(a.downstreamReach),
            ]
            return row
        }
        var right = Set(2..<header.count)
        right.insert(0)
        if named { right.remove(2) }
        return ReportTable(section: "top advocates", header: header, rows: rows, rightAligned: right)
    }

    var channelTable: ReportTable {
        let channels = spread.channels ?? []
        let hops = HumanNumber.hours(channels.map(\.medianHoursPerHop))
        let rows: [[String]] = zip(channels, hops).map { c, hop in
            [
                c.channel, HumanNumber.count(c.referrals), HumanNumber.count(c.peopleReached),
                hop, HumanNumber.decimal(c.meanDepth),
                c.inviteConversionRate.map(HumanNumber.percent) ?? "–", c.kFactor.map(HumanNumber.decimal) ?? "–",
            ]
        }
        return ReportTable(
            section: "channels",
            header: [
                "channel", "referrals", "people reached", "median time per hop", "mean generation", "invite conversion rate", "K-factor",
            ],
            rows: rows)
    }

    var creditTable: ReportTable {
        let names = channelNames
        var rows: [[String]] = names.map { name in
            [name] + channelCredit.map { HumanNumber.money($0.credits[name]?.value ?? 0, currency) }
        }
        rows.append(["organic"] + channelCredit.map { HumanNumber.money($0.organic.value, currency) })
        return ReportTable(section: "channel credit", header: ["channel"] + channelCredit.map(\.model), rows: rows)
    }

    var comparisonTable: ReportTable? {
        guard let comparison else { return nil }
        let rows: [[String]] = comparison.rows.map { r in
            [
                r.group, r.metric, HumanNumber.decimal(r.value), "\(HumanNumber.decimal(r.low)) to \(HumanNumber.decimal(r.high))",
                r.lift.map(HumanNumber.signedPercent) ?? "baseline",
                r.liftLow.flatMap { low in r.liftHigh.map { "\(HumanNumber.signedPercent(low)) to \(HumanNumber.signedPercent($0))" } }
                    ?? "–",
                r.pValue.map(HumanNumber.decimal) ?? "–", r.significant ? "yes" : "no", r.verdict,
            ]
        }
        return ReportTable(
            section: "campaign comparison",
            header: ["group", "metric", "value", "interval", "lift", "lift interval", "p-value", "significant", "verdict"],
            rows: rows, rightAligned: [2, 3, 4, 5, 6])
    }

    /// Data-quality counts: rows read, skipped and why, merges, self-referrals, cycles.
    var qualityTable: ReportTable {
        let q = spread.quality
        var rows: [[String]] = [
            ["referral rows read", HumanNumber.count(q.rows)],
            ["bad rows skipped", HumanNumber.count(q.skippedRows)],
            ["self-referrals left out", HumanNumber.count(q.selfReferrals)],
            ["repeated rows merged into one referral", HumanNumber.count(q.mergedDuplicates)],
            ["referrals closing a cycle (never a first referral)", HumanNumber.count(cycleReferrals)],
            ["ids merged by normalization (case, spaces, Unicode)", HumanNumber.count(q.normalizedIds)],
            ["rows without a time", HumanNumber.count(q.untimedRows)],
            ["rows left out by the filter", HumanNumber.count(q.filteredRows)],
        ]
        if let c = spread.conversionsQuality {
            rows += [
                ["conversion rows read", HumanNumber.count(c.rows)],
                ["bad conversion rows skipped", HumanNumber.count(c.skippedRows)],
                ["conversions by people not in the referrals", HumanNumber.count(c.unknownConverters)],
                ["conversion rows without a value (no purchase)", HumanNumber.count(c.rowsWithoutValue)],
            ]
        }
        return ReportTable(section: "data quality", header: ["what", "rows"], rows: rows)
    }

    /// The columns each file was read with.
    var columnTable: ReportTable {
        var rows: [[String]] = []
        for q in [spread.quality] + (spread.conversionsQuality.map { [$0] } ?? []) {
            for mapping in q.columns {
                let used = mapping.entries.map { "\($0.role) ← \($0.column)" + ($0.named ? " (flag)" : "") }.joined(separator: ", ")
                rows.append([mapping.file, mapping.kind, used, mapping.unused.isEmpty ? "–" : mapping.unused.joined(separator: ", ")])
            }
        }
        return ReportTable(section: "column mapping", header: ["file", "kind", "columns used", "not used"], rows: rows, rightAligned: [])
    }

    /// Why rows were skipped, and decisions taken from the data.
    var qualityNotes: [String] {
        var notes: [String] = []
        let q = spread.quality
        notes += q.skipReasons.map { "skipped: " + $0 }
        notes += q.decisions
        if let c = spread.conversionsQuality {
            notes += c.skipReasons.map { "conversions skipped: " + $0 }
            notes += c.decisions
            if !c.unknownExamples.isEmpty {
                notes.append("conversions by people not in the referrals, such as " + c.unknownExamples.joined(separator: ", "))
            }
        }
        notes += skippedModels.map { "model left out: " + $0 }
        return notes
    }

    /// Every table, in page order (the ones a report without the data leaves out are skipped).
    public var tables: [ReportTable] {
        var tables = [
            ReportTable(section: "headline", header: ["figure", "value"], rows: headlines.map { [$0.label, $0.value] }),
            reachTable, funnelTable, sizeTable,
        ]
        if !groupScopes.isEmpty { tables.append(scopeTable) }
        tables.append(advocateTable)
        if spread.channels != nil { tables.append(channelTable) }
        if !channelCredit.isEmpty { tables.append(creditTable) }
        if let comparisonTable { tables.append(comparisonTable) }
        tables += [qualityTable, columnTable]
        return tables
    }
}
