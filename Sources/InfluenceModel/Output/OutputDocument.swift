/// A result that can be written in the command line's formats: every command's output goes
/// through this one protocol, so a new format is added once, not once per command.
///
/// `table`, `csv`, `json` and `markdown` are required; `html` is only for documents meant to
/// be opened in a browser (reports), and `nil` elsewhere.
public protocol OutputDocument {
    /// For reading in a terminal.
    func table() -> String
    /// For spreadsheets and other programs; text cells go through `CSVText`.
    func csv() -> String
    /// The document of the JSON contract (`JSONValue.document`).
    func json() -> JSONValue
    /// The same figures as Markdown tables (GitHub's pipe tables).
    func markdown() -> String
    /// A self-contained page, or `nil` when the document has none.
    func html() -> String?
    /// The CSV as bytes (a document with a faster byte path overrides it).
    func csvBytes() -> [UInt8]
    /// The bytes of `csvBytes()` in pieces to be written one after the other, each made when
    /// it is wanted (a long listing is never all in memory at once).
    func csvPieces() -> OutputPieces
}

extension OutputDocument {
    public func html() -> String? { nil }

    public func csvBytes() -> [UInt8] { Array(csv().utf8) }

    public func csvPieces() -> OutputPieces { OutputPieces([csvBytes()]) }

    /// Whether the document can be written as `format`.
    public func supports(_ format: OutputFormat) -> Bool {
        format != .html || html() != nil
    }

    /// The document in `format`; `nil` for HTML when it has no page.
    public func rendered(as format: OutputFormat) -> String? {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json().rendered()
        case .markdown: return markdown()
        case .html: return html()
        }
    }

    /// Writes the document as `format` to `path` (`nil` or `-`: standard output), atomically.
    /// - Returns: `false` (nothing written) when the document has no such format.
    /// - Throws: `OutputError`.
    @discardableResult
    public func write(as format: OutputFormat, to path: String?) throws(OutputError) -> Bool {
        switch format {
        case .csv:
            try OutputFile.write(pieces: csvPieces(), to: path)
            return true
        case .json:
            try OutputFile.write(pieces: json().renderedPieces(), to: path)
            return true
        default: break
        }
        guard let text = rendered(as: format) else { return false }
        try OutputFile.write(text, to: path)
        return true
    }
}

/// GitHub-flavoured Markdown pipe tables.
public enum MarkdownTable {
    /// A table: a header row, the alignment row, then the rows. Cells are escaped (`|`,
    /// backslash, line breaks, and `<` `>` `&` so no cell turns into HTML); columns in
    /// `rightAligned` are aligned right.
    public static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map(escape).joined(separator: " | ") + " |\n" }
        var out = line(header)
        out += "|" + header.indices.map { rightAligned.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in rows { out += line(row) }
        return out
    }

    /// A cell's text, safe inside a pipe table.
    public static func escape(_ cell: String) -> String {
        var out = ""
        for ch in cell {
            switch ch {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
