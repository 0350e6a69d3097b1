import Foundation

/// How one file's fields are read: times, amounts and ids, from the read options.
struct FieldRules: Sendable {
    var timeFormat: TimeFormat = .auto
    var dateOrder: DateOrder = .auto
    var decimal: DecimalMark = .auto
    var exactIds = false

    init(_ options: ReadOptions) {
        timeFormat = options.timeFormat
        dateOrder = options.dateOrder
        decimal = options.decimal
        exactIds = options.exactIds
    }

    init() {}

    /// A time field under month-first (A) and day-first (B); the same value twice when the
    /// text says which.
    @inline(__always)
    func time(_ bytes: UnsafeBufferPointer<UInt8>) throws(Timestamp.Failure) -> (a: Double?, b: Double?) {
        var cache = Timestamp.DayCache()
        return try time(bytes, cache: &cache)
    }

    /// `time(_:)`, with the day of the field before kept in `cache` (`Timestamp.DayCache`).
    @inline(__always)
    func time(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout Timestamp.DayCache) throws(Timestamp.Failure) -> (a: Double?, b: Double?) {
        switch try Timestamp.read(bytes, format: timeFormat, order: dateOrder, cache: &cache) {
        case .exact(let v): return (v, v)
        case .eitherOrder(let m, let d): return (m, d)
        }
    }

    /// `time(_:)` of field `column` of `record`, which is not blank, the refusal reported as
    /// `InputError.badTimestamp`: for the events and the conversions readers alike. The field
    /// is read as the file holds it where it has no doubled quotes (the bytes `withField`
    /// passes, without its closure).
    @inline(__always)
    func time(_ record: CSVRecord, column: Int, file: String, cache: inout Timestamp.DayCache) throws(InputError) -> (
        a: Double?, b: Double?
    ) {
        let parsed =
            if let b = record.fieldInPlace(column) {
                Result { () throws(Timestamp.Failure) in try time(b, cache: &cache) }
            } else {
                record.withField(column) { b in Result { () throws(Timestamp.Failure) in try time(b) } }
            }
        switch parsed {
        case .success(let value): return value
        case .failure(let error):
            throw .badTimestamp(
                file: file, line: record.line, column: column + 1, name: "timestamp", seen: record.string(column) ?? "",
                reason: error.description)
        }
    }

    /// An amount under a decimal point (A) and a decimal comma (B); `nil` when it is no number.
    @inline(__always)
    func amount(_ bytes: UnsafeBufferPointer<UInt8>) -> (a: Double?, b: Double?)? {
        switch decimal {
        case .auto:
            guard let r = Amount.read(bytes), r.dotDecimal != nil || r.commaDecimal != nil else { return nil }
            return (r.dotDecimal, r.commaDecimal)
        case .dot, .comma:
            guard let v = Amount.value(bytes, mark: decimal) else { return nil }
            return (v, v)
        }
    }
}

/// A referral row read and checked, its ids normalized into the reader's buffers.
struct ReferralRowReader: Sendable {
    let columns: ReferralColumns
    let rules: FieldRules
    let file: String
    /// The normalized ids of the last row read.
    var source: [UInt8] = []
    var target: [UInt8] = []
    private var scratch: [UInt8] = []
    /// The values of the last row `read` took as a referral (after any other outcome, of no
    /// row): kept and filled here rather than in the outcome, whose payload was copied (about
    /// 130 bytes, twice a row) on its way to the columns.
    private(set) var values = Values(weight: nil, time: nil, normalized: 0)
    /// The day of the last time read (`Timestamp.DayCache`).
    private var days = Timestamp.DayCache()

    init(columns: ReferralColumns, rules: FieldRules, file: String) {
        self.columns = columns
        self.rules = rules
        self.file = file
        source.reserveCapacity(64)
        target.reserveCapacity(64)
    }

    enum Outcome {
        /// A referral, its values in `values`.
        case referral
        case selfReferral
        /// An empty referrer: a customer nobody referred.
        case unreferred
    }

