import CPrefetch

/// The field separator of a delimited text file.
public enum Delimiter: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09

    /// Parses a user's `--delimiter` value: `,` `;` `tab` (or a literal tab), `comma`, `semicolon`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "\t", "tab", "\\t": self = .tab
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .comma: return "comma"
        case .semicolon: return "semicolon"
        case .tab: return "tab"
        }
    }
}

/// An RFC 4180 reader over the bytes of a whole file.
///
/// It never builds `String`s itself: a record hands out its fields as byte buffers, so a
/// caller can intern ids or parse numbers without allocating. Quoted fields may hold the
/// delimiter, doubled quotes and line breaks; lines end in LF, CRLF or a lone CR; a UTF-8
/// byte order mark is skipped. Blank lines are skipped and counted.
public struct CSVReader: Sendable {
    /// The file's name, as errors show it.
    public let file: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// The separator in use: given, or detected from the header line.
    public let delimiter: Delimiter
    /// Where the data starts (after a byte order mark).
    let start: Int

    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - file: the name that errors show.
    ///   - delimiter: the separator; `nil` detects it from the header line.
    /// - Throws: `InputError.emptyFile`, `.wrongEncoding` for UTF-16 or UTF-32 text.
    public init(bytes: [UInt8], file: String, delimiter: Delimiter? = nil) throws {
        self.file = file
        self.bytes = bytes
        (self.start, self.delimiter) = try bytes.withUnsafeBufferPointer { try CSVReader.prepare($0, file: file, delimiter: delimiter) }
    }

