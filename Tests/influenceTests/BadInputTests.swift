import Foundation
import Testing

/// One row of the bad-input catalogue (docs/bad-input.md): what a user feeds the tool and what
/// they must get back.
struct BadInput: CustomTestStringConvertible, Sendable {
    let id: String
    /// Files written into a fresh folder, which is the working directory of the run.
    let files: [String: [UInt8]]
    let arguments: [String]
    let stdin: String?
    let exit: Int32
    /// Texts the standard error must hold (file:line:column, the value seen, …).
    let stderr: [String]
    /// Texts the standard output must hold.
    let stdout: [String]

    init(
        _ id: String, files: [String: [UInt8]] = [:], _ arguments: [String], stdin: String? = nil,
        exit: Int32, stderr: [String] = [], stdout: [String] = []
    ) {
        self.id = id
        self.files = files
        self.arguments = arguments
        self.stdin = stdin
        self.exit = exit
        self.stderr = stderr
        self.stdout = stdout
    }

    var testDescription: String { id }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func events(_ body: String) -> [String: [UInt8]] { ["events.csv": text(body)] }
}

extension BadInput {
    static let bigField = String(repeating: "x", count: 5 * 1024 * 1024)

    static let catalogue: [BadInput] = [
        BadInput("empty-file", files: events(""), ["score", "events.csv"], exit: 65, stderr: ["events.csv", "empty"]),
        BadInput("whitespace-only", files: events("\n \r\n\t\n"), ["score", "events.csv"], exit: 65, stderr: ["events.csv", "empty"]),
        BadInput("header-only", files: events("source,target\n"), ["score", "events.csv"], exit: 65, stderr: ["events.csv:1"]),
        BadInput(
            "missing-required-column", files: events("source,friendz\na,b\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:1", "no target column", "--target-column"]),
        BadInput(
            "duplicate-column", files: events("source,Source,target\na,b,c\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:1:2", "appears twice"]),
        BadInput(
            "unbalanced-quote", files: events("source,target\na,b\n\"c,d\ne,f\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:3:1", "never closes"]),
        BadInput(
            "stray-quote", files: events("source,target\n\"a\"x,b\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:1"]),
        BadInput(
            "ragged-row-short", files: events("source,target,weight\na,b,1\nc\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:3:2", "1 fields but the header has 3"]),
        BadInput(
            "ragged-row-long", files: events("source,target\na,b\nc,d,e\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:3:3"]),
        BadInput(
            "blank-lines", files: events("source,target\n\na,b\n\n\nb,c\n"), ["score", "events.csv", "--format", "json"], exit: 0,
            stdout: ["\"blank_lines\": 3"]),
        BadInput(
            "empty-id", files: events("source,target\na,\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:2", "target is empty"]),
        BadInput(
            "empty-referrer", files: events("referred by,customer\n,b\na,c\n"), ["score", "events.csv", "--format", "json"], exit: 0,
            stdout: ["\"unreferred_rows\": 1"]),
        BadInput(
            "nul-byte", files: ["events.csv": text("source,target\na") + [0] + text(",b\n")], ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:1", "NUL"]),
        BadInput(
            "invalid-utf8", files: ["events.csv": text("source,target\na,b\nc,") + [0xC3, 0x28] + text("\n")],
            ["score", "events.csv"], exit: 65, stderr: ["events.csv:3:2", "UTF-8"]),
        BadInput(
            "latin1-export", files: ["events.csv": text("source,target\nJos") + [0xE9] + text(",b\n")],
            ["score", "events.csv"], exit: 65, stderr: ["events.csv:2:1", "UTF-8", "--encoding windows-1252"]),
        BadInput(
            "latin1-with-encoding", files: ["events.csv": text("source,target\nJos") + [0xE9] + text(",b\n")],
            ["score", "events.csv", "--encoding", "latin1", "--format", "csv"], exit: 0, stdout: ["José"]),
        BadInput(
            "5mb-field-ignored", files: events("source,target,note\na,b,\(bigField)\nb,c,x\n"), ["score", "events.csv"], exit: 0,
            stdout: ["node,score,rank"]),
        BadInput(
            "5mb-id", files: events("source,target\n\(bigField),b\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:1", "longer than"]),
        BadInput(
            "binary-garbage", files: ["events.csv": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48]],
            ["score", "events.csv"], exit: 65, stderr: ["events.csv:"]),
        BadInput(
            "utf16-file",
            files: ["events.csv": [0xFF, 0xFE] + Array("source\ttarget\nJosé\tb\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })],
            ["score", "events.csv", "--format", "csv"], exit: 0, stdout: ["José,"]),
        BadInput(
            "weight-text", files: events("source,target,weight\na,b,1\nb,c,lots\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:3:3", "\"lots\""]),
        BadInput(
            "weight-negative", files: events("source,target,weight\na,b,-2\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:3", "\"-2\""]),
        BadInput(
            "weight-nan", files: events("source,target,weight\na,b,NaN\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:3", "\"NaN\""]),
        BadInput(
            "weight-infinite", files: events("source,target,weight\na,b,1e999\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:2:3", "\"1e999\""]),
        BadInput(
            "weight-overflow-on-merge", files: events("source,target,weight\na,b,1e308\na,b,1e308\n"), ["score", "events.csv"],
            exit: 65, stderr: ["events.csv", "infinite"]),
        BadInput(
            "timestamp-unparsable", files: events("source,target,timestamp\na,b,last tuesday\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv:2:3", "last tuesday", "--time-format"]),
        BadInput(
            "timestamp-ignored-by-score", files: events("source,target,timestamp\na,b,last tuesday\n"), ["score", "events.csv"],
            exit: 0, stdout: ["node,score,rank"]),
        BadInput(
            "timestamp-no-time", files: events("source,target,timestamp\na,b,last tuesday\n"), ["spread", "events.csv", "--no-time"],
            exit: 0, stdout: ["all,2,"]),
        BadInput(
            "timestamp-us-format", files: events("source,target,timestamp\na,b,03/04/2025\nb,c,04/03/2025\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv", "03/04/2025", "--date-order"]),
        BadInput(
            "timestamp-order-proved", files: events("source,target,timestamp\na,b,03/04/2025\nb,c,13/03/2025\n"),
            ["spread", "events.csv", "--per", "day", "--format", "csv"], exit: 0, stdout: ["2025-03-13", "2025-04-03"]),
        BadInput(
            "timestamp-order-mixed", files: events("source,target,timestamp\na,b,03/14/2025\nb,c,13/03/2025\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv", "line 3", "line 2", "mixes date orders"]),
        BadInput(
            "timestamp-out-of-range", files: events("source,target,timestamp\na,b,1850-01-01\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv:2:3", "1900"]),
        BadInput(
            "timestamp-milliseconds", files: events("source,target,timestamp\na,b,1741079700123\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv:2:3", "milliseconds", "--time-format ms"]),
        BadInput(
            "timestamp-spreadsheet-serial", files: events("source,target,timestamp\na,b,45355.604\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv:2:3", "--time-format excel"]),
        BadInput(
            "timestamp-impossible-date", files: events("source,target,timestamp\na,b,2025-02-30\n"), ["spread", "events.csv"],
            exit: 65, stderr: ["events.csv:2:3", "2025-02-30"]),
        BadInput(
            "timestamps-mixed-formats",
            files: events("source,target,timestamp\na,b,2025-03-04T09:15:00Z\nb,c,1741079700\nc,d,2025-03-04\n"),
            ["spread", "events.csv"], exit: 0, stdout: ["all,4,"]),
        BadInput(
            "conversions-unknown-people",
            files: events("source,target\na,b\n").merging(["conv.csv": text("user,value\nb,5\nzed,9\n")]) { $1 },
            ["score", "events.csv", "--personalize", "conv.csv", "--format", "json"], exit: 0, stdout: ["\"unknown_converters\": 1"]),
        BadInput(
            "conversions-negative-value", files: events("source,target\na,b\n").merging(["conv.csv": text("user,value\nb,-5\n")]) { $1 },
            ["score", "events.csv", "--personalize", "conv.csv"], exit: 65, stderr: ["conv.csv:2:2", "\"-5\""]),
        BadInput(
            "conversions-currency",
            files: events("source,target\na,b\nb,c\n").merging(["conv.csv": text("user,Order Total\nb,\"$1,234.50\"\nc,$72.26\nc,\n")]) {
                $1
            },
            ["score", "events.csv", "--personalize", "conv.csv", "--format", "json"], exit: 0, stdout: ["\"personalized\": true"]),
        BadInput(
            "conversions-decimal-ambiguous",
            files: events("source,target\na,b\n").merging(["conv.csv": text("user;value\nb;1,500\n")]) { $1 },
            ["score", "events.csv", "--personalize", "conv.csv"], exit: 65, stderr: ["conv.csv", "1,500", "--decimal"]),
        BadInput(
            "conversions-none-on-graph", files: events("source,target\na,b\n").merging(["conv.csv": text("user,value\nzed,5\n")]) { $1 },
            ["score", "events.csv", "--personalize", "conv.csv"], exit: 65, stderr: ["conv.csv", "user column"]),
        BadInput("directory-not-file", files: [:], ["score", "."], exit: 66, stderr: ["folder holds no .csv"]),
        BadInput(
            "folder-of-exports", files: ["a.csv": text("source,target\na,b\n"), "b.csv.txt": text("source;target\nb;c\n")],
            ["score", ".", "--format", "csv"], exit: 0, stdout: ["a,", "b,", "c,"]),
        BadInput(
            "xlsx-file", files: ["events.xlsx": [0x50, 0x4B, 0x03, 0x04] + text("....[Content_Types].xml....xl/workbook.xml")],
            ["score", "events.xlsx"], exit: 65, stderr: ["events.xlsx", "Excel workbook", "CSV UTF-8"]),
        BadInput(
            "parquet-file", files: ["events.parquet": text("PAR1....")], ["score", "events.parquet"], exit: 65,
            stderr: ["events.parquet", "Parquet"]),
        BadInput(
            "gzip-damaged", files: ["events.csv.gz": [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0x4B, 0x4C]],
            ["score", "events.csv.gz"], exit: 65, stderr: ["events.csv.gz", "gzip data is damaged (it cannot be inflated to its end)"]),
        BadInput(
            "title-above-header", files: events("Referral report, March 2024\n\nreferrer,referred\na,b\nb,c\n"),
            ["score", "events.csv", "--format", "json"], exit: 0, stdout: ["\"header_line\": 3"]),
        BadInput(
            "title-above-semicolon-header", files: events("Referral report March 2024\nReferrer;Referred\na;b\n"),
            ["score", "events.csv", "--format", "csv"], exit: 0, stdout: ["a,", "b,"]),
        BadInput(
            "ambiguous-column", files: events("referrer,sharer,target\na,a,b\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv:1", "\"referrer\" and \"sharer\"", "--source-column"]),
        BadInput(
            "utm-source-not-sharer", files: events("Source,Referrer Email,Friend Email\ngoogle,a@x.com,b@x.com\n"),
            ["score", "events.csv", "--format", "csv"], exit: 0, stdout: ["a@x.com", "b@x.com"]),
        BadInput(
            "unknown-campaign", files: events("source,target,campaign\na,b,spring\n"), ["score", "events.csv", "--campaign", "summer"],
            exit: 65, stderr: ["events.csv", "summer", "spring"]),
        BadInput(
            "too-many-skipped", files: events("source,target,weight\na,b,x\nb,c,y\nc,d,1\n"),
            ["score", "events.csv", "--on-error", "skip"], exit: 65, stderr: ["2 of 3 rows", "weight"]),
        BadInput("missing-file", files: [:], ["score", "nope.csv"], exit: 66, stderr: ["nope.csv", "no such file"]),
        BadInput(
            "missing-conversions-file", files: events("source,target\na,b\n"), ["score", "events.csv", "--personalize", "nope.csv"],
            exit: 66, stderr: ["nope.csv"]),
        BadInput("unreadable-file", files: [:], ["score", "/proc/self/mem"], exit: 66, stderr: ["/proc/self/mem", "cannot be read"]),
        BadInput(
            "output-folder-missing", files: events("source,target\na,b\n"), ["score", "events.csv", "-o", "no/such/folder/out.csv"],
            exit: 74, stderr: ["no/such/folder/out.csv"]),
        BadInput(
            "output-is-a-folder", files: events("source,target\na,b\n"), ["score", "events.csv", "-o", "."], exit: 74, stderr: ["folder"]),
        BadInput(
            "output-disk-full", files: events("source,target\na,b\n"), ["score", "events.csv", "-o", "/dev/full"], exit: 74,
            stderr: ["/dev/full", "No space left"]),
        BadInput("stdin-input", ["score", "-", "--format", "csv"], stdin: "source,target\na,b\n", exit: 0, stdout: ["a,", "b,"]),
        BadInput(
            "divergent-reach-beta", files: events("source,target,weight\na,b,3\nb,a,3\n"),
            ["score", "events.csv", "--algorithm", "reach", "--beta", "0.5"], exit: 64, stderr: ["spectral radius", "3"]),
        BadInput("no-edges", files: events("source,target\n\n"), ["score", "events.csv"], exit: 65, stderr: ["events.csv:1"]),
        BadInput(
            "one-person", files: events("source,target\nann,ann\n"), ["score", "events.csv"], exit: 65,
            stderr: ["events.csv", "no referral links two different people"]),
        BadInput(
            "all-self-referrals", files: events("source,target\na,a\nb,b\n"), ["score", "events.csv"], exit: 65,
            stderr: ["2 self-referral rows"]),
        BadInput(
            "skip-bad-rows", files: events("source,target,weight\na,b,1\nb,c,lots\nd,,1\nc,d,1\nd,e,1\n"),
            ["score", "events.csv", "--on-error", "skip", "--format", "json", "--quiet"], exit: 0,
            stderr: ["skipped 2 bad rows", "events.csv:3:3"], stdout: ["\"skipped_rows\": 2", "events.csv:3:3"]),
        BadInput(
            "unknown-column-flag", files: events("source,target\na,b\n"), ["score", "events.csv", "--source-column", "sender"],
            exit: 65, stderr: ["events.csv:1", "sender"]),
        BadInput(
            "decimal-comma", files: events("source;target;weight\na;b;1,5\nb;c;2\n"), ["score", "events.csv"], exit: 0,
            stdout: ["node,score,rank"]),
        BadInput("cr-line-ends", files: events("source,target\ra,b\rb,c\r"), ["score", "events.csv"], exit: 0, stdout: ["a,", "c,"]),
        BadInput(
            "bad-usage-flag", files: events("source,target\na,b\n"), ["score", "events.csv", "--damping", "2"], exit: 64,
            stderr: ["--damping"]),
    ]
}

@Suite(.serialized)
struct BadInputTests {
    @Test(arguments: BadInput.catalogue)
    func catalogue(_ case_: BadInput) throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, bytes) in case_.files {
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
        let outcome = try Runner.run(case_.arguments, stdin: case_.stdin, in: folder)
        #expect(outcome.status == case_.exit, "\(case_.id): exit \(outcome.status), stderr: \(outcome.stderr.prefix(400))")
        for text in case_.stderr {
            #expect(outcome.stderr.contains(text), "\(case_.id): stderr lacks \(text): \(outcome.stderr.prefix(400))")
        }
        for text in case_.stdout {
            #expect(outcome.stdout.contains(text), "\(case_.id): stdout lacks \(text)")
        }
        if case_.exit != 0 || !case_.stderr.isEmpty {
            #expect(outcome.stderr.hasPrefix("influence: ") || outcome.stderr.hasPrefix("Error: "), "\(case_.id): \(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count <= 3, "\(case_.id): a short message")
            #expect(outcome.stdout.isEmpty || case_.exit == 0, "\(case_.id): no partial output")
        }
        // No non-finite number as a value (the tool's own name, "influence", is no number).
        #expect(!outcome.stdout.contains("nan") && outcome.stdout.ranges(of: /(^|[\s,:\[])-?inf\b/).isEmpty)
    }

    /// Every catalogue row is documented, with the same exit code, and vice versa.
    @Test func documentationMatchesTheCatalogue() throws {
        let doc = try String(contentsOf: Runner.root.appendingPathComponent("docs/bad-input.md"), encoding: .utf8)
        var documented: [String: Int32] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, let code = Int32(cells[cells.count - 2].prefix(2)) else { continue }
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = code
        }
        var tested = Dictionary(uniqueKeysWithValues: BadInput.catalogue.map { ($0.id, $0.exit) })
        tested["existing-output-kept"] = 65
        tested["closed-stdout-pipe"] = 0
        #expect(documented == tested)
        #expect(tested.count >= 30)
    }

    @Test func existingOutputKept() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("source,target,weight\na,b,x\n".utf8).write(to: folder.appendingPathComponent("events.csv"))
        let output = folder.appendingPathComponent("scores.csv")
        try Data("keep me\n".utf8).write(to: output)
        let outcome = try Runner.run(["score", "events.csv", "-o", "scores.csv"], in: folder)
        #expect(outcome.status == 65)
        #expect(try String(contentsOf: output, encoding: .utf8) == "keep me\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["events.csv", "scores.csv"])
    }

    @Test func closedStdoutPipe() throws {
        let outcome = try Runner.runClosingStdout(["score", "notebooks-data/referrals.csv", "--format", "csv"], keepBytes: 64)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
    }
}
