import Foundation
import Testing

/// `influence simulate` end to end, through the built binary.
@Suite(.serialized)
struct SimulateCommandTests {
    static let sample = "notebooks-data/referrals.csv"

    /// With every edge certain, a seed activates exactly the people below it: a tree's
    /// descendants, each with probability 1, and the expected spread is their count.
    @Test func certainEdgesReachTheDescendants() throws {
        let folder = try Runner.temporaryFolder()
        let file = folder.appendingPathComponent("tree.csv")
        try "referrer,referred\na,b\na,c\nb,d\nx,y\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Runner.run([
            "simulate", file.path, "--seeds", "a", "--probability", "1", "--runs", "50", "--format", "csv", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "node,activation_probability")
        #expect(Set(lines.dropFirst()) == ["a,1", "b,1", "c,1", "d,1"])
        let json = try Runner.run([
            "simulate", file.path, "--seeds", "a", "--probability", "1", "--runs", "50", "--format", "json", "--quiet",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["expected_spread"] as? Double == 4)
        #expect(object["command"] as? String == "simulate")
    }

    /// Seeds from a file (comments and blank lines skipped), unknown seeds refused with exit
    /// 65, no seeds or a bad probability refused with exit 64.
    @Test func seedsAndRefusals() throws {
        let folder = try Runner.temporaryFolder()
        let seeds = folder.appendingPathComponent("seeds.txt")
        try "# starters\nu03775\n\nu03164\n".write(to: seeds, atomically: true, encoding: .utf8)
        let fromFile = try Runner.run(["simulate", Self.sample, "--seeds-file", seeds.path, "--runs", "200", "--format", "csv", "--quiet"])
        let inline = try Runner.run(["simulate", Self.sample, "--seeds", "u03164,u03775", "--runs", "200", "--format", "csv", "--quiet"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == inline.stdout, "the seeds' order and source do not matter")
        let unknown = try Runner.run(["simulate", Self.sample, "--seeds", "u03775,nobody", "--format", "csv"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("'nobody'"))
        #expect(try Runner.run(["simulate", Self.sample, "--format", "csv"]).status == 64)
        #expect(try Runner.run(["simulate", Self.sample, "--seeds", "u03775", "--probability", "1.5"]).status == 64)
        #expect(try Runner.run(["simulate", Self.sample, "--seeds", "u03775", "--estimate", "magic"]).status == 64)
    }
}

extension SimulateCommandTests {
    /// Probabilities from a column: 1 and 0 give certain outcomes; a value outside 0…1 is
    /// refused naming its line and column, and an edge without a value is refused.
    @Test func probabilityColumn() throws {
        let folder = try Runner.temporaryFolder()
        let good = folder.appendingPathComponent("p.csv")
        try "referrer,referred,Chance\na,b,1\na,c,0\nb,d,1\na,b,0.3\n".write(to: good, atomically: true, encoding: .utf8)
        let outcome = try Runner.run([
            "simulate", good.path, "--seeds", "a", "--probability-column", "chance", "--runs", "50", "--format", "csv", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            Set(outcome.stdout.split(separator: "\n").dropFirst().map(String.init)) == ["a,1", "b,1", "d,1"],
            "the first value of a repeated pair")
        let bad = folder.appendingPathComponent("bad.csv")
        try "referrer,referred,chance\na,b,0.5\na,c,1.5\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try Runner.run(["simulate", bad.path, "--seeds", "a", "--probability-column", "chance"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.csv:3"), "\(refused.stderr)")
        let gap = folder.appendingPathComponent("gap.csv")
        try "referrer,referred,chance\na,b,0.5\na,c,\n".write(to: gap, atomically: true, encoding: .utf8)
        let missing = try Runner.run(["simulate", gap.path, "--seeds", "a", "--probability-column", "chance"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("1 referral has no value in the column 'chance' (the first: a -> c)"), "\(missing.stderr)")
        let noColumn = try Runner.run(["simulate", gap.path, "--seeds", "a", "--probability-column", "odds"])
        #expect(noColumn.status == 65)
    }
}

/// `influence seeds` end to end.
@Suite(.serialized)
struct SeedsCommandTests {
    /// CSV: k rows ranked, the expected spread growing; IMM and CELF pick the same hub first;
    /// bad usage exits 64.
    @Test func rankedSeeds() throws {
        let folder = try Runner.temporaryFolder()
        let file = folder.appendingPathComponent("stars.csv")
        var text = "referrer,referred\n"
        for leaf in 0..<20 { text += "hub,a\(leaf)\n" }
        for leaf in 0..<5 { text += "small,b\(leaf)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        for method in ["imm", "celf"] {
            let outcome = try Runner.run([
                "seeds", file.path, "--k", "2", "--probability", "1", "--method", method, "--runs", "100", "--format", "csv", "--quiet",
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let lines = outcome.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
            #expect(lines.first == ["rank", "node", "marginal_gain", "expected_spread"])
            #expect(lines.dropFirst().map { $0[1] } == ["hub", "small"], "\(method)")
        }
        let json = try Runner.run(["seeds", file.path, "--k", "1", "--probability", "1", "--runs", "100", "--format", "json", "--quiet"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let simulated = try #require(object["simulated"] as? [String: Any])
        #expect(simulated["expected_spread"] as? Double == 21)
        #expect(object["pagerank_seeds"] is [String])
        #expect(try Runner.run(["seeds", file.path, "--k", "0"]).status == 64)
        #expect(try Runner.run(["seeds", file.path, "--k", "2", "--method", "magic"]).status == 64)
        #expect(try Runner.run(["seeds", file.path, "--k", "2", "--epsilon", "2"]).status == 64)
    }
}