    /// Checks the start of a file and finds where its data begins and which separator it uses.
    /// - Returns: the offset after a byte order mark, and the given or detected delimiter.
    /// - Throws: `InputError.emptyFile`, `.wrongEncoding` for UTF-16 or UTF-32 text.
    static func prepare(_ bytes: UnsafeBufferPointer<UInt8>, file: String, delimiter: Delimiter?) throws(InputError)
        -> (start: Int, delimiter: Delimiter)
    {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw InputError.wrongEncoding(file: file, found: "UTF-16")
        }
        if bytes[start...].allSatisfy({ $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }) {
            throw InputError.emptyFile(file: file)
        }
        return (start, delimiter ?? CSVReader.detectDelimiter(bytes, from: start))
    }

    /// Picks the most frequent of `,` `;` and tab on the first line outside quotes (comma on ties).
    static func detectDelimiter(_ bytes: [UInt8], from start: Int) -> Delimiter {
        bytes.withUnsafeBufferPointer { detectDelimiter($0, from: start) }
    }

    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Delimiter {
        var i = start
        // The header is the first line that is not blank; a title line above it (a report's
        // name, with no separator at all) is passed over, up to a few lines.
        for _ in 0..<ChunkedScan.preambleLimit + 1 {
            while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x20 { i += 1 }
            var counts: [Delimiter: Int] = [:]
            var quoted = false
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x22 {
                    quoted.toggle()
                } else if !quoted, b == 0x0A || b == 0x0D {
                    break
                } else if !quoted, let d = Delimiter(rawValue: b) {
                    counts[d, default: 0] += 1
                }
                i += 1
            }
            guard counts.values.contains(where: { $0 > 0 }) else { continue }
            var best = Delimiter.comma
            for d in [Delimiter.semicolon, .tab] where counts[d, default: 0] > counts[best, default: 0] { best = d }
            return best
        }
        return .comma
    }

    /// Calls `body` with each record in order, the header first.
    ///
    /// - Parameter body: receives a record valid only during the call; it returns `false` to stop.
    /// - Returns: the number of blank lines skipped.
    /// - Throws: `InputError.unbalancedQuote`, `.strayQuote`, `.nulByte`, or what `body` throws.
    /// - Complexity: O(n) in the file's size.
    @discardableResult
    public func forEachRecord(_ body: (CSVRecord) throws -> Bool) throws -> Int {
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = CSVCursor(position: start, line: 1)
            try withoutActuallyEscaping(body) { body in
                var sink = ClosureSink(body: body)
                try CSVReader.scan(buffer, until: buffer.count, delimiter: delimiter.rawValue, file: file, cursor: &cursor, sink: &sink)
            }
            return cursor.blank
        }
    }

    /// Reads records from `cursor.position`, which must be the start of a record, until the next
    /// record would start at or after `end` or `sink` asks to stop; `cursor` is left after the
    /// last record read. A record that starts before `end` is read whole even if it runs past it.
    ///
    /// This is the one RFC 4180 state machine: `forEachRecord` runs it over the whole file, and
    /// the parallel readers run it over chunks of one.
    /// - Returns: whether `sink` asked to stop.
    /// - Throws: `InputError.unbalancedQuote`, `.strayQuote`, `.nulByte`, or what `sink` throws.
    ///
    /// Lines without quotes or control bytes are split by `SimpleLine.split`, which gives the
    /// record the state machine would (`simpleLines: false` runs the state machine alone, the
    /// reference the tests hold it to).
    @discardableResult
    static func scan<Sink: CSVRecordSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, until end: Int, delimiter delim: UInt8, file: String,
        cursor: inout CSVCursor, sink: inout Sink, simpleLines: Bool = true
    ) throws -> Bool {
        var fields = FieldBuffer()
        defer { fields.deallocate() }
        var blank = cursor.blank
        var i = cursor.position
        var line = cursor.line
        defer { cursor = CSVCursor(position: i, line: line, blank: blank) }
        let n = buffer.count
        while i < end {
            if Sink.takesSimpleLines, simpleLines, let next = sink.takeSimpleLine(buffer, from: i, delimiter: delim, line: line) {
                i = next
                line += 1
                continue
            }
            fields.count = 0
            if simpleLines, let next = SimpleLine.split(buffer, from: i, delimiter: delim, line: line, into: &fields) {
                let record = CSVRecord(buffer: buffer, fields: UnsafeBufferPointer(start: fields.base, count: fields.count), line: line)
                i = next
                line += 1
                if try !sink.take(record) { return true }
                continue
            }
            fields.count = 0
            let recordLine = line
            var atRecordEnd = false
            while !atRecordEnd {
                let fieldLine = line
                if i < n, buffer[i] == 0x22 {
                    // Quoted field: runs to the closing quote; "" is a literal quote.
                    var j = i + 1
                    var escaped = false
                    while true {
                        guard j < n else {
                            throw InputError.unbalancedQuote(file: file, line: fieldLine, column: fields.count + 1)
                        }
                        let b = buffer[j]
                        if b == 0x22 {
                            if j + 1 < n, buffer[j + 1] == 0x22 { escaped = true; j += 2; continue }
                            break
                        }
                        if b == 0x0A || (b == 0x0D && (j + 1 >= n || buffer[j + 1] != 0x0A)) { line += 1 }
                        if b == 0 { throw InputError.nulByte(file: file, line: line, column: fields.count + 1) }
                        j += 1
                    }
                    fields.append(CSVField(start: i + 1, end: j, escaped: escaped, line: fieldLine))
                    j += 1
                    if j >= n { i = j; atRecordEnd = true; break }
                    let b = buffer[j]
                    if b == delim { i = j + 1; continue }
                    if b == 0x0A { i = j + 1; line += 1; atRecordEnd = true; break }
                    if b == 0x0D {
                        i = (j + 1 < n && buffer[j + 1] == 0x0A) ? j + 2 : j + 1
                        line += 1; atRecordEnd = true; break
                    }
                    throw InputError.strayQuote(file: file, line: line, column: fields.count)
                }
                // Unquoted field: runs to the delimiter or the end of the line.
                let j = unquotedEnd(buffer, from: i, delimiter: delim)
                if j < n, buffer[j] == 0 { throw InputError.nulByte(file: file, line: line, column: fields.count + 1) }
                fields.append(CSVField(start: i, end: j, escaped: false, line: fieldLine))
                if j >= n { i = j; atRecordEnd = true; break }
                let b = buffer[j]
                if b == delim {
                    i = j + 1; if i >= n { fields.append(CSVField(start: i, end: i, escaped: false, line: line)); atRecordEnd = true };
                    continue
                }
                i = (b == 0x0D && j + 1 < n && buffer[j + 1] == 0x0A) ? j + 2 : j + 1
                line += 1
                atRecordEnd = true
            }
            if fields.count == 1, fields.base[0].start == fields.base[0].end, !fields.base[0].quoted(in: buffer) {
                blank += 1
                continue
            }
            let record = CSVRecord(buffer: buffer, fields: UnsafeBufferPointer(start: fields.base, count: fields.count), line: recordLine)
            if try !sink.take(record) { return true }
        }
        return false
    }

    /// The offset of the first byte at or after `from` that ends an unquoted field (the
    /// delimiter, a line feed or a carriage return) or is NUL; `buffer.count` when none does.
    ///
    /// Eight bytes at a time: one word flags its bytes below 0x0E (NUL, LF and CR among them)
    /// and its bytes equal to the delimiter, with the usual borrow trick, whose lowest flagged
    /// byte is always a true one. That byte is then tested exactly; a tab or other control
    /// byte that is not the delimiter resumes the search after it.
    @inline(__always)
    static func unquotedEnd(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, delimiter: UInt8) -> Int {
        let n = buffer.count
        guard let base = buffer.baseAddress else { return n }
        @inline(__always) func ends(_ b: UInt8) -> Bool { b == delimiter || b == 0x0A || b == 0x0D || b == 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = ones &* UInt64(delimiter)
        var j = from
        while j &+ 8 <= n {
            let word = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            let same = word ^ delimiters
            let flags = (((word &- ones &* 0x0E) & ~word) | ((same &- ones) & ~same)) & highs
            if flags == 0 {
                j &+= 8
                continue
            }
            let k = j &+ flags.trailingZeroBitCount &>> 3
            if ends(base[k]) { return k }
            j = k &+ 1
        }
        while j < n, !ends(base[j]) { j &+= 1 }
        return j
    }
}

