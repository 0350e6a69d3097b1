extension SpreadReport {
    /// The CSV listing of one level. Numbers are the shortest decimals that read back exactly
    /// (`Format.shortest`), times are ISO 8601 UTC, and an empty field means "not defined here".
    /// Text cells (campaigns, ids, channels) are written by `CSVText.appendField`.
    ///
    /// - `campaign`: one row per campaign, then `all`: `campaign,people,sharers,referrals,
    ///   cascades,largest_cascade,mean_cascade_size,max_depth,max_breadth,structural_virality,
    ///   invites_per_sharer,invite_conversion_rate,k_factor,generation_sizes,median_hours_per_hop`
    ///   (the generation sizes separated by spaces).
    /// - `cascade`: `root,campaign,size,depth,max_breadth,structural_virality,first_timestamp,last_timestamp`.
    /// - `channel`: `channel,referrals,people_reached,median_hours_per_hop,mean_depth,invite_conversion_rate,k_factor`.
    /// - `generation`: `campaign,generation,people,r` (r empty for the last generation).
    /// - `day`: `campaign,date,new_people,cumulative_people`.
    public func csv(per level: SpreadLevel) -> String {
        if level == .cascade { return String(decoding: cascadeCSVPieces().joined(), as: UTF8.self) }
        var out = Self.header(level).joined(separator: ",") + "\n"
        let text = Self.textColumns(level)
        for row in rows(per: level, number: Format.shortest) {
            for (k, field) in row.enumerated() {
                if k > 0 { out.append(",") }
                if text.contains(k) { CSVText.appendField(field, to: &out) } else { CSVText.appendPlain(field, to: &out) }
            }
            out.append("\n")
        }
        return out
    }

    /// The column names of a level's listing.
    public static func header(_ level: SpreadLevel) -> [String] {
        switch level {
        case .campaign:
            return [
                "campaign", "people", "sharers", "referrals", "cascades", "largest_cascade", "mean_cascade_size",
                "max_depth", "max_breadth", "structural_virality", "invites_per_sharer", "invite_conversion_rate",
                "k_factor", "generation_sizes", "median_hours_per_hop",
            ]
        case .cascade:
            return ["root", "campaign", "size", "depth", "max_breadth", "structural_virality", "first_timestamp", "last_timestamp"]
        case .channel:
            return ["channel", "referrals", "people_reached", "median_hours_per_hop", "mean_depth", "invite_conversion_rate", "k_factor"]
        case .generation:
            return ["campaign", "generation", "people", "r"]
        case .day:
            return ["campaign", "date", "new_people", "cumulative_people"]
        }
    }

    /// The columns of a level's listing that hold text from the input (ids, campaigns, channels).
    static func textColumns(_ level: SpreadLevel) -> Set<Int> {
        level == .cascade ? [0, 1] : [0]
    }

    /// The fields of a level's listing, numbers written by `number`, empty where undefined.
    func rows(per level: SpreadLevel, number: (Double) -> String) -> [[String]] {
        func optional(_ value: Double?) -> String { value.map(number) ?? "" }
        func time(_ value: Double?) -> String { value.map(Timestamp.iso8601) ?? "" }
        switch level {
        case .campaign:
            return scopes.map { s in
                [
                    s.campaign, String(s.people), String(s.sharers), String(s.referrals), String(s.cascadeCount),
                    String(s.largestCascade), number(s.meanCascadeSize), String(s.maxDepth), String(s.maxBreadth),
                    optional(s.structuralVirality), optional(s.invitesPerSharer), optional(s.inviteConversionRate),
                    optional(s.kFactor), s.generationSizes.map(String.init).joined(separator: " "),
                    optional(s.medianHoursPerHop),
                ]
            }
        case .cascade:
            return cascades.map { campaign, c in
                [
                    people.name(c.root), campaign, String(c.size), String(c.depth), String(c.maxBreadth),
                    optional(c.structuralVirality), time(c.firstTimestamp), time(c.lastTimestamp),
                ]
            }
        case .channel:
            return (channels ?? []).map { c in
                [
                    c.channel, String(c.referrals), String(c.peopleReached), optional(c.medianHoursPerHop),
                    number(c.meanDepth), optional(c.inviteConversionRate), optional(c.kFactor),
                ]
            }
        case .generation:
            return scopes.flatMap { s in
                let r = s.growth
                return s.generationSizes.enumerated().map { g, n in
                    [s.campaign, String(g), String(n), g < r.count ? number(r[g]) : ""]
                }
            }
        case .day:
            return scopes.flatMap { s in
                s.reach.map { [s.campaign, $0.date, String($0.newPeople), String($0.cumulativePeople)] }
            }
        }
    }

    /// Everything in one `JSONValue.document`: every scope (with its generations and reach
    /// over time), every channel, every cascade, and the data-quality counts.
    public func json() -> JSONValue {
        func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        let campaigns: [JSONValue] = scopes.map { s in
            let r = s.growth
            return .object([
                ("campaign", .string(s.campaign)),
                ("people", .int(s.people)),
                ("sharers", .int(s.sharers)),
                ("referrals", .int(s.referrals)),
                ("cascades", .int(s.cascadeCount)),
                ("largest_cascade", .int(s.largestCascade)),
                ("mean_cascade_size", .number(s.meanCascadeSize)),
                ("max_depth", .int(s.maxDepth)),
                ("max_breadth", .int(s.maxBreadth)),
                ("structural_virality", optional(s.structuralVirality)),
                ("invites_per_sharer", optional(s.invitesPerSharer)),
                ("referred_people", .int(s.referredPeople)),
                ("converted_referred_people", s.convertedReferredPeople.map(JSONValue.int) ?? .null),
                ("invite_conversion_rate", optional(s.inviteConversionRate)),
                ("k_factor", optional(s.kFactor)),
                ("generation_sizes", .array(s.generationSizes.map(JSONValue.int))),
                (
                    "generations",
                    .array(
                        s.generationSizes.enumerated().map { g, n in
                            .object([("generation", .int(g)), ("people", .int(n)), ("r", g < r.count ? .number(r[g]) : .null)])
                        })
                ),
                ("median_hours_per_hop", optional(s.medianHoursPerHop)),
                ("timed_hops", .int(s.timedHops)),
                (
                    "reach",
                    .array(
                        s.reach.map { d in
                            .object([
                                ("date", .string(d.date)), ("new_people", .int(d.newPeople)),
                                ("cumulative_people", .int(d.cumulativePeople)),
                            ])
                        })
                ),
            ])
        }
        let channelList: JSONValue =
            channels.map { list in
                .array(
                    list.map { c in
                        .object([
                            ("channel", .string(c.channel)),
                            ("referrals", .int(c.referrals)),
                            ("sharers", .int(c.sharers)),
                            ("people_reached", .int(c.peopleReached)),
                            ("median_hours_per_hop", optional(c.medianHoursPerHop)),
                            ("timed_hops", .int(c.timedHops)),
                            ("mean_depth", .number(c.meanDepth)),
                            ("invites_per_sharer", .number(c.invitesPerSharer)),
                            ("converted_referred_people", c.convertedReferredPeople.map(JSONValue.int) ?? .null),
                            ("invite_conversion_rate", optional(c.inviteConversionRate)),
                            ("k_factor", optional(c.kFactor)),
                        ])
                    })
            } ?? .null
        return .document(
            command: "spread", parameters: [],
            results: [
                ("rows_without_campaign", .int(rowsWithoutCampaign)),
                ("rows_without_channel", .int(rowsWithoutChannel)),
                ("campaigns", .array(campaigns)),
                ("channels", channelList),
                ("cascades", cascadeObjects()),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }
}
