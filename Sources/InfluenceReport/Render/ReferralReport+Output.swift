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
            "next advocates": "Best next advocates",
            "data quality": "Data quality", "column mapping": "Columns used",
        ]
        for t in tables.dropFirst() {
            if t.section == "data quality", let next = nextAdvocates, next.unavailable != nil, let text = nextAdvocateSummary {
                out += "\n## Best next advocates\n\n" + MarkdownTable.escape(text) + "\n"
            }
            out += "\n## " + (headings[t.section] ?? t.section) + "\n\n"
            if t.section == "next advocates", let text = nextAdvocateSummary { out += MarkdownTable.escape(text) + "\n\n" }
            out += MarkdownTable.render(header: t.header, rows: t.rows, rightAligned: t.rightAligned)
            if t.section == "data quality", !qualityNotes.isEmpty {
                out += "\n" + qualityNotes.map { "- " + MarkdownTable.escape($0) + "\n" }.joined()
            }
        }
        return out
    }
}
