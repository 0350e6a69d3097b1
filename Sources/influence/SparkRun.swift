import Foundation
import InfluenceModel
import SparkJob

/// Why an `influence spark` run could not be done.
enum SparkError: Error, CustomStringConvertible, Equatable {
    /// No spark-submit where it was looked for.
    case missingSubmit(tried: [String])
    /// No java for Spark to run on.
    case missingJava(tried: [String])
    /// spark-submit failed without a refusal of the job's own.
    case failed(status: Int32, log: String, tail: [String])
    /// The job refused its input or parameters, with the exit code `influence` uses for it.
    case refused(status: Int32, message: String)
    /// The job's counts differ from the input layer's: a bug, not a data problem.
    case disagreement(String)

    /// 69 (EX_UNAVAILABLE, sysexits.h: "a support program … does not exist") when Spark or Java
    /// is missing; the job's own code when it refused; 70 when Spark failed or disagreed.
    var exitCode: Int32 {
        switch self {
        case .missingSubmit, .missingJava: return 69
        case .refused(let status, _): return status
        case .failed, .disagreement: return 70
        }
    }

    var description: String {
        switch self {
        case .missingSubmit(let tried):
            return
                "spark-submit not found (looked for \(tried.joined(separator: ", "))). Install Spark with `python3 -m pip install pyspark==\(SparkJob.pysparkVersion)` (it carries spark-submit) and Java 17 with `apt-get install openjdk-17-jre-headless`, or set SPARK_HOME, or pass --submit PATH."
        case .missingJava(let tried):
            return
                "java not found (looked for \(tried.joined(separator: ", "))): Spark runs on Java 17. Install it with `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME."
        case .failed(let status, let log, let tail):
            return "spark-submit exited with status \(status); the end of its log (\(log)):\n" + tail.joined(separator: "\n")
        case .refused(_, let message):
            return message
        case .disagreement(let detail):
            return "the Spark job and the input layer disagree: \(detail). Please report it."
        }
    }
}

extension SparkError: InfluenceError {}

/// Finds spark-submit and java.
enum SparkTools {
    struct Found {
        var submit: String
        var java: String
    }

    /// spark-submit from `--submit`, else `$SPARK_HOME/bin`, else PATH, else the copy inside pip's
    /// pyspark package; java from `$JAVA_HOME/bin`, else PATH.
    /// - Throws: `SparkError.missingSubmit`, `.missingJava`.
    static func locate(submit given: String?) throws(SparkError) -> Found {
        let environment = ProcessInfo.processInfo.environment
        var tried: [String] = []
        var submit: String?
        if let given {
            tried.append(given)
            if FileManager.default.isExecutableFile(atPath: given) { submit = given }
            guard let submit else { throw .missingSubmit(tried: tried) }
            return Found(submit: submit, java: try java(environment))
        }
        if let home = environment["SPARK_HOME"], !home.isEmpty {
            let path = home + "/bin/spark-submit"
            tried.append(path)
            if FileManager.default.isExecutableFile(atPath: path) { submit = path }
        }
        if submit == nil {
            tried.append("spark-submit on PATH")
            submit = onPath("spark-submit", environment)
        }
        if submit == nil {
            tried.append("pyspark's bin/spark-submit")
            if let folder = pysparkFolder(environment) {
                let path = folder + "/bin/spark-submit"
                if FileManager.default.isExecutableFile(atPath: path) { submit = path }
            }
        }
        guard let submit else { throw .missingSubmit(tried: tried) }
        return Found(submit: submit, java: try java(environment))
    }