    /// Unchecked: `inPlace` points into the file being read, which nobody writes while it is
    /// read, and a reader (with its last row's values) is used by one thread at a time.
    struct Values: @unchecked Sendable {
        /// The weight under a decimal point and comma; `nil` for the default 1.
        var weight: (a: Double?, b: Double?)?
        /// The time under month-first and day-first; `nil` without one.
        var time: (a: Double?, b: Double?)?
        /// How many of the two ids normalization changed.
        var normalized: Int
        /// The two ids where the file holds them exactly as they are read (plain ASCII, not
        /// escaped): then the reader's buffers are not filled. `nil`: they are in `source`
        /// and `target`.
        var inPlace: (source: PlainId, target: PlainId)? = nil
    }

    /// Checks a row in the order a person fixing the file would want — width, ids, weight,
    /// time, labels — and reads it; a row that fails adds nobody.
    /// - Throws: `InputError.raggedRow`, `.emptyValue`, `.invalidUTF8`, `.idTooLong`, `.badNumber`, `.badTimestamp`.
    mutating func read(_ record: CSVRecord) throws(InputError) -> Outcome {
        try ReferralEvents.checkWidth(record, width: columns.width, file: file)
        let line = record.line
        if record.isBlank(columns.target) {
            throw .emptyValue(file: file, line: line, column: columns.target + 1, name: "target")
        }
        let exact = rules.exactIds
        // `values` is the reader's own (filled in place, not copied from a local).
        var same: Bool
        if let ids = plainIds(record) {
            // The common row: both ids are used as the file holds them, without a copy.
            values = Values(weight: nil, time: nil, normalized: 0, inPlace: ids)
            same = Self.sameId(ids.source, ids.target)
        } else {
            guard let s = try Self.id(record, columns.source, name: "source", file: file, exact: exact, out: &source, scratch: &scratch)
            else { return .unreferred }
            guard let t = try Self.id(record, columns.target, name: "target", file: file, exact: exact, out: &target, scratch: &scratch)
            else { throw .emptyValue(file: file, line: line, column: columns.target + 1, name: "target") }
            values = Values(weight: nil, time: nil, normalized: (s ? 1 : 0) + (t ? 1 : 0))
            same = source == target
        }
        if columns.weight >= 0, !record.isBlank(columns.weight) {
            let parsed = record.withField(columns.weight) { rules.amount($0) }
            guard let parsed, (parsed.a ?? 0) >= 0, (parsed.b ?? 0) >= 0 else {
                throw .badNumber(
                    file: file, line: line, column: columns.weight + 1, name: "weight",
                    seen: record.string(columns.weight) ?? "", rule: "weights must be finite numbers >= 0")
            }
            values.weight = parsed
        }
        if columns.timestamp >= 0, !record.isBlank(columns.timestamp) {
            values.time = try rules.time(record, column: columns.timestamp, file: file, cache: &days)
        }
        if columns.channel >= 0, !record.isUTF8(columns.channel) {
            throw .invalidUTF8(file: file, line: line, column: columns.channel + 1)
        }
        if columns.campaign >= 0, !record.isUTF8(columns.campaign) {
            throw .invalidUTF8(file: file, line: line, column: columns.campaign + 1)
        }
        return same ? .selfReferral : .referral
    }

    /// The two ids of a row of the header's width when both are ids `read` would take as the
    /// file holds them (`PlainId`); `nil` sends the row through the full check.
    @inline(__always)
    func plainIds(_ record: CSVRecord) -> (source: PlainId, target: PlainId)? {
        PlainPairs.ids(record, width: columns.width, source: columns.source, target: columns.target, exact: rules.exactIds)
    }

    /// The id in `column` as the file holds it, when `id(…)` would take it as it is: not
    /// escaped, not empty, not too long, no space at either end (`CSVRecord.plainField`) and
    /// plain (`isPlain`); `nil` sends it through `id(…)`.
    @inline(__always)
    static func plainId(_ record: CSVRecord, _ column: Int, exact: Bool) -> PlainId? {
        guard let id = record.plainField(column), isPlain(id, exact: exact) else { return nil }
        return id
    }

