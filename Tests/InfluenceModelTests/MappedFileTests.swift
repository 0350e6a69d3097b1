import Foundation
import Testing

@testable import InfluenceModel

/// A mapped file's pages handed back while it is read (`MappedFile.release`) are read again
/// from the file, and memory that is not a mapped file is never touched.
struct MappedFileTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("influence-mapped-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func releasedPagesReadTheSameBytes() throws {
        var rng = SplitMix64(seed: 5)
        let bytes = (0..<(3 << 20) + 123).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try MappedFile(path: path)
        let again = file.withBytes { b -> [UInt8] in
            MappedFile.release(b, from: 0, to: b.count)
            MappedFile.release(b, from: 4097, to: 2 << 20)
            return Array(b)
        }
        let same = again == bytes
        #expect(same)
    }

    /// An array's memory is not a mapped file: releasing it changes nothing (dropping
    /// anonymous pages would zero them).
    @Test func otherMemoryIsLeftAlone() {
        var rng = SplitMix64(seed: 6)
        let bytes = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next() | 1) }
        var copy = bytes
        copy.withUnsafeMutableBufferPointer { MappedFile.release(UnsafeBufferPointer($0), from: 0, to: $0.count) }
        let same = copy == bytes
        #expect(same)
    }

    /// A referral export larger than the reader's release window, read from its file in
    /// chunks, is the export parsed from the same bytes in memory.
    @Test func aMappedExportReadsAsItsBytes() throws {
        var rng = SplitMix64(seed: 7)
        var text = "source,target,timestamp,channel\n"
        let rows = 3 * ChunkedScan.releaseWindow / 40
        text.reserveCapacity(rows * 48)
        for r in 0..<rows {
            text += "p\(rng.next() % 400_000)@example.com,p\(rng.next() % 400_000)@example.com,\(1_700_000_000 + r),"
            text += ["twitter", "email", "\"blog, ours\""][r % 3] + "\n"
        }
        let bytes = Array(text.utf8)
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let read = try ReferralEvents.read(path: path)
        let parsed = try ReferralEvents.parse(bytes: bytes, file: path)
        // Compared whole, as booleans: a failure would otherwise print millions of values.
        #expect(read.count > 0 && read.count == parsed.count)
        let samePairs = read.source == parsed.source && read.target == parsed.target
        let samePeople = read.people.names == parsed.people.names
        let sameRest = read.channel == parsed.channel && read.line == parsed.line && read.timestamp == parsed.timestamp
        #expect(samePairs)
        #expect(samePeople)
        #expect(sameRest)
    }
}
