import Foundation
import Testing

/// `influence spread` end to end, through the built binary.
@Suite(.serialized)
struct SpreadCommandTests {
    static let sample = "notebooks-data/referrals.csv"
    static let conversions = "notebooks-data/conversions.csv"

    /// CSV output as a header and rows of fields (no field in these outputs is quoted).
    static func table(_ csv: String) -> (header: [String], rows: [[String]]) {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? [], Array(lines.dropFirst()))
    }

    /// The sample's rows, read naively (its fields hold no quotes or commas), self-referrals out:
    /// (referrer, referred, share_channel, campaign).
    static func sampleRows() throws -> [[String]] {
        let text = try String(contentsOf: Runner.root.appendingPathComponent(sample), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        return lines.filter { $0[0] != $0[1] }.map { [$0[0], $0[1], $0[3], $0[4]] }
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Runner.Outcome {
        try Runner.run(["spread"] + arguments, stdin: stdin)
    }

    @Test func perCampaignIsTheDefault() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (header, rows) = Self.table(outcome.stdout)
        #expect(
            header == [
                "campaign", "people", "sharers", "referrals", "cascades", "largest_cascade", "mean_cascade_size",
                "max_depth", "max_breadth", "structural_virality", "invites_per_sharer", "invite_conversion_rate",
                "k_factor", "generation_sizes", "median_hours_per_hop",
            ])
        #expect(rows.map { $0[0] } == ["spring-launch", "summer-friends", "all"])
        let sample = try Self.sampleRows()
        let all = try #require(rows.last)
        #expect(Int(all[3]) == sample.count, "referrals: rows less self-referrals")
        #expect(Int(all[1]) == Set(sample.flatMap { [$0[0], $0[1]] }).count, "people")
        #expect(Int(all[2]) == Set(sample.map { $0[0] }).count, "sharers")
        for row in rows {
            let campaignRows = row[0] == "all" ? sample : sample.filter { $0[3] == row[0] }
            #expect(Int(row[3]) == campaignRows.count)
            let invites = try #require(Double(row[10])), rate = try #require(Double(row[11])), k = try #require(Double(row[12]))
            #expect(abs(invites * rate - k) < 1e-12)
            let generations = row[13].split(separator: " ").compactMap { Int($0) }
            #expect(generations.reduce(0, +) == Int(row[1]), "every person is in one generation")
            #expect(generations.first == Int(row[4]), "n_0 is the number of cascades")
            #expect(generations.count - 1 == Int(row[7]), "max depth")
            #expect(Double(row[14]) != nil, "the sample has times")
        }
    }

    @Test func withoutConversionsRatesAreEmpty() throws {
        let outcome = try Self.run([Self.sample, "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for row in Self.table(outcome.stdout).rows {
            #expect(row[11] == "" && row[12] == "")
        }
    }

    @Test func perCascade() throws {
        let outcome = try Self.run([Self.sample, "--per", "cascade", "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (header, rows) = Self.table(outcome.stdout)
        #expect(header == ["root", "campaign", "size", "depth", "max_breadth", "structural_virality", "first_timestamp", "last_timestamp"])
        let campaigns = rows.map { $0[1] }
        #expect(campaigns == campaigns.sorted { ($0 == "all" ? 1 : 0, $0) < ($1 == "all" ? 1 : 0, $1) }, "by campaign, all last")
        let all = rows.filter { $0[1] == "all" }
        let sizes = all.map { Int($0[2]) ?? 0 }
        #expect(sizes == sizes.sorted(by: >))
        #expect(sizes.reduce(0, +) == Set(try Self.sampleRows().flatMap { [$0[0], $0[1]] }).count, "cascades partition the people")
        for row in rows {
            let size = Int(row[2]) ?? 0, depth = Int(row[3]) ?? -1, breadth = Int(row[4]) ?? 0
            #expect(depth >= 0 && depth < size || size == 1)
            #expect(breadth >= 1 && breadth <= max(1, size - 1))
            if size == 1 {
                #expect(row[5] == "")
            } else {
                let virality = try #require(Double(row[5]))
                #expect(virality >= 1 && virality <= Double(depth) * 2)
                #expect(row[6].hasSuffix("Z") && row[6] <= row[7])
            }
        }
    }

    @Test func perChannel() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--per", "channel", "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (header, rows) = Self.table(outcome.stdout)
        #expect(
            header == [
                "channel", "referrals", "people_reached", "median_hours_per_hop", "mean_depth",
                "invite_conversion_rate", "k_factor",
            ])
        let sample = try Self.sampleRows()
        let names = Set(sample.map { $0[2] }).sorted()
        #expect(rows.map { $0[0] } == names)
        for row in rows {
            let onChannel = sample.filter { $0[2] == row[0] }
            #expect(Int(row[1]) == onChannel.count)
            #expect(Int(row[2]) == Set(onChannel.map { $0[1] }).count)
            #expect((Double(row[4]) ?? 0) >= 1, "a sharer is at depth 0 or more")
            #expect(Double(row[6]) != nil)
        }
    }

    @Test func perGeneration() throws {
        let outcome = try Self.run([Self.sample, "--per", "generation", "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (header, rows) = Self.table(outcome.stdout)
        #expect(header == ["campaign", "generation", "people", "r"])
        for campaign in ["spring-launch", "summer-friends", "all"] {
            let mine = rows.filter { $0[0] == campaign }
            #expect(mine.map { Int($0[1]) } == Array(0..<mine.count))
            let people = mine.map { Double($0[2]) ?? 0 }
            for g in 0..<mine.count - 1 {
                #expect(abs((Double(mine[g][3]) ?? 0) - people[g + 1] / people[g]) < 1e-15)
            }
            #expect(mine.last?[3] == "")
        }
    }

    @Test func perDay() throws {
        let outcome = try Self.run([Self.sample, "--per", "day", "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let (header, rows) = Self.table(outcome.stdout)
        #expect(header == ["campaign", "date", "new_people", "cumulative_people"])
        let all = rows.filter { $0[0] == "all" }
        #expect(all.first?[1] == "2025-03-03")
        var total = 0
        for row in all {
            total += Int(row[2]) ?? 0
            #expect(Int(row[3]) == total)
        }
        #expect(total == Set(try Self.sampleRows().flatMap { [$0[0], $0[1]] }).count, "every row has a time")
        #expect(all.map { $0[1] } == all.map { $0[1] }.sorted())
        #expect(Set(all.map { $0[1] }).count == all.count)
    }

    @Test func jsonCarriesEverything() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let quality = try #require((object["data_quality"] as? [String: Any])?["referrals"] as? [String: Any])
        #expect(quality["self_referrals"] as? Int == 3)
        let campaigns = try #require(object["campaigns"] as? [[String: Any]])
        #expect(campaigns.map { $0["campaign"] as? String } == ["spring-launch", "summer-friends", "all"])
        for campaign in campaigns {
            let referred = try #require(campaign["referred_people"] as? Int)
            let converted = try #require(campaign["converted_referred_people"] as? Int)
            let rate = try #require(campaign["invite_conversion_rate"] as? Double)
            // Foundation's JSON reader on Linux loses the last digit; the CSV tests read exactly.
            #expect(abs(rate - Double(converted) / Double(referred)) < 1e-12)
            #expect((campaign["reach"] as? [Any])?.isEmpty == false)
            #expect((campaign["generations"] as? [Any])?.isEmpty == false)
        }
        #expect((object["channels"] as? [Any])?.count == 6)
        let cascades = try #require(object["cascades"] as? [[String: Any]])
        let csv = try Self.run([Self.sample, "--per", "cascade", "--format", "csv"])
        #expect(cascades.count == Self.table(csv.stdout).rows.count)
    }

    @Test func tableIsForPeople() throws {
        let outcome = try Self.run([Self.sample, "--conversions", Self.conversions, "--format", "table"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("spread of "))
        #expect(outcome.stdout.contains("structural virality"))
        #expect(outcome.stdout.contains("k factor"))
        #expect(outcome.stdout.contains("note: 3 self-referral row(s) left out"))
        for level in ["cascade", "channel", "generation", "day"] {
            let listed = try Self.run([Self.sample, "--per", level, "--format", "table"])
            #expect(listed.status == 0, "\(level): \(listed.stderr)")
            #expect(listed.stdout.contains("---"))
        }
    }

    @Test func readsStandardInputAndAPathGivesExactNumbers() throws {
        // A chain a → b → c: one cascade of 3, depth 2, mean pairwise distance 4/3.
        let outcome = try Self.run(["-", "--format", "csv"], stdin: "referrer;referred\na;b\nb;c\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout == """
                campaign,people,sharers,referrals,cascades,largest_cascade,mean_cascade_size,max_depth,max_breadth,structural_virality,invites_per_sharer,invite_conversion_rate,k_factor,generation_sizes,median_hours_per_hop
                all,3,2,2,1,3,3,2,1,1.3333333333333333,1,,,1 1 1,

                """)
    }

    @Test func sameInputSameBytes() throws {
        for format in ["csv", "json", "table"] {
            let a = try Self.run([Self.sample, "--conversions", Self.conversions, "--per", "cascade", "--format", format])
            let b = try Self.run([Self.sample, "--conversions", Self.conversions, "--per", "cascade", "--format", format])
            #expect(a.status == 0)
            #expect(a.stdout == b.stdout)
        }
    }

    @Test func writesTheOutputFileAtomically() throws {
        let folder = try Runner.temporaryFolder()
        let output = folder.appendingPathComponent("spread.csv")
        let outcome = try Self.run([Self.sample, "--per", "generation", "-o", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("campaign,generation,people,r\n"), "CSV when not a terminal")
        let failed = try Self.run(["-", "--per", "channel", "-o", output.path], stdin: "source,target\na,b\n")
        #expect(failed.status == 65)
        #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("campaign,generation,people,r\n"), "left untouched")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["spread.csv"])
    }

    @Test func perChannelWithoutAChannelColumnExits65() throws {
        let folder = try Runner.temporaryFolder()
        let file = folder.appendingPathComponent("plain.csv")
        try "source,target\na,b\nb,c\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Self.run([file.path, "--per", "channel"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("plain.csv"))
        #expect(outcome.stderr.contains("no channel column"))
        #expect(outcome.stdout.isEmpty)
        let day = try Self.run([file.path, "--per", "day"])
        #expect(day.status == 65)
        #expect(day.stderr.contains("no timestamp column"))
    }

    @Test(arguments: [["--per", "week"], ["--format", "xml"], ["--delimiter", "|"], ["--on-error", "ignore"]])
    func usageErrorsExit64(flags: [String]) throws {
        let outcome = try Self.run([Self.sample] + flags)
        #expect(outcome.status == 64, "\(flags): \(outcome.stderr)")
        #expect(!outcome.stderr.isEmpty)
    }

    @Test func missingFilesExit66() throws {
        let events = try Self.run(["no/such/events.csv"])
        #expect(events.status == 66)
        #expect(events.stderr.contains("no/such/events.csv"))
        let conversions = try Self.run([Self.sample, "--conversions", "no/such/conversions.csv"])
        #expect(conversions.status == 66)
        #expect(conversions.stderr.contains("no/such/conversions.csv"))
    }

    @Test func badDataExits65NamingLineAndColumn() throws {
        let bad = try Self.run(["-"], stdin: "source,target,timestamp\na,b,2025-01-01\nb,c,yesterday\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("<stdin>:3:3") || bad.stderr.contains(":3:3"), "\(bad.stderr)")
        #expect(bad.stderr.contains("yesterday"))
        let selfOnly = try Self.run(["-"], stdin: "source,target\na,a\n")
        #expect(selfOnly.status == 65)
        #expect(selfOnly.stderr.contains("self-referral"))
    }

    @Test func outputToAMissingFolderExits74() throws {
        let outcome = try Self.run([Self.sample, "-o", "/nonexistent-folder/spread.csv"])
        #expect(outcome.status == 74)
        #expect(outcome.stderr.contains("/nonexistent-folder/spread.csv"))
    }
}
