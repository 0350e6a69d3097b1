/// The rows of a referral export, column by column, with ids interned.
///
/// Self-referrals are left out (and counted) before interning, so a person seen only in
/// one is not a node. Row `i` of every column is the `i`-th kept referral in input order.
public struct ReferralEvents: Sendable {
    /// The file's name, as messages show it.
    public var file: String
    /// People, by first appearance (source before target within a row).
    public var people = Interner()
    public var source: [Int32] = []
    public var target: [Int32] = []
    public var weight: [Double] = []
    /// Seconds since the epoch, NaN where the row has none; `nil` without a timestamp column.
    public var timestamp: [Double]?
    /// Channel index into `channels`, -1 where empty; `nil` without a channel column.
    public var channel: [Int32]?
    public var channels = Interner(capacity: 16)
    /// Campaign index into `campaigns`, -1 where empty; `nil` without a campaign column.
    public var campaign: [Int32]?
    public var campaigns = Interner(capacity: 16)
    /// The file line of each row.
    public var line: [Int32] = []
    public var quality = DataQuality()

    /// The number of referrals kept.
    public var count: Int { source.count }

    public init(file: String) { self.file = file }

    /// Reads a referral export.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - options: delimiter, column names, error policy.
    /// - Throws: `InputError`.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
        let bytes = try InputFile.read(path)
        return try parse(bytes: bytes, file: InputFile.displayName(path), options: options)
    }

    /// Parses the bytes of a referral export.
    ///
    /// A large file is read in chunks on several threads (see `ChunkedScan`); the result is
    /// the same, row for row and error for error, as one pass from the top.
    /// - Complexity: O(n) in the file's size, expected.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
        try bytes.withUnsafeBufferPointer { buffer throws(InputError) in
            try parse(buffer: buffer, file: file, options: options, chunks: ChunkedScan.chunkCount(forBytes: buffer.count))
        }
    }

    /// Parses a referral export in `chunks` chunks.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int) throws(InputError) -> ReferralEvents {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: Self.header) else {
            throw .headerOnly(file: file)
        }
        let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
        var template = ReferralEvents(file: file)
        if columns.timestamp >= 0 { template.timestamp = [] }
        if columns.channel >= 0 { template.channel = [] }
        if columns.campaign >= 0 { template.campaign = [] }
        let parts = try ChunkedScan.run(buffer, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
            EventsChunk(events: template, columns: columns, policy: options.onError)
        }
        let events = ReferralEvents(merging: parts, headerBlank: head.cursor.blank, template: template)
        if events.quality.rows == 0 { throw .headerOnly(file: file) }
        // Rows and people are numbered with Int32 downstream.
        if events.count >= Int(Int32.max) || events.people.count >= Int(Int32.max) {
            throw .tooManyRows(file: file, line: Int(events.line.last ?? 0))
        }
        return events
    }

    static func header(_ record: CSVRecord, file: String, options: ReadOptions) throws(InputError) -> ColumnLayout {
        try ColumnLayout(headerRecord: record, required: [.source, .target],
                                optional: [.timestamp, .channel, .campaign, .weight],
                                overrides: options.columns, file: file)
    }

    /// Checks one row and, unless it is a self-referral, adds it.
    /// - Returns: `false` for a self-referral (counted, not added).
    /// - Throws: the row's first problem, before anything is added.
    @discardableResult
    mutating func addRow(_ record: CSVRecord, columns: ReferralColumns) throws(InputError) -> Bool {
        let row = try Self.check(record, columns: columns, file: file)
        if row.isSelf {
            quality.selfReferrals += 1
            return false
        }
        source.append(record.withField(columns.source) { people.intern($0).index })
        target.append(record.withField(columns.target) { people.intern($0).index })
        weight.append(row.weight)
        self.line.append(Int32(truncatingIfNeeded: record.line))
        if timestamp != nil { timestamp!.append(row.timestamp) }
        if channel != nil { channel!.append(Self.internLabel(record, columns.channel, into: &channels)) }
        if campaign != nil { campaign!.append(Self.internLabel(record, columns.campaign, into: &campaigns)) }
        return true
    }

    /// Validates a row in the order a person fixing the file would want: width, ids,
    /// weight, timestamp, then the labels; a row that fails adds nobody.
    /// - Returns: its weight (1 without a weight column or when blank), its time (NaN
    ///   without), and whether source and target are the same person.
    /// - Throws: `InputError.raggedRow`, `.emptyValue`, `.invalidUTF8`, `.badNumber`, `.badTimestamp`.
    @inline(__always)
    static func check(_ record: CSVRecord, columns: ReferralColumns, file: String) throws(InputError) -> CheckedReferral {
        try checkWidth(record, width: columns.width, file: file)
        let line = record.line
        try checkId(record, columns.source, name: "source", file: file)
        try checkId(record, columns.target, name: "target", file: file)
        var w = 1.0
        if columns.weight >= 0, !record.isBlank(columns.weight) {
            let parsed = record.withField(columns.weight) { FieldValue.number($0, decimalComma: columns.decimalComma) }
            guard let parsed, parsed >= 0 else {
                throw .badNumber(file: file, line: line, column: columns.weight + 1, name: "weight",
                                 seen: record.string(columns.weight) ?? "", rule: "weights must be finite numbers >= 0")
            }
            w = parsed
        }
        var t = Double.nan
        if columns.timestamp >= 0, !record.isBlank(columns.timestamp) {
            let parsed = record.withField(columns.timestamp) { b in Result { () throws(Timestamp.Failure) in try Timestamp.parse(b) } }
            switch parsed {
            case .success(let value): t = value
            case .failure(let error):
                throw .badTimestamp(file: file, line: line, column: columns.timestamp + 1, name: "timestamp",
                                    seen: record.string(columns.timestamp) ?? "", reason: error.description)
            }
        }
        if columns.channel >= 0, !record.withField(columns.channel, { FieldValue.isUTF8($0) }) {
            throw .invalidUTF8(file: file, line: line, column: columns.channel + 1)
        }
        if columns.campaign >= 0, !record.withField(columns.campaign, { FieldValue.isUTF8($0) }) {
            throw .invalidUTF8(file: file, line: line, column: columns.campaign + 1)
        }
        let isSelf = record.withField(columns.source) { s in record.withField(columns.target) { t in s.elementsEqual(t) } }
        return CheckedReferral(weight: w, timestamp: t, isSelf: isSelf)
    }

    @inline(__always)
    static func checkId(_ record: CSVRecord, _ column: Int, name: String, file: String) throws(InputError) {
        let ok = record.withField(column) { !$0.isEmpty && FieldValue.isUTF8($0) }
        if !ok {
            if record.isBlank(column) { throw .emptyValue(file: file, line: record.line, column: column + 1, name: name) }
            throw .invalidUTF8(file: file, line: record.line(ofField: column), column: column + 1)
        }
        let length = record.withField(column) { $0.count }
        if length > InputError.maximumIdLength {
            throw .idTooLong(file: file, line: record.line, column: column + 1, name: name, length: length)
        }
    }

    static func internLabel(_ record: CSVRecord, _ column: Int, into table: inout Interner) -> Int32 {
        record.withField(column) { $0.isEmpty ? -1 : table.intern($0).index }
    }

    /// A row must have the header's width; extra empty fields at the end are forgiven.
    static func checkWidth(_ record: CSVRecord, width: Int, file: String) throws(InputError) {
        if record.count == width { return }
        if record.count > width, (width ..< record.count).allSatisfy({ record.isBlank($0) }) { return }
        throw .raggedRow(file: file, line: record.line, expected: width, found: record.count)
    }
}
