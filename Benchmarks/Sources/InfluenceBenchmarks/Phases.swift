import Foundation
import InfluenceModel

/// Times each phase of `influence score FILE -o OUT` in-process: the same library calls.
enum Phases {
    static func run(path: String, repeats: Int, out: String?) throws {
        // The file's own size, also when `path` is a symbolic link to it.
        var info = stat()
        let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
        let mb = Double(size) / 1e6
        print("file \(path): \(String(format: "%.1f", mb)) MB; threads \(Parallel.threads); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
        var best: [String: Double] = [:]
        var iterations = 0
        var summary = ""
        for round in 1 ... repeats {
            let timings = PhaseTimings()
            // The parse-only pass reads a plain file's bytes; a gzip file's are read inflated.
            let counted = path.hasSuffix(".gz") ? nil : try timings.measure("parse-only", bytes: size) { try ScoringGraph.countRecords(path: path) }
            let wall = Date()
            let graph = try ScoringGraph.read(path: path, timings: timings)
            let result = try graph.score(ScoreOptions(), timings: timings)
            _ = timings.measure("rank") { result.ranking() }
            let bytes = timings.measure("rank+format") { result.csvBytes() }
            try timings.measure("write") { try OutputFile.write(bytes: bytes, to: out ?? "/dev/null") }
            let total = Date().timeIntervalSince(wall)
            iterations = result.report.iterations
            summary = "\(counted ?? graph.quality.rows) records, \(graph.nodeCount) people, \(graph.edgeCount) edges (\(graph.storage)), \(iterations) iterations, operator \(result.operatorKind.rawValue)"
            var line = "round \(round):"
            for phase in timings.phases {
                best[phase.name] = min(best[phase.name] ?? .infinity, phase.seconds)
                line += " \(phase.name) \(ms(phase.seconds))"
            }
            best["total"] = min(best["total"] ?? .infinity, total)
            print(line + " | total \(ms(total))")
        }
        print(summary)
        print("best of \(repeats):")
        // The map is 0 for a plain file (mapped, not read) and the inflate for gzip.
        let ingest = best["map", default: 0] + best["parse+intern", default: 0] + best["merge", default: 0] + best["build", default: 0]
        for name in ["map", "parse-only", "parse+intern", "merge", "build", "iterate", "rank", "rank+format", "write"] {
            guard let s = best[name] else { continue }
            var extra = ""
            if name == "parse-only" || name == "parse+intern" { extra = String(format: "  %.0f MB/s", mb / s) }
            if name == "iterate", iterations > 0 { extra = String(format: "  %.2f ms/iteration", s * 1000 / Double(iterations)) }
            print("  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(ms(s))\(extra)")
        }
        print(String(format: "  ingest (map, parse+intern, merge, build): %@  %.0f MB/s", ms(ingest), mb / ingest))
        print("  total (read to written): \(ms(best["total"]!))")
        print("  peak memory (VmHWM): \(peakMemory())")
    }

    static func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }

    /// The process's peak resident memory, from /proc/self/status.
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "unknown" }
        let kb = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0
        return String(format: "%.0f MiB", kb / 1024)
    }
}
