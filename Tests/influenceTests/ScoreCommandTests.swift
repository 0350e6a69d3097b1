import Foundation
import Testing

/// `influence score` end to end, through the built binary.
@Suite(.serialized)
struct ScoreCommandTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"

    /// Parses `node,score,rank` CSV output into rows.
    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func scoresTheSampleAsCSV() throws {
        let outcome = try Runner.run(["score", Self.sample, "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("node,score,rank\n"))
        let rows = Self.rows(outcome.stdout)
        #expect(rows.count > 1000)
        let ranks = rows.map { Int($0[2]) ?? -1 }
        #expect(ranks == Array(1...rows.count))
        let scores = rows.map { Double($0[1]) ?? .nan }
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 }, "sorted by score")
        #expect(abs(scores.reduce(0, +) - 1) < 1e-9, "PageRank sums to 1")
    }

    @Test(arguments: ["pagerank", "reach", "hits"])
    func jsonCarriesTheIterationReport(algorithm: String) throws {
        let outcome = try Runner.run(["score", Self.sample, "--algorithm", algorithm, "--format", "json", "--top", "5"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect((object["parameters"] as? [String: Any])?["algorithm"] as? String == algorithm)
        #expect(object["converged"] as? Bool == true)
        #expect((object["iterations"] as? Int ?? 0) > 0)
        #expect((object["residual"] as? Double ?? 1) < 1e-9)
        #expect(["sparse", "dense"].contains(object["operator"] as? String ?? ""))
        let quality = try #require((object["data_quality"] as? [String: Any])?["referrals"] as? [String: Any])
        #expect((quality["rows"] as? Int ?? 0) > 1000)
        let scores = try #require(object["scores"] as? [[String: Any]])
        #expect(scores.count == 5)
        #expect(scores.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
    }

    @Test func personalizeUsesConversionValues() throws {
        let plain = try Runner.run(["score", Self.sample, "--format", "csv"])
        let personal = try Runner.run(["score", Self.sample, "--personalize", Self.conversions, "--format", "csv"])
        #expect(personal.status == 0, "\(personal.stderr)")
        #expect(personal.stdout != plain.stdout)
        let scores = Self.rows(personal.stdout).map { Double($0[1]) ?? .nan }
        #expect(abs(scores.reduce(0, +) - 1) < 1e-9)
    }

    @Test func sameInputSameBytes() throws {
        let a = try Runner.run(["score", Self.sample, "--format", "json"])
        let b = try Runner.run(["score", Self.sample, "--format", "json"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test func readsStandardInput() throws {
        let outcome = try Runner.run(["score", "-", "--format", "csv"], stdin: "referrer;referred\na;b\nb;c\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // c is referred by b, b by a: credit flows upstream, so a ranks first.
        #expect(Self.rows(outcome.stdout).map { $0[0] } == ["a", "b", "c"])
    }

    @Test(arguments: [
        ["--damping", "1.5"], ["--damping", "0"], ["--format", "xml"], ["--algorithm", "katz"],
        ["--max-iterations", "0"], ["--delimiter", "|"], ["--operator", "gpu"], ["--top", "0"],
        ["--algorithm", "hits", "--personalize", "notebooks-data/conversions.csv"],
    ])
    func usageErrorsExit64(flags: [String]) throws {
        let outcome = try Runner.run(["score", Self.sample] + flags)
        #expect(outcome.status == 64, "\(flags): \(outcome.stderr)")
        #expect(!outcome.stderr.isEmpty)
    }

    @Test func missingFileExits66AndNamesIt() throws {
        let outcome = try Runner.run(["score", "no/such/events.csv"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr.contains("no/such/events.csv"))
    }

    @Test func badWeightExits65NamingLineAndColumn() throws {
        let folder = try Runner.temporaryFolder()
        let file = folder.appendingPathComponent("events.csv")
        try "source,target,weight\na,b,1\nb,c,lots\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["score", file.path])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("events.csv:3:3"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("lots"))
    }

    @Test func skipModeCountsBadRows() throws {
        let folder = try Runner.temporaryFolder()
        let file = folder.appendingPathComponent("events.csv")
        try "source,target,weight\na,b,1\nb,c,lots\nc,d,2\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["score", file.path, "--on-error", "skip", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let quality = try #require((object["data_quality"] as? [String: Any])?["referrals"] as? [String: Any])
        #expect(quality["skipped_rows"] as? Int == 1)
        #expect(object["people"] as? Int == 4, "a→b and c→d remain")
        #expect(object["edges"] as? Int == 2)
    }

    @Test func failedRunLeavesAnExistingOutputUntouched() throws {
        let folder = try Runner.temporaryFolder()
        let bad = folder.appendingPathComponent("bad.csv")
        try "source,target\n\"a,b\n".write(to: bad, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("scores.csv")
        try "precious\n".write(to: output, atomically: true, encoding: .utf8)
        let outcome = try Runner.run(["score", bad.path, "-o", output.path])
        #expect(outcome.status == 65)
        #expect(try String(contentsOf: output, encoding: .utf8) == "precious\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(leftovers) == ["bad.csv", "scores.csv"])
    }

    @Test func writesTheOutputFile() throws {
        let folder = try Runner.temporaryFolder()
        let output = folder.appendingPathComponent("scores.csv")
        let outcome = try Runner.run(["score", Self.sample, "-o", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("node,score,rank\n"))
    }

    @Test func outputToAMissingFolderExits74() throws {
        let outcome = try Runner.run(["score", Self.sample, "-o", "/nonexistent-folder/scores.csv"])
        #expect(outcome.status == 74)
        #expect(outcome.stderr.contains("/nonexistent-folder/scores.csv"))
    }

    @Test func divergentBetaIsRefusedWithTheSpectralRadius() throws {
        let outcome = try Runner.run(
            ["score", "-", "--algorithm", "reach", "--beta", "0.9"],
            stdin: "source,target,weight\na,b,2\nb,a,2\n")
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("spectral radius"))
        #expect(outcome.stderr.contains("2"), "ρ of the 2-cycle of weight 2 is 2")
        #expect(!outcome.stdout.contains("nan") && !outcome.stdout.contains("inf"))
    }

    @Test func nonConvergenceIsReportedNotHidden() throws {
        let outcome = try Runner.run(["score", Self.sample, "--max-iterations", "3", "--format", "json", "--top", "1"])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(object["converged"] as? Bool == false)
        #expect(object["iterations"] as? Int == 3)
        #expect((object["residual"] as? Double ?? 0) > 1e-10)
        #expect(outcome.stderr.contains("did NOT converge"))
        // --quiet silences the summary, never a warning that changes what the result means.
        let quiet = try Runner.run(["score", Self.sample, "--max-iterations", "3", "--format", "csv", "--quiet"])
        #expect(quiet.stderr.contains("did NOT converge"))
        #expect(!quiet.stderr.contains("read "))
        let converged = try Runner.run(["score", Self.sample, "--format", "csv", "--quiet"])
        #expect(converged.stderr.isEmpty)
    }

    @Test func allSelfReferralsIsBadData() throws {
        let outcome = try Runner.run(["score", "-"], stdin: "source,target\na,a\nb,b\n")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("self-referral"))
    }

    /// Reach without `--beta` chooses β for the graph and says so; a given β is reported as given.
    @Test func reachReportsHowBetaWasChosen() throws {
        for (arguments, chosen) in [([String](), false), (["--beta", "0.05"], true)] {
            let outcome = try Runner.run(["score", Self.sample, "--algorithm", "reach", "--format", "json", "--top", "1"] + arguments)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            let parameters = try #require(object["parameters"] as? [String: Any])
            #expect((parameters["beta_chosen"] as? String == "given") == chosen)
            if chosen { #expect(parameters["beta"] as? Double == 0.05) }
        }
    }
}
