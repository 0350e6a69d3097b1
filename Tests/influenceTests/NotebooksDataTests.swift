import Foundation
import Testing

/// The generated samples in `notebooks-data/generated/` are exactly what
/// `Scripts/make_notebooks_data.sh` makes, so the README and notebooks never drift.
struct NotebooksDataTests {
    static let committed = Runner.root.appendingPathComponent("notebooks-data/generated")

    /// Every file under `folder`, as paths relative to it, sorted.
    static func files(under folder: URL) throws -> [String] {
        let all = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return all.filter { !$0.hasSuffix("README.md") }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
    }

    @Test func theScriptRegeneratesTheCommittedSamplesByteForByte() throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Runner.root.appendingPathComponent("Scripts/make_notebooks_data.sh").path, folder.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["INFLUENCE_BIN": Runner.binary.path]) { $1 }
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let made = try Self.files(under: folder)
        let kept = try Self.files(under: Self.committed)
        #expect(made == kept)
        #expect(kept.count >= 15)
        for path in made {
            let a = try Data(contentsOf: folder.appendingPathComponent(path))
            let b = try Data(contentsOf: Self.committed.appendingPathComponent(path))
            #expect(a == b, "notebooks-data/generated/\(path) differs from what Scripts/make_notebooks_data.sh makes")
        }
    }

    @Test func theNotebooksReadmeShowsTheScriptsCommands() throws {
        let readme = try String(contentsOf: Runner.root.appendingPathComponent("notebooks-data/README.md"), encoding: .utf8)
        let script = try String(contentsOf: Runner.root.appendingPathComponent("Scripts/make_notebooks_data.sh"), encoding: .utf8)
        let commands = script.split(separator: "\n").filter { $0.hasPrefix("\"$bin\" generate") }
        #expect(commands.count == 3)
        for line in commands {
            // The script's command with the README's names: influence for "$bin", the committed folder for "$out".
            let shown = line.replacingOccurrences(of: "\"$bin\"", with: "influence")
                .replacingOccurrences(of: "\"$out/", with: "notebooks-data/generated/")
                .replacingOccurrences(of: "\" --quiet", with: "")
            #expect(readme.contains(shown), "\(shown)")
        }
    }
}
