extension ScoreResult {
    /// The summary line, then rank, node and score(s) as a Markdown table (numbers with up
    /// to 6 significant digits), then notes.
    /// - Parameter top: keep only the first `top` ranks.
    public func markdown(top: Int? = nil) -> String {
        let order = ranking().prefix(top ?? .max)
        var header = ["rank", "node"]
        header += authority == nil ? [algorithm.rawValue] : ["hub", "authority"]
        let rows: [[String]] = order.enumerated().map { k, p in
            var row = [String(k + 1), people.name(p), Format.short(score[Int(p)])]
            if let authority { row.append(Format.short(authority[Int(p)])) }
            return row
        }
        var out = MarkdownTable.escape(summary) + "\n\n" + MarkdownTable.render(header: header, rows: rows, rightAligned: [0, 2, 3])
        if order.count < people.count { out += "\n… \(people.count - order.count) more (--top, or --format csv for all)\n" }
        for note in quality.notes { out += "\n- note: " + MarkdownTable.escape(note) }
        return quality.notes.isEmpty ? out : out + "\n"
    }
}

/// The scores as the command line writes them, in every format of `OutputDocument`.
public struct ScoreListing: OutputDocument, Sendable {
    public var result: ScoreResult
    /// Keep only the first `top` ranks (`nil`: all; a table shows 20).
    public var top: Int?
    /// The counts of the `--personalize` conversions file, if one was read.
    public var conversionsQuality: DataQuality?

    public init(_ result: ScoreResult, top: Int? = nil, conversionsQuality: DataQuality? = nil) {
        self.result = result
        self.top = top
        self.conversionsQuality = conversionsQuality
    }

    public func table() -> String { result.table(top: top ?? 20) }
    public func csv() -> String { result.csv(top: top) }
    public func csvBytes() -> [UInt8] { result.csvBytes(top: top) }
    public func csvPieces() -> OutputPieces { result.csvPieces(top: top) }
    public func json() -> JSONValue { result.json(top: top, conversionsQuality: conversionsQuality) }
    public func markdown() -> String { result.markdown(top: top ?? 20) }
}
