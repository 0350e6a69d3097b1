import InfluenceModel

/// The tables every format shows: the HTML page's, Markdown's and the long CSV's.
extension ReferralReport {
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

    /// The next campaign's seeds: each with what it adds and the running expected spread.
    var nextAdvocateTable: ReportTable? {
        guard let next = nextAdvocates, next.unavailable == nil else { return nil }
        let named = next.rows.contains { $0.name != nil }
        var header = ["rank", "advocate"]
        if named { header.append("id") }
        header += ["people added", "expected reach so far"]
        let rows: [[String]] = next.rows.enumerated().map { k, r in
            var row = [String(k + 1), r.name ?? r.id]
            if named { row.append(r.id) }
            return row + [HumanNumber.decimal(r.marginalGain), HumanNumber.decimal(r.expectedSpread)]
        }
        return ReportTable(
            section: "next advocates", header: header, rows: rows, rightAligned: Set([0]).union((header.count - 2)..<header.count))
    }

    /// What the next-advocates section says in one paragraph.
    var nextAdvocateSummary: String? {
        guard let next = nextAdvocates else { return nil }
        if let reason = next.unavailable { return "No seeds were chosen: \(reason)" }
        var text =
            "Starting the next campaign with these \(next.rows.count) people reaches about \(HumanNumber.decimal(next.spread)) people "
            + "(\(HumanNumber.decimal(next.low)) to \(HumanNumber.decimal(next.high)), \(HumanNumber.count(next.runs)) simulated cascades)"
        if let p = next.pagerankSpread {
            text += ", against \(HumanNumber.decimal(p)) for the \(next.rows.count) people of highest PageRank"
        }
        text +=
            ". Chosen by \(next.method) under the Independent Cascade model, each referral succeeding with the probability estimated \(next.probabilities)."
        return text
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
        for (column, n) in q.skippedByColumn.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            notes.append("\(HumanNumber.count(n)) bad row\(n == 1 ? "" : "s") skipped for the \(column) column")
        }
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
        if let nextAdvocateTable { tables.append(nextAdvocateTable) }
        tables += [qualityTable, columnTable]
        return tables
    }
}
