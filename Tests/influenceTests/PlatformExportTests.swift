import Foundation
import Testing

/// One command of a case in `Tests/Exports/manifest.json` (written by `Scripts/make_export_corpus.py`).
struct ExportCommand: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        /// The same answers as the command run with these (canonical) arguments.
        case same(compareWith: [String])
        /// Refused: this exit status, and these texts in standard error (case-insensitive).
        case refused(exit: Int32, stderrContains: [String])
    }

    let caseName: String
    let index: Int
    let command: String
    let args: [String]
    let expectation: Expectation

    var testDescription: String { "\(caseName) #\(index + 1): \(command) \(args.joined(separator: " "))" }
}

/// The manifest of the platform-export corpus.
enum ExportManifest {
    /// `Tests/Exports/`.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Exports")
    static let url = folder.appendingPathComponent("manifest.json")

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Every command of every case, in manifest order.
    static func load() throws -> [ExportCommand] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let cases = json as? [[String: Any]] else { throw Malformed(description: "manifest.json: not a list of cases") }
        var commands: [ExportCommand] = []
        for entry in cases {
            guard let name = entry["name"] as? String, let list = entry["commands"] as? [[String: Any]] else {
                throw Malformed(description: "manifest.json: a case without name or commands: \(entry)")
            }
            for (index, item) in list.enumerated() {
                guard let command = item["command"] as? String, let args = item["args"] as? [String] else {
                    throw Malformed(description: "manifest.json: \(name) #\(index + 1): no command or args")
                }
                let expectation: ExportCommand.Expectation
                if let word = item["expect"] as? String, word == "same" {
                    guard let canonical = item["compare_with"] as? [String] else {
                        throw Malformed(description: "manifest.json: \(name) #\(index + 1): \"same\" without compare_with")
                    }
                    expectation = .same(compareWith: canonical)
                } else if let expect = item["expect"] as? [String: Any], let refusal = expect["refused"] as? [String: Any],
                    let exit = refusal["exit"] as? Int
                {
                    expectation = .refused(exit: Int32(exit), stderrContains: refusal["stderr_contains"] as? [String] ?? [])
                } else {
                    throw Malformed(
                        description: "manifest.json: \(name) #\(index + 1): unknown expect \(String(describing: item["expect"]))")
                }
                commands.append(ExportCommand(caseName: name, index: index, command: command, args: args, expectation: expectation))
            }
        }
        return commands
    }

    /// The commands, or none when the manifest cannot be read (``PlatformExportTests/manifestIsReadable()`` fails then).
    static let commands: [ExportCommand] = (try? load()) ?? []
}

/// A small RFC 4180 reader for the tool's `--format csv` output.
enum CSVText {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endRow() {
            row.append(String(field))
            rows.append(row)
            row = []
            field = String.UnicodeScalarView()
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else {
                switch c {
                case "\"": quoted = true
                case ",":
                    row.append(String(field))
                    field = String.UnicodeScalarView()
                case "\r":
                    if i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                    endRow()
                case "\n": endRow()
                default: field.append(c)
                }
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}

/// Runs `python3` from the package root.
enum Python {
    static func run(_ arguments: [String]) throws -> Runner.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Runner.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Runner.Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let available: Bool = (try? run(["--version"]).status == 0) ?? false
}

/// Realistic referral-platform and spreadsheet exports of one referral program (`Tests/Exports/`, see its
/// README): each must give the same answers as the canonical files, or be refused with a hint naming the flag
/// that reads it.
struct PlatformExportTests {
    static let relativeTolerance = 1e-9

    @Test func manifestIsReadable() throws {
        let commands = try ExportManifest.load()
        #expect(!commands.isEmpty, "manifest.json lists no commands")
        for command in commands {
            var paths = command.args
            if case .same(let canonical) = command.expectation { paths += canonical }
            for path in paths where path.hasPrefix("Tests/Exports/") {
                #expect(
                    FileManager.default.fileExists(atPath: Runner.root.appendingPathComponent(path).path),
                    "\(command.testDescription): \(path) does not exist")
            }
        }
    }

