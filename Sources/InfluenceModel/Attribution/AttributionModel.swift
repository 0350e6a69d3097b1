/// The attribution models of DESIGN.md, Attribution.
///
/// Chain models split one conversion over the referrers of its chain in the referral forest;
/// `influence-flow` spreads it over every referral edge; path models (`markov`, `shapley` and
/// the heuristics) work on channel paths in ChannelAttribution's format.
public enum AttributionModel: String, Sendable, CaseIterable {
    /// All credit to the direct referrer (the last touch before the conversion).
    case lastTouch = "last-touch"
    /// All credit to the top of the chain (the first touch).
    case firstTouch = "first-touch"
    /// Equal shares.
    case linear
    /// 40% first, 40% last, 20% over the middle (one referrer 100%, two 50/50).
    case position
    /// Weights 2^(−(t − tᵢ)/h): recent referrals weigh more.
    case timeDecay = "time-decay"
    /// Damped upstream flow over every referral edge, split by weight.
    case influenceFlow = "influence-flow"
    /// First-order Markov removal effects, solved exactly from the absorbing chain.
    case markov
    /// Shapley values of the game v(S) = conversions of paths inside S.
    case shapley

    /// Models that run on the chains of the referral forest.
    public var isChainModel: Bool {
        switch self {
        case .lastTouch, .firstTouch, .linear, .position, .timeDecay: return true
        case .influenceFlow, .markov, .shapley: return false
        }
    }

    /// Models that run on channel paths (`--paths`, `--paths-from-events`).
    public var isPathModel: Bool {
        switch self {
        case .markov, .shapley, .firstTouch, .lastTouch, .linear: return true
        case .position, .timeDecay, .influenceFlow: return false
        }
    }
}

/// What credit is summed by.
public enum AttributionGrouping: String, Sendable, CaseIterable {
    /// Per referrer.
    case person
    /// Per channel of the credited referral.
    case channel
    /// Per campaign of the conversion, then per referrer.
    case campaign
}

/// Everything that decides an attribution besides the data.
public struct AttributionOptions: Sendable {
    public var model: AttributionModel
    public var grouping: AttributionGrouping
    /// `influence-flow`: the share d each person passes on to their own referrers, in [0, 1).
    public var damping: Double
    /// `time-decay`: the half-life h in seconds.
    public var halfLife: Double
    /// `influence-flow`: the iteration stops when the estimated L1 error of the received
    /// credit is below `iteration.tolerance`, or after `iteration.maxIterations` steps.
    public var iteration: IterationSettings
    /// `influence-flow`: how the weighted adjacency is applied.
    public var operatorChoice: OperatorChoice
    /// `shapley`: the seed of the permutation sampler.
    public var seed: UInt64
    /// `shapley`: permutations sampled beyond `shapleyExactLimit` channels.
    public var shapleySamples: Int
    /// `shapley`: the most channels computed exactly over all subsets (30 at most: past it the
    /// values are sampled whatever this says).
    public var shapleyExactLimit: Int

    /// One week, the default half-life.
    public static let week = 7 * 86_400.0

    public init(
        model: AttributionModel = .linear, grouping: AttributionGrouping = .person, damping: Double = 0.5,
        halfLife: Double = AttributionOptions.week, iteration: IterationSettings = IterationSettings(),
        operatorChoice: OperatorChoice = .auto, seed: UInt64 = 1, shapleySamples: Int = 10_000,
        shapleyExactLimit: Int = 20
    ) {
        self.model = model
        self.grouping = grouping
        self.damping = damping
        self.halfLife = halfLife
        self.iteration = iteration
        self.operatorChoice = operatorChoice
        self.seed = seed
        self.shapleySamples = shapleySamples
        self.shapleyExactLimit = shapleyExactLimit
    }
}

/// An amount of credit: (fractional) conversions and their value.
public struct Credit: Sendable, Equatable {
    public var conversions: Double
    public var value: Double

    public init(conversions: Double = 0, value: Double = 0) {
        self.conversions = conversions
        self.value = value
    }

    public static func + (a: Credit, b: Credit) -> Credit {
        Credit(conversions: a.conversions + b.conversions, value: a.value + b.value)
    }

    public static func += (a: inout Credit, b: Credit) { a = a + b }
}

/// Why an attribution cannot be given.
public enum AttributionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model or grouping needs a column the data lacks (exit 64: choose another model).
    case needsColumn(model: String, column: String, file: String, flag: String)
    /// `time-decay` met a conversion or referral without a time.
    case missingTime(file: String, line: Int, what: String)
    /// The model does not apply to this kind of input.
    case unsupported(model: AttributionModel, reason: String)
    /// A parameter is outside its range.
    case badParameter(name: String, value: String, rule: String)
    /// The credits do not add up to the total: a bug, or an iteration stopped too early.
    case notConserved(model: AttributionModel, quantity: String, total: Double, credited: Double, hint: String)

    /// 64 when a flag must change, 65 when the data must, 70 for an internal failure.
    public var exitCode: Int32 {
        switch self {
        case .needsColumn, .unsupported, .badParameter: return 64
        case .missingTime: return 65
        case .notConserved: return 70
        }
    }

    public var description: String {
        switch self {
        case .needsColumn(let model, let column, let file, let flag):
            return "\(model) needs a \(column) column, and \(file) has none. Name it with \(flag), or choose another model or grouping."
        case .missingTime(let file, let line, let what):
            return "\(file):\(line): the \(what) has no time, which time-decay needs. Fill it in, or choose another model."
        case .unsupported(let model, let reason):
            return "--model \(model.rawValue): \(reason)"
        case .badParameter(let name, let value, let rule):
            return "\(name) \(value) is not valid: \(rule)."
        case .notConserved(let model, let quantity, let total, let credited, let hint):
            return
                "\(model.rawValue): the credited \(quantity) add up to \(Format.exact(credited)), not the total \(Format.exact(total)). \(hint)"
        }
    }
}

/// Durations as people write them: `7d`, `36h`, `90m`, `3600s`, `1.5w`, or plain seconds.
public enum DurationText {
    /// Seconds in `text`, or `nil` when it is not a positive finite duration.
    public static func seconds(_ text: String) -> Double? {
        var body = Substring(text.trimmingSpaces.lowercased())
        var unit = 1.0
        if let last = body.last, last.isLetter {
            switch last {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 7 * 86_400
            default: return nil
            }
            body.removeLast()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let number = Double(body), number > 0, number.isFinite
        else { return nil }
        return number * unit
    }

    /// The shortest exact spelling of `seconds` in the largest whole unit (`7d`, `36h`, `90m`, `45s`).
    public static func text(_ seconds: Double) -> String {
        for (unit, suffix) in [(86_400.0, "d"), (3600, "h"), (60, "m")] {
            let count = seconds / unit
            if count >= 1, count == count.rounded() { return Format.short(count) + suffix }
        }
        return Format.short(seconds) + "s"
    }
}

extension AttributionError: InfluenceError {}
