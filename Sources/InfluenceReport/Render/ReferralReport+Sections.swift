import InfluenceModel

extension ReferralReport {
    /// One headline figure with a sentence saying what it means.
    public struct Headline: Sendable, Equatable {
        /// What the figure is, such as `K-factor`.
        public var label: String
        /// The figure as people read it, such as `0.74` or `$98,922`.
        public var value: String
        /// A sentence saying what it means.
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
}