    @Test(arguments: ExportManifest.commands)
    func export(_ command: ExportCommand) throws {
        switch command.expectation {
        case .refused(let exit, let texts):
            let outcome = try Runner.run([command.command] + command.args)
            #expect(
                outcome.status == exit,
                "\(command.caseName): expected exit \(exit), got \(outcome.status). stderr: \(outcome.stderr)")
            for text in texts {
                #expect(
                    outcome.stderr.lowercased().contains(text.lowercased()),
                    "\(command.caseName): stderr does not mention \"\(text)\": \(outcome.stderr)")
            }
        case .same(let canonicalArgs):
            let variant = try Runner.run([command.command] + command.args + ["--format", "csv"])
            try #require(
                variant.status == 0,
                "\(command.caseName): exit \(variant.status) reading the export. stderr: \(variant.stderr)")
            let canonical = try Runner.run([command.command] + canonicalArgs + ["--format", "csv"])
            try #require(
                canonical.status == 0,
                "\(command.caseName): exit \(canonical.status) on the canonical command \(canonicalArgs). stderr: \(canonical.stderr)")
            let difference = Self.difference(
                command.command, variant: CSVText.rows(variant.stdout),
                canonical: CSVText.rows(canonical.stdout))
            #expect(difference == nil, "\(command.caseName) (\(command.command)): \(difference ?? "")")
        }
    }

    /// The first difference between two outputs of `command`, or `nil` when they agree: the same header; for
    /// `spread` the same rows in the same order, for `score` and `attribute` the same rows by their first column
    /// (`rank` is not compared); cells equal, or numbers equal within ``relativeTolerance``.
    static func difference(_ command: String, variant: [[String]], canonical: [[String]]) -> String? {
        guard let header = canonical.first else { return "the canonical command wrote no output" }
        guard let variantHeader = variant.first else { return "the export's command wrote no output" }
        if variantHeader != header { return "header \(variantHeader) differs from the canonical \(header)" }
        let ignored: Set<Int> = command == "score" ? Set(header.indices.filter { header[$0] == "rank" }) : []
        let rows = Array(variant.dropFirst()), canonicalRows = Array(canonical.dropFirst())

        func compare(_ row: [String], _ expected: [String], at label: String) -> String? {
            if row.count != expected.count { return "\(label): \(row) has \(row.count) fields, canonical \(expected)" }
            for column in row.indices where !ignored.contains(column) && !same(row[column], expected[column]) {
                let name = column < header.count ? header[column] : "field \(column + 1)"
                return
                    "\(label), column \(name): \"\(row[column])\" vs canonical \"\(expected[column])\" — row \(row), canonical row \(expected)"
            }
            return nil
        }

        let keys = canonicalRows.map { $0.first ?? "" }
        if command == "spread" || Set(keys).count != keys.count {
            for (index, (row, expected)) in zip(rows, canonicalRows).enumerated() {
                if let difference = compare(row, expected, at: "row \(index + 1) (\(expected.first ?? ""))") { return difference }
            }
            if rows.count != canonicalRows.count {
                let extra =
                    rows.count > canonicalRows.count
                    ? "the export has extra row \(rows[canonicalRows.count])"
                    : "the export lacks row \(canonicalRows[rows.count])"
                return "\(rows.count) rows vs canonical \(canonicalRows.count): \(extra)"
            }
            return nil
        }
        var byKey: [String: [String]] = [:]
        for row in rows { byKey[row.first ?? ""] = row }
        let canonicalKeys = Set(keys)
        for (index, expected) in canonicalRows.enumerated() {
            let key = expected.first ?? ""
            guard let row = byKey[key] else { return "canonical row \(index + 1) \(expected) is missing from the export's output" }
            if let difference = compare(row, expected, at: "row \"\(key)\"") { return difference }
        }
        if let extra = rows.first(where: { !canonicalKeys.contains($0.first ?? "") }) {
            return "the export's output has row \(extra), which the canonical output lacks"
        }
        if rows.count != canonicalRows.count { return "\(rows.count) rows vs canonical \(canonicalRows.count) (repeated keys)" }
        return nil
    }

    /// Equal text, or numbers within the relative tolerance.
    static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b), x.isFinite, y.isFinite else { return false }
        return abs(x - y) <= relativeTolerance * max(abs(x), abs(y)) || abs(x - y) <= 1e-12
    }

    /// Regular files under `folder`, as sorted relative paths (dot files left out).
    static func files(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var found: [String] = []
        while let path = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            let full = folder.appendingPathComponent(path).path
            if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    @Test(.enabled(if: Python.available, "python3 is not on PATH, so Scripts/make_export_corpus.py cannot be re-run"))
    func corpusIsReproducible() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Python.run(["Scripts/make_export_corpus.py", "--out", folder.path])
        try #require(run.status == 0, "Scripts/make_export_corpus.py failed: \(run.stderr)")
        let made = Self.files(under: folder)
        let committed = Self.files(under: ExportManifest.folder).filter { $0 != "README.md" }
        #expect(
            made == committed,
            """
            the script makes \(made.filter { !committed.contains($0) }) that are not committed, \
            and does not make committed \(committed.filter { !made.contains($0) })
            """)
        for path in made where committed.contains(path) {
            let fresh = folder.appendingPathComponent(path), kept = ExportManifest.folder.appendingPathComponent(path)
            if try Data(contentsOf: fresh) == Data(contentsOf: kept) { continue }
            if path.hasSuffix(".gz") {
                // Another zlib build may compress differently; the content must still be identical.
                let check = try Python.run([
                    "-c", "import gzip, sys; sys.exit(gzip.open(sys.argv[1]).read() != gzip.open(sys.argv[2]).read())",
                    fresh.path, kept.path,
                ])
                if check.status == 0 { continue }
            }
            Issue.record("Tests/Exports/\(path) differs from a fresh run of Scripts/make_export_corpus.py; re-run it and commit the result")
        }
    }
}