/// The fields of the record being read: one buffer for a whole scan, doubled when a record
/// has more fields than it holds (an `Array` would check its uniqueness on every append).
struct FieldBuffer {
    private(set) var base: UnsafeMutablePointer<CSVField>
    private var capacity = 16
    var count = 0

    init() { base = .allocate(capacity: 16) }

    @inline(__always)
    mutating func append(_ field: CSVField) {
        if count == capacity {
            let larger = UnsafeMutablePointer<CSVField>.allocate(capacity: capacity * 2)
            larger.initialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: field)
        count += 1
    }

    func deallocate() { base.deallocate() }
}

/// Where a scan is: the next record's offset and line, and the blank lines passed so far.
struct CSVCursor: Sendable, Equatable {
    var position: Int
    var line: Int
    var blank = 0
}

/// What a scan hands each record to.
protocol CSVRecordSink {
    /// Takes one record (valid only during the call); returns `false` to stop.
    mutating func take(_ record: CSVRecord) throws -> Bool
    /// Completes work held back for batching, after the last record of a scan.
    mutating func finish()
    /// Whether the sink reads some lines itself (`takeSimpleLine`): a constant, so that the
    /// scans of other sinks do not ask.
    static var takesSimpleLines: Bool { get }
    /// Takes the line starting at `start` (line `line` of the chunk) when it is a record the
    /// sink reads without the state machine (`SimpleLine`), with the outcome `take` would have
    /// had for it, and returns where the next line starts; `nil` (with nothing taken) hands the
    /// line to the state machine.
    mutating func takeSimpleLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, line: Int) -> Int?
}

extension CSVRecordSink {
    mutating func finish() {}
    static var takesSimpleLines: Bool { false }
    mutating func takeSimpleLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, line: Int) -> Int? { nil }
}

