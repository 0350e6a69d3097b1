import Foundation
import Testing
@testable import InfluenceModel

/// Scores against networkx 3.6.1's answers, made by `Scripts/make_networkx_fixtures.py`.
struct NetworkxFixtureTests {
    static let graphs = ["forest", "dag_shared", "cycles", "weighted_duplicates", "dangling", "two_components", "random_medium"]
    static let tolerance = 1e-9

    static func folder(_ graph: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("networkx").appendingPathComponent(graph)
    }

    /// Reads a fixture CSV into node → columns.
    static func expected(_ graph: String, _ file: String) throws -> [String: [Double]] {
        let url = try folder(graph).appendingPathComponent(file)
        let reader = try CSVReader(bytes: Array(try Data(contentsOf: url)), file: file)
        var rows: [String: [Double]] = [:]
        var header = true
        try reader.forEachRecord { record in
            if header { header = false; return true }
            let node = try #require(record.string(0))
            rows[node] = try (1..<record.count).map { column in
                let text = try #require(record.string(column))
                return try #require(Double(text))
            }
            return true
        }
        return rows
    }

    static func graph(_ name: String) throws -> ReferralGraph {
        try ReferralGraph(checking: ReferralEvents.read(path: folder(name).appendingPathComponent("events.csv").path))
    }

    static func compare(
        _ result: ScoreResult, _ expected: [String: [Double]], column: Int = 0, authority: Bool = false,
        offset: Double = 0
    ) {
        #expect(result.report.converged)
        #expect(result.people.count == expected.count, "people: ours \(result.people.count), networkx \(expected.count)")
        let values = authority ? (result.authority ?? []) : result.score
        for p in 0..<Int32(result.people.count) {
            let name = result.people.name(p)
            guard let want = expected[name]?[column] else {
                Issue.record("\(name) is not in networkx's answer")
                continue
            }
            let got = values[Int(p)]
            #expect(abs(got - (want - offset)) <= tolerance, "\(name): ours \(got), networkx \(want - offset)")
        }
    }

    @Test(arguments: graphs)
    func pagerank(graph name: String) throws {
        let graph = try Self.graph(name)
        let result = try graph.score(ScoreOptions(algorithm: .pagerank))
        Self.compare(result, try Self.expected(name, "pagerank.csv"))
        #expect(abs(result.score.reduce(0, +) - 1) < 1e-12)
    }

    @Test(arguments: graphs)
    func personalizedPagerank(graph name: String) throws {
        let graph = try Self.graph(name)
        let conversions = try Conversions.read(path: Self.folder(name).appendingPathComponent("conversions.csv").path)
        let (values, unknown) = conversions.totals(over: graph.people)
        #expect(unknown >= 1, "each fixture names one unknown converter")
        let result = try graph.score(ScoreOptions(algorithm: .pagerank, personalization: values))
        Self.compare(result, try Self.expected(name, "pagerank_personalized.csv"))
    }

    @Test(arguments: graphs)
    func reach(graph name: String) throws {
        let graph = try Self.graph(name)
        let result = try graph.score(ScoreOptions(algorithm: .reach, beta: 0.1))
        Self.compare(result, try Self.expected(name, "reach.csv"))
    }

    @Test func reachWithBetaOneCountsDescendantsOnTheForest() throws {
        let graph = try Self.graph("forest")
        let result = try graph.score(ScoreOptions(algorithm: .reach, beta: 1))
        Self.compare(result, try Self.expected("forest", "reach_beta1.csv"))
    }

    @Test(arguments: graphs)
    func hits(graph name: String) throws {
        let graph = try Self.graph(name)
        let result = try graph.score(ScoreOptions(algorithm: .hits))
        let expected = try Self.expected(name, "hits.csv")
        Self.compare(result, expected, column: 0)
        Self.compare(result, expected, column: 1, authority: true)
    }

    @Test(arguments: graphs, [OperatorChoice.sparse, .dense])
    func operatorsAgree(graph name: String, operator choice: OperatorChoice) throws {
        let graph = try Self.graph(name)
        for algorithm in ScoreAlgorithm.allCases {
            let result = try graph.score(ScoreOptions(algorithm: algorithm, operatorChoice: choice))
            #expect(result.operatorKind.rawValue == choice.rawValue)
            let file = algorithm == .pagerank ? "pagerank.csv" : algorithm == .reach ? "reach.csv" : "hits.csv"
            Self.compare(result, try Self.expected(name, file))
        }
    }
}
