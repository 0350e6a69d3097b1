extension AttributionResult {
    /// The summary line, the credits with organic and total rows as a Markdown table, then notes.
    /// - Parameter top: keep only the first `top` rows.
    public func markdown(top: Int? = nil) -> String {
        let (header, body, labels, shown) = displayRows(top: top, organic: "**organic**", total: "**total**")
        var out = MarkdownTable.escape(summary) + "\n\n"
        out += MarkdownTable.render(header: header, rows: body, rightAligned: Set(labels..<header.count))
        if shown < rows.count { out += "\n… \(rows.count - shown) more rows (--top, or --format csv for all)\n" }
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
    public func csvPieces() -> OutputPieces { result.csvPieces(top: top) }
    public func json() -> JSONValue { result.json(top: top) }
    public func markdown() -> String { result.markdown(top: top ?? 20) }
}
