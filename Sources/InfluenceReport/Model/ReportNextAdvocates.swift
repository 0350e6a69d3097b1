import InfluenceModel

/// Whom to start the next campaign with, as `influence seeds` chooses them: seeds that
/// maximise the expected Independent Cascade spread, each with what it adds, the chosen set's
/// simulated spread, and the same number of top PageRank people's for comparison. The report
/// only shows it.
public struct ReportNextAdvocates: Sendable, Equatable {
    /// One seed, in the order chosen.
    public struct Row: Sendable, Equatable {
        public var id: String
        /// A display name, when the export has one.
        public var name: String?
        /// People the seed adds to those before it (the method's estimate).
        public var marginalGain: Double
        /// Expected spread of the seeds up to this one (the method's estimate).
        public var expectedSpread: Double

        public init(id: String, name: String? = nil, marginalGain: Double, expectedSpread: Double) {
            self.id = id
            self.name = name
            self.marginalGain = marginalGain
            self.expectedSpread = expectedSpread
        }
    }

    /// The method in words, such as "IMM (ε = 0.1, 31,744 reverse-reachable sets)".
    public var method: String
    /// How the referral probabilities were set, in words.
    public var probabilities: String
    public var rows: [Row]
    /// The chosen set's simulated expected spread and its interval, over `runs` runs.
    public var spread: Double
    public var low: Double
    public var high: Double
    public var runs: Int
    /// The same for the top people by PageRank, as many as `rows`.
    public var pagerankSpread: Double?
    public var pagerankLow: Double?
    public var pagerankHigh: Double?
    /// Why there are no seeds (the section then says it), such as IMM's refusal.
    public var unavailable: String?

    public init(
        method: String, probabilities: String, rows: [Row], spread: Double, low: Double, high: Double, runs: Int,
        pagerankSpread: Double? = nil, pagerankLow: Double? = nil, pagerankHigh: Double? = nil, unavailable: String? = nil
    ) {
        self.method = method
        self.probabilities = probabilities
        self.rows = rows
        self.spread = spread
        self.low = low
        self.high = high
        self.runs = runs
        self.pagerankSpread = pagerankSpread
        self.pagerankLow = pagerankLow
        self.pagerankHigh = pagerankHigh
        self.unavailable = unavailable
    }

    /// No seeds, and why.
    public init(unavailable reason: String, probabilities: String) {
        self.init(method: "", probabilities: probabilities, rows: [], spread: 0, low: 0, high: 0, runs: 0, unavailable: reason)
    }

    /// From `influence seeds`' own result.
    /// - Parameter names: display names by id (ids without one show as themselves).
    public init(_ seeds: SeedReport, names: [String: String] = [:]) {
        let people = seeds.model.people
        self.init(
            method: seeds.methodDescription, probabilities: seeds.model.ruleDescription,
            rows: seeds.selection.seeds.map { s in
                let id = people.name(s.node)
                return Row(id: id, name: names[id], marginalGain: s.marginalGain, expectedSpread: s.expectedSpread)
            },
            spread: seeds.chosenSpread.expectedSpread, low: seeds.chosenSpread.low, high: seeds.chosenSpread.high,
            runs: seeds.chosenSpread.runs, pagerankSpread: seeds.pagerankSpread?.expectedSpread,
            pagerankLow: seeds.pagerankSpread?.low, pagerankHigh: seeds.pagerankSpread?.high)
    }
}
