import Testing
import InfluenceModel

/// One record as the tests see it: the line it starts on, its fields as text, and the line
/// each field starts on.
private struct ReadRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var fieldLines: [Int]

    var description: String { "\(line): \(fields) @\(fieldLines)" }
}

/// Reads every record of `text` (the header included) with a fresh reader.
private func readAll(_ bytes: [UInt8], delimiter: Delimiter? = nil, file: String = "t.csv") throws -> (
    records: [ReadRecord], blank: Int, delimiter: Delimiter
) {
    let reader = try CSVReader(bytes: bytes, file: file, delimiter: delimiter)
    var records: [ReadRecord] = []
    let blank = try reader.forEachRecord { record in
        var fields: [String] = []
        var lines: [Int] = []
        for i in 0..<record.count {
            fields.append(record.string(i) ?? "<invalid UTF-8>")
            lines.append(record.line(ofField: i))
        }
        records.append(ReadRecord(line: record.line, fields: fields, fieldLines: lines))
        return true
    }
    return (records, blank, reader.delimiter)
}

private func readAll(_ text: String, delimiter: Delimiter? = nil) throws -> (records: [ReadRecord], blank: Int, delimiter: Delimiter) {
    try readAll(Array(text.utf8), delimiter: delimiter)
}

/// The fields of each record, without line numbers.
private func fields(_ text: String, delimiter: Delimiter? = nil) throws -> [[String]] {
    try readAll(text, delimiter: delimiter).records.map(\.fields)
}

struct CSVReaderTests {
    // MARK: RFC 4180 quoting

    @Test func plainRecordsAndLines() throws {
        let result = try readAll("a,b,c\n1,2,3\n4,5,6\n")
        let expected: [ReadRecord] = [
            ReadRecord(line: 1, fields: ["a", "b", "c"], fieldLines: [1, 1, 1]),
            ReadRecord(line: 2, fields: ["1", "2", "3"], fieldLines: [2, 2, 2]),
            ReadRecord(line: 3, fields: ["4", "5", "6"], fieldLines: [3, 3, 3]),
        ]
        #expect(result.records == expected)
        #expect(result.blank == 0)
        #expect(result.delimiter == .comma)
    }

    @Test func lastLineWithoutNewline() throws {
        let rows = try fields("a,b\n1,2")
        let expected: [[String]] = [["a", "b"], ["1", "2"]]
        #expect(rows == expected)
    }

    @Test func quotedCommaStaysInField() throws {
        let rows = try fields("name,city\n\"Smith, John\",\"Paris, France\"\n")
        let expected: [[String]] = [["name", "city"], ["Smith, John", "Paris, France"]]
        #expect(rows == expected)
    }

    @Test(arguments: [
        ("\"he said \"\"hi\"\"\",x\n", ["he said \"hi\"", "x"]),
        ("\"\"\"\",x\n", ["\"", "x"]),
        ("\"a\"\"\",x\n", ["a\"", "x"]),
        ("\"\"\"a\",x\n", ["\"a", "x"]),
        ("\"\",x\n", ["", "x"]),
        ("x,\"a\"\"b\"\"c\"\n", ["x", "a\"b\"c"]),
    ])
    func doubledQuotes(input: String, expected: [String]) throws {
        let rows = try fields(input)
        #expect(rows == [expected])
    }

    @Test func quotedNewlineKeepsLaterLineNumbersRight() throws {
        // Record 2 spans lines 2-4; record 3 must start on line 5.
        let text = "id,note,x\n1,\"first\nsecond\nthird\",y\n2,plain,z\n"
        let result = try readAll(text)
        let expected: [ReadRecord] = [
            ReadRecord(line: 1, fields: ["id", "note", "x"], fieldLines: [1, 1, 1]),
            ReadRecord(line: 2, fields: ["1", "first\nsecond\nthird", "y"], fieldLines: [2, 2, 4]),
            ReadRecord(line: 5, fields: ["2", "plain", "z"], fieldLines: [5, 5, 5]),
        ]
        #expect(result.records == expected)
    }

