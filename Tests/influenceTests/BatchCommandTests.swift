import Foundation
import Testing

/// Several files, folders, gzip, filters and `score --each`, end to end.
@Suite(.serialized)
struct BatchCommandTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"

    static func sampleLines() throws -> (header: String, rows: [String]) {
        let text = try String(contentsOf: Runner.root.appendingPathComponent(sample), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        return (lines[0], Array(lines.dropFirst()))
    }

    static func rows(_ csv: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[cells[0]] = Array(cells.dropFirst())
        }
        return out
    }

    /// The sample split in two files, and gzipped, scores to the same bytes as the one file.
    @Test func splitAndGzippedFilesScoreTheSame() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (header, rows) = try Self.sampleLines()
        let half = rows.count / 2
        try (([header] + rows[..<half]).joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        // The second part with its columns in another order and a semicolon: each file keeps its own header.
        let swapped = rows[half...].map { line -> String in
            let c = line.split(separator: ",", omittingEmptySubsequences: false)
            return ([c[1], c[0]] + c[2...]).joined(separator: ";")
        }
        let header2 = "referred;referrer;created_at;share_channel;campaign;count"
        try (([header2] + swapped).joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let whole = try Runner.run(["score", Self.sample, "--format", "csv"])
        #expect(whole.status == 0)
        let split = try Runner.run([
            "score", folder.appendingPathComponent("a.csv").path, folder.appendingPathComponent("b.csv").path, "--format", "csv",
        ])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout == whole.stdout)
        let asFolder = try Runner.run(["score", folder.path, "--format", "csv"])
        #expect(asFolder.stdout == whole.stdout)

        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = [
            "-c", "gzip -c '\(Runner.root.appendingPathComponent(Self.sample).path)' > '\(folder.appendingPathComponent("s.csv.gz").path)'",
        ]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0, "gzip is needed for this test")
        let zipped = try Runner.run(["score", folder.appendingPathComponent("s.csv.gz").path, "--format", "csv"])
        #expect(zipped.status == 0, "\(zipped.stderr)")
        #expect(zipped.stdout == whole.stdout)
        #expect(zipped.stderr.contains("s.csv.gz (gzip)"))
    }

    /// `--campaign X` keeps X's rows: its spread is the unfiltered spread's row for X, and `all`
    /// is then the same.
    @Test func campaignFilter() throws {
        let whole = try Runner.run(["spread", Self.sample, "--conversions", Self.conversions, "--format", "csv"])
        let only = try Runner.run([
            "spread", Self.sample, "--conversions", Self.conversions, "--campaign", "spring-launch", "--format", "csv",
        ])
        #expect(only.status == 0, "\(only.stderr)")
        let a = Self.rows(whole.stdout), b = Self.rows(only.stdout)
        #expect(Array(b.keys).sorted() == ["all", "spring-launch"])
        #expect(b["spring-launch"] == a["spring-launch"])
        #expect(b["all"] == a["spring-launch"])
        #expect(only.stderr.contains("left out by the filter"))
        let unknown = try Runner.run(["score", Self.sample, "--campaign", "winter"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("spring-launch"))
    }

    /// `--since`/`--until` keep the rows in the window: reach by day starts and ends inside it.
    @Test func timeFilter() throws {
        let outcome = try Runner.run([
            "spread", Self.sample, "--per", "day", "--since", "2025-03-10", "--until", "2025-03-20", "--format", "csv",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let dates = outcome.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        #expect(dates.first == "2025-03-10")
        #expect(dates.last == "2025-03-20")
        let bad = try Runner.run(["score", Self.sample, "--since", "last week"])
        #expect(bad.status == 64)
    }

    /// One file per campaign, labelled by `--campaign-from-file`, gives the per-campaign spread
    /// of the file with a campaign column.
    @Test func campaignFromFile() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, rows) = try Self.sampleLines()
        for campaign in ["spring-launch", "summer-friends"] {
            let mine = rows.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[4] == campaign }
                .map {
                    $0.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 4 }.map(\.element).joined(
                        separator: ",")
                }
            let text = (["referrer,referred,created_at,share_channel,count"] + mine).joined(separator: "\n") + "\n"
            try text.write(to: folder.appendingPathComponent("\(campaign).csv"), atomically: true, encoding: .utf8)
        }
        // Conversions without their campaign column: each belongs to the referral that brought its person in.
        let conversions = try String(contentsOf: Runner.root.appendingPathComponent(Self.conversions), encoding: .utf8)
        let plain = conversions.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",")
        }
        try (plain.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("conversions.keep"), atomically: true, encoding: .utf8)
        let convPath = folder.appendingPathComponent("conversions.keep").path
        let whole = try Runner.run(["spread", Self.sample, "--conversions", convPath, "--format", "csv"])
        let perFile = try Runner.run(["spread", folder.path, "--campaign-from-file", "--conversions", convPath, "--format", "csv"])
        #expect(perFile.status == 0, "\(perFile.stderr)")
        let a = Self.rows(whole.stdout), b = Self.rows(perFile.stdout)
        #expect(b["spring-launch"] == a["spring-launch"])
        #expect(b["summer-friends"] == a["summer-friends"])
    }

    /// `score --each`: one output per file, a summary table, a failing file reported without
    /// stopping the rest, and the failure's exit code at the end.
    @Test func scoreEach() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "source,target\na,b\nb,c\n".write(to: folder.appendingPathComponent("one.csv"), atomically: true, encoding: .utf8)
        try "source,target,weight\na,b,lots\n".write(to: folder.appendingPathComponent("two.csv"), atomically: true, encoding: .utf8)
        try "referrer;friend\nx;y\n".write(to: folder.appendingPathComponent("three.csv"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("scores").path
        let outcome = try Runner.run(["score", folder.path, "--each", "--out-dir", out])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("two.csv:2:3"))
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.first == "file,status,people,referral_pairs,converged,output")
        #expect(lines.contains { $0.contains("one.csv,ok,3,2,yes") })
        #expect(lines.contains { $0.contains("three.csv,ok,2,1,yes") })
        #expect(lines.contains { $0.contains("two.csv,failed (exit 65)") })
        let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(written == ["one.csv", "three.csv"])
        let one = try String(contentsOfFile: out + "/one.csv", encoding: .utf8)
        #expect(one.hasPrefix("node,score,rank\n"))
    }

    /// Every run's summary says what was read and which columns were used, also with `-o`;
    /// JSON records the mapping.
    @Test func summaryAndMapping() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("s.csv").path
        let outcome = try Runner.run(["score", Self.sample, "-o", output])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("read 2,740 rows from notebooks-data/referrals.csv: 2,621 referral pairs among 2,923 people"))
        #expect(outcome.stderr.contains("source ← \"referrer\""))
        #expect(outcome.stderr.contains("wrote 2,923 scores to \(output)"))
        let json = try Runner.run(["score", Self.sample, "--format", "json", "--top", "1"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let quality = try #require((object["data_quality"] as? [String: Any])?["referrals"] as? [String: Any])
        let columns = try #require(quality["columns"] as? [[String: Any]])
        let mapping = try #require(columns.first?["mapping"] as? [String: Any])
        #expect((mapping["source"] as? [String: Any])?["column"] as? String == "referrer")
        #expect((mapping["target"] as? [String: Any])?["column"] as? String == "referred")
    }

    /// Conversions by people the export does not know are counted, with examples and the
    /// known id they nearly match; e-mail ids differing only in case are one person.
    @Test func unknownConvertersAndNearMatches() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Referrer Email,Friend Email\nAna.Silva@Example.com,bo@example.com\nbo@example.com,cy@example.com\n"
            .write(to: folder.appendingPathComponent("r.csv"), atomically: true, encoding: .utf8)
        try "Customer Email,Order Total\nana.silva@example.com,$10.00\nbo_@example.com,$5.00\ncy@example.com,\n"
            .write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let outcome = try Runner.run([
            "spread", folder.appendingPathComponent("r.csv").path, "--conversions",
            folder.appendingPathComponent("c.csv").path, "--format", "json",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stderr.contains(
                "1 conversion by people not in the referral export (such as bo_@example.com (did you mean \"bo@example.com\"?))"))
        #expect(outcome.stderr.contains("1 row with an empty value (no purchase)"))
        #expect(outcome.stderr.contains("1 id normalized"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let conversions = try #require((object["data_quality"] as? [String: Any])?["conversions"] as? [String: Any])
        #expect(conversions["unknown_converters"] as? Int == 1)
        #expect(conversions["rows_without_value"] as? Int == 1)
    }

    /// When most conversions match nobody, the user column probably holds other ids: a warning
    /// that stays even with `--quiet`.
    @Test func mostConversionsUnknownIsAWarning() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "referrer,referred\na@x.com,b@x.com\n".write(to: folder.appendingPathComponent("r.csv"), atomically: true, encoding: .utf8)
        try "customer_id,value\ncus_1,5\ncus_2,7\nb@x.com,1\n"
            .write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let outcome = try Runner.run([
            "attribute", folder.appendingPathComponent("r.csv").path, "--conversions", folder.appendingPathComponent("c.csv").path,
            "--format", "csv", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("warning: 2 conversions are by people not in the referral export"))
        #expect(outcome.stderr.contains("--user-column"))
    }
}
