import InfluenceModel

extension ReferralReport {
    /// The report as one self-contained HTML page: inline CSS, charts as inline SVG, no
    /// script and nothing loaded from anywhere. Every text from the input is escaped, and the
    /// markup is well-formed XML, so an XML parser reads it as well as a browser.
    public func page() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<title>\(Markup.escape(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n<main>\n"
        out += "<header><h1>\(Markup.escape(title))</h1>"
        out += "<p class=\"sub\">Word of mouth measured from \(Markup.escape(sources)) by \(Tool.name) \(Tool.version).</p></header>\n"
        out += section("headline", "The headline", headlineCards)
        out += section(
            "reach", "Reach over time",
            spread.overall.reach.isEmpty
                ? paragraph("The export has no time column, so there is no timeline.")
                : paragraph(reachSummary) + Charts.reach(reachSeries, title: "People reached over time") + details(reachTable, "Day by day")
        )
        out += section(
            "funnel", "Generation funnel",
            paragraph(
                "Seed sharers are generation 0; the people they referred are generation 1, and so on. R is how many people each generation brought in per person of the generation before: below 1, the chain shrinks."
            ) + Charts.funnel(sizes: spread.overall.generationSizes, title: "People per generation") + table(funnelTable))
        out += section(
            "sizes", "Cascade sizes",
            paragraph(sizeSummary) + Charts.ccdf(ccdfSeries, title: "Share of cascades at least each size, log–log")
                + details(sizeTable, "Cascades by size"))
        if !groupScopes.isEmpty {
            out += section("campaigns", "Campaigns side by side", table(scopeTable))
        }
        out += section("advocates", "Top advocates", paragraph(advocateSummary) + table(advocateTable))
        if let channels = spread.channels, !channels.isEmpty {
            out += section("channels", "Channels compared", channelsBody(channels))
        }
        if let comparison, let comparisonTable {
            out += section(
                "comparison", "Campaign comparison",
                paragraph(
                    "Each metric with its \(HumanNumber.percent(comparison.level)) interval, and its lift over \(comparison.baseline); a whisker that crosses 0 is not a clear difference."
                )
                    + Charts.whiskers(
                        comparison.rows.filter { $0.lift != nil }, baseline: comparison.baseline, title: "Lift over the baseline")
                    + table(comparisonTable))
        }
        if let nextAdvocateSummary {
            out += section(
                "next", "Best next advocates", paragraph(nextAdvocateSummary) + (nextAdvocateTable.map { table($0) } ?? ""))
        }
        out += section("quality", "Data quality", qualityBody)
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    /// The files read, as the subtitle names them.
    var sources: String {
        var files = InputQualitiesNames.paths(spread.quality)
        if let c = spread.conversionsQuality { files += InputQualitiesNames.paths(c).filter { !files.contains($0) } }
        return files.isEmpty ? spread.file : files.joined(separator: ", ")
    }

    var headlineCards: String {
        var out = "<div class=\"cards\">"
        for h in headlines {
            out += "<div class=\"card\"><div class=\"label\">\(Markup.escape(h.label))</div>"
            out += "<div class=\"value\">\(Markup.escape(h.value))</div><p>\(Markup.escape(h.meaning))</p></div>"
        }
        return out + "</div>"
    }

    var reachSummary: String {
        let reach = spread.overall.reach
        guard let last = reach.last,
            let busiest = reach.max(by: { $0.newPeople < $1.newPeople || ($0.newPeople == $1.newPeople && $0.day > $1.day) })
        else { return "" }
        var text =
            "\(HumanNumber.count(last.cumulativePeople)) people reached by \(last.date); the busiest day was \(busiest.date), with \(HumanNumber.count(busiest.newPeople)) new people."
        if reachSeries.count > 1 {
            text +=
                grouping == .channel
                ? " Dashed lines are the people each channel's referrals reached." : " Dashed lines are single campaigns."
            text += chartScopesNote
        }
        return text
    }

    var sizeSummary: String {
        let all = spread.overall
        var text =
            "\(HumanNumber.count(all.cascadeCount)) cascade\(all.cascadeCount == 1 ? "" : "s"); the largest reached \(HumanNumber.count(all.largestCascade)) people, the mean is \(HumanNumber.decimal(all.meanCascadeSize))."
        if let v = all.structuralVirality {
            text +=
                " Structural virality \(HumanNumber.decimal(v)): the mean distance between two people of a cascade (about 2 for a broadcast from one sharer, higher for chains of person-to-person sharing)."
        }
        text += " On log–log axes a straight tail means a few cascades are very large."
        if ccdfSeries.count > 1 { text += " Dashed lines are single campaigns." + chartScopesNote }
        return text
    }

    var advocateSummary: String {
        var text =
            "The \(advocates.count == 1 ? "sharer" : "\(advocates.count) sharers") with the best PageRank rank among \(HumanNumber.count(scoredPeople)) people: PageRank credits people whose invitations led to further sharing. Direct invites counts referrals sent; downstream reach, the people below them in their cascade."
        if conversions != nil { text += " Revenue credited follows the linear model (each referrer of a chain gets an equal share)." }
        return text
    }

    func channelsBody(_ all: [ChannelSpread]) -> String {
        // The charts draw the channels with the most referrals; the tables list every one.
        let kept = Set(all.indices.sorted { all[$0].referrals > all[$1].referrals }.prefix(Charts.maxCategories))
        let channels = all.indices.filter(kept.contains).map { all[$0] }
        let names = channels.map(\.channel)
        let panels = [
            Charts.Panel(
                title: "Speed: median time per hop", unit: "hours from a referral to the next (shorter is faster)",
                values: channels.map(\.medianHoursPerHop), format: { HumanNumber.fixed($0, digits: 1) + " h" },
                tickFormat: HumanNumber.compact),
            Charts.Panel(
                title: "Depth: mean generation reached", unit: "generation of the invited", values: channels.map { Optional($0.meanDepth) },
                format: HumanNumber.decimal),
            Charts.Panel(
                title: "Conversion: invite conversion rate", unit: "share of invited people who converted",
                values: channels.map(\.inviteConversionRate), format: HumanNumber.percent),
            Charts.Panel(title: "K-factor", unit: "new customers per sharer", values: channels.map(\.kFactor), format: HumanNumber.decimal),
        ]
        var out = ""
        if channels.count < all.count {
            out += paragraph(
                "The charts draw the \(channels.count) channels with the most referrals, of \(all.count); the tables list them all.")
        }
        out += Charts.channels(names, panels: panels, title: "Channels: speed, depth, conversion and K-factor") + table(channelTable)
        if !channelCredit.isEmpty {
            let every = channelNames
            let total = every.map { name in channelCredit.reduce(0) { $0 + ($1.credits[name]?.value ?? 0) } }
            let top = Set(every.indices.sorted { total[$0] > total[$1] }.prefix(Charts.maxCategories))
            let drawn = every.indices.filter(top.contains).map { every[$0] }
            out += "<div class=\"part\"><h3>Channel credit under several attribution models</h3>"
            out += paragraph(
                "How the conversion value is split between channels by each model: last-touch and first-touch credit one referral of the chain, linear splits it evenly, position gives 40% to each end, time-decay favours recent referrals; markov (removal effect) and shapley look at channel paths as a whole. Where the models agree, the answer does not depend on the choice."
            )
            out += Charts.credit(
                channels: drawn, models: channelCredit.map(\.model),
                values: channelCredit.map { credit in drawn.map { credit.credits[$0]?.value ?? 0 } }, currency: currency,
                title: "Value credited to each channel, by model")
            out += table(creditTable) + "</div>"
        }
        return out
    }

    var qualityBody: String {
        var out = paragraph("What was read, left out and merged, so every figure above can be trusted or questioned.") + table(qualityTable)
        let notes = qualityNotes
        if !notes.isEmpty {
            out += "<ul class=\"notes\">" + notes.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>"
        }
        out += "<h3>Columns used</h3>" + table(columnTable)
        return out
    }

    // MARK: Pieces

    func section(_ id: String, _ heading: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(Markup.escape(heading))</h2>\n\(body)\n</section>\n"
    }

    func paragraph(_ text: String) -> String { "<p>\(Markup.escape(text))</p>" }

    func details(_ t: ReportTable, _ summary: String) -> String {
        "<details><summary>\(Markup.escape(summary))</summary>" + table(t) + "</details>"
    }

    func table(_ t: ReportTable) -> String {
        var out = "<div class=\"scroll\"><table><thead><tr>"
        for (k, h) in t.header.enumerated() { out += "<th\(t.rightAligned.contains(k) ? " class=\"num\"" : "")>\(Markup.escape(h))</th>" }
        out += "</tr></thead><tbody>"
        for row in t.rows {
            out += "<tr>"
            for (k, cell) in row.enumerated() {
                out += "<td\(t.rightAligned.contains(k) ? " class=\"num\"" : "")>\(Markup.escape(cell))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// Screen at up to 1280 px and A4 print; no fonts or images from anywhere.
    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --rule: #d9dde5; --band: #f4f6f9; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px 40px 48px; }
        header h1 { font-size: 30px; margin: 8px 0 2px; }
        .sub { color: var(--muted); margin: 0 0 8px; overflow-wrap: anywhere; }
        h2 { font-size: 21px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
        h3 { font-size: 17px; margin: 22px 0 6px; }
        section { margin: 30px 0; }
        p { max-width: 80ch; margin: 6px 0 12px; }
        .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; }
        .card { background: var(--band); border-radius: 8px; padding: 12px 14px; }
        .card .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
        .card .value { font-size: 24px; font-weight: 650; margin: 2px 0 4px; overflow-wrap: anywhere; }
        .card p { font-size: 13.5px; margin: 0; color: var(--ink); }
        svg.chart { display: block; width: 100%; max-width: 960px; height: auto; margin: 8px 0 14px; font-family: inherit; }
        svg .grid { stroke: #e6e8ee; stroke-width: 1; }
        svg .axis { stroke: #6b7280; stroke-width: 1; }
        svg .zero { stroke: #333; stroke-width: 1.2; }
        svg .whisker { stroke: #8C8C8C; stroke-width: 2; }
        svg .whisker.sig { stroke: #0072B2; }
        svg text { fill: var(--ink); font-size: 12px; }
        svg .tick { fill: #404756; }
        svg .value { font-size: 11.5px; fill: #202634; }
        svg .muted { fill: #8a92a3; }
        svg .axis-title { font-size: 12.5px; fill: #404756; font-weight: 600; }
        svg .legend { font-size: 12.5px; }
        svg .panel-title { font-size: 13.5px; font-weight: 650; }
        table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; overflow-wrap: break-word; }
        td:first-child { white-space: nowrap; }
        th { background: var(--band); font-weight: 650; }
        td.num, th.num { text-align: right; }
        td.num { white-space: nowrap; }
        details summary { cursor: pointer; color: var(--muted); }
        .scroll { overflow-x: auto; }
        ul.notes { font-size: 13.5px; color: var(--muted); overflow-wrap: break-word; }
        @media (max-width: 760px) { .cards { grid-template-columns: 1fr 1fr; } main { padding: 16px; } }
        @media print {
          @page { size: A4; margin: 14mm 12mm; }
          body { font-size: 11pt; }
          table { font-size: 8.5pt; }
          th, td { padding: 3px 6px; }
          main { max-width: none; padding: 0; }
          section { break-before: page; margin: 0; }
          section#headline { break-before: avoid; }
          svg.chart, table, .card { break-inside: avoid; }
          svg.chart { max-width: 100%; }
          details > summary { display: none; }
          .part { break-before: page; }
          .scroll { overflow: visible; }
          .card { border: 1px solid var(--rule); }
        }

        """
}

/// The file names a data-quality record holds.
enum InputQualitiesNames {
    static func paths(_ quality: DataQuality) -> [String] {
        guard !quality.columns.isEmpty else { return quality.files }
        var seen = Set<String>()
        return quality.columns.map(\.file).filter { seen.insert($0).inserted }
    }
}
