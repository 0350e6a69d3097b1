extension AttributionResult {
    /// The summary line, the credits with organic and total rows as a Markdown table, then notes.
    /// - Parameter top: keep only the first `top` rows.
    public func markdown(top: Int? = nil) -> String {
        let shown = rows.prefix(top ?? .max)
        let header = csvHeader
        let labels = grouping == .campaign ? 2 : 1
        var body: [[String]] = shown.map { row in
            var cells: [String] = []
            if let campaign = row.campaign { cells.append(campaign) }
            cells.append(row.id)
            cells.append(Format.short(row.credit.conversions))
            cells.append(Self.money(row.credit.value))
            if let effect = row.removalEffect { cells.append(Format.short(effect)) }
            if let error = row.standardError { cells += [Format.short(error.conversions), Format.short(error.value)] }
            return cells
        }
        let before = [String](repeating: "", count: labels - 1)
        let after = [String](repeating: "", count: header.count - labels - 2)
        body.append(["**organic**"] + before + [Format.short(organic.conversions), Self.money(organic.value)] + after)
        body.append(["**total**"] + before + [Format.short(total.conversions), Self.money(total.value)] + after)
        var out = MarkdownTable.escape(summary) + "\n\n"
        out += MarkdownTable.render(header: header, rows: body, rightAligned: Set(labels..<header.count))
        if shown.count < rows.count { out += "\n… \(rows.count - shown.count) more rows (--top, or --format csv for all)\n" }
        if !notes.isEmpty { out += "\n" + notes.map { "- note: " + MarkdownTable.escape($0) + "\n" }.joined() }
        return out
    }
}

/// The credits as the command line writes them, in every format of `OutputDocument`.
public struct AttributionListing: OutputDocument, Sendable {
    public var result: AttributionResult
    /// Keep only the first `top` rows (`nil`: all; a table shows 20).
    public var top: Int?

    public init(_ result: AttributionResult, top: Int? = nil) {
        self.result = result
        self.top = top
    }

    public func table() -> String { result.table(top: top ?? 20) }
    public func csv() -> String { result.csv(top: top) }
    public func json() -> JSONValue { result.json(top: top) }
    public func markdown() -> String { result.markdown(top: top ?? 20) }
}
