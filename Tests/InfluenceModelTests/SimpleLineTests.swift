import Foundation
import Testing

@testable import InfluenceModel

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
            text += Self.ended(line, &rng, blankOneIn: 40, endingsOneIn: 12)
        }
        if rng.next() % 2 == 0, text.last == 0x0A { text.removeLast() }  // no line break at the end
        return text
    }

    /// `line` emptied one time in `blankOneIn`, then ended by CR LF or a lone CR one time in
    /// `endingsOneIn` each, else by LF.
    static func ended(_ line: [UInt8], _ rng: inout SplitMix64, blankOneIn: UInt64, endingsOneIn: UInt64) -> [UInt8] {
        var line = line
        if rng.next() % blankOneIn == 0 { line = [] }
        switch rng.next() % endingsOneIn {
        case 0: line += [0x0D, 0x0A]
        case 1: line += [0x0D]
        default: line += [0x0A]
        }
        return line
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
                        (try? CSVReader.scan(
                            buffer, until: start + 1, delimiter: delimiter, file: "t", cursor: &cursor, sink: &sink, simpleLines: false))
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
                var slow = make()
                var fastCursor = head.cursor, slowCursor = head.cursor
                let fastError = Result {
                    try CSVReader.scan(
                        buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: "t.csv", cursor: &fastCursor, sink: &fast)
                }
                let slowError = Result {
                    try CSVReader.scan(
                        buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: "t.csv", cursor: &slowCursor, sink: &slow,
                        simpleLines: false)
                }
                fast.finish()
                slow.finish()
                let a = fast, b = slow
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
            guard let (fast, slow, sameCursor) = try Self.eventChunks(text) else { continue }
            let a = fast.events, b = slow.events
            // Rows kept in file order, whichever path took them: lines rise, one a row.
            let inOrder = a.line.count == a.source.count && zip(a.line, a.line.dropFirst()).allSatisfy { $0 < $1 }
            let same =
                sameCursor && a.quality.rows == b.quality.rows && a.quality.selfReferrals == b.quality.selfReferrals
                && a.source == b.source && a.target == b.target && a.line == b.line && a.people.names == b.people.names
                && fast.skips.count == slow.skips.count && inOrder
            #expect(same)
            if !same { return }
        }
    }

    /// An events chunk of `text` (header included, comma-separated, rows skipped on error) read
    /// with simple lines and split lines, and by the state machine alone; whether the two
    /// scans stopped at the same cursor. `nil` when the text has no header.
    static func eventChunks(_ text: [UInt8]) throws -> (fast: EventsChunk, slow: EventsChunk, sameCursor: Bool)? {
        try text.withUnsafeBufferPointer { buffer in
            let options = ReadOptions(onError: .skip)
            guard let head = try ChunkedScan.header(buffer, file: "t.csv", options: options, read: ReferralEvents.header) else {
                return nil
            }
            let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
            func make() -> EventsChunk {
                var events = ReferralEvents(file: "t.csv")
                if columns.timestamp >= 0 { events.timestamp = [] }
                if columns.channel >= 0 { events.channel = [] }
                if columns.campaign >= 0 { events.campaign = [] }
                return EventsChunk(
                    events: events, reader: ReferralRowReader(columns: columns, rules: FieldRules(options), file: "t.csv"),
                    plain: PlainPairs(columns: columns, rules: FieldRules(options)), header: head.layout.header, policy: .skip)
            }
            var fast = make(), slow = make()
            var fastCursor = head.cursor, slowCursor = head.cursor
            _ = try CSVReader.scan(buffer, until: buffer.count, delimiter: 0x2C, file: "t.csv", cursor: &fastCursor, sink: &fast)
            _ = try CSVReader.scan(
                buffer, until: buffer.count, delimiter: 0x2C, file: "t.csv", cursor: &slowCursor, sink: &slow, simpleLines: false)
            fast.finish()
            slow.finish()
            return (fast, slow, fastCursor == slowCursor)
        }
    }

    /// Lines of any width drawn to break `SimpleLine.split`: fields with quotes, doubled quotes,
    /// tabs, NUL and other control bytes, lone carriage returns, non-ASCII, empty fields,
    /// blank lines, and lines that end within 64 bytes of the text's end.
    static func randomLines(_ rng: inout SplitMix64, rows: Int, delimiter: UInt8) -> [UInt8] {
        var text: [UInt8] = []
        func field() -> [UInt8] {
            let n = rng.next() % 1000
            switch rng.next() % 40 {
            case 0: return []
            case 1: return Array("\"a\(n)\"".utf8)
            case 2: return Array("a\"\(n)".utf8)
            case 3: return Array("a\t\(n)".utf8)
            case 4: return [0x61, 0x00, 0x62]
            case 5: return [0x61, 0x0D, 0x62]
            case 6: return [0x61, 0x0B, 0x01]
            case 7: return Array("é\(n) x".utf8)
            case 8: return Array(repeating: 0x7A, count: Int(rng.next() % 90))
            case 9: return Array("2024-03-01T00:\(n % 60):00Z".utf8)
            case 10: return [0x2D, 0x2C, 0x3B, 0x09].filter { $0 != delimiter }
            default: return Array("p\(n)@example.com".utf8)
            }
        }
        for _ in 0..<rows {
            var line = [UInt8]()
            let width = 1 + Int(rng.next() % 7)
            for k in 0..<width {
                if k > 0 { line.append(delimiter) }
                line += field()
            }
            text += Self.ended(line, &rng, blankOneIn: 30, endingsOneIn: 10)
        }
        if rng.next() % 2 == 0, text.last == 0x0A { text.removeLast() }
        return text
    }

    /// Each line `SimpleLine.split` takes is the one record the state machine reads from the
    /// same place: the same fields, none escaped, on the same line, the next record one line on
    /// where the split says; for comma, semicolon and tab.
    @Test(arguments: [UInt8(0x2C), 0x3B, 0x09])
    func splitLinesAreWhatTheStateMachineReads(delimiter: UInt8) throws {
        var rng = SplitMix64(seed: 500 + UInt64(delimiter))
        var taken = 0
        for round in 0..<300 {
            let text = Self.randomLines(&rng, rows: 1 + Int(rng.next() % 40), delimiter: delimiter)
            let ok = text.withUnsafeBufferPointer { buffer -> Bool in
                var start = 0
                var fields = FieldBuffer()
                defer { fields.deallocate() }
                while start < buffer.count {
                    fields.count = 0
                    let next = SimpleLine.split(buffer, from: start, delimiter: delimiter, line: 7, into: &fields)
                    let split = (0..<fields.count).map { fields.base[$0] }
                    var cursor = CSVCursor(position: start, line: 7)
                    var sink = FirstRecords()
                    let read =
                        (try? CSVReader.scan(
                            buffer, until: start + 1, delimiter: delimiter, file: "t", cursor: &cursor, sink: &sink, simpleLines: false))
                        != nil
                    if let next {
                        taken += 1
                        guard read, sink.records.count == 1, cursor.blank == 0, cursor.line == 8, cursor.position == next,
                            sink.records[0] == split.map({ $0.start..<$0.end }), !sink.escaped,
                            split.allSatisfy({ !$0.escaped && $0.line == 7 })
                        else {
                            Issue.record("round \(round) at \(start): split \(split), next \(next); read \(sink.records), cursor \(cursor)")
                            return false
                        }
                    }
                    if !read || cursor.position <= start { return true }
                    start = cursor.position
                }
                return true
            }
            if !ok { return }
        }
        #expect(taken > 1_000, "only \(taken) lines split")
    }

    /// The events reader of a five-column export (ids, time, channel, campaign) reads the same
    /// rows, lines, people, times, labels, skips and cursor with split lines as with the state
    /// machine alone, on lines drawn to break the split and the fields' fast readings.
    @Test func fiveColumnChunksEqualTheStateMachine() throws {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<30 {
            var text = Array("source,target,timestamp,channel,campaign\n".utf8)
            for _ in 0..<1_500 {
                let fields = Self.randomLines(&rng, rows: 1, delimiter: 0x2C).split(separator: 0x2C, omittingEmptySubsequences: false)
                let time = ["2024-03-01T00:14:00Z", "2023-02-29T00:00:00Z", " 2024-03-01T00:14:00Z", "2024-03-01t23:59:60Z", ""]
                var row = Array("p\(rng.next() % 50)@example.com,u\(rng.next() % 50),".utf8)
                row += Array(time[Int(rng.next() % 5)].utf8) + [0x2C]
                row += Array(fields.first ?? []) + [0x2C] + Array(fields.last ?? [])
                text += row.filter { $0 != 0 }  // NUL stops a scan; here every row is read
                if text.last != 0x0A { text.append(0x0A) }
            }
            guard let (fast, slow, sameCursor) = try Self.eventChunks(text) else {
                Issue.record("no header")
                return
            }
            let a = fast.events, b = slow.events
            let times = zip(a.timestamp!, b.timestamp!).allSatisfy { $0.bitPattern == $1.bitPattern }
            let same =
                sameCursor && a.quality.rows == b.quality.rows && a.quality.untimedRows == b.quality.untimedRows
                && a.source == b.source && a.target == b.target && a.line == b.line && a.people.names == b.people.names
                && a.timestamp!.count == b.timestamp!.count && times && a.channel == b.channel && a.campaign == b.campaign
                && a.channels.names == b.channels.names && a.campaigns.names == b.campaigns.names
                && fast.skips.count == slow.skips.count && fast.skips.byColumn == slow.skips.byColumn
                && fast.skips.first.map(\.description) == slow.skips.first.map(\.description) && a.quality.rows > 1_000
            #expect(same)
            if !same { return }
        }
    }

    /// A channel or campaign is its field with doubled quotes undone and spaces and tabs cut
    /// from both ends, and no label where nothing is left: for labels of up to eight bytes,
    /// nine to sixteen, longer, quoted or not, with spaces, tabs or non-ASCII, in any order.
    @Test func labelsAreTheirFieldsTrimmed() throws {
        var rng = SplitMix64(seed: 61)
        let pool = ["email", "twitter", "facebook", "linkedin-ads", "newsletter-2024-march", "é-blog", "x", "ab cd"]
        var text = Array("source,target,channel,campaign\n".utf8)
        var expected: [(channel: String?, campaign: String?)] = []
        func label() -> (field: String, label: String?) {
            let base = pool[Int(rng.next() % UInt64(pool.count))]
            let pad = ["", " ", "\t", " \t ", "  "]
            let lead = pad[Int(rng.next() % 5)], trail = pad[Int(rng.next() % 5)]
            switch rng.next() % 6 {
            case 0: return (lead + trail, nil)
            case 1: return ("\"" + lead + base + trail + "\"", base)
            case 2: return ("\"" + lead + base + "\"\"q" + trail + "\"", base + "\"q")
            default: return (lead + base + trail, base)
            }
        }
        for k in 0..<3_000 {
            let c = label(), m = label()
            text += Array("p\(k)@example.com,p\(k + 1)@example.com,\(c.field),\(m.field)\n".utf8)
            expected.append((c.label, m.label))
        }
        let events = try ReferralEvents.parse(bytes: text, file: "labels.csv")
        #expect(events.count == expected.count)
        for (row, want) in expected.enumerated() where row < events.count {
            let channel = events.channel![row], campaign = events.campaign![row]
            let got = (channel < 0 ? nil : events.channels.name(channel), campaign < 0 ? nil : events.campaigns.name(campaign))
            if got.0 != want.channel || got.1 != want.campaign {
                Issue.record("row \(row): \(got), expected \(want)")
                return
            }
        }
    }
}
