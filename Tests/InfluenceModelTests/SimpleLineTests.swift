import Foundation
import Testing

@testable import InfluenceModel

/// A sink that hands every line to the state machine: the reference for the simple-line path.
private struct StateMachineOnly<Inner: CSVRecordSink>: CSVRecordSink {
    var inner: Inner
    mutating func take(_ record: CSVRecord) throws -> Bool { try inner.take(record) }
    mutating func finish() { inner.finish() }
}

/// The two-id readers take simple lines without the state machine (`SimpleLine`): the same
/// records, rows, people, numbering, skips, line numbers and errors as the state machine
/// gives, on text drawn to hit every way a line can fail to be simple.
struct SimpleLineTests {
    /// Ids and separators drawn from what exports hold and what breaks the simple path:
    /// numbered and e-mail ids, ids with spaces, tabs, quotes or capitals, empty and very long
    /// fields, self-referrals, a third field, CR LF and lone CR endings, blank lines, non-ASCII.
    static func randomText(_ rng: inout SplitMix64, rows: Int, header: String) -> [UInt8] {
        var text = Array(header.utf8)
        func id() -> [UInt8] {
            let n = rng.next() % 300
            switch rng.next() % 16 {
            case 0: return Array("p\(n)@example.com".utf8)
            case 1: return Array("P\(n)@Example.com".utf8)
            case 2: return Array(" u\(n)".utf8)
            case 3: return Array("u\(n)\t".utf8)
            case 4: return Array("\"u\(n)\"".utf8)
            case 5: return Array("\"u\"\"\(n)\"".utf8)
            case 6: return []
            case 7: return Array(repeating: 0x61, count: 1020 + Int(n % 8))
            case 8: return Array("u\(n)é".utf8)
            case 9: return Array("\(n)".utf8)
            case 10: return Array("u0\(n)".utf8)
            case 11: return Array("user number \(n)".utf8)
            default: return Array("u\(n)".utf8)
            }
        }
        for _ in 0..<rows {
            let s = id()
            let t = rng.next() % 10 == 0 ? s : id()
            var line = s + [0x2C] + t
            if rng.next() % 25 == 0 { line += [0x2C] + (rng.next() % 2 == 0 ? [] : id()) }
            if rng.next() % 40 == 0 { line = [] }
            switch rng.next() % 12 {
            case 0: line += [0x0D, 0x0A]
            case 1: line += [0x0D]
            default: line += [0x0A]
            }
            text += line
        }
        if rng.next() % 2 == 0, text.last == 0x0A { text.removeLast() }  // no line break at the end
        return text
    }

    /// What a line's fields are, by the state machine: records, their fields and lines.
    @Test func simpleLinesAreWhatTheStateMachineReads() throws {
        var rng = SplitMix64(seed: 91)
        for round in 0..<400 {
            let text = Self.randomText(&rng, rows: 1 + Int(rng.next() % 30), header: "")
            let delimiter: UInt8 = 0x2C
            let ok = text.withUnsafeBufferPointer { buffer -> Bool in
                var start = 0
                while start < buffer.count {
                    let simple = SimpleLine.pair(buffer, from: start, delimiter: delimiter)
                    // One record read from `start` by the state machine.
                    var cursor = CSVCursor(position: start, line: 1)
                    var sink = FirstRecords()
                    guard
                        (try? CSVReader.scan(buffer, until: start + 1, delimiter: delimiter, file: "t", cursor: &cursor, sink: &sink))
                            != nil
                    else {
                        // A line the state machine refuses is never simple.
                        if let simple { Issue.record("round \(round) at \(start): \(simple), but the state machine refuses it") }
                        return simple == nil
                    }
                    if let simple {
                        guard sink.records.count == 1, cursor.blank == 0, cursor.line == 2, cursor.position == simple.next,
                            sink.records[0] == [simple.first, simple.second], !sink.escaped
                        else {
                            Issue.record("round \(round) at \(start): \(simple) against \(sink.records), cursor \(cursor)")
                            return false
                        }
                    }
                    if cursor.position <= start { return true }
                    start = cursor.position
                }
                return true
            }
            if !ok { return }
        }
    }

    /// The fields of the records a scan hands over.
    private struct FirstRecords: CSVRecordSink {
        var records: [[Range<Int>]] = []
        var escaped = false
        mutating func take(_ record: CSVRecord) throws -> Bool {
            records.append(record.fields.map { $0.start..<$0.end })
            escaped = escaped || record.fields.contains { $0.escaped }
            return true
        }
    }

