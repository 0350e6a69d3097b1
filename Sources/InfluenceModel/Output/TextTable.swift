/// The output formats of the command line.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown, html
}

/// Plain aligned text tables.
public enum TextTable {
    /// Columns padded to their widest cell; columns in `rightAligned` padded on the left.
    public static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var width = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < width.count { width[i] = max(width[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: width[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        var out = line(header)
        out += line(width.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        return out
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
