import InfluenceModel

extension ReferralReport: OutputDocument {
    /// The HTML page (`page()`).
    public func html() -> String? { page() }

    /// In a terminal the report reads as its Markdown.
    public func table() -> String { markdown() }

    /// Every table in long form: `section,row,measure,value`, values as the page shows them.
    public func csv() -> String {
        var out = "section,row,measure,value\n"
        for t in tables {
            for row in t.rows {
                for k in 1..<max(row.count, 1) where k < t.header.count {
                    for (i, cell) in [t.section, row[0], t.header[k], row[k]].enumerated() {
                        if i > 0 { out += "," }
                        CSVText.appendField(cell, to: &out)
                    }
                    out += "\n"
                }
            }
        }
        return out
    }

    /// The same figures as the page, as Markdown: a heading per section, the headline
    /// sentences, then each table.
    public func markdown() -> String {
        var out = "# " + MarkdownTable.escape(title) + "\n\n"
        out += "Word of mouth measured from " + MarkdownTable.escape(sources) + " by \(Tool.name) \(Tool.version).\n\n"
        out += "## The headline\n\n"
        for h in headlines {
            out += "- **\(MarkdownTable.escape(h.label))**: \(MarkdownTable.escape(h.value)). \(MarkdownTable.escape(h.meaning))\n"
        }
        let headings: [String: String] = [
            "reach over time": "Reach over time", "generation funnel": "Generation funnel", "cascade sizes": "Cascade sizes",
            "campaigns": "Campaigns side by side", "top advocates": "Top advocates", "channels": "Channels compared",
            "channel credit": "Channel credit by attribution model", "campaign comparison": "Campaign comparison",
            "data quality": "Data quality", "column mapping": "Columns used",
        ]
        for t in tables.dropFirst() {
            out += "\n## " + (headings[t.section] ?? t.section) + "\n\n"
            out += MarkdownTable.render(header: t.header, rows: t.rows, rightAligned: t.rightAligned)
            if t.section == "data quality", !qualityNotes.isEmpty {
                out += "\n" + qualityNotes.map { "- " + MarkdownTable.escape($0) + "\n" }.joined()
            }
        }
        return out
    }

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
                ("cycle_referrals", .int(cycleReferrals)),
                ("skipped_models", .array(skippedModels.map(JSONValue.string))),
            ],
            quality: InputQualities(referrals: spread.quality, conversions: spread.conversionsQuality))
    }
}
