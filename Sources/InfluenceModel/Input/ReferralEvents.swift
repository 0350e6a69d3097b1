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
    /// - Complexity: O(n) in the file's size, expected.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
        var events = ReferralEvents(file: file)
        do {
            try events.load(try CSVReader(bytes: bytes, file: file, delimiter: options.delimiter), options: options)
        } catch let error as InputError {
            throw error
        } catch {
            throw .unreadable(path: file, reason: "\(error)")
        }
        if events.quality.rows == 0 { throw .headerOnly(file: file) }
        return events
    }

    private mutating func load(_ reader: CSVReader, options: ReadOptions) throws {
        var layout: ColumnLayout?
        var columns = (source: 0, target: 0, timestamp: -1, channel: -1, campaign: -1, weight: -1)
        let decimalComma = reader.delimiter != .comma
        let file = self.file
        let blank = try reader.forEachRecord { record in
            guard let layout else {
                layout = try Self.header(record, file: file, options: options)
                let l = layout!
                columns = (l[.source]!, l[.target]!, l[.timestamp] ?? -1, l[.channel] ?? -1, l[.campaign] ?? -1, l[.weight] ?? -1)
                if columns.timestamp >= 0 { timestamp = [] }
                if columns.channel >= 0 { channel = [] }
                if columns.campaign >= 0 { campaign = [] }
                return true
            }
            quality.rows += 1
            do {
                try addRow(record, columns: columns, width: layout.header.count, decimalComma: decimalComma)
            } catch let error as InputError {
                try options.absorb(error, into: &quality)
            }
            return true
        }
        quality.blankLines = blank
    }

    static func header(_ record: CSVRecord, file: String, options: ReadOptions) throws(InputError) -> ColumnLayout {
        var names: [String] = []
        for i in 0 ..< record.count {
            guard let name = record.string(i) else { throw .invalidUTF8(file: file, line: record.line, column: i + 1) }
            names.append(name)
        }
        return try ColumnLayout(header: names, required: [.source, .target],
                                optional: [.timestamp, .channel, .campaign, .weight],
                                overrides: options.columns, file: file)
    }

    private mutating func addRow(_ record: CSVRecord,
                                 columns: (source: Int, target: Int, timestamp: Int, channel: Int, campaign: Int, weight: Int),
                                 width: Int, decimalComma: Bool) throws(InputError) {
        try Self.checkWidth(record, width: width, file: file)
        let line = record.line
        func text(_ column: Int) -> String { record.string(column) ?? "" }
        // Validate everything before interning, so a skipped row adds nobody.
        for column in [columns.source, columns.target] {
            let ok = record.withField(column) { !$0.isEmpty && FieldValue.isUTF8($0) }
            if !ok {
                if record.isBlank(column) {
                    throw .emptyValue(file: file, line: line, column: column + 1, name: column == columns.source ? "source" : "target")
                }
                throw .invalidUTF8(file: file, line: record.line(ofField: column), column: column + 1)
            }
        }
        var w = 1.0
        if columns.weight >= 0, !record.isBlank(columns.weight) {
            let parsed = record.withField(columns.weight) { FieldValue.number($0, decimalComma: decimalComma) }
            guard let parsed, parsed >= 0 else {
                throw .badNumber(file: file, line: line, column: columns.weight + 1, name: "weight", seen: text(columns.weight),
                                 rule: "weights must be finite numbers >= 0")
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
                                    seen: text(columns.timestamp), reason: error.description)
            }
        }
        for column in [columns.channel, columns.campaign] where column >= 0 {
            if !record.withField(column, { FieldValue.isUTF8($0) }) {
                throw .invalidUTF8(file: file, line: line, column: column + 1)
            }
        }
        let isSelf = record.withField(columns.source) { s in record.withField(columns.target) { t in s.elementsEqual(t) } }
        if isSelf {
            quality.selfReferrals += 1
            return
        }
        source.append(record.withField(columns.source) { people.intern($0).index })
        target.append(record.withField(columns.target) { people.intern($0).index })
        weight.append(w)
        self.line.append(Int32(truncatingIfNeeded: line))
        if timestamp != nil { timestamp!.append(t) }
        if channel != nil { channel!.append(Self.internLabel(record, columns.channel, into: &channels)) }
        if campaign != nil { campaign!.append(Self.internLabel(record, columns.campaign, into: &campaigns)) }
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
