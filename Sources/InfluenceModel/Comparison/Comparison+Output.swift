extension Comparison: OutputDocument {
    /// The CSV columns, one row per metric and group.
    public static let csvHeader = [
        "group", "metric", "value", "low", "high", "lift", "lift_low", "lift_high", "p_value", "significant", "p_best",
    ]

    /// Long-form CSV: `group,metric,value,low,high,lift,lift_low,lift_high,p_value,significant,p_best`,
    /// metrics in order and, within one, the groups in order. Numbers are the shortest
    /// decimals that read back exactly; the baseline's lift cells, and any undefined figure,
    /// are empty. `p_value` is the uncorrected two-sided p-value; `significant` applies
    /// Holm's correction over the groups compared.
    public func csv() -> String {
        var out = Self.csvHeader.joined(separator: ",") + "\n"
        func number(_ v: Double?) -> String { v.map(Format.shortest) ?? "" }
        for r in rows {
            CSVText.appendField(r.group, to: &out)
            let cells = [
                r.metric.id, number(r.value), number(r.low), number(r.high), number(r.lift), number(r.liftLow), number(r.liftHigh),
                number(r.pValue), r.significant.map { $0 ? "true" : "false" } ?? "", number(r.pBest),
            ]
            for cell in cells {
                out.append(",")
                CSVText.appendPlain(cell, to: &out)
            }
            out.append("\n")
        }
        return out
    }

    /// The plain verdict of one group on one metric against the baseline, e.g.
    /// `summer-friends: K-factor 0.743 vs 0.739, difference +0.004 (95% −0.11 to +0.14): no
    /// evidence of a difference`; `nil` for the baseline.
    public func verdict(_ row: ComparisonRow) -> String? {
        guard row.group != baseline, let base = self.row(baseline, row.metric) else { return nil }
        let label = row.metric.label
        guard let value = row.value, let baseValue = base.value else {
            return "\(row.group): \(label) is undefined for \(row.value == nil ? row.group : baseline); nothing to compare."
        }
        var text = "\(row.group): \(label) \(Self.human(value)) vs \(Self.human(baseValue))"
        guard let lift = row.lift else { return text + "." }
        text += ", difference \(Self.human(lift, signed: true))"
        guard let low = row.liftLow, let high = row.liftHigh, let p = row.pValue, let holm = row.pHolm else {
            return text + ": no interval, since too few cascades define the metric in the resamples."
        }
        text += " (\(Self.percent(options.confidence)) \(Self.human(low, signed: true)) to \(Self.human(high, signed: true)))"
        if row.significant == true {
            var direction = lift > 0 ? "higher" : "lower"
            if row.metric.lowerIsBetter { direction += lift > 0 ? " (slower)" : " (faster)" }
            return text + ": \(direction), p = \(Self.pText(holm))\(groups.count > 2 ? " after Holm's correction" : "")."
        }
        return text
            + ": no evidence of a difference (p = \(Self.pText(p))\(groups.count > 2 ? ", \(Self.pText(holm)) after Holm's correction" : ""))."
    }

    /// The settings in one sentence.
    var settingsLine: String {
        "Comparing \(groups.count) \(grouping.rawValue)s against '\(baseline)': \(Self.percent(options.confidence)) intervals from "
            + "\(options.resamples) bootstrap resamples of cascades (seed \(options.seed)); BCa intervals, percentile for the largest "
            + "cascade, the maximum depth and the median hop."
    }

    /// An aligned text table of every row, then the verdicts and warnings.
    public func table() -> String {
        let header = ["metric", "group", "value", "interval", "lift", "lift interval", "ratio", "p", "p (Holm)", "P(best)"]
        var lines: [[String]] = []
        for r in rows {
            lines.append([
                r.metric.id, r.group, r.value.map(Format.short) ?? "-", Self.range(r.low, r.high),
                r.lift.map { Self.human($0, signed: true) } ?? "",
                Self.range(r.liftLow, r.liftHigh), r.ratio.map(Self.human) ?? "", r.pValue.map(Self.pText) ?? "",
                r.pHolm.map { Self.pText($0) + (r.significant == true ? " *" : "") } ?? "", r.pBest.map(Self.human) ?? "",
            ])
        }
        var out = settingsLine + "\n\n" + TextTable.render(header: header, rows: lines, rightAligned: [2, 4, 6, 7, 8, 9])
        out += "\n* significant after Holm's correction\n\nVerdicts:\n"
        for r in rows { if let v = verdict(r) { out += "  " + v + "\n" } }
        for w in warnings { out += "\nNote: " + w + "\n" }
        return out
    }

    /// Markdown: the settings, one table of every row, the verdicts as a list.
    public func markdown() -> String {
        func cell(_ s: String) -> String { MarkdownText.cell(s) }
        var out = "# Comparison of \(grouping.rawValue)s\n\n\(cell(settingsLine))\n\n"
        out += "| metric | group | value | interval | lift | lift interval | ratio | p | p (Holm) | significant | P(best) |\n"
        out += "|---|---|--:|---|--:|---|--:|--:|--:|---|--:|\n"
        for r in rows {
            let cells = [
                r.metric.id, cell(r.group), r.value.map(Format.short) ?? "", Self.range(r.low, r.high),
                r.lift.map { Self.human($0, signed: true) } ?? "",
                Self.range(r.liftLow, r.liftHigh), r.ratio.map(Self.human) ?? "", r.pValue.map(Self.pText) ?? "",
                r.pHolm.map(Self.pText) ?? "",
                r.significant.map { $0 ? "yes" : "no" } ?? "", r.pBest.map(Self.human) ?? "",
            ]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n## Verdicts\n\n"
        for r in rows { if let v = verdict(r) { out += "- " + cell(v) + "\n" } }
        if !warnings.isEmpty {
            out += "\n## Notes\n\n"
            for w in warnings { out += "- " + cell(w) + "\n" }
        }
        return out
    }

    /// Everything in one `JSONValue.document`.
    public func json() -> JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }
        let rowList: [JSONValue] = rows.map { r in
            .object([
                ("group", .string(r.group)), ("metric", .string(r.metric.id)), ("value", number(r.value)), ("low", number(r.low)),
                ("high", number(r.high)), ("lift", number(r.lift)), ("lift_low", number(r.liftLow)), ("lift_high", number(r.liftHigh)),
                ("ratio", number(r.ratio)), ("ratio_low", number(r.ratioLow)), ("ratio_high", number(r.ratioHigh)),
                ("p_value", number(r.pValue)), ("p_holm", number(r.pHolm)), ("significant", r.significant.map(JSONValue.bool) ?? .null),
                ("p_best", number(r.pBest)), ("verdict", verdict(r).map(JSONValue.string) ?? .null),
            ])
        }
        return .document(
            command: "compare",
            parameters: [
                ("by", .string(grouping.rawValue)), ("by_chosen", .bool(groupingChosen)), ("baseline", .string(baseline)),
                ("resamples", .int(options.resamples)), ("confidence", .number(options.confidence)),
                ("seed", .string(String(options.seed))),
                ("interval_method", .string(Self.intervalMethod)),
            ],
            results: [
                (
                    "groups",
                    .array(
                        groups.map {
                            .object([("name", .string($0.name)), ("referrals", .int($0.referrals)), ("cascades", .int($0.cascades))])
                        })
                ),
                ("rows_without_group", .int(rowsWithoutGroup)),
                (
                    "metrics",
                    .array(
                        metrics.map {
                            .object([
                                ("id", .string($0.id)), ("label", .string($0.label)), ("lower_is_better", .bool($0.lowerIsBetter)),
                                ("interval", .string($0.isSmooth ? "bca" : "percentile")),
                            ])
                        })
                ),
                ("rows", .array(rowList)),
                ("warnings", .array(warnings.map(JSONValue.string))),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }

    /// A number for people: whole numbers from 100 up (with thousands separators), three
    /// significant digits below; a sign when asked, and U+2212 for minus.
    static func human(_ v: Double, signed: Bool) -> String {
        var s: String
        if !v.isFinite {
            s = Format.short(v)
        } else if abs(v) >= 100 {
            let digits = String(Format.cFormat("%.0f", abs(v)))
            var grouped = ""
            for (k, ch) in digits.enumerated() {
                if k > 0, (digits.count - k) % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            s = (v < 0 ? "-" : "") + grouped
        } else {
            s = Format.cFormat("%.3g", v)
        }
        if s.hasPrefix("-") { s = "\u{2212}" + s.dropFirst() } else if signed, v != 0 { s = "+" + s }
        return s
    }

    static func human(_ v: Double) -> String { human(v, signed: false) }

    static func range(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return "" }
        return "\(human(low)) to \(human(high))"
    }

    static func pText(_ p: Double) -> String { p < 0.001 ? "<0.001" : Format.cFormat("%.3f", p) }

    static func percent(_ confidence: Double) -> String { Format.short(confidence * 100) + "%" }
}
