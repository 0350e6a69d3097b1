import Foundation
import Testing

/// Every command's JSON follows the one contract of `docs/json.md`: the same leading keys,
/// `data_quality` last with the same keys, and top-level keys exactly as documented.
@Suite struct JSONContractTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"
    static let paths = "notebooks-data/paths.csv"

    /// A run of one command, and which inputs it reads.
    struct Case: CustomTestStringConvertible, Sendable {
        var command: String
        var arguments: [String]
        var reads: Set<String>
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(command: "score", arguments: ["score", sample, "--top", "3"], reads: ["referrals"]),
        Case(command: "score", arguments: ["score", sample, "--algorithm", "hits", "--top", "3"], reads: ["referrals"]),
        Case(
            command: "score", arguments: ["score", sample, "--personalize", conversions, "--top", "3"], reads: ["referrals", "conversions"]),
        Case(command: "spread", arguments: ["spread", sample], reads: ["referrals"]),
        Case(command: "spread", arguments: ["spread", sample, "--conversions", conversions], reads: ["referrals", "conversions"]),
        Case(
            command: "attribute", arguments: ["attribute", sample, "--conversions", conversions, "--top", "3"],
            reads: ["referrals", "conversions"]),
        Case(
            command: "attribute",
            arguments: ["attribute", sample, "--conversions", conversions, "--model", "influence-flow", "--top", "3"],
            reads: ["referrals", "conversions"]),
        Case(
            command: "attribute", arguments: ["attribute", sample, "--conversions", conversions, "--paths-from-events"],
            reads: ["referrals", "conversions"]),
        Case(command: "attribute", arguments: ["attribute", "--paths", paths, "--model", "shapley"], reads: ["paths"]),
        Case(command: "compare", arguments: ["compare", sample, "--resamples", "50"], reads: ["referrals"]),
        Case(
            command: "compare", arguments: ["compare", sample, "--conversions", conversions, "--by", "channel", "--resamples", "50"],
            reads: ["referrals", "conversions"]),
        Case(command: "report", arguments: ["report", sample, "--conversions", conversions], reads: ["referrals", "conversions"]),
        Case(command: "report", arguments: ["report", sample], reads: ["referrals"]),
        Case(command: "simulate", arguments: ["simulate", sample, "--seeds", "u03775", "--runs", "100"], reads: ["referrals"]),
        Case(command: "seeds", arguments: ["seeds", sample, "--k", "3", "--runs", "100"], reads: ["referrals"]),
    ]

    /// The top-level keys in the order written (two-space indent), read from the text itself
    /// since Foundation's reader forgets the order.
    static func topLevelKeys(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  \""), !line.hasPrefix("   ") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "\"" })
        }
    }

    /// The backquoted keys of the first table in the doc's section `## name` (before any `###`).
    static func documentedKeys(_ section: String) throws -> [String] {
        let doc = try String(contentsOf: Runner.root.appendingPathComponent("docs/json.md"), encoding: .utf8)
        var keys: [String] = []
        var inside = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { if inside { break }; inside = line == "## \(section)"; continue }
            if inside, line.hasPrefix("### ") { break }
            guard inside, line.hasPrefix("| `") else { continue }
            keys.append(String(line.dropFirst(3).prefix { $0 != "`" }))
        }
        return keys
    }

    static func version() throws -> String {
        let outcome = try Runner.run(["--version"])
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: cases)
    func commonKeys(_ c: Case) throws {
        let outcome = try Runner.run(c.arguments + ["--format", "json", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let keys = Self.topLevelKeys(outcome.stdout)
        #expect(Array(keys.prefix(5)) == ["schema_version", "tool", "command", "inputs", "parameters"])
        #expect(keys.last == "data_quality")
        #expect(object["schema_version"] as? Int == 1)
        let tool = try #require(object["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "influence")
        #expect(tool["version"] as? String == (try Self.version()), "one version for JSON and --version")
        #expect(object["command"] as? String == c.command)
        #expect(object["parameters"] is [String: Any])
        let inputs = try #require(object["inputs"] as? [String: Any])
        let quality = try #require(object["data_quality"] as? [String: Any])
        for kind in ["referrals", "conversions", "paths"] {
            #expect(inputs.keys.contains(kind) && quality.keys.contains(kind), "\(kind) is always present")
            if c.reads.contains(kind) {
                let files = try #require(inputs[kind] as? [String], "\(kind)")
                #expect(!files.isEmpty)
                let counts = try #require(quality[kind] as? [String: Any], "\(kind)")
                #expect(counts["rows"] is Int)
                #expect(counts["files"] is [String])
            } else {
                #expect(inputs[kind] is NSNull, "\(kind) not read")
                #expect(quality[kind] is NSNull, "\(kind) not read")
            }
        }
        #expect(inputs.count == 3 && quality.count == 3)
    }

    /// Every top-level key written is documented, in the same order, and vice versa.
    @Test(arguments: cases)
    func topLevelKeysAreDocumented(_ c: Case) throws {
        let outcome = try Runner.run(c.arguments + ["--format", "json", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let documented = try Self.documentedKeys(c.command)
        #expect(!documented.isEmpty, "docs/json.md has a ## \(c.command) table")
        #expect(Self.topLevelKeys(outcome.stdout) == documented)
        let common = try Self.documentedKeys("Common keys")
        #expect(Set(common).isSubset(of: Set(documented)))
    }

    /// `journeys` counts journeys only: the paths' conversions and nulls, never organic conversions.
    @Test func journeysLeaveOrganicConversionsOut() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A → B by email, B → C by link. C converts through the chain email > link; B, referred
        // and not converting, is one null journey (email); Z, whom nobody referred, is organic.
        try "source,target,channel\nA,B,email\nB,C,link\n"
            .write(to: folder.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        try "user,value\nC,10\nZ,5\n".write(to: folder.appendingPathComponent("conversions.csv"), atomically: true, encoding: .utf8)
        for model in ["markov", "linear"] {
            let outcome = try Runner.run(
                [
                    "attribute", "events.csv", "--conversions", "conversions.csv", "--paths-from-events",
                    "--model", model, "--format", "json", "--quiet",
                ], in: folder)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            let table = try #require(object["path_table"] as? [String: Any])
            #expect(table["paths"] as? Int == 2)
            #expect(table["journeys"] as? Double == 2, "one converting journey and one null journey; Z is organic")
            #expect(table["channels"] as? Int == 2)
            #expect((object["organic"] as? [String: Any])?["conversions"] as? Double == 1)
        }
    }

    /// `--version` prints the library's one version constant.
    @Test func versionFlag() throws {
        #expect(try Self.version() == "0.1.0")
    }
}