    /// Whether two ids read as they are name the same person (a self-referral).
    @inline(__always)
    static func sameId(_ a: PlainId, _ b: PlainId) -> Bool {
        let n = a.bytes.count
        // The first eight bytes first: two different ids of one length seldom share them, and
        // the comparison of the rest was a call for nearly every row of e-mail ids.
        guard n == b.bytes.count, a.head == b.head else { return false }
        if n <= 8 { return true }
        return memcmp(a.bytes.baseAddress!, b.bytes.baseAddress!, n) == 0
    }

    /// ASCII that `PersonId.normalize` would leave as it is, for an id with no space at either
    /// end (`CSVRecord.plainField` refuses those): for an e-mail-like id, no capital letters
    /// (anything else takes the full path).
    ///
    /// Eight bytes at a time (an id of up to eight bytes is its `head`; a longer one's last
    /// word overlaps the one before it, which changes none of the tests): a high bit anywhere
    /// is non-ASCII; once every byte is ASCII no addition below carries into the next byte, so
    /// a byte's high bit after adding 0x3F says it is at least `A`, after adding 0x25 at least
    /// `[`; a byte of the word XOR `@@@@…` is zero exactly where an `@` is, and subtracting one
    /// from each byte flags that zero. The zero bytes that pad a short `head` flag nothing.
    @inline(__always)
    static func isPlain(_ id: PlainId, exact: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var any: UInt64 = 0
        var at: UInt64 = 0
        var upper: UInt64 = 0
        @inline(__always) func visit(_ word: UInt64) {
            any |= word
            let other = word ^ (ones &* 0x40)
            at |= (other &- ones) & ~other
            upper |= (word &+ ones &* 0x3F) & ~(word &+ ones &* 0x25)
        }
        if id.bytes.count <= 8 { visit(id.head) } else { ByteWords.forEachWord(id.bytes, visit) }
        let highs: UInt64 = 0x8080_8080_8080_8080
        guard any & highs == 0 else { return false }
        return exact || !(at & highs != 0 && upper & highs != 0)
    }

    /// Reads, checks and normalizes the id in `column` into `out` (`scratch` is working space).
    /// - Returns: `nil` when nothing is left of it, else whether normalization changed it.
    static func id(
        _ record: CSVRecord, _ column: Int, name: String, file: String, exact: Bool,
        out: inout [UInt8], scratch: inout [UInt8]
    ) throws(InputError) -> Bool? {
        // One visit to the field: check it, then normalize or copy it.
        enum Visit { case done(PersonId.Outcome), notUTF8, tooLong(Int) }
        let visit = record.withField(column) { bytes -> Visit in
            guard bytes.isEmpty || FieldValue.isUTF8(bytes) else { return .notUTF8 }
            guard bytes.count <= InputError.maximumIdLength else { return .tooLong(bytes.count) }
            let o = PersonId.normalize(bytes, exact: exact, into: &scratch)
            if o == .unchanged {
                out.removeAll(keepingCapacity: true)
                out.append(contentsOf: bytes)
            }
            return .done(o)
        }
        let outcome: PersonId.Outcome
        switch visit {
        case .notUTF8: throw .invalidUTF8(file: file, line: record.line(ofField: column), column: column + 1)
        case .tooLong(let length): throw .idTooLong(file: file, line: record.line, column: column + 1, name: name, length: length)
        case .done(let o): outcome = o
        }
        switch outcome {
        case .empty: return nil
        case .unchanged: return false
        case .changed:
            swap(&out, &scratch)
            return true
        }
    }
}

/// An id as the file holds it, with its first eight bytes as a word (`ByteWords.padded`),
/// which the tests on short ids read instead of the bytes.
struct PlainId {
    let bytes: UnsafeBufferPointer<UInt8>
    let head: UInt64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.init(bytes, head: ByteWords.padded(bytes))
    }

    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, head: UInt64) {
        self.bytes = bytes
        self.head = head
    }
}

