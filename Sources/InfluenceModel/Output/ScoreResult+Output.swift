/// The output formats of the command line.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

extension DataQuality {
    /// The counts as a JSON object.
    public var json: JSONValue {
        .object([
            ("rows", .int(rows)),
            ("blank_lines", .int(blankLines)),
            ("skipped_rows", .int(skippedRows)),
            ("skip_reasons", .array(skipReasons.map(JSONValue.string))),
            ("self_referrals", .int(selfReferrals)),
            ("merged_duplicates", .int(mergedDuplicates)),
            ("unknown_converters", .int(unknownConverters)),
            ("unknown_examples", .array(unknownExamples.map(JSONValue.string))),
            ("skipped_by_column", .object(skippedByColumn.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("unreferred_rows", .int(unreferredRows)),
            ("rows_without_value", .int(rowsWithoutValue)),
            ("untimed_rows", .int(untimedRows)),
            ("normalized_ids", .int(normalizedIds)),
            ("filtered_rows", .int(filteredRows)),
            ("files", .array(files.map(JSONValue.string))),
            ("columns", .array(columns.map { mapping in
                .object([
                    ("file", .string(mapping.file)), ("kind", .string(mapping.kind)),
                    ("mapping", .object(mapping.entries.map { entry in
                        (entry.role, .object([("column", .string(entry.column)), ("position", .int(entry.position)),
                                              ("named_by_flag", .bool(entry.named))]))
                    })),
                    ("not_used", .array(mapping.unused.map(JSONValue.string))),
                ])
            })),
            ("decisions", .array(decisions.map(JSONValue.string))),
        ])
    }

    /// One line per note worth a person's attention.
    public var notes: [String] {
        var notes: [String] = []
        if selfReferrals > 0 { notes.append("\(selfReferrals) self-referral row(s) left out") }
        if mergedDuplicates > 0 { notes.append("\(mergedDuplicates) repeated referral row(s) merged into earlier pairs (weights summed)") }
        if skippedRows > 0 { notes.append("\(skippedRows) bad row(s) skipped; first: \(skipReasons.first ?? "")") }
        if unknownConverters > 0 { notes.append("\(unknownConverters) conversion(s) by people not in the referral graph ignored") }
        return notes
    }
}

extension ScoreResult {
    /// `node,score,rank` (HITS: `node,hub,authority,rank`) in rank order; scores read back exactly.
    /// - Parameter top: keep only the first `top` ranks.
    public func csv(top: Int? = nil) -> String {
        String(decoding: csvBytes(top: top), as: UTF8.self)
    }

    /// The scores as a `JSONValue.document`: the algorithm and its parameters, how the
    /// iteration ended, the scores in rank order and the data-quality counts.
    /// - Parameters:
    ///   - top: keep only the first `top` ranks.
    ///   - conversionsQuality: the counts of the `--personalize` conversions file, if one was read.
    public func json(top: Int? = nil, conversionsQuality: DataQuality? = nil) -> JSONValue {
        var parameters: [(String, JSONValue)] = [("algorithm", .string(algorithm.rawValue))]
        switch algorithm {
        case .pagerank:
            parameters.append(("damping", .number(options.damping)))
            parameters.append(("personalized", .bool(options.personalization != nil)))
        case .reach: parameters.append(("beta", .number(options.beta)))
        case .hits: break
        }
        parameters.append(("tolerance", .number(options.iteration.tolerance)))
        parameters.append(("max_iterations", .int(options.iteration.maxIterations)))
        let rows: [JSONValue] = ranking().prefix(top ?? .max).enumerated().map { k, p in
            var fields: [(String, JSONValue)] = [("node", .string(people.name(p)))]
            if let authority {
                fields.append(("hub", .number(score[Int(p)])))
                fields.append(("authority", .number(authority[Int(p)])))
            } else {
                fields.append(("score", .number(score[Int(p)])))
            }
            fields.append(("rank", .int(k + 1)))
            return .object(fields)
        }
        return .document(
            command: "score", parameters: parameters,
            results: [
                ("operator", .string(operatorKind.rawValue)),
                ("iterations", .int(report.iterations)),
                ("residual", .number(report.residual)),
                ("converged", .bool(report.converged)),
                ("people", .int(people.count)),
                ("edges", .int(edgeCount)),
                ("scores", .array(rows)),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }

    /// A table for reading in a terminal: a summary line, then rank, node and score(s).
    public func table(top: Int? = nil) -> String {
        let order = ranking().prefix(top ?? .max)
        var header = ["rank", "node"]
        header += authority == nil ? [algorithm.rawValue] : ["hub", "authority"]
        var rows: [[String]] = []
        for (k, p) in order.enumerated() {
            var row = [String(k + 1), people.name(p), Format.short(score[Int(p)])]
            if let authority { row.append(Format.short(authority[Int(p)])) }
            rows.append(row)
        }
        var out = summary + "\n\n" + TextTable.render(header: header, rows: rows, rightAligned: [0, 2, 3])
        if order.count < people.count { out += "… \(people.count - order.count) more (--top, or --format csv for all)\n" }
        for note in quality.notes { out += "note: \(note)\n" }
        return out
    }

    /// One line: what was scored and how the iteration ended.
    public var summary: String {
        let state = report.converged
            ? "converged in \(report.iterations) iterations"
            : "did NOT converge in \(report.iterations) iterations"
        return "\(algorithm.rawValue) of \(people.count) people, \(edgeCount) referral pairs: \(state) (L1 residual \(Format.short(report.residual)), \(operatorKind.rawValue) operator)"
    }
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
