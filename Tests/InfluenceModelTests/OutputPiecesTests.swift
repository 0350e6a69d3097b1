import Foundation
import Testing

@testable import InfluenceModel

/// Long outputs are written as pieces made while the ones before them are written
/// (`OutputPieces`): the bytes are the pieces in order whatever made them, a failed write stops
/// the makers, and a file gets exactly the joined text.
struct OutputPiecesTests {
    /// Piece k: its index in decimal, then a run of bytes whose length and values follow from k
    /// (0 to 9,000 bytes, some pieces empty).
    private static func piece(_ k: Int, into out: inout [UInt8]) {
        out.append(contentsOf: Array("<\(k)>".utf8))
        var state = SplitMix64(seed: UInt64(k))
        let length = k % 7 == 3 ? 0 : Int(state.next() % 9_000)
        for _ in 0..<length { out.append(UInt8(truncatingIfNeeded: state.next() | 0x20)) }
    }

    private static func expected(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<count { piece(k, into: &out) }
        return out
    }

    @Test(arguments: [0, 1, 3])
    func writtenInOrderWhateverMakesThem(makers: Int) {
        let pieces = OutputPieces(count: 300) { k, out in Self.piece(k, into: &out) }
        var written: [UInt8] = []
        var calls = 0
        let failure = pieces.forEach(makers: makers) { bytes in
            written.append(contentsOf: bytes)
            calls += 1
            return 0
        }
        #expect(failure == 0)
        #expect(calls == 300)
        #expect(written == Self.expected(300))
        #expect(pieces.joined() == written)
    }

    /// A write that fails (a closed pipe) is the last one: the error is returned, no later piece
    /// is written, and the call returns with the makers stopped rather than waiting for them
    /// to make every piece.
    @Test(arguments: [0, 1, 3])
    func aFailedWriteStopsTheMakers(makers: Int) {
        let made = Counter()
        let pieces = OutputPieces(count: 10_000) { k, out in
            made.add()
            Self.piece(k, into: &out)
        }
        var calls = 0
        let failure = pieces.forEach(makers: makers) { _ in
            calls += 1
            return calls == 5 ? EPIPE : 0
        }
        #expect(failure == EPIPE)
        #expect(calls == 5)
        // At most the pieces written and one a buffer for each maker and the two spare ones.
        #expect(made.value <= 5 + makers + 2)
    }

    @Test func concatenatedPartsKeepTheirOrder() {
        let parts = [
            OutputPieces([Array("head".utf8)]),
            OutputPieces([]),
            OutputPieces(count: 40) { k, out in Self.piece(k, into: &out) },
            OutputPieces([]),
            OutputPieces([Array("-".utf8), Array("tail\n".utf8)]),
        ]
        let joined = OutputPieces(concatenating: parts)
        #expect(joined.count == 43)
        #expect(joined.joined() == Array("head".utf8) + Self.expected(40) + Array("-tail\n".utf8))
        var written: [UInt8] = []
        #expect(
            joined.forEach(makers: 1) {
                written.append(contentsOf: $0); return 0
            } == 0)
        #expect(written == joined.joined())
    }

    @Test func rowsComeAfterTheHeaderInRanges() {
        let pieces = OutputPieces(header: Array("n\n".utf8), rows: 10, perPiece: 4) { range, out in
            for k in range { out.append(contentsOf: Array("\(k)\n".utf8)) }
        }
        #expect(pieces.count == 1 + 3)
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == "n\n" + (0..<10).map { "\($0)\n" }.joined())
        let none = OutputPieces(header: Array("n\n".utf8), rows: 0, perPiece: 4) { _, _ in Issue.record("no rows to make") }
        #expect(none.count == 1)
        #expect(none.joined() == Array("n\n".utf8))
    }

    /// A file written from pieces holds their text, replaces the file before it, and leaves no
    /// temporary file behind.
    @Test func aFileGetsTheJoinedPieces() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("influence-pieces-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.txt"
        try "old".write(toFile: path, atomically: true, encoding: .utf8)
        // Over 32 MiB, so the writes are handed to the device on the way.
        let pieces = OutputPieces(count: 9_000) { k, out in Self.piece(k, into: &out) }
        try OutputFile.write(pieces: pieces, to: path)
        let read = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(read.count > 32 << 20)
        #expect(read == Self.expected(9_000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.txt"])
    }

    /// A thread-safe count of calls.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