/// The fast path of the readers of rows with nothing but two ids (no weight, time, channel or
/// campaign column): the ids of a row that `ReferralRowReader.read` would take as they are, the
/// same outcome without its passes; `nil` sends the row through `read`. Kept apart from the
/// reader, whose buffers a call through it would copy for every row.
struct PlainPairs: Sendable {
    let width: Int
    let source: Int
    let target: Int
    let exact: Bool

    /// `nil` when the columns hold more than the two ids.
    init?(columns: ReferralColumns, rules: FieldRules) {
        guard columns.weight < 0, columns.timestamp < 0, columns.channel < 0, columns.campaign < 0 else { return nil }
        width = columns.width
        source = columns.source
        target = columns.target
        exact = rules.exactIds
    }

    /// The ids of the line at `start` and where the next line starts, when the header has two
    /// columns and the line is a `SimpleLine` whose ids `ids(_:)` would take from its record.
    @inline(__always)
    func ids(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> (
        source: PlainId, target: PlainId, next: Int
    )? {
        guard width == 2, let line = SimpleLine.pair(buffer, from: start, delimiter: delimiter),
            let s = PlainId.field(buffer, source == 0 ? line.first : line.second),
            let t = PlainId.field(buffer, target == 0 ? line.first : line.second),
            ReferralRowReader.isPlain(s, exact: exact), ReferralRowReader.isPlain(t, exact: exact)
        else { return nil }
        return (s, t, line.next)
    }

    @inline(__always)
    func ids(_ record: CSVRecord) -> (source: PlainId, target: PlainId)? {
        Self.ids(record, width: width, source: source, target: target, exact: exact)
    }

    /// The ids in columns `source` and `target` of a record of `width` fields when both are
    /// taken as the file holds them (`ReferralRowReader.plainId`).
    @inline(__always)
    static func ids(_ record: CSVRecord, width: Int, source: Int, target: Int, exact: Bool) -> (source: PlainId, target: PlainId)? {
        guard record.count == width,
            let s = ReferralRowReader.plainId(record, source, exact: exact),
            let t = ReferralRowReader.plainId(record, target, exact: exact)
        else { return nil }
        return (s, t)
    }
}

extension CSVRecord {
    /// Field `index` as the file holds it, with its first eight bytes as a word
    /// (`PlainId.field`), when the readers' fast paths may take it as it is; `nil` otherwise.
    @inline(__always)
    func plainField(_ index: Int) -> PlainId? {
        internalCheck(index >= 0 && index < fields.count, "CSVRecord: field \(index) of \(fields.count)")
        let field = fields[index]
        guard !field.escaped else { return nil }
        return PlainId.field(buffer, field.start..<field.end)
    }
}

extension PlainId {
    /// The field at `range` of `buffer` (no doubled quotes in it) when the readers' fast paths
    /// may take it as it is: not empty, at most `InputError.maximumIdLength` bytes, and no space
    /// or other ASCII whitespace at either end (which `CSVRecord.withField` and
    /// `PersonId.normalize` would trim); `nil` otherwise. The word is one load where the buffer
    /// holds eight bytes from the field's start (bytes past the field masked off), else read
    /// byte by byte.
    @inline(__always)
    static func field(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> PlainId? {
        let start = range.lowerBound
        let n = range.count
        guard n > 0, n <= InputError.maximumIdLength, let file = buffer.baseAddress else { return nil }
        let base = file + start
        let head: UInt64
        if start &+ 8 <= buffer.count {
            let word = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            head = n >= 8 ? word : word & ((1 &<< UInt64(n &* 8)) &- 1)
        } else {
            head = ByteWords.padded(UnsafeBufferPointer(start: base, count: n))
        }
        let last = n <= 8 ? UInt8(truncatingIfNeeded: head &>> UInt64((n &- 1) &* 8)) : base[n &- 1]
        @inline(__always) func space(_ b: UInt8) -> Bool { b == 0x20 || b &- 0x09 < 5 }
        guard !space(UInt8(truncatingIfNeeded: head)), !space(last) else { return nil }
        return PlainId(UnsafeBufferPointer(start: base, count: n), head: head)
    }
}
