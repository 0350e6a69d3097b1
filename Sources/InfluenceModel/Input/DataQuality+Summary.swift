/// The plain-language account of a read that every command prints on standard error.
extension DataQuality {
    /// Lines describing what was read, how, and what was left out or merged.
    /// - Parameter kept: what the rows became, such as `2,621 referral pairs among 2,923 people`.
    public func summaryLines(kept: String) -> [String] {
        var lines: [String] = []
        let fileList = files.isEmpty ? "" : " from " + files.joined(separator: ", ")
        lines.append("read \(Self.count(rows)) row\(s(rows))\(fileList): \(kept)")
        for mapping in columns {
            lines.append("  columns of \(mapping.file): \(mapping.summary)")
        }
        for decision in decisions { lines.append("  " + decision) }
        var notes: [String] = []
        if selfReferrals > 0 { notes.append("\(Self.count(selfReferrals)) self-referral row\(s(selfReferrals)) left out") }
        if mergedDuplicates > 0 {
            notes.append(
                "\(Self.count(mergedDuplicates)) repeated referral row\(s(mergedDuplicates)) merged into earlier pairs (weights summed)")
        }
        if unreferredRows > 0 {
            notes.append(
                "\(Self.count(unreferredRows)) row\(s(unreferredRows)) with an empty referrer (customers nobody referred) not counted as referrals"
            )
        }
        if rowsWithoutValue > 0 {
            notes.append(
                "\(Self.count(rowsWithoutValue)) row\(s(rowsWithoutValue)) with an empty value (no purchase) not counted as conversions")
        }
        if untimedRows > 0 { notes.append("\(Self.count(untimedRows)) row\(s(untimedRows)) without a time") }
        if normalizedIds > 0 {
            notes.append(
                "\(Self.count(normalizedIds)) id\(s(normalizedIds)) normalized (spaces trimmed, Unicode NFC, e-mail case) and matched as one person; --exact-ids keeps them as written"
            )
        }
        if blankLines > 0 { notes.append("\(Self.count(blankLines)) blank line\(s(blankLines)) passed over") }
        if unknownConverters > 0 {
            let examples = unknownExamples.isEmpty ? "" : " (such as " + unknownExamples.joined(separator: ", ") + ")"
            notes.append(
                "\(Self.count(unknownConverters)) conversion\(s(unknownConverters)) by people not in the referral export\(examples): counted as organic"
            )
        }
        for note in notes { lines.append("  " + note) }
        return lines
    }

    /// Warnings that change what a result means: printed even with `--quiet`.
    public func warnings(noun: String) -> [String] {
        var out: [String] = []
        if unknownConverters > 0, 2 * unknownConverters > rows - rowsWithoutValue - skippedRows - filteredRows {
            // Most conversions match nobody: the user column probably holds other ids than the export.
            out.append(
                "\(Self.count(unknownConverters)) conversions are by people not in the referral export, most of those read; "
                    + "check that the user column holds the same ids as the referral export (--user-column NAME)")
        }
        if skippedRows > 0 {
            let share = rows > 0 ? Double(skippedRows) / Double(rows) : 1
            var text =
                "skipped \(Self.count(skippedRows)) bad row\(s(skippedRows)) of \(Self.count(rows)) \(noun) (\(InputError.percent(share)))"
            if let worst = worstColumn { text += ", most in the \(worst) column" }
            text += "; the first:"
            out.append(text)
            for reason in skipReasons.prefix(3) { out.append("  " + reason) }
        }
        return out
    }

    private func s(_ n: Int) -> String { n == 1 ? "" : "s" }

    /// `1,234,567`.
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }
}