    private static func java(_ environment: [String: String]) throws(SparkError) -> String {
        var tried: [String] = []
        if let home = environment["JAVA_HOME"], !home.isEmpty {
            let path = home + "/bin/java"
            tried.append(path)
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        tried.append("java on PATH")
        if let path = onPath("java", environment) { return path }
        throw .missingJava(tried: tried)
    }

    static func onPath(_ name: String, _ environment: [String: String]) -> String? {
        for folder in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The folder of an installed pyspark package, asked of python3 (a lookup only: nothing else needs Python).
    private static func pysparkFolder(_ environment: [String: String]) -> String? {
        guard let python = onPath("python3", environment) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// One `influence spark` run: a staging folder inside the output folder (so results move into
/// place by rename), the canonical input and parameters written there, spark-submit run on the
/// embedded job, and its files moved into the output folder.
struct SparkRun {
    var options: SparkOptions
    var tools: SparkTools.Found
    var command: String
    /// The staging folder, once `execute` has made it.
    private(set) var staging = ""
    let started = Date()

    /// Writes the input and parameters, runs the job and returns its summary.
    /// - Throws: `OutputError`, `SparkError`.
    mutating func execute(events: ReferralEvents, conversions: Conversions?, parameters: [String: Any]) throws -> [String: Any] {
        try OutputFile.makeFolder(options.output)
        staging = try OutputFile.makeTemporaryFolder(prefix: options.output + "/.influence-spark-")
        return try submit(events: events, conversions: conversions, parameters: parameters)
    }

    private func submit(events: ReferralEvents, conversions: Conversions?, parameters: [String: Any]) throws -> [String: Any] {
        let absolute = URL(fileURLWithPath: staging).standardizedFileURL.path
        let edges = events.canonicalCSV()
        try OutputFile.write(chunks: [edges.bytes], to: staging + "/edges.csv")
        var multiline = edges.multiline
        var parameters = parameters
        parameters["edges"] = absolute + "/edges.csv"
        if let conversions {
            let table = conversions.canonicalCSV()
            multiline = multiline || table.multiline
            try OutputFile.write(chunks: [table.bytes], to: staging + "/conversions.csv")
            parameters["conversions"] = absolute + "/conversions.csv"
        }
        parameters["out"] = absolute + "/out"
        parameters["multiline"] = multiline
        parameters["raw_csv"] = options.rawCsv
        parameters["checkpoint_every"] = 10
        if let partitions = options.partitions { parameters["partitions"] = partitions }
        if let dir = options.checkpointDir { parameters["checkpoint_dir"] = dir }
        let json = try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys, .prettyPrinted])
        try OutputFile.write(String(decoding: json, as: UTF8.self) + "\n", to: staging + "/params.json")
        try OutputFile.write(SparkJob.source, to: staging + "/influence_spark.py")

        let log = staging + "/spark.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.submit)
        var arguments = ["--master", options.master, "--conf", "spark.ui.showConsoleProgress=false"]
        for setting in options.conf { arguments += ["--conf", setting] }
        arguments += [absolute + "/influence_spark.py", "--params", absolute + "/params.json"]
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if environment["JAVA_HOME"] == nil {
            environment["JAVA_HOME"] =
                URL(fileURLWithPath: tools.java).resolvingSymlinksInPath()
                .deletingLastPathComponent().deletingLastPathComponent().path
        }
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let status = process.terminationStatus
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let own = text.split(separator: "\n").filter { $0.hasPrefix("influence_spark: ") }.map { String($0.dropFirst(17)) }
        if status != 0 {
            if [64, 65, 66].contains(status), let error = own.last(where: { $0.hasPrefix("error: ") }) {
                if !options.keepStaging { try? FileManager.default.removeItem(atPath: staging) }
                throw SparkError.refused(status: status, message: String(error.dropFirst(7)))
            }
            throw SparkError.failed(status: status, log: log, tail: text.split(separator: "\n").suffix(25).map(String.init))
        }
        guard let data = FileManager.default.contents(atPath: staging + "/out/summary.json"),
            let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw SparkError.failed(status: status, log: log, tail: ["(the job wrote no summary.json)"])
        }
        return summary
    }

    /// Refuses a run whose people or edges differ from what the input layer read.
    func check(_ summary: [String: Any], people: Int, edges: Int) throws(SparkError) {
        let sparkPeople = summary["people"] as? Int ?? -1
        let sparkEdges = summary["edges"] as? Int ?? -1
        if sparkPeople != people || sparkEdges != edges {
            throw .disagreement(
                "Spark counted \(sparkPeople) people and \(sparkEdges) referral pairs, the input layer \(people) and \(edges)")
        }
    }

    /// Moves the job's files into the output folder (each by rename: never a partial file).
    /// - Returns: the paths written.
    func deliver(_ names: [String]) throws -> [String] {
        var written: [String] = []
        for name in names {
            let target = options.output + "/" + name
            try OutputFile.move(staging + "/out/" + name, to: target)
            written.append(target)
        }
        return written
    }

    /// Writes summary.json and removes the staging folder (unless kept).
    func finish(_ document: JSONValue) throws {
        try OutputFile.write(document.rendered(), to: options.output + "/summary.json")
        if !options.keepStaging { try? FileManager.default.removeItem(atPath: staging) }
    }

    /// The engine's part of the JSON: Spark's version, master, partitions and time.
    func engine(_ summary: [String: Any]) -> [(String, JSONValue)] {
        [
            (
                "engine",
                .object([
                    ("name", .string("spark")),
                    ("version", .string(summary["spark_version"] as? String ?? "")),
                    ("master", .string(summary["master"] as? String ?? options.master)),
                    ("partitions", .int(summary["partitions"] as? Int ?? 0)),
                    ("job_seconds", .number(summary["seconds"] as? Double ?? .nan)),
                    ("seconds", .number(Date().timeIntervalSince(started))),
                ])
            )
        ]
    }

    /// The summary lines on standard error.
    func report(_ line: String, summary: [String: Any], files: [String]) {
        guard !options.quiet else { return }
        var stderr = StandardError()
        let version = summary["spark_version"] as? String ?? "?"
        let master = summary["master"] as? String ?? options.master
        print("influence: \(line) (Spark \(version), \(master), \(Format.short(Date().timeIntervalSince(started))) s)", to: &stderr)
        for file in files + [options.output + "/summary.json"] { print("influence: wrote \(file)", to: &stderr) }
    }
}