/// Lines of two unquoted fields, which the readers of two-id exports take without the state
/// machine: the line holds one delimiter, no quote and no byte below 0x0E (line breaks, NUL,
/// tabs), and ends in a line feed or a carriage return and line feed. The state machine reads
/// such a line as one record of those two fields, not escaped, the next starting after the
/// line feed, one line on; any other line (blank, quoted, a lone carriage return, a third
/// field, the file's last line without a line break) is left to it.
enum SimpleLine {
    /// The two fields of the line starting at `start` and where the next line starts, or `nil`.
    @inline(__always)
    static func pair(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> (
        first: Range<Int>, second: Range<Int>, next: Int
    )? {
        let n = buffer.count
        let d = special(buffer, from: start, delimiter: delimiter)
        guard d < n, buffer[d] == delimiter else { return nil }
        let e = special(buffer, from: d &+ 1, delimiter: delimiter)
        guard e < n else { return nil }
        let b = buffer[e]
        if b == 0x0A { return (start..<d, d &+ 1..<e, e &+ 1) }
        guard b == 0x0D, e &+ 1 < n, buffer[e &+ 1] == 0x0A else { return nil }
        return (start..<d, d &+ 1..<e, e &+ 2)
    }

    /// The fields of the line starting at `start` (line `line`) and where the next line starts,
    /// when the line holds no quote and no byte below 0x0E other than the delimiter, ends in a
    /// line feed or a carriage return and line feed, is not blank and ends at least 64 bytes
    /// before the buffer does; `nil` (with `fields` in any state) leaves the line to the state
    /// machine, which reads such a line as these fields, none escaped, one line on.
    ///
    /// Sixty-four bytes at a time: a mask flags the delimiters, quotes and bytes below 0x0E
    /// (`influence_special_bytes64`), and only the flagged bytes are visited. (Field by field
    /// through the state machine, a line of the five columns of a program export cost about
    /// 420 instructions; eight bytes at a time with borrow tricks, about 470.)
    @inline(__always)
    static func split(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, line: Int, into fields: inout FieldBuffer
    ) -> Int? {
        let n = buffer.count
        guard let base = buffer.baseAddress else { return nil }
        var fieldStart = start
        var j = start
        while j &+ 64 <= n {
            var flags = influence_special_bytes64(base + j, delimiter)
            while flags != 0 {
                let k = j &+ flags.trailingZeroBitCount
                flags &= flags &- 1
                let b = base[k]
                if b == delimiter {
                    fields.append(CSVField(start: fieldStart, end: k, escaped: false, line: line))
                    fieldStart = k &+ 1
                    continue
                }
                guard b == 0x0A || (b == 0x0D && k &+ 1 < n && base[k &+ 1] == 0x0A) else { return nil }
                // A blank line (one empty field) is the state machine's to count.
                guard k > start || fields.count > 0 else { return nil }
                fields.append(CSVField(start: fieldStart, end: k, escaped: false, line: line))
                return b == 0x0A ? k &+ 1 : k &+ 2
            }
            j &+= 64
        }
        return nil
    }

    /// The offset of the first byte at or after `from` that is the delimiter, a quote or below
    /// 0x0E; `buffer.count` when none is. Eight bytes at a time, as `CSVReader.unquotedEnd`
    /// (the lowest byte a word flags is always a true one).
    @inline(__always)
    static func special(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, delimiter: UInt8) -> Int {
        let n = buffer.count
        guard let base = buffer.baseAddress else { return n }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = ones &* UInt64(delimiter)
        let quotes = ones &* 0x22
        var j = from
        while j &+ 8 <= n {
            let word = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            let same = word ^ delimiters, quote = word ^ quotes
            let flags = (((word &- ones &* 0x0E) & ~word) | ((same &- ones) & ~same) | ((quote &- ones) & ~quote)) & highs
            if flags != 0 { return j &+ flags.trailingZeroBitCount &>> 3 }
            j &+= 8
        }
        while j < n {
            let b = base[j]
            if b == delimiter || b == 0x22 || b < 0x0E { return j }
            j &+= 1
        }
        return n
    }
}

struct ClosureSink: CSVRecordSink {
    let body: (CSVRecord) throws -> Bool
    func take(_ record: CSVRecord) throws -> Bool { try body(record) }
}

/// Where one field lies in the file.
struct CSVField: Sendable {
    var start: Int
    var end: Int
    /// The field holds doubled quotes that must be undone.
    var escaped: Bool
    var line: Int

