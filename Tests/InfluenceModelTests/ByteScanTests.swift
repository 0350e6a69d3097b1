import Foundation
import Testing

@testable import InfluenceModel

/// The word-at-a-time byte tests of the readers' hot loops against byte-by-byte
/// restatements, on random bytes drawn to hit every edge: the delimiters, every control byte
/// below 0x10 (NUL, tab, LF, CR and the ones the field search flags and must pass over),
/// `@`, the letters around `A`–`Z`, spaces and bytes with the high bit set.
struct ByteScanTests {
    static let alphabet: [UInt8] =
        [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x20, 0x22, 0x2C, 0x3B, 0x3F, 0x40, 0x41, 0x4D, 0x5A, 0x5B, 0x60]
        + [0x61, 0x7A, 0x7F, 0x80, 0x81, 0x8E, 0xAC, 0xC3, 0xFF, 0x30, 0x75]

    static func randomBytes(_ count: Int, _ rng: inout SplitMix64, from pool: [UInt8] = alphabet) -> [UInt8] {
        (0..<count).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
    }

    @Test func unquotedFieldEndMatchesAByteLoop() {
        var rng = SplitMix64(seed: 11)
        for round in 0..<20_000 {
            let count = Int(rng.next() % 40)
            // Mostly plain letters, so runs longer than a word occur as well as dense controls.
            let dense = round % 3 == 0
            let bytes = (0..<count).map { _ -> UInt8 in
                dense || rng.next() % 6 == 0 ? Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))] : 0x61
            }
            let delimiter = [Delimiter.comma, .semicolon, .tab][round % 3].rawValue
            let from = count == 0 ? 0 : Int(rng.next() % UInt64(count + 1))
            var expected = from
            while expected < count, ![delimiter, 0x0A, 0x0D, 0].contains(bytes[expected]) { expected += 1 }
            let found = bytes.withUnsafeBufferPointer { CSVReader.unquotedEnd($0, from: from, delimiter: delimiter) }
            #expect(found == expected, "bytes \(bytes) from \(from), delimiter \(delimiter)")
            if found != expected { return }
        }
    }

    @Test func fieldsSplitLikeAPlainSplitter() throws {
        // Unquoted rows whose fields hold tabs, vertical tabs and form feeds in a comma file:
        // each one is flagged by the word test and must be passed over, not taken as an end.
        var rng = SplitMix64(seed: 12)
        let pool: [UInt8] = [0x61, 0x62, 0x31, 0x09, 0x0B, 0x0C, 0x0E, 0x01, 0x3B, 0x40, 0xC3, 0xA9]
        for _ in 0..<500 {
            var expected: [[[UInt8]]] = []
            var text: [UInt8] = []
            for _ in 0..<Int(1 + rng.next() % 6) {
                var row: [[UInt8]] = []
                for _ in 0..<Int(1 + rng.next() % 4) {
                    var field = Self.randomBytes(Int(rng.next() % 20), &rng, from: pool)
                    if field.isEmpty { field = [0x78] }  // no blank lines, no trimmed-away fields
                    row.append(field)
                }
                expected.append(row)
                text += Array(row.joined(separator: [0x2C])) + (rng.next() % 2 == 0 ? [0x0A] : [0x0D, 0x0A])
            }
            let reader = try CSVReader(bytes: text, file: "split.csv", delimiter: .comma)
            var seen: [[[UInt8]]] = []
            try reader.forEachRecord { record in
                seen.append((0..<record.count).map { i in record.withField(i) { Array($0) } })
                return true
            }
            #expect(seen == expected)
        }
    }

    @Test func plainIdTestMatchesAByteLoop() {
        var rng = SplitMix64(seed: 13)
        for round in 0..<50_000 {
            let count = 1 + Int(rng.next() % 24)
            let bytes =
                round % 2 == 0
                ? Self.randomBytes(count, &rng)
                : (0..<count).map { _ in rng.next() % 8 == 0 ? Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))] : 0x62 }
            for exact in [false, true] {
                let ascii = bytes.allSatisfy { $0 < 0x80 }
                let expected = ascii && (exact || !(bytes.contains(0x40) && bytes.contains { $0 >= 0x41 && $0 <= 0x5A }))
                let found = bytes.withUnsafeBufferPointer { ReferralRowReader.isPlain(PlainId($0), exact: exact) }
                #expect(found == expected, "bytes \(bytes), exact \(exact)")
                if found != expected { return }
            }
        }
    }

    /// A field the fast paths take as the file holds it: refused exactly when it holds doubled
    /// quotes, is empty or longer than an id may be, or starts or ends with ASCII whitespace;
    /// else its bytes with their first eight as a word, also for fields that end within eight
    /// bytes of the buffer's end (read byte by byte there).
    @Test func plainFieldsMatchTheirDefinition() {
        var rng = SplitMix64(seed: 15)
        func space(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        for round in 0..<40_000 {
            let total = 1 + Int(rng.next() % 40)
            var buffer = Self.randomBytes(total, &rng)
            if round % 4 == 0 { buffer += [UInt8](repeating: 0x61, count: 1030) }  // room for ids too long
            let start = Int(rng.next() % UInt64(buffer.count))
            var end = start + Int(rng.next() % UInt64(buffer.count - start + 1))
            if round % 4 == 0, rng.next() % 2 == 0 { end = min(buffer.count, start + 1020 + Int(rng.next() % 8)) }
            let escaped = rng.next() % 10 == 0
            let bytes = Array(buffer[start..<end])
            let refused = escaped || bytes.isEmpty || bytes.count > InputError.maximumIdLength || space(bytes.first!) || space(bytes.last!)
            var word: UInt64 = 0
            for (k, byte) in bytes.prefix(8).enumerated() { word |= UInt64(byte) << UInt64(8 * k) }
            let field = [CSVField(start: start, end: end, escaped: escaped, line: 1)]
            let ok = buffer.withUnsafeBufferPointer { all in
                field.withUnsafeBufferPointer { fields in
                    let found = CSVRecord(buffer: all, fields: fields, line: 1).plainField(0)
                    guard let found else { return refused }
                    return !refused && Array(found.bytes) == bytes && found.head == word
                }
            }
            #expect(ok, "bytes \(bytes) at \(start) of \(buffer.count), escaped \(escaped)")
            if !ok { return }
        }
    }

    /// A field's blank and UTF-8 tests, read from the file's bytes, are those of the field as
    /// `withField` passes it (spaces trimmed, doubled quotes undone), for quoted and unquoted
    /// fields of spaces, tabs, quotes, letters, and valid and broken multi-byte sequences.
    @Test func blankAndUTF8TestsMatchTheFieldAsPassed() throws {
        var rng = SplitMix64(seed: 16)
        let pool: [UInt8] = [0x20, 0x20, 0x09, 0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF, 0x80, 0x22]
        for _ in 0..<3_000 {
            var text: [UInt8] = [0x78, 0x0A]  // a first line, so that no text is empty
            for _ in 0..<Int(1 + rng.next() % 4) {
                var row: [[UInt8]] = []
                for _ in 0..<Int(1 + rng.next() % 4) {
                    var field = Self.randomBytes(Int(rng.next() % 6), &rng, from: pool)
                    if rng.next() % 2 == 0 || field.contains(0x22) {
                        field = [0x22] + field.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] } + [0x22]
                    }
                    row.append(field)
                }
                text += Array(row.joined(separator: [0x2C])) + [0x0A]
            }
            let reader = try CSVReader(bytes: text, file: "blank.csv", delimiter: .comma)
            var ok = true
            try reader.forEachRecord { record in
                for i in 0..<record.count {
                    let blank = record.withField(i) { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
                    let utf8 = record.withField(i) { FieldValue.isUTF8($0) }
                    if record.isBlank(i) != blank || record.isUTF8(i) != utf8 {
                        Issue.record(
                            "text \(text), field \(i): blank \(record.isBlank(i)) against \(blank), UTF-8 \(record.isUTF8(i)) against \(utf8)"
                        )
                        ok = false
                    }
                }
                return ok
            }
            if !ok { return }
        }
    }

    /// The UTF-8 test of fields (ASCII eight bytes at a time, else the standard library's
    /// validation) agrees with validation on bytes of every kind and length.
    @Test func utf8TestAgreesWithValidation() {
        var rng = SplitMix64(seed: 19)
        let pool: [UInt8] = [0x61, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xFF, 0x00]
        for _ in 0..<20_000 {
            var bytes = Self.randomBytes(Int(rng.next() % 40), &rng, from: pool)
            // Half the time ASCII with at most one other byte, anywhere in a word.
            if rng.next() % 2 == 0 {
                bytes = bytes.map { _ in 0x61 }
                if !bytes.isEmpty { bytes[Int(rng.next() % UInt64(bytes.count))] = pool[Int(rng.next() % UInt64(pool.count))] }
            }
            let (found, expected) = bytes.withUnsafeBufferPointer { b in
                (FieldValue.isUTF8(b), String(validating: b, as: UTF8.self) != nil)
            }
            if found != expected {
                Issue.record("\(bytes): \(found), expected \(expected)")
                return
            }
        }
    }

    @Test func paddedWordsAndSameIds() {
        var rng = SplitMix64(seed: 14)
        for _ in 0..<20_000 {
            let a = Self.randomBytes(Int(rng.next() % 20), &rng)
            // Half the time a near copy: same bytes, or one byte changed, or one byte longer.
            var b = a
            switch rng.next() % 4 {
            case 0: b = Self.randomBytes(Int(rng.next() % 20), &rng)
            case 1: if !b.isEmpty { b[Int(rng.next() % UInt64(b.count))] ^= 1 }
            case 2: b.append(0)
            default: break
            }
            var word: UInt64 = 0
            for (k, byte) in a.prefix(8).enumerated() { word |= UInt64(byte) << UInt64(8 * k) }
            a.withUnsafeBufferPointer { pa in
                #expect(ByteWords.padded(pa) == word, "bytes \(a)")
                b.withUnsafeBufferPointer { pb in
                    #expect(ReferralRowReader.sameId(PlainId(pa), PlainId(pb)) == (a == b), "\(a) vs \(b)")
                }
            }
        }
    }
}
