extension SpreadReport {
    /// A listing for reading in a terminal: a summary line, the table, then notes. Numbers
    /// have up to 6 significant digits; `-` marks what is not defined. Per campaign the table
    /// is turned on its side: one row per measure, one column per campaign and `all`.
    public func table(per level: SpreadLevel) -> String {
        var out = summary + "\n\n"
        let fields = rows(per: level, number: Format.short).map { row in row.map { $0.isEmpty ? "-" : $0 } }
        switch level {
        case .campaign:
            let measures = Self.header(.campaign).dropFirst()
            let body = measures.enumerated().map { k, name in [name.replacing("_", with: " ")] + fields.map { $0[k + 1] } }
            out += TextTable.render(
                header: ["measure"] + scopes.map(\.campaign), rows: body,
                rightAligned: Set(1...scopes.count))
        case .cascade:
            out += TextTable.render(header: Self.header(level), rows: fields, rightAligned: [2, 3, 4, 5])
        case .channel:
            out += TextTable.render(header: Self.header(level), rows: fields, rightAligned: Set(1...6))
        case .generation:
            out += TextTable.render(header: Self.header(level), rows: fields, rightAligned: [1, 2, 3])
        case .day:
            out += TextTable.render(header: Self.header(level), rows: fields, rightAligned: [2, 3])
        }
        for note in notes(for: level) { out += "note: \(note)\n" }
        return out
    }

    /// One line: how much was measured.
    public var summary: String {
        let all = overall
        let campaigns = scopes.count - 1
        var line = "spread of \(all.referrals) referral\(all.referrals == 1 ? "" : "s") among \(all.people) people"
        line += " in \(all.cascadeCount) cascade\(all.cascadeCount == 1 ? "" : "s")"
        if campaigns > 0 { line += ", \(campaigns) campaign\(campaigns == 1 ? "" : "s")" }
        if let channels { line += ", \(channels.count) channel\(channels.count == 1 ? "" : "s")" }
        line += " (\(file)"
        if let conversionsFile { line += ", conversions from \(conversionsFile)" }
        return line + ")"
    }

    /// What a reader should know about the numbers of a listing.
    func notes(for level: SpreadLevel) -> [String] {
        var notes = quality.notes
        if let conversionsQuality, conversionsQuality.skippedRows > 0 {
            let first = conversionsQuality.skipReasons.first ?? ""
            notes.append("\(conversionsQuality.skippedRows) bad conversion row(s) skipped; first: \(first)")
        }
        if conversionsFile == nil, level == .campaign || level == .channel {
            notes.append("no --conversions given: invite conversion rate and K-factor are left empty")
        }
        if rowsWithoutCampaign > 0, level != .channel {
            notes.append("\(rowsWithoutCampaign) row(s) with no campaign count only for all")
        }
        if rowsWithoutChannel > 0, level == .channel {
            notes.append("\(rowsWithoutChannel) row(s) with no channel belong to no channel")
        }
        return notes
    }
}
