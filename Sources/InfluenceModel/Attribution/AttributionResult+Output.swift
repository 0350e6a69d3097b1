extension AttributionResult {
    /// The CSV header: `node,conversions,value` (by person), `channel,conversions,value` (by
    /// channel; markov adds `removal_effect`, sampled shapley the standard errors),
    /// `campaign,node,conversions,value` (by campaign).
    public var csvHeader: [String] {
        var header: [String]
        switch grouping {
        case .person: header = ["node"]
        case .channel: header = ["channel"]
        case .campaign: header = ["campaign", "node"]
        }
        header += ["conversions", "value"]
        if model == .markov { header.append("removal_effect") }
        if shapleySamples != nil { header += ["conversions_se", "value_se"] }
        return header
    }

    /// The rows as CSV in output order; numbers read back exactly.
    /// - Parameter top: keep only the first `top` rows.
    public func csv(top: Int? = nil) -> String {
        String(decoding: csvPieces(top: top).joined(), as: UTF8.self)
    }

    /// The bytes of `csv(top:)` as the header, then runs of rows each formatted when it is
    /// wanted (`OutputPieces`): written one after the other, they need not be joined.
    ///
    /// Cells go through `CSVText`'s byte path and numbers through `Format.appendShortest`,
    /// with no `String` per cell (559,647 people credited by last-touch on a 10M-referral
    /// export: 322 ms for the text made cell by cell).
    /// - Complexity: O(rows shown × row length), when written.
    public func csvPieces(top: Int? = nil) -> OutputPieces {
        let shown = min(rows.count, max(0, top ?? .max))
        let header = Array((csvHeader.joined(separator: ",") + "\n").utf8)
        return OutputPieces(header: header, rows: shown, perPiece: OutputPieces.rowsPerPiece) { [rows] range, out in
            rows.withUnsafeBufferPointer { rows in
                for k in range {
                    if let campaign = rows[k].campaign {
                        CSVText.appendField(campaign, to: &out)
                        out.append(0x2C)
                    }
                    CSVText.appendField(rows[k].id, to: &out)
                    Self.appendNumber(rows[k].credit.conversions, to: &out)
                    Self.appendNumber(rows[k].credit.value, to: &out)
                    if let effect = rows[k].removalEffect { Self.appendNumber(effect, to: &out) }
                    if let error = rows[k].standardError {
                        Self.appendNumber(error.conversions, to: &out)
                        Self.appendNumber(error.value, to: &out)
                    }
                    out.append(0x0A)
                }
            }
        }
    }

    /// A comma, then `value` as `Format.shortest` writes it.
    private static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        out.append(0x2C)
        Format.appendShortest(value, to: &out)
    }

    /// The `credits` array: one object per row (`campaign` when grouped by campaign, `node` or
    /// `channel`, then the CSV header's number columns), written as text (`JSONValue.objects`).
    /// Making, rendering and freeing an object per row cost 0.66–0.79 s for 559,647 people
    /// credited by last-touch on a 10M-referral export.
    /// - Complexity: O(rows shown × row length).
    func creditsJSON(top: Int?) -> JSONValue {
        let shown = min(rows.count, max(0, top ?? .max))
        let header = csvHeader
        let idName = grouping == .channel ? "channel" : "node"
        return JSONValue.objects(shown) { [rows] range, list in
            rows.withUnsafeBufferPointer { rows in
                list.each(range) { k, object in
                    let labels = rows[k].campaign == nil ? 1 : 2
                    if let campaign = rows[k].campaign { object.string(campaign, named: "campaign") }
                    object.string(rows[k].id, named: idName)
                    // Conversions, value, then the removal effect and the standard errors a row
                    // has, each under the header's next name after the labels.
                    var at = labels
                    if at < header.count { object.number(rows[k].credit.conversions, named: header[at]) }
                    at += 1
                    if at < header.count { object.number(rows[k].credit.value, named: header[at]) }
                    at += 1
                    if let effect = rows[k].removalEffect {
                        if at < header.count { object.number(effect, named: header[at]) }
                        at += 1
                    }
                    if let error = rows[k].standardError {
                        if at < header.count { object.number(error.conversions, named: header[at]) }
                        if at + 1 < header.count { object.number(error.value, named: header[at + 1]) }
                    }
                }
            }
        }
    }

    /// Everything as a `JSONValue.document`: model and parameters, totals, organic credit and
    /// why, the rows, and the data quality of each input.
    public func json(top: Int? = nil) -> JSONValue {
        func credit(_ c: Credit) -> JSONValue { .object([("conversions", .number(c.conversions)), ("value", .number(c.value))]) }
        var organicFields: [(String, JSONValue)] = [
            ("conversions", .number(organic.conversions)),
            ("value", .number(organic.value)),
            ("unknown_converter", .int(organicCounts.unknownConverter)),
            ("not_referred", .int(organicCounts.notReferred)),
            ("referred_after_converting", .int(organicCounts.referredAfterConverting)),
        ]
        if !organicByCampaign.isEmpty {
            organicFields.append(
                (
                    "by_campaign",
                    .array(
                        organicByCampaign.map { entry in
                            .object([
                                ("campaign", .string(entry.campaign)), ("conversions", .number(entry.credit.conversions)),
                                ("value", .number(entry.credit.value)),
                            ])
                        })
                ))
        }
        // A path model's table counts describe its input, not a choice: they go with the results.
        let counted: Set<String> = ["paths", "journeys", "channels"]
        let pathTable = parameters.filter { counted.contains($0.0) }
        var parameters: [(String, JSONValue)] = [("model", .string(model.rawValue)), ("by", .string(grouping.rawValue))]
        parameters += self.parameters.filter { !counted.contains($0.0) }
        var fields: [(String, JSONValue)] = [
            ("path_table", pathTable.isEmpty ? .null : .object(pathTable)),
            ("iterations", report.map { .int($0.iterations) } ?? .null),
            ("residual", report.map { .number($0.residual) } ?? .null),
            ("converged", report.map { .bool($0.converged) } ?? .null),
            ("conversion_probability", conversionProbability.map(JSONValue.number) ?? .null),
            ("total", credit(total)),
            ("credited", credit(credited)),
            ("organic", .object(organicFields)),
        ]
        fields.append(("credits", creditsJSON(top: top)))
        // A path table is its own input; a referral export brings referrals and conversions
        // (also when its paths are derived with --paths-from-events).
        let pathTableInput = pathCount != nil && conversionsQuality == nil
        let inputs =
            pathTableInput
            ? InputQualities(paths: quality)
            : InputQualities(referrals: quality, conversions: conversionsQuality)
        return .document(command: "attribute", parameters: parameters, results: fields, quality: inputs)
    }

    /// The first `top` rows as display cells, then the organic and total rows under the
    /// given labels: what the table and Markdown listings show.
    func displayRows(top: Int?, organic organicLabel: String, total totalLabel: String) -> (
        header: [String], body: [[String]], labels: Int, shown: Int
    ) {
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
        body.append([organicLabel] + before + [Format.short(organic.conversions), Self.money(organic.value)] + after)
        body.append([totalLabel] + before + [Format.short(total.conversions), Self.money(total.value)] + after)
        return (header, body, labels, shown.count)
    }

    /// A table for a terminal: a summary line, the rows, then organic and total lines and notes.
    public func table(top: Int? = nil) -> String {
        let (header, body, labels, shown) = displayRows(top: top, organic: "organic", total: "total")
        var out = summary + "\n\n" + TextTable.render(header: header, rows: body, rightAligned: Set(labels..<header.count))
        if shown < rows.count { out += "… \(rows.count - shown) more rows (--top, or --format csv for all)\n" }
        for note in notes { out += "note: \(note)\n" }
        return out
    }

    /// One line: the model, what it credited, and how the iteration ended.
    public var summary: String {
        var line =
            "\(model.rawValue) attribution by \(grouping.rawValue): \(Format.short(total.conversions)) conversions worth \(Self.money(total.value)); \(Format.short(credited.conversions)) credited, \(Format.short(organic.conversions)) organic"
        if let report {
            line +=
                report.converged
                ? " (converged in \(report.iterations) iterations)"
                : " (did NOT converge in \(report.iterations) iterations)"
        }
        if let conversionProbability { line += " (P(conversion) \(Format.short(conversionProbability)))" }
        return line
    }

    /// Notes worth a person's attention.
    public var notes: [String] {
        var notes = quality.notes
        if let conversionsQuality {
            notes += conversionsQuality.notes.map { "conversions: " + $0 }
        }
        let c = organicCounts
        if c.referredAfterConverting > 0 {
            notes.append("\(c.referredAfterConverting) conversion(s) came before the converter's first referral: organic")
        }
        if let shapleySamples {
            notes.append(
                "more than 20 channels: Shapley values sampled from \(shapleySamples) permutations (standard errors in the _se columns)")
        }
        return notes
    }

    /// A value with two decimals, or `Format.short` (6 significant digits, exponent
    /// notation) from 10¹⁵ on, where cents mean nothing and `%.2f` would print 40 digits.
    static func money(_ value: Double) -> String {
        guard value.isFinite, value.magnitude < 1e15 else { return Format.short(value) }
        let text = Format.cFormat("%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }
}
