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
            (
                "columns",
                .array(
                    columns.map { mapping in
                        .object([
                            ("file", .string(mapping.file)), ("kind", .string(mapping.kind)),
                            (
                                "mapping",
                                .object(
                                    mapping.entries.map { entry in
                                        (
                                            entry.role,
                                            .object([
                                                ("column", .string(entry.column)), ("position", .int(entry.position)),
                                                ("named_by_flag", .bool(entry.named)),
                                            ])
                                        )
                                    })
                            ),
                            ("not_used", .array(mapping.unused.map(JSONValue.string))),
                            ("header_line", .int(mapping.headerLine)),
                        ])
                    })
            ),
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