    /// A chunk's pairs read with simple lines taken directly equal those read by the state
    /// machine alone: rows, self-referrals, unreferred rows, people in order, both columns,
    /// skips and their reasons, the cursor, and the error when one stops the scan.
    @Test(arguments: [(0, "source,target\n"), (1, "target,source\n"), (2, "source;target\n"), (3, "source,target\n")])
    func pairChunksEqualTheStateMachine(seed: Int, header: String) throws {
        var rng = SplitMix64(seed: UInt64(200 + seed))
        for _ in 0..<40 {
            var text = Self.randomText(&rng, rows: 2_000, header: header)
            if header.contains(";") { text = text.map { $0 == 0x2C ? 0x3B : $0 } }
            let exact = seed == 3
            let policy: ErrorPolicy = rng.next() % 3 == 0 ? .stop : .skip
            let same = try text.withUnsafeBufferPointer { buffer throws -> Bool in
                var options = ReadOptions(onError: policy)
                options.exactIds = exact
                guard let head = try ChunkedScan.header(buffer, file: "t.csv", options: options, read: ReferralEvents.header) else {
                    return true
                }
                let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
                func make() -> PairChunk {
                    PairChunk(
                        columns: columns, rules: FieldRules(options), header: head.layout.header, policy: policy, file: "t.csv",
                        reserve: 16)
                }
                var fast = make()
                var slow = StateMachineOnly(inner: make())
                var fastCursor = head.cursor, slowCursor = head.cursor
                let fastError = Result {
                    try CSVReader.scan(
                        buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: "t.csv", cursor: &fastCursor, sink: &fast)
                }
                let slowError = Result {
                    try CSVReader.scan(
                        buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: "t.csv", cursor: &slowCursor, sink: &slow)
                }
                fast.finish()
                slow.finish()
                let a = fast, b = slow.inner
                func failure(_ r: Result<Bool, any Error>) -> String {
                    if case .failure(let error) = r { return "\(error)" }
                    return ""
                }
                return failure(fastError) == failure(slowError) && fastCursor == slowCursor && a.rows == b.rows
                    && a.selfReferrals == b.selfReferrals && a.unreferred == b.unreferred && a.normalizedIds == b.normalizedIds
                    && a.source == b.source && a.target == b.target && a.people.names == b.people.names
                    && a.skips.count == b.skips.count && a.skips.byColumn == b.skips.byColumn
                    && a.skips.first.map(\.description) == b.skips.first.map(\.description)
            }
            #expect(same, "seed \(seed), header \(header)")
            if !same { return }
        }
    }

    /// The events reader of a two-column export: the same rows, lines, people and columns.
    @Test func eventChunksEqualTheStateMachine() throws {
        var rng = SplitMix64(seed: 301)
        for _ in 0..<40 {
            let text = Self.randomText(&rng, rows: 2_000, header: "source,target\n")
            let same = try text.withUnsafeBufferPointer { buffer throws -> Bool in
                let options = ReadOptions(onError: .skip)
                guard let head = try ChunkedScan.header(buffer, file: "t.csv", options: options, read: ReferralEvents.header) else {
                    return true
                }
                let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
                func make() -> EventsChunk {
                    EventsChunk(
                        events: ReferralEvents(file: "t.csv"),
                        reader: ReferralRowReader(columns: columns, rules: FieldRules(options), file: "t.csv"),
                        plain: PlainPairs(columns: columns, rules: FieldRules(options)), header: head.layout.header, policy: .skip)
                }
                var fast = make()
                var slow = StateMachineOnly(inner: make())
                var fastCursor = head.cursor, slowCursor = head.cursor
                _ = try CSVReader.scan(buffer, until: buffer.count, delimiter: 0x2C, file: "t.csv", cursor: &fastCursor, sink: &fast)
                _ = try CSVReader.scan(buffer, until: buffer.count, delimiter: 0x2C, file: "t.csv", cursor: &slowCursor, sink: &slow)
                fast.finish()
                slow.finish()
                let a = fast.events, b = slow.inner.events
                return fastCursor == slowCursor && a.quality.rows == b.quality.rows && a.quality.selfReferrals == b.quality.selfReferrals
                    && a.source == b.source && a.target == b.target && a.line == b.line && a.people.names == b.people.names
                    && fast.skips.count == slow.inner.skips.count
            }
            #expect(same)
            if !same { return }
        }
    }
}
