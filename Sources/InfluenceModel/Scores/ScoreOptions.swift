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
    /// Reach's per-hop factor β, > 0.
    public var beta: Double
    /// PageRank's teleport weights by person (e.g. conversion value); `nil` is uniform.
    public var personalization: [Double]?
    public var iteration: IterationSettings
    public var operatorChoice: OperatorChoice

    public init(algorithm: ScoreAlgorithm = .pagerank, damping: Double = 0.85, beta: Double = 0.1,
                personalization: [Double]? = nil, iteration: IterationSettings = IterationSettings(),
                operatorChoice: OperatorChoice = .auto) {
        self.algorithm = algorithm
        self.damping = damping
        self.beta = beta
        self.personalization = personalization
        self.iteration = iteration
        self.operatorChoice = operatorChoice
    }
}

/// Why a score cannot be given.
public enum ScoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// β·ρ(W) ≥ 1: the reach series has no finite sum.
    case divergentReach(beta: Double, spectralRadius: Double)
    /// The personalization vector has no positive entry on the graph's people.
    case emptyPersonalization(file: String, unknown: Int)
    /// An iterate stopped being finite.
    case nonFinite(algorithm: ScoreAlgorithm)

    /// 64 when a flag must change, 65 when the data must.
    public var exitCode: Int32 {
        switch self {
        case .divergentReach: return 64
        case .emptyPersonalization, .nonFinite: return 65
        }
    }

    public var description: String {
        switch self {
        case .divergentReach(let beta, let rho):
            let limit = rho > 0 ? 1 / rho : .infinity
            return "--beta \(Format.short(beta)) is too large for this graph: the reach series diverges when β × spectral radius ≥ 1, and the spectral radius of the weighted referral graph is about \(Format.short(rho)). Use --beta below \(Format.short(limit))."
        case .emptyPersonalization(let file, let unknown):
            return "\(file): no conversion value falls on a person in the referral graph (\(unknown) conversion\(unknown == 1 ? "" : "s") by people not in it, the rest worth 0), so there is nothing to personalize by. Check that the user column holds the same ids as the referral export."
        case .nonFinite(let algorithm):
            return "\(algorithm.rawValue): the iteration overflowed; the weights are too large for this score. Scale the weights down."
        }
    }
}

/// Number formatting shared by messages and outputs.
public enum Format {
    /// `value` printed by C's `vsnprintf` with one `%g`-style conversion.
    static func cFormat(_ format: StaticString, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
            let length = withVaList([value]) { vsnprintf(buffer.baseAddress!, 40, UnsafeRawPointer(format.utf8Start).assumingMemoryBound(to: CChar.self), $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(min(length, 39))), as: UTF8.self)
        }
    }

    /// A short human form of a number (up to 6 significant digits).
    public static func short(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        guard value.isFinite else { return value > 0 ? "infinity" : "-infinity" }
        var s = cFormat("%.6g", value)
        if s.contains("."), !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A number with 17 significant digits: it reads back as exactly the same `Double`.
    public static func exact(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendExact17(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ScoreError: InfluenceError {}
