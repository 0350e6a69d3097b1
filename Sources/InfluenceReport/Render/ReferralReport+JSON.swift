import InfluenceModel

extension ReferralReport {
    /// The report's data as a `JSONValue.document` (command `report`): the headline, reach,
    /// generations, cascade sizes, groups, advocates, channels, channel credit, comparison
    /// and quality counts; numbers as computed, not rounded for people.
    public func json() -> JSONValue {
        func optional(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }
        func optionalInt(_ v: Int?) -> JSONValue { v.map(JSONValue.int) ?? .null }
        let all = spread.overall
        let headline: JSONValue = .object([
            ("first_day", period.map { .string($0.first) } ?? .null),
            ("last_day", period.map { .string($0.last) } ?? .null),
            ("people_reached", .int(all.people)),
            ("sharers", .int(all.sharers)),
            ("referrals", .int(all.referrals)),
            ("cascades", .int(all.cascadeCount)),
            ("conversions", optionalInt(conversions?.count)),
            ("revenue", optional(conversions?.value)),
            ("referred_revenue", optional(conversions?.referred.value)),
            ("invites_per_sharer", optional(all.invitesPerSharer)),
            ("invite_conversion_rate", optional(all.inviteConversionRate)),
            ("k_factor", optional(all.kFactor)),
            ("sentences", .array(headlines.map { .object([("label", .string($0.label)), ("text", .string($0.meaning))]) })),
        ])
        let scopes: [JSONValue] = (groupScopes + [all]).map { s in
            .object([
                ("campaign", .string(s.campaign)),
                ("people", .int(s.people)),
                ("referrals", .int(s.referrals)),
                ("cascades", .int(s.cascadeCount)),
                ("k_factor", optional(s.kFactor)),
                (
                    "reach",
                    .array(
                        s.reach.map {
                            .object([
                                ("date", .string($0.date)), ("new_people", .int($0.newPeople)),
                                ("cumulative_people", .int($0.cumulativePeople)),
                            ])
                        })
                ),
                ("generation_sizes", .array(s.generationSizes.map(JSONValue.int))),
                (
                    "cascade_sizes",
                    .array(
                        Self.sizeDistribution(s).map {
                            .object([("size", .int($0.size)), ("cascades", .int($0.cascades)), ("share_at_least", .number($0.atLeast))])
                        })
                ),
            ])
        }
        let advocateList: [JSONValue] = advocates.map { a in
            .object([
                ("id", .string(a.id)), ("name", a.name.map(JSONValue.string) ?? .null), ("pagerank_rank", .int(a.pagerankRank)),
                ("direct_invites", .int(a.directInvites)), ("friends_converted", optionalInt(a.friendsConverted)),
                ("revenue_credited", optional(a.revenueCredited)), ("downstream_reach", .int(a.downstreamReach)),
            ])
        }
        let channelList: JSONValue =
            spread.channels.map { list in
                .array(
                    list.map { c in
                        .object([
                            ("channel", .string(c.channel)), ("referrals", .int(c.referrals)), ("people_reached", .int(c.peopleReached)),
                            ("median_hours_per_hop", optional(c.medianHoursPerHop)), ("mean_depth", .number(c.meanDepth)),
                            ("invite_conversion_rate", optional(c.inviteConversionRate)), ("k_factor", optional(c.kFactor)),
                        ])
                    })
            } ?? .null
        let credit: [JSONValue] = channelCredit.map { m in
            .object([
                ("model", .string(m.model)),
                (
                    "credits",
                    .array(
                        m.credits.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
                            .object([
                                ("channel", .string(name)), ("conversions", .number(m.credits[name]!.conversions)),
                                ("value", .number(m.credits[name]!.value)),
                            ])
                        })
                ),
                ("organic", .object([("conversions", .number(m.organic.conversions)), ("value", .number(m.organic.value))])),
            ])
        }
        let comparisonValue: JSONValue =
            comparison.map { c in
                .object([
                    ("baseline", .string(c.baseline)), ("level", .number(c.level)),
                    (
                        "rows",
                        .array(
                            c.rows.map { r in
                                .object([
                                    ("group", .string(r.group)), ("metric", .string(r.metric)), ("value", .number(r.value)),
                                    ("low", .number(r.low)), ("high", .number(r.high)), ("lift", optional(r.lift)),
                                    ("lift_low", optional(r.liftLow)), ("lift_high", optional(r.liftHigh)), ("p_value", optional(r.pValue)),
                                    ("significant", .bool(r.significant)), ("verdict", .string(r.verdict)),
                                ])
                            })
                    ),
                ])
            } ?? .null
        let nextValue: JSONValue =
            nextAdvocates.map { n in
                .object([
                    ("method", .string(n.method)), ("probabilities", .string(n.probabilities)),
                    (
                        "seeds",
                        .array(
                            n.rows.enumerated().map { k, r in
                                .object([
                                    ("rank", .int(k + 1)), ("node", .string(r.id)), ("name", r.name.map(JSONValue.string) ?? .null),
                                    ("marginal_gain", .number(r.marginalGain)), ("expected_spread", .number(r.expectedSpread)),
                                ])
                            })
                    ),
                    ("expected_spread", .number(n.spread)), ("low", .number(n.low)), ("high", .number(n.high)), ("runs", .int(n.runs)),
                    ("pagerank_expected_spread", optional(n.pagerankSpread)), ("pagerank_low", optional(n.pagerankLow)),
                    ("pagerank_high", optional(n.pagerankHigh)), ("unavailable", n.unavailable.map(JSONValue.string) ?? .null),
                ])
            } ?? .null
        return .document(
            command: "report",
            parameters: [("title", .string(title)), ("currency", .string(currency.code)), ("by", .string(grouping.rawValue))],
            results: [
                ("headline", headline),
                ("scopes", .array(scopes)),
                ("advocates", .array(advocateList)),
                ("channels", channelList),
                ("channel_credit", .array(credit)),
                ("comparison", comparisonValue),
                ("next_advocates", nextValue),
                ("cycle_referrals", .int(cycleReferrals)),
                ("skipped_models", .array(skippedModels.map(JSONValue.string))),
            ],
            quality: InputQualities(referrals: spread.quality, conversions: spread.conversionsQuality))
    }
}