    @Test func quotedCRLFAndLoneCRCountOneLineEach() throws {
        // Inside quotes: a CRLF is one line break, a lone CR is one line break.
        let text = "a,b\r\n\"x\r\ny\",1\r\n\"p\rq\",2\r\nlast,3\r\n"
        let result = try readAll(text)
        let lines = result.records.map(\.line)
        #expect(lines == [1, 2, 4, 6])
        let expected: [[String]] = [["a", "b"], ["x\r\ny", "1"], ["p\rq", "2"], ["last", "3"]]
        #expect(result.records.map(\.fields) == expected)
    }

    @Test func crlfLineEndings() throws {
        let result = try readAll("a,b\r\n1,2\r\n3,4\r\n")
        let expected: [[String]] = [["a", "b"], ["1", "2"], ["3", "4"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.records.map(\.line) == [1, 2, 3])
        #expect(result.blank == 0)
    }

    @Test func loneCRLineEndings() throws {
        let result = try readAll("a,b\r1,2\r\"q\",4\r")
        let expected: [[String]] = [["a", "b"], ["1", "2"], ["q", "4"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.records.map(\.line) == [1, 2, 3])
    }

    @Test func mixedLineEndings() throws {
        let result = try readAll("a,b\n1,2\r\n3,4\r5,6")
        #expect(result.records.map(\.line) == [1, 2, 3, 4])
        let expected: [[String]] = [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]]
        #expect(result.records.map(\.fields) == expected)
    }

    @Test func utf8BOMIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("source;target\na;b\n".utf8)
        let result = try readAll(bytes)
        #expect(result.delimiter == .semicolon)
        let expected: [[String]] = [["source", "target"], ["a", "b"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.records.map(\.line) == [1, 2])
    }

    @Test func bomBeforeQuotedHeader() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\"source\",target\na,b\n".utf8)
        let rows = try readAll(bytes).records.map(\.fields)
        let expected: [[String]] = [["source", "target"], ["a", "b"]]
        #expect(rows == expected)
    }

    // MARK: Delimiters

    @Test(arguments: [
        ("a,b,c\n1,2,3\n", Delimiter.comma),
        ("a;b;c\n1;2;3\n", Delimiter.semicolon),
        ("a\tb\tc\n1\t2\t3\n", Delimiter.tab),
        ("a;b,c;d\n", Delimiter.semicolon),  // 2 semicolons beat 1 comma
        ("a,b;c\n", Delimiter.comma),  // tie: comma
        ("a,b\tc\n", Delimiter.comma),  // tie: comma
        ("a,b;c\td\n", Delimiter.comma),  // three-way tie: comma
        ("single\n1\n", Delimiter.comma),  // nothing to count: comma
        ("\"x;y;z\",b\n1,2\n", Delimiter.comma),  // semicolons inside quotes do not count
        ("\"a,b,c\";d;e\n", Delimiter.semicolon),  // commas inside quotes do not count
        ("a;b\n1,2,3,4,5\n", Delimiter.semicolon),  // only the header line counts
        ("\"multi\nline,,,\";x\n", Delimiter.semicolon),  // a quoted line break is not the end of the header
    ])
    func delimiterDetection(input: String, expected: Delimiter) throws {
        let reader = try CSVReader(bytes: Array(input.utf8), file: "d.csv")
        #expect(reader.delimiter == expected)
    }

    @Test func detectedDelimiterSplitsFields() throws {
        let rows = try fields("a\tb c\t\"d\te\"\n1\t2\t3\n")
        let expected: [[String]] = [["a", "b c", "d\te"], ["1", "2", "3"]]
        #expect(rows == expected)
    }

    /// The header is the first non-blank line; blank lines before it must not decide the delimiter.
    @Test func delimiterDetectedFromHeaderAfterLeadingBlankLines() throws {
        let text = "\n\nsource;target\na;b\n"
        let reader = try CSVReader(bytes: Array(text.utf8), file: "d.csv")
        #expect(reader.delimiter == .semicolon)
        let result = try readAll(text)
        let expected: [[String]] = [["source", "target"], ["a", "b"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.records.map(\.line) == [3, 4])
        #expect(result.blank == 2)
    }

    @Test func explicitDelimiterOverridesDetection() throws {
        // Detection would pick semicolon (two of them against one comma).
        let text = "a;b;c,d\n1;2;3,4\n"
        let comma = try readAll(text, delimiter: .comma)
        #expect(comma.delimiter == .comma)
        let expectedComma: [[String]] = [["a;b;c", "d"], ["1;2;3", "4"]]
        #expect(comma.records.map(\.fields) == expectedComma)
        let tab = try readAll(text, delimiter: .tab)
        let expectedTab: [[String]] = [["a;b;c,d"], ["1;2;3,4"]]
        #expect(tab.records.map(\.fields) == expectedTab)
    }

    @Test(arguments: [
        (",", Delimiter.comma), ("comma", .comma), ("COMMA", .comma),
        (";", .semicolon), ("semicolon", .semicolon),
        ("\t", .tab), ("tab", .tab), ("\\t", .tab), ("Tab", .tab),
    ])
    func delimiterArgument(text: String, expected: Delimiter) {
        #expect(Delimiter(argument: text) == expected)
    }

    @Test(arguments: ["|", "", "pipe", ",,", " "])
    func delimiterArgumentRefused(text: String) {
        #expect(Delimiter(argument: text) == nil)
    }

    // MARK: Blank lines, trailing delimiters, trimming

    @Test func blankLinesSkippedAndCounted() throws {
        // Lines: 1 header, 2 blank, 3 data, 4 blank (CRLF), 5 data, 6 blank, 7 blank (lone CR).
        let text = "a,b\n\n1,2\r\n\r\n3,4\n\n\r"
        let result = try readAll(text)
        #expect(result.records.map(\.line) == [1, 3, 5])
        let expected: [[String]] = [["a", "b"], ["1", "2"], ["3", "4"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.blank == 4)
    }

    @Test func quotedEmptyLineIsNotBlank() throws {
        let result = try readAll("a\n\"\"\nb\n")
        let expected: [[String]] = [["a"], [""], ["b"]]
        #expect(result.records.map(\.fields) == expected)
        #expect(result.blank == 0)
    }

    @Test func trailingDelimiterMakesAnEmptyLastField() throws {
        let rows = try fields("a,b,\n1,2,\n3,4,")
        let expected: [[String]] = [["a", "b", ""], ["1", "2", ""], ["3", "4", ""]]
        #expect(rows == expected)
    }

    @Test func trailingDelimiterAfterQuotedField() throws {
        let rows = try fields("a,\"b\",\n1,\"2\",")
        let expected: [[String]] = [["a", "b", ""], ["1", "2", ""]]
        #expect(rows == expected)
    }

    @Test func emptyFieldsInTheMiddle() throws {
        let rows = try fields("a,,b\n,,\n")
        let expected: [[String]] = [["a", "", "b"], ["", "", ""]]
        #expect(rows == expected)
    }

    @Test func spacesTrimmedOutsideQuotesOnly() throws {
        let rows = try fields("  a  , b ,c\n\" x \",\"  \",  y y  \n")
        let expected: [[String]] = [["a", "b", "c"], [" x ", "  ", "y y"]]
        #expect(rows == expected)
    }

    @Test func blankFieldDetection() throws {
        let reader = try CSVReader(bytes: Array("a,b,c,d\n   ,x,\"\",\" \"\n".utf8), file: "b.csv")
        var blanks: [[Bool]] = []
        try reader.forEachRecord { record in
            blanks.append((0..<record.count).map { record.isBlank($0) })
            return true
        }
        let expected: [[Bool]] = [[false, false, false, false], [true, false, true, true]]
        #expect(blanks == expected)
    }

    @Test func stopsWhenBodyReturnsFalse() throws {
        let reader = try CSVReader(bytes: Array("a\n1\n2\n3\n".utf8), file: "s.csv")
        var seen: [Int] = []
        try reader.forEachRecord { record in
            seen.append(record.line)
            return record.line < 2
        }
        #expect(seen == [1, 2])
    }

    @Test func nonASCIIAndInvalidUTF8Fields() throws {
        var bytes = Array("name,x\nZoë,日本\n".utf8)
        bytes += [0x61, 0xFF, 0x62, 0x2C, 0x63, 0x0A]  // "a\xFFb,c"
        let reader = try CSVReader(bytes: bytes, file: "u.csv")
        var rows: [[String?]] = []
        try reader.forEachRecord { record in
            rows.append((0..<record.count).map { record.string($0) })
            return true
        }
        let expected: [[String?]] = [["name", "x"], ["Zoë", "日本"], [nil, "c"]]
        #expect(rows == expected)
    }

    // MARK: Errors

    @Test func unbalancedQuoteNamesTheLineWhereItOpened() throws {
        // The quote opens on line 3, column 2, and the file ends inside it two lines later.
        let text = "a,b\n1,2\n3,\"open\nmore\nstill open\n"
        #expect(throws: InputError.unbalancedQuote(file: "q.csv", line: 3, column: 2)) {
            let reader = try CSVReader(bytes: Array(text.utf8), file: "q.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func unbalancedQuoteAfterAQuotedNewlineRecord() throws {
        // An earlier multi-line field shifts the line count; the unclosed quote is on line 4, column 1.
        let text = "a,b\n\"x\ny\",1\n\"never closed,2\n"
        #expect(throws: InputError.unbalancedQuote(file: "q.csv", line: 4, column: 1)) {
            let reader = try CSVReader(bytes: Array(text.utf8), file: "q.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func unbalancedQuoteEndingInDoubledQuote() throws {
        #expect(throws: InputError.unbalancedQuote(file: "q.csv", line: 2, column: 3)) {
            let reader = try CSVReader(bytes: Array("a,b,c\n1,2,\"x\"\"".utf8), file: "q.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func strayQuoteAfterClosingQuote() throws {
        #expect(throws: InputError.strayQuote(file: "s.csv", line: 2, column: 2)) {
            let reader = try CSVReader(bytes: Array("a,b,c\n1,\"two\"x,3\n".utf8), file: "s.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func strayQuoteInFirstField() throws {
        #expect(throws: InputError.strayQuote(file: "s.csv", line: 3, column: 1)) {
            let reader = try CSVReader(bytes: Array("a,b\n1,2\n\"x\" ,2\n".utf8), file: "s.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func nulByteInUnquotedField() throws {
        let bytes: [UInt8] = Array("a,b,c\n1,2,3\n4,5".utf8) + [0] + Array("6\n".utf8)
        #expect(throws: InputError.nulByte(file: "n.csv", line: 3, column: 2)) {
            let reader = try CSVReader(bytes: bytes, file: "n.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test func nulByteInQuotedFieldAfterALineBreak() throws {
        // The quoted field opens on line 2; the NUL is on line 3.
        let bytes: [UInt8] = Array("a,b\nx,\"first\n".utf8) + [0] + Array("\"\n".utf8)
        #expect(throws: InputError.nulByte(file: "n.csv", line: 3, column: 2)) {
            let reader = try CSVReader(bytes: bytes, file: "n.csv")
            try reader.forEachRecord { _ in true }
        }
    }

    @Test(arguments: [
        [UInt8]([0xFF, 0xFE, 0x61, 0x00, 0x2C, 0x00]),
        [UInt8]([0xFE, 0xFF, 0x00, 0x61, 0x00, 0x2C]),
    ])
    func utf16Refused(bytes: [UInt8]) {
        #expect(throws: InputError.wrongEncoding(file: "w.csv", found: "UTF-16")) {
            _ = try CSVReader(bytes: bytes, file: "w.csv")
        }
    }

    @Test func utf32LittleEndianRefusedAsWrongEncoding() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]
        let error = #expect(throws: InputError.self) { _ = try CSVReader(bytes: bytes, file: "w.csv") }
        guard case .wrongEncoding(let file, _) = error else {
            Issue.record("expected wrongEncoding, got \(String(describing: error))")
            return
        }
        #expect(file == "w.csv")
    }

    @Test(arguments: [
        [UInt8](),
        Array("\n".utf8),
        Array("\r\n\r\n".utf8),
        Array("  \t \n".utf8),
        [UInt8]([0xEF, 0xBB, 0xBF]),
        [UInt8]([0xEF, 0xBB, 0xBF, 0x0A]),
    ])
    func emptyFileRefused(bytes: [UInt8]) {
        #expect(throws: InputError.emptyFile(file: "e.csv")) {
            _ = try CSVReader(bytes: bytes, file: "e.csv")
        }
    }

    @Test func errorsKeepTheirPositionInTheMessage() {
        let error = InputError.unbalancedQuote(file: "q.csv", line: 3, column: 2)
        #expect(error.description.hasPrefix("q.csv:3:2:"))
        #expect(error.line == 3)
        #expect(error.exitCode == 65)
    }
}
