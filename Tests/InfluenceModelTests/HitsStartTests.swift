import Foundation
import Testing
@testable import InfluenceModel

/// HITS against networkx's power-method HITS where the start decides the answer, on
/// `path_graph(50)`, and on a graph whose weights are all 0. Fixtures by
/// `Scripts/make_networkx_fixtures.py` (networkx 3.6.1), listed under `hits_start` in
/// `Fixtures/networkx/manifest.json`.
struct HitsStartTests {
    /// The fixtures are the exact limit to 1e-12 (the script checks each against the
    /// projection onto the top eigenspace of W·Wᵀ), so 1e-10 leaves room for our own stop.
    static let tolerance = 1e-10

    static let graphs: [String] = {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
            let data = try? Data(contentsOf: root.appendingPathComponent("networkx/manifest.json")),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let section = manifest["hits_start"] as? [String: Any],
            let graphs = section["graphs"] as? [[String: Any]]
        else { return [] }
        return graphs.compactMap { $0["name"] as? String }
    }()

    @Test func theManifestListsTheFixtures() {
        #expect(Self.graphs.count >= 10, "\(Self.graphs)")
        #expect(Self.graphs.contains("path50_directed") && Self.graphs.contains("path50_bidirected"))
    }

    @Test(arguments: graphs, [OperatorChoice.sparse, .dense])
    func matchesNetworkx(graph name: String, operator choice: OperatorChoice) throws {
        let graph = try NetworkxFixtureTests.graph(name)
        let result = try graph.score(ScoreOptions(algorithm: .hits, operatorChoice: choice))
        let expected = try NetworkxFixtureTests.expected(name, "hits.csv")
        #expect(result.report.converged, "\(name): \(result.report)")
        #expect(result.people.count == expected.count)
        let authority = try #require(result.authority)
        var worst = 0.0
        for p in 0..<Int32(result.people.count) {
            let want = try #require(expected[result.people.name(p)])
            worst = max(worst, abs(result.score[Int(p)] - want[0]), abs(authority[Int(p)] - want[1]))
        }
        #expect(worst <= Self.tolerance, "\(name): max |ours − networkx| = \(worst)")
    }

    @Test func pathOfFiftyConvergesWithinTheDefaultCap() throws {
        // Both ways, σ₁ is double and the next one is close: power iteration on W·Wᵀ contracts
        // by (cos(2π/51)/cos(π/51))² ≈ 0.9886 a step, ~1,500 steps to 1e-10 unaccelerated.
        let graph = try NetworkxFixtureTests.graph("path50_bidirected")
        let result = try graph.score(ScoreOptions(algorithm: .hits))
        #expect(result.report.converged)
        #expect(result.report.iterations < 1000, "\(result.report.iterations) iterations")
    }

    @Test func allWeightsZeroIsRefused() throws {
        let text = "source,target,weight\na,b,0\nb,c,0\nc,a,0\n"
        let graph = try ReferralGraph(checking: ReferralEvents.parse(bytes: Array(text.utf8), file: "events.csv"))
        do {
            let result = try graph.score(ScoreOptions(algorithm: .hits))
            Issue.record("all-zero weights gave hubs \(result.score), converged \(result.report.converged)")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.contains("all referral weights are 0"), "\(error.description)")
        }
    }
}
