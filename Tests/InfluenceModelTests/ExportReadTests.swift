import Foundation
import Testing

@testable import InfluenceModel

/// Reading a referral export with its conversions, the conversions on a thread of their own.
@Suite struct ExportReadTests {
    /// A folder of its own for one test's files, removed by the caller.
    private static func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A generated program export of 30,000 people written into a folder of its own (removed
    /// by the caller), and its two files' paths.
    private static func written(seed: UInt64, name: String) throws -> (
        program: GeneratedProgram, folder: String, events: [String], conversions: [String]
    ) {
        let program = try GeneratedProgram(GeneratorParameters(people: 30_000, seed: seed))
        let folder = try Self.folder(name)
        try program.write(to: folder)
        return (program, folder, [folder + "/events.csv"], [folder + "/conversions.csv"])
    }

    /// The conversions read beside the referrals (one chunk, on the background thread) are
    /// the conversions read on their own afterwards (in as many chunks as there are threads):
    /// the same users in the same order, the same columns, the same data-quality notes.
    @Test func conversionsReadBesideTheReferralsAreTheConversionsReadAlone() throws {
        let (_, folder, eventPaths, conversionPaths) = try Self.written(seed: 23, name: "export-read")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = try ReferralEvents.read(paths: eventPaths)
        var alone = try Conversions.read(paths: conversionPaths)
        (alone.quality.unknownConverters, alone.quality.unknownExamples) = alone.unknownReport(over: events.people)
        #expect(alone.quality.unknownConverters > 0)
        // Without and with work beside the conversions' check against the people.
        let plain = try Export.read(events: eventPaths, conversions: conversionPaths)
        let (withWork, work, _) = try Export.read(
            events: eventPaths, conversions: conversionPaths, options: ReadOptions(), conversionOptions: ReadOptions(),
            filter: RowFilter(), timings: nil, beside: ({ $0.count }, { $0.people.count }))
        #expect(work?.0 == (Parallel.threads > 1 ? events.count : nil))
        #expect(work?.1 == (Parallel.threads > 1 ? events.people.count : nil))
        for export in [plain, withWork] {
            let read = try #require(export.conversions)
            #expect(read.count == alone.count && read.count > 1000)
            #expect(read.users.names == alone.users.names)
            #expect(read.user == alone.user && read.value == alone.value && read.line == alone.line)
            #expect(read.timestamp?.map(\.bitPattern) == alone.timestamp?.map(\.bitPattern))
            #expect(read.campaign == alone.campaign && read.campaigns.names == alone.campaigns.names)
            #expect(read.quality == alone.quality)
            #expect(export.events.people.names == events.people.names && export.events.source == events.source)
        }
    }

    /// The conversions' users' people the read returns (found once, for the count of
    /// conversions by people not in the export) are the ones the tables returned give, with
    /// and without work beside, with and without a campaign filter (applied after the read).
    @Test func convertersReturnedAreTheTablesOwn() throws {
        let (program, folder, eventPaths, conversionPaths) = try Self.written(seed: 29, name: "export-converters")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let filters = [RowFilter(), RowFilter(campaigns: [program.parameters.campaigns[0].name])]
        for filter in filters {
            for beside in [true, false] {
                let read = try Export.read(
                    events: eventPaths, conversions: conversionPaths, options: ReadOptions(), conversionOptions: ReadOptions(),
                    filter: filter, timings: nil,
                    beside: beside
                        ? ({ (events: ReferralEvents) in events.count }, { (events: ReferralEvents) in events.people.count }) : nil)
                let conversions = try #require(read.export.conversions)
                let want = read.export.events.people.indices(of: conversions.users)
                let converters = try #require(read.converters)
                #expect(converters == want, "filter \(!filter.isEmpty), beside \(beside)")
                #expect(want.contains(-1) && want.contains { $0 >= 0 })
                #expect(conversions.quality.unknownConverters == conversions.user.filter { want[Int($0)] < 0 }.count)
            }
        }
    }

    /// When both files are bad the referral file's error is the one thrown, as when they were
    /// read one after the other (also when it is missing); a bad conversions file alone gives
    /// its own error.
    @Test func theReferralFilesErrorComesFirst() throws {
        let folder = try Self.folder("export-errors")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (good, bad, badConversions) = (folder + "/good.csv", folder + "/bad.csv", folder + "/conversions.csv")
        try "source,target\na,b\nb,c\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "source,target\na,b\nb,c,d,e\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try "user,value\nb,12\nc,lots\n".write(toFile: badConversions, atomically: true, encoding: .utf8)
        let missing = folder + "/missing.csv"
        for (events, place) in [(bad, "bad.csv:3:"), (good, "conversions.csv:3:"), (missing, "missing.csv")] {
            do {
                _ = try Export.read(events: [events], conversions: [badConversions])
                Issue.record("no error for \(events)")
            } catch {
                #expect(error.description.contains(place), "\(error)")
            }
        }
    }

    /// The row estimate from the first 64 KiB is within a quarter and a half of the rows of a
    /// chunk, for short and long rows; without a line feed to measure by it falls back to
    /// twelve bytes a row.
    @Test(arguments: [9, 40, 130, 700])
    func sampledRowsEstimateTheRows(rowBytes: Int) {
        let rows = 50_000
        let row = [UInt8](repeating: 0x61, count: rowBytes - 1) + [0x0A]
        let bytes = [UInt8]("h\n".utf8) + (0..<rows).flatMap { _ in row }
        for chunks in [1, 2, 3] {
            let estimate = bytes.withUnsafeBufferPointer { ChunkedScan.sampledRows($0, from: 2, chunks: chunks) }
            let perChunk = Double(rows) / Double(chunks)
            #expect(Double(estimate) >= perChunk && Double(estimate) <= max(1.5 * perChunk, 1024), "\(rowBytes) bytes, \(chunks) chunks")
        }
        let flat = [UInt8](repeating: 0x61, count: 120_000)
        let fallback = flat.withUnsafeBufferPointer { ChunkedScan.sampledRows($0, from: 0, chunks: 1) }
        #expect(fallback == 10_000)
    }
}
