import Foundation
import Testing
@testable import InfluenceModel

/// Reach refuses every β for which Σ βᵏWᵏ1 diverges, and its default β works on any graph.
struct ReachDivergenceTests {
    /// A referral graph from `source,target,weight` rows.
    static func graph(_ rows: [(String, String, Double)]) throws -> ReferralGraph {
        var text = "source,target,weight\n"
        for (s, t, w) in rows { text += "\(s),\(t),\(Format.exact(w))\n" }
        return try ReferralGraph(checking: ReferralEvents.parse(bytes: Array(text.utf8), file: "events.csv"))
    }

    /// A ring of `ring` people (weights 1, ρ = 1) and, apart from it, a 2-cycle of weight `pair` (ρ = `pair`).
    static func ringAndPair(ring: Int = 1000, pair: Double = 1.001) throws -> ReferralGraph {
        var rows = (0..<ring).map { ("r\($0)", "r\(($0 + 1) % ring)", 1.0) }
        rows += [("a", "b", pair), ("b", "a", pair)]
        return try graph(rows)
    }

    /// The β a refusal suggests ("Use --beta X …").
    static func suggestedBeta(_ message: String) throws -> Double {
        let tail = try #require(message.split(separator: "Use --beta ").last)
        let word = tail.replacing("below ", with: "").split(separator: " ").first ?? ""
        return try #require(Double(word.trimmingCharacters(in: CharacterSet(charactersIn: ".,"))))
    }

    @Test(arguments: [OperatorChoice.sparse, .dense])
    func aDivergentBetaOnASmallDominantComponentIsRefused(operator choice: OperatorChoice) throws {
        // ρ = 1.001 lives in the 2-cycle; the 1,000-person ring (ρ = 1) hides it from a power
        // iteration on the whole graph. β = 0.9995: β·ρ = 1.0005, the series diverges.
        let g = try Self.ringAndPair()
        do {
            let result = try g.score(ScoreOptions(algorithm: .reach, beta: 0.9995, operatorChoice: choice))
            Issue.record("β·ρ = 1.0005 was not refused: max score \(result.score.max() ?? 0), converged \(result.report.converged)")
        } catch {
            #expect(error.exitCode == 64)
            #expect(error.description.contains("1.001"), "names ρ: \(error.description)")
            // The β it suggests converges, and so does the series there.
            let safe = try Self.suggestedBeta(error.description)
            #expect(safe * 1.001 < 1, "suggested β = \(safe) diverges")
            let result = try g.score(ScoreOptions(algorithm: .reach, beta: safe, operatorChoice: choice))
            #expect(result.report.converged)
        }
    }

    @Test(arguments: [0.99, 0.998, 0.9995, 0.99901])
    func everyBetaAboveOneOverRhoIsRefusedAndTheSuggestionConverges(beta: Double) throws {
        let g = try Self.ringAndPair(ring: 200)
        let rho = 1.001
        do {
            let result = try g.score(ScoreOptions(algorithm: .reach, beta: beta, iteration: IterationSettings(maxIterations: 100_000)))
            #expect(beta * rho < 1, "β·ρ = \(beta * rho) ≥ 1 was not refused")
            #expect(result.report.converged)
        } catch {
            #expect(beta * rho >= 1, "β·ρ = \(beta * rho) < 1 was refused: \(error)")
            let safe = try Self.suggestedBeta(error.description)
            #expect(safe * rho <= 0.9 + 1e-6, "suggested β = \(safe) is not ≤ 0.9/ρ")
        }
    }

    @Test func growthIsCaughtOnAHeavyCycleHiddenBehindALargeLightOne() throws {
        // A 3-cycle of weight 2 (ρ = 2) beside a 5,000-person ring: β = 0.6 gives β·ρ = 1.2.
        var rows = (0..<5000).map { ("r\($0)", "r\(($0 + 1) % 5000)", 1.0) }
        rows += [("x", "y", 2), ("y", "z", 2), ("z", "x", 2)]
        let g = try Self.graph(rows)
        #expect(throws: ScoreError.self) { try g.score(ScoreOptions(algorithm: .reach, beta: 0.6)) }
    }

    @Test func theBoundsBracketRhoOnTheRingAndPair() throws {
        let g = try Self.ringAndPair()
        let w = AdjacencyOperator(forward: g.forward, reverse: g.reverse, kind: .sparse)
        let bounds = Scores.spectralBounds(w)
        #expect(bounds.lower <= 1.001 && 1.001 <= bounds.upper, "\(bounds)")
        #expect(bounds.upper - bounds.lower <= 1e-9, "\(bounds)")
    }

    @Test(arguments: [(20.0, 0.025), (4.0, 0.1), (0.0, 0.1)])
    func theDefaultBetaConvergesOnAnyGraph(weight: Double, beta: Double) throws {
        // A 3-cycle of weight `weight` (ρ = weight; none if 0) with a tail: β = min(0.1, 0.5/ρ).
        var rows: [(String, String, Double)] = [("t", "x", 1)]
        if weight > 0 { rows += [("x", "y", weight), ("y", "z", weight), ("z", "x", weight)] } else { rows += [("x", "y", 1)] }
        let g = try Self.graph(rows)
        if weight >= 10 { #expect(throws: ScoreError.self) { try g.score(ScoreOptions(algorithm: .reach, beta: 0.1)) } }
        let result = try g.score(ScoreOptions(algorithm: .reach, beta: nil))
        #expect(result.report.converged)
        #expect(result.options.automaticBeta)
        #expect(abs(result.options.beta - beta) <= 1e-9 * beta, "β used: \(result.options.beta)")
        // An explicit β keeps its meaning.
        let given = try g.score(ScoreOptions(algorithm: .reach, beta: 0.01))
        #expect(given.options.beta == 0.01 && !given.options.automaticBeta)
    }
}
