import Foundation

/// Runs the built `influence` binary, as a user would.
struct Runner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package's root folder.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary: beside the test bundle in the build folder.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["INFLUENCE_BIN"] { return URL(fileURLWithPath: path) }
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("influence")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/influence")
    }()

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("influence-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `influence` with `arguments`, feeding `stdin` if given.
    static func run(
        _ arguments: [String], stdin: String? = nil, in folder: URL? = nil,
        environment: [String: String] = [:]
    ) throws -> Outcome {
        try launch(arguments, stdin: stdin, in: folder, keepBytes: nil, environment: environment)
    }

    /// Runs `influence`, reads `keepBytes` of its output and closes the pipe, as `| head -c` does.
    static func runClosingStdout(_ arguments: [String], keepBytes: Int) throws -> Outcome {
        try launch(arguments, stdin: nil, in: nil, keepBytes: keepBytes)
    }

    /// Starts the binary with standard error going to a file (so it can never block the child),
    /// reads all of standard output, or only `keepBytes` of it before closing the pipe.
    private static func launch(
        _ arguments: [String], stdin: String?, in folder: URL?, keepBytes: Int?,
        environment: [String: String] = [:]
    ) throws -> Outcome {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder ?? root
        let out = Pipe()
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("influence-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let err = try FileHandle(forWritingTo: errFile)
        defer { try? FileManager.default.removeItem(at: errFile) }
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData: Data
        if let keepBytes {
            stdoutData = try out.fileHandleForReading.read(upToCount: keepBytes) ?? Data()
            try out.fileHandleForReading.close()
        } else {
            // Read the pipe before waiting, so a large output cannot block the child.
            stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        }
        process.waitUntilExit()
        try err.close()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errFile), as: UTF8.self))
    }
}