    func quoted(in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        start > 0 && buffer[start - 1] == 0x22
    }
}

/// One record of a CSV file, valid only inside `CSVReader.forEachRecord`.
public struct CSVRecord {
    let buffer: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<CSVField>
    /// The line on which the record starts (1-based).
    public let line: Int

    /// The number of fields.
    public var count: Int { fields.count }

    /// The line on which field `index` starts.
    public func line(ofField index: Int) -> Int {
        precondition(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        return fields[index].line
    }

    /// Calls `body` with the bytes of field `index`, quotes undone and, outside quotes,
    /// surrounding spaces trimmed.
    /// A field past the record's count stops with a message (the record's fields are an
    /// unsafe buffer, which would not check the index in release builds).
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        let field = fields[index]
        var lower = field.start
        var upper = field.end
        if !field.quoted(in: buffer) {
            while lower < upper, buffer[lower] == 0x20 { lower += 1 }
            while upper > lower, buffer[upper - 1] == 0x20 { upper -= 1 }
        }
        let raw = UnsafeBufferPointer(rebasing: buffer[lower..<upper])
        guard field.escaped else { return try body(raw) }
        // Doubled quotes are rare: undo them in a temporary copy.
        var unescaped = ContiguousArray<UInt8>()
        unescaped.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            unescaped.append(raw[k])
            k += raw[k] == 0x22 ? 2 : 1
        }
        return try unescaped.withUnsafeBufferPointer { try body($0) }
    }

    /// The bytes `withField` would pass for field `index`, as a view into the file itself,
    /// or `nil` when the field holds doubled quotes (and so needs a copy to undo them).
    @inline(__always)
    func fieldInPlace(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
        internalCheck(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        let field = fields[index]
        guard !field.escaped else { return nil }
        var lower = field.start
        var upper = field.end
        if !field.quoted(in: buffer) {
            while lower < upper, buffer[lower] == 0x20 { lower += 1 }
            while upper > lower, buffer[upper - 1] == 0x20 { upper -= 1 }
        }
        return UnsafeBufferPointer(rebasing: buffer[lower..<upper])
    }

    /// Field `index` as text, or `nil` when it is not valid UTF-8.
    public func string(_ index: Int) -> String? {
        withField(index) { String(validating: $0, as: UTF8.self) }
    }

    /// Field `index` is empty or only spaces and tabs.
    ///
    /// Read from the file's bytes, without `withField`'s copy: a field holding doubled quotes
    /// keeps a quote once they are undone, so it is never blank, and trimming spaces cannot
    /// make a field blank that is not. (Through `withField` this was about 130 instructions a
    /// row of a program export, which tests three fields.)
    @inline(__always)
    public func isBlank(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        let field = fields[index]
        guard !field.escaped else { return false }
        var i = field.start
        while i < field.end {
            let b = buffer[i]
            if b != 0x20, b != 0x09 { return false }
            i += 1
        }
        return true
    }

    /// Whether field `index`, as `withField` passes it, is valid UTF-8: read from the file's
    /// bytes, which differ from those only by ASCII (trimmed spaces, one quote of each doubled
    /// pair), which can neither complete nor break a multi-byte sequence next to it.
    @inline(__always)
    func isUTF8(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        let field = fields[index]
        return FieldValue.isUTF8(UnsafeBufferPointer(rebasing: buffer[field.start..<field.end]))
    }
}
