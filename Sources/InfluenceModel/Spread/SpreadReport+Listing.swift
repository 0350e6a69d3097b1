extension SpreadReport {
    /// The listing of one level as a Markdown table (per campaign turned on its side, as in
    /// `table(per:)`), after the summary line and before the notes.
    public func markdown(per level: SpreadLevel) -> String {
        var out = MarkdownTable.escape(summary) + "\n\n"
        let fields = rows(per: level, number: Format.short).map { row in row.map { $0.isEmpty ? "-" : $0 } }
        switch level {
        case .campaign:
            let measures = Self.header(.campaign).dropFirst()
            let body = measures.enumerated().map { k, name in [name.replacing("_", with: " ")] + fields.map { $0[k + 1] } }
            out += MarkdownTable.render(header: ["measure"] + scopes.map(\.campaign), rows: body, rightAligned: Set(1...scopes.count))
        case .cascade:
            out += MarkdownTable.render(header: Self.header(level), rows: fields, rightAligned: [2, 3, 4, 5])
        case .channel:
            out += MarkdownTable.render(header: Self.header(level), rows: fields, rightAligned: Set(1...6))
        case .generation:
            out += MarkdownTable.render(header: Self.header(level), rows: fields, rightAligned: [1, 2, 3])
        case .day:
            out += MarkdownTable.render(header: Self.header(level), rows: fields, rightAligned: [2, 3])
        }
        let notes = notes(for: level)
        if !notes.isEmpty { out += "\n" + notes.map { "- note: " + MarkdownTable.escape($0) + "\n" }.joined() }
        return out
    }
}

/// One level of the spread as the command line writes it, in every format of `OutputDocument`.
public struct SpreadListing: OutputDocument, Sendable {
    public var report: SpreadReport
    public var level: SpreadLevel

    public init(_ report: SpreadReport, per level: SpreadLevel) {
        self.report = report
        self.level = level
    }

    public func table() -> String { report.table(per: level) }
    public func csv() -> String { report.csv(per: level) }
    /// Per cascade the rows are formatted as bytes piece by piece as they are written (`cascadeCSVPieces`).
    public func csvPieces() -> OutputPieces { level == .cascade ? report.cascadeCSVPieces() : OutputPieces([csvBytes()]) }
    /// JSON holds every level in one document.
    public func json() -> JSONValue { report.json() }
    public func markdown() -> String { report.markdown(per: level) }
}
