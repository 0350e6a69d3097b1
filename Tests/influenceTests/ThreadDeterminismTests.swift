import Foundation
import Testing

/// Same input, same flags: the same bytes out on one thread or two, and whatever OpenBLAS's
/// own thread setting. The export is large enough (about 2.3 MB) to be read in two chunks on
/// two threads, and small and dense enough in parts to take the dense operator.
@Suite(.serialized)
struct ThreadDeterminismTests {
    /// A seeded export with times, channels, campaigns and repeated pairs (an LCG, so the test
    /// does not depend on the library's own generator).
    static let export: URL = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let channels = ["email", "facebook", "twitter", "linkedin", "blog", "event"]
        var text = "referrer,referred,created_at,share_channel,campaign,count\n"
        var conversions = "customer_id,timestamp,value\n"
        for i in 0..<60_000 {
            let source = next(30_000), target = next(30_000)
            let t = 1_709_251_200 + i * 37 + next(30)
            text += "p\(source),p\(target),\(t),\(channels[next(6)]),c\(next(3)),\(1 + next(3))\n"
            if next(5) == 0 { conversions += "p\(target),\(t + 3600 + next(86_400)),\(10 + next(9000)).\(next(100))\n" }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("influence-threads-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? text.write(to: folder.appendingPathComponent("referrals.csv"), atomically: true, encoding: .utf8)
        try? conversions.write(to: folder.appendingPathComponent("conversions.csv"), atomically: true, encoding: .utf8)
        return folder
    }()

    /// A forest of 150,000 people (each referred once, by someone earlier) with 70,000
    /// conversions: past the sizes where influence-flow's block steps and the conversion
    /// chains are cut into pieces for the threads.
    static let wide: URL = {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var text = "source,target,timestamp,channel\n"
        for i in 1..<150_000 { text += "w\(next(i)),w\(i),\(1_709_251_200 + i * 11),\(["email", "blog", "event"][next(3)])\n" }
        var conversions = "user,timestamp,value\n"
        for _ in 0..<70_000 { conversions += "w\(next(150_000)),\(1_709_251_200 + next(1_650_000)),\(1 + next(500))\n" }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("influence-threads-wide-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? text.write(to: folder.appendingPathComponent("referrals.csv"), atomically: true, encoding: .utf8)
        try? conversions.write(to: folder.appendingPathComponent("conversions.csv"), atomically: true, encoding: .utf8)
        return folder
    }()

    static var referrals: String { export.appendingPathComponent("referrals.csv").path }
    static var conversions: String { export.appendingPathComponent("conversions.csv").path }

    static let commands: [[String]] = [
        ["score", "REF", "--format", "json"],
        ["score", "REF", "--algorithm", "hits", "--format", "csv"],
        ["score", "REF", "--algorithm", "reach", "--beta", "0.01", "--format", "csv"],
        ["score", "REF", "--personalize", "CONV", "--format", "csv"],
        ["spread", "REF", "--conversions", "CONV", "--format", "json"],
        ["attribute", "REF", "--conversions", "CONV", "--model", "influence-flow", "--format", "json"],
        ["attribute", "WIDE", "--conversions", "WCONV", "--model", "influence-flow", "--by", "channel", "--format", "json"],
        ["attribute", "WIDE", "--conversions", "WCONV", "--model", "linear", "--format", "csv"],
        ["attribute", "REF", "--conversions", "CONV", "--model", "time-decay", "--by", "channel", "--format", "csv"],
        ["score", "notebooks-data/referrals.csv", "--operator", "dense", "--format", "json"],
        ["compare", "REF", "--conversions", "CONV", "--resamples", "300", "--format", "json"],
        ["compare", "REF", "--by", "channel", "--resamples", "300", "--format", "csv"],
        ["simulate", "REF", "--seeds", "p1,p2,p3", "--runs", "300", "--estimate", "shrunk", "--format", "json"],
        // A fixed probability keeps the cascades small: estimated from this export they reach
        // two thirds of it, and a debug build then takes a minute per run.
        ["seeds", "REF", "--probability", "0.4", "--k", "5", "--epsilon", "0.5", "--runs", "200", "--format", "json"],
    ]

    @Test(arguments: commands)
    func sameBytesForAnyThreadCount(_ command: [String]) throws {
        let files = [
            "REF": Self.referrals, "CONV": Self.conversions,
            "WIDE": Self.wide.appendingPathComponent("referrals.csv").path,
            "WCONV": Self.wide.appendingPathComponent("conversions.csv").path,
        ]
        let arguments = command.map { files[$0] ?? $0 }
        var outputs: [String: String] = [:]
        // The command line runs OpenBLAS on one thread whatever it is told; 2/2 checks that on
        // the commands that call OpenBLAS most (scores, the dense operator among them).
        let settings = [("1", "1"), ("2", "1")] + (command[0] == "score" ? [("2", "2")] : [])
        for (threads, blas) in settings {
            let outcome = try Runner.run(arguments, environment: ["INFLUENCE_THREADS": threads, "OPENBLAS_NUM_THREADS": blas])
            #expect(outcome.status == 0, "\(command): \(outcome.stderr)")
            outputs["\(threads)/\(blas)"] = outcome.stdout
        }
        let reference = try #require(outputs["1/1"])
        #expect(reference.count > 100)
        for (setting, output) in outputs.sorted(by: { $0.key < $1.key }) {
            #expect(output == reference, "\(command.joined(separator: " ")): threads/OpenBLAS \(setting) differ from 1/1")
        }
    }
}
