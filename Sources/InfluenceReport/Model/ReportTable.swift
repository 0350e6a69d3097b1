/// One table of figures, as every format shows it: Markdown and HTML tables, and the long
/// CSV form.
public struct ReportTable: Sendable, Equatable {
    /// The section it belongs to, such as `top advocates` (the CSV's first column).
    public var section: String
    /// The column names.
    public var header: [String]
    /// Cells as people read them (`33.5%`, `$26,872`); the first names the row.
    public var rows: [[String]]
    /// Columns aligned right (numbers).
    public var rightAligned: Set<Int>

    public init(section: String, header: [String], rows: [[String]], rightAligned: Set<Int>? = nil) {
        self.section = section
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned ?? Set(1..<max(header.count, 1))
    }
}
