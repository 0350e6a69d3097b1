import Foundation
import Testing

/// `influence generate` end to end: files, determinism, vendor layouts, every command on its data.
struct GenerateCommandTests {
    static func generate(_ arguments: [String]) throws -> URL {
        let folder = try Runner.temporaryFolder()
        let outcome = try Runner.run(["generate", "-o", folder.path, "--quiet"] + arguments)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return folder
    }

    @Test func theSameSeedGivesIdenticalBytesWhateverTheThreads() throws {
        let a = try Self.generate(["--people", "3000", "--seed", "17"])
        let b = try Runner.temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let outcome = try Runner.run(
            ["generate", "--people", "3000", "--seed", "17", "-o", b.path], environment: ["INFLUENCE_THREADS": "1"])
        #expect(outcome.status == 0)
        for name in ["events.csv", "conversions.csv", "paths.csv", "truth.csv", "truth.json"] {
            let x = try Data(contentsOf: a.appendingPathComponent(name))
            let y = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(x == y, "\(name)")
            #expect(x.count > 10, "\(name)")
        }
    }

    @Test func everyCommandRunsOnGeneratedData() throws {
        let folder = try Self.generate(["--people", "2000", "--seed", "5"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.csv").path
        let conversions = folder.appendingPathComponent("conversions.csv").path
        let commands: [[String]] = [
            ["score", events],
            ["score", events, "--personalize", conversions],
            ["score", events, "--algorithm", "hits"],
            ["spread", events, "--conversions", conversions],
            ["spread", events, "--conversions", conversions, "--per", "channel"],
            ["attribute", events, "--conversions", conversions],
            ["attribute", events, "--conversions", conversions, "--by", "channel", "--model", "linear"],
            ["compare", events, "--conversions", conversions, "--resamples", "200"],
            ["report", events, "--conversions", conversions, "-o", folder.appendingPathComponent("report.html").path],
        ]
        for command in commands {
            let outcome = try Runner.run(command + ["--quiet"])
            #expect(outcome.status == 0, "\(command.joined(separator: " ")): \(outcome.stderr)")
        }
    }

    @Test func reachWithBetaOneCountsTheTrueDescendants() throws {
        let folder = try Self.generate(["--people", "5000", "--seed", "23", "--repeat-rate", "0", "--cycle-rate", "0"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Runner.run([
            "score", folder.appendingPathComponent("events.csv").path, "--algorithm", "reach", "--beta", "1", "--format", "csv",
            "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var truth: [String: Double] = [:]
        let rows = try String(contentsOf: folder.appendingPathComponent("truth.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            truth[String(f[0])] = Double(f[9])
        }
        var checked = 0
        for row in outcome.stdout.split(separator: "\n").dropFirst() {
            let f = row.split(separator: ",")
            let score = try #require(Double(f[1]))
            let expected = try #require(truth[String(f[0])])
            #expect(abs(score - expected) < 1e-6 * max(1, expected), "\(f[0]): \(score) vs \(expected)")
            checked += 1
        }
        #expect(checked > 2000)
        #expect(truth.values.contains { $0 >= 10 })
    }

    /// The flags that read each platform's layout, as `Tests/Exports/manifest.json` reads them.
    static let vendorFlags: [String: [String]] = [
        "friendbuy": ["--source-column", "Advocate Email"],
        "referralcandy": ["--timestamp-column", "Date Created"],
        "mentionme": ["--timestamp-column", "Referral Date"],
    ]

    /// The header rows of the platforms' referral exports in `Tests/Exports/`.
    static let vendorHeaders: [String: Substring] = [
        "friendbuy": "Advocate Email,Advocate Customer ID,Referral Code,Friend Email,Created On,Campaign Name,Share Channel",
        "referralcandy":
            "Referrer Name,Referrer Email,Friend Name,Friend Email,Date Created,Campaign Name,Share Channel,Source,Status,Order Date,Order Total",
        "mentionme": "Referrer Email,Referee Email,Referral Date,Share Method,Situation,Campaign,Referee Order Date,Referee Order Value",
    ]

    /// A date each platform's way (the sample starts on 2024-03-01; day 13 and later tell day from month).
    static let vendorDate: [String: String] = [
        "friendbuy": ":00 UTC,", "referralcandy": "-03-", "mentionme": "/03/2024 ",
    ]

    @Test(arguments: ["friendbuy", "referralcandy", "mentionme"])
    func aVendorLayoutReadsBackAsTheCanonicalOne(vendor: String) throws {
        let canonical = try Self.generate(["--people", "3000", "--seed", "8"])
        let other = try Self.generate(["--people", "3000", "--seed", "8", "--vendor", vendor])
        defer {
            try? FileManager.default.removeItem(at: canonical)
            try? FileManager.default.removeItem(at: other)
        }
        let flags = Self.vendorFlags[vendor]!
        let header = try String(contentsOf: other.appendingPathComponent("events.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header == Self.vendorHeaders[vendor], "\(vendor)")
        let text = try String(contentsOf: other.appendingPathComponent("events.csv"), encoding: .utf8)
        #expect(text.contains(Self.vendorDate[vendor]!), "\(vendor) dates")
        #expect(
            try String(contentsOf: other.appendingPathComponent("events.csv"), encoding: .utf8)
                != String(contentsOf: canonical.appendingPathComponent("events.csv"), encoding: .utf8))
        for command in [
            ["score"], ["spread", "--per", "campaign"], ["spread", "--per", "channel"], ["attribute", "--by", "channel"],
            ["attribute", "--by", "person", "--model", "linear"],
        ] {
            let a = try Runner.run(
                [command[0], canonical.appendingPathComponent("events.csv").path] + command.dropFirst()
                    + (command[0] == "score" ? [] : ["--conversions", canonical.appendingPathComponent("conversions.csv").path])
                    + ["--format", "csv", "--quiet"])
            let b = try Runner.run(
                [command[0], other.appendingPathComponent("events.csv").path] + command.dropFirst()
                    + (command[0] == "score" ? [] : ["--conversions", other.appendingPathComponent("conversions.csv").path])
                    + flags + ["--format", "csv", "--quiet"])
            #expect(a.status == 0, "\(a.stderr)")
            #expect(b.status == 0, "\(vendor) \(command): \(b.stderr)")
            #expect(a.stdout == b.stdout, "\(vendor) \(command)")
            #expect(a.stdout.count > 100)
        }
    }

    @Test(arguments: [
        ["--people", "0"], ["--campaigns", "spring:1.5"], ["--campaigns", "spring"], ["--channels", "email:2"],
        ["--vendor", "shopify"], ["--repeat-rate", "2"], ["--days", "0"],
    ])
    func badUsageIsRefusedWithExit64(_ arguments: [String]) throws {
        let folder = try Runner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Runner.run(["generate", "-o", folder.appendingPathComponent("out").path] + arguments)
        #expect(outcome.status == 64, "\(arguments)")
        #expect(!outcome.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func aMissingOutputFolderIsBadUsage() throws {
        let outcome = try Runner.run(["generate", "--people", "10"])
        #expect(outcome.status == 64)
    }
}
