import Foundation

/// The influence scores the toolkit computes (DESIGN.md, Scores).
public enum ScoreAlgorithm: String, Sendable, CaseIterable {
    /// PageRank of the reversed graph: credit flows from the referred to their referrers.
    case pagerank
    /// Downstream reach Σ_{k≥1} βᵏ Wᵏ 1.
    case reach
    /// Hub and authority scores of the weighted graph.
    case hits
}

/// Everything that decides a score besides the graph.
public struct ScoreOptions: Sendable {
    public var algorithm: ScoreAlgorithm
    /// PageRank's damping α, in (0, 1).
    public var damping: Double
    /// Reach's per-hop factor β, > 0. When `automaticBeta` is set it is chosen per graph, and
    /// the options a `ScoreResult` carries hold the β that was used.
    public var beta: Double
    /// Reach: choose β = min(0.1, 0.5/ρ̄) for the graph, ρ̄ a certified upper bound on ρ(W)
    /// (`Scores.spectralBounds`), so that β·ρ ≤ 0.5 and the series always converges; 0.1 on a
    /// graph without cycles. Set by passing `beta: nil`.
    public var automaticBeta: Bool
    /// PageRank's teleport weights by person (e.g. conversion value); `nil` is uniform.
    public var personalization: [Double]?
    public var iteration: IterationSettings
    public var operatorChoice: OperatorChoice

    /// - Parameter beta: reach's β; `nil` chooses it for the graph (see `automaticBeta`).
    public init(
        algorithm: ScoreAlgorithm = .pagerank, damping: Double = 0.85, beta: Double? = 0.1,
        personalization: [Double]? = nil, iteration: IterationSettings = IterationSettings(),
        operatorChoice: OperatorChoice = .auto
    ) {
        self.algorithm = algorithm
        self.damping = damping
        self.beta = beta ?? Self.defaultBeta
        self.automaticBeta = beta == nil
        self.personalization = personalization
        self.iteration = iteration
        self.operatorChoice = operatorChoice
    }
}

extension ScoreOptions {
    /// β on a graph without cycles, and the most `automaticBeta` ever chooses.
    public static let defaultBeta = 0.1
    /// `automaticBeta` keeps β·ρ at most this.
    public static let automaticBetaTimesRho = 0.5
    /// How an automatic β is chosen, for reports.
    public static let automaticBetaRule = "min(0.1, 0.5/ρ̄), ρ̄ a certified upper bound on the spectral radius"

    /// The β `automaticBeta` chooses for a graph whose spectral radius is at most `upper`.
    public static func automaticBeta(upper: Double) -> Double {
        upper > 0 ? min(defaultBeta, automaticBetaTimesRho / upper) : defaultBeta
    }
}

/// Why a score cannot be given.
public enum ScoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// β·ρ(W) ≥ 1: the reach series has no finite sum. `spectralRadius` is a certified upper
    /// bound on ρ(W) (`Scores.spectralBounds`).
    case divergentReach(beta: Double, spectralRadius: Double)
    /// HITS on a graph whose referral weights are all 0: W·Wᵀ is 0 and every vector is a
    /// fixed point.
    case undefinedHits
    /// The personalization vector has no positive entry on the graph's people.
    case emptyPersonalization(file: String, unknown: Int)
    /// An iterate stopped being finite.
    case nonFinite(algorithm: ScoreAlgorithm)
    /// `ScoreOptions.personalization` is not one finite, non-negative value per person.
    case badPersonalization(people: Int, entries: Int, reason: String)

    /// 64 when a flag must change, 65 when the data must.
    public var exitCode: Int32 {
        switch self {
        case .divergentReach: return 64
        case .emptyPersonalization, .nonFinite, .undefinedHits: return 65
        case .badPersonalization: return 64
        }
    }

    public var description: String {
        switch self {
        case .divergentReach(let beta, let rho):
            // 0.9/ρ̄ rounded down to 3 significant digits: certainly convergent, never above 1/ρ.
            let safe = rho > 0 ? Self.roundedDown(0.9 / rho) : 1
            return
                "--beta \(Format.short(beta)) is too large for this graph: the reach series Σ βᵏWᵏ1 diverges when β × spectral radius ≥ 1, and the spectral radius of the weighted referral graph is at most \(Format.short(rho)) (a certified bound; β × it = \(Format.short(beta * rho))). Use --beta \(Format.short(safe)) or less, or leave --beta out to have one chosen for the graph (min(0.1, 0.5/ρ))."
        case .undefinedHits:
            return
                "hits: all referral weights are 0: HITS is undefined (every vector is a hub and authority vector). Give the referrals positive weights, or drop the weight column to count each referral as 1."
        case .emptyPersonalization(let file, let unknown):
            return
                "\(file): no conversion value falls on a person in the referral graph (\(unknown) conversion\(unknown == 1 ? "" : "s") by people not in it, the rest worth 0), so there is nothing to personalize by. Check that the user column holds the same ids as the referral export."
        case .nonFinite(let algorithm):
            return "\(algorithm.rawValue): the iteration overflowed; the weights are too large for this score. Scale the weights down."
        case .badPersonalization(let people, let entries, let reason):
            return
                "the personalization vector has \(entries) entries for \(people) people: \(reason). Give one finite value >= 0 per person, in the graph's order, with at least one above 0."
        }
    }
}

extension ScoreError {
    /// `value` > 0 rounded down to 3 significant digits.
    static func roundedDown(_ value: Double) -> Double {
        let unit = Foundation.pow(10, Foundation.floor(Foundation.log10(value)) - 2)
        return Foundation.floor(value / unit) * unit
    }
}

extension ScoreError: InfluenceError {}
