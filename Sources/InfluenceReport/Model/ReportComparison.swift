import InfluenceModel

/// A comparison of groups (campaigns or channels) as `influence compare` computes it: each
/// metric with its bootstrap interval, the lift over the baseline with its interval, a
/// corrected p-value and a verdict. The report only shows it.
public struct ReportComparison: Sendable, Equatable {
    /// One metric of one group.
    public struct Row: Sendable, Equatable {
        /// The campaign or channel.
        public var group: String
        /// The metric's name, such as `k_factor`.
        public var metric: String
        /// The group's value of the metric.
        public var value: Double
        /// The interval of `value` (such as 95% bootstrap).
        public var low: Double
        public var high: Double
        /// Relative lift over the baseline (0.12 = +12%); `nil` for the baseline itself.
        public var lift: Double?
        public var liftLow: Double?
        public var liftHigh: Double?
        /// The corrected p-value of the lift; `nil` for the baseline.
        public var pValue: Double?
        /// Whether the lift is significant after correction.
        public var significant: Bool
        /// A plain sentence, such as "summer-friends converts better than spring-launch".
        public var verdict: String

        public init(
            group: String, metric: String, value: Double, low: Double, high: Double, lift: Double? = nil,
            liftLow: Double? = nil, liftHigh: Double? = nil, pValue: Double? = nil, significant: Bool = false,
            verdict: String = ""
        ) {
            self.group = group
            self.metric = metric
            self.value = value
            self.low = low
            self.high = high
            self.lift = lift
            self.liftLow = liftLow
            self.liftHigh = liftHigh
            self.pValue = pValue
            self.significant = significant
            self.verdict = verdict
        }
    }

    /// The group the others are measured against.
    public var baseline: String
    /// The interval's level, such as 0.95.
    public var level: Double
    /// The rows, in the order the table lists them.
    public var rows: [Row]

    public init(baseline: String, level: Double = 0.95, rows: [Row]) {
        self.baseline = baseline
        self.level = level
        self.rows = rows
    }
}

extension ReportComparison {
    /// The metrics a report shows of a comparison, in order: reach, structure, sharing,
    /// conversion, value, speed.
    public static let reportedMetrics = [
        "people", "mean_cascade_size", "structural_virality", "invites_per_sharer", "invite_conversion_rate", "k_factor",
        "value_per_sharer", "median_hours_per_hop",
    ]

    /// The rows of `comparison` for `metrics` that have an interval: the lift is relative
    /// (the ratio to the baseline less 1, with its interval), the p-value Holm-corrected,
    /// and the verdict `compare`'s own.
    public init(_ comparison: Comparison, metrics: [String] = ReportComparison.reportedMetrics) {
        var rows: [Row] = []
        for id in metrics {
            for r in comparison.rows where r.metric.id == id {
                guard let value = r.value, let low = r.low, let high = r.high else { continue }
                rows.append(
                    Row(
                        group: r.group, metric: id, value: value, low: low, high: high, lift: r.ratio.map { $0 - 1 },
                        liftLow: r.ratioLow.map { $0 - 1 }, liftHigh: r.ratioHigh.map { $0 - 1 }, pValue: r.pHolm,
                        significant: r.significant ?? false, verdict: comparison.verdict(r) ?? ""))
            }
        }
        self.init(baseline: comparison.baseline, level: comparison.options.confidence, rows: rows)
    }
}
