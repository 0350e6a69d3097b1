/// The rows of a conversions export: who converted, when, for how much.
public struct Conversions: Sendable {
    public var file: String
    /// Converting users, by first appearance.
    public var users = Interner()
    public var user: [Int32] = []
    /// Revenue of each conversion (1 without a value column).
    public var value: [Double] = []
    /// Seconds since the epoch, NaN where empty; `nil` without a timestamp column.
    public var timestamp: [Double]?
    /// Campaign index into `campaigns`, -1 where empty; `nil` without a campaign column.
    public var campaign: [Int32]?
    public var campaigns = Interner(capacity: 16)
    public var line: [Int32] = []
    public var quality = DataQuality()

    /// The number of conversions.
    public var count: Int { user.count }

    public init(file: String) { self.file = file }

    /// Reads a conversions export.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - options: delimiter, column names (`.user`, `.value`, `.timestamp`, `.campaign`), error policy.
    /// - Throws: `InputError`.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
        let bytes = try InputFile.read(path)
        return try parse(bytes: bytes, file: InputFile.displayName(path), options: options)
    }

    /// Parses the bytes of a conversions export.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
        var result = Conversions(file: file)
        try InputError.capturing(file: file) {
            try result.load(try CSVReader(bytes: bytes, file: file, delimiter: options.delimiter), options: options)
        }
        if result.quality.rows == 0 { throw .headerOnly(file: file) }
        return result
    }

    /// Total value per person of `people`, for conversions by people found there.
    /// - Returns: the totals by person index, and how many conversions named someone unknown.
    public func totals(over people: Interner) -> (values: [Double], unknown: Int) {
        var totals = [Double](repeating: 0, count: people.count)
        var unknown = 0
        let map = (0 ..< Int32(users.count)).map { people.index(of: users.name($0)) }
        for (u, v) in zip(user, value) {
            if let node = map[Int(u)] { totals[Int(node)] += v } else { unknown += 1 }
        }
        return (totals, unknown)
    }

    private mutating func load(_ reader: CSVReader, options: ReadOptions) throws {
        var layout: ColumnLayout?
        let decimalComma = reader.delimiter != .comma
        let file = self.file
        let blank = try reader.forEachRecord { record in
            guard let layout else {
                let l = try ColumnLayout(headerRecord: record, required: [.user], optional: [.timestamp, .value, .campaign],
                                         overrides: options.columns, file: file)
                layout = l
                if l[.timestamp] != nil { timestamp = [] }
                if l[.campaign] != nil { campaign = [] }
                return true
            }
            quality.rows += 1
            do {
                try addRow(record, layout: layout, decimalComma: decimalComma)
            } catch let error as InputError {
                try options.absorb(error, into: &quality)
            }
            return true
        }
        quality.blankLines = blank
    }

    private mutating func addRow(_ record: CSVRecord, layout: ColumnLayout, decimalComma: Bool) throws(InputError) {
        try ReferralEvents.checkWidth(record, width: layout.header.count, file: file)
        let line = record.line
        let u = layout[.user]!
        if record.isBlank(u) { throw .emptyValue(file: file, line: line, column: u + 1, name: "user") }
        guard record.withField(u, { FieldValue.isUTF8($0) }) else { throw .invalidUTF8(file: file, line: line, column: u + 1) }
        let length = record.withField(u) { $0.count }
        if length > InputError.maximumIdLength {
            throw .idTooLong(file: file, line: line, column: u + 1, name: "user", length: length)
        }
        var v = 1.0
        if let c = layout[.value] {
            if record.isBlank(c) { throw .emptyValue(file: file, line: line, column: c + 1, name: "value") }
            let parsed = record.withField(c) { FieldValue.number($0, decimalComma: decimalComma) }
            guard let parsed, parsed >= 0 else {
                throw .badNumber(file: file, line: line, column: c + 1, name: "value", seen: record.string(c) ?? "",
                                 rule: "conversion values must be finite numbers >= 0")
            }
            v = parsed
        }
        var t = Double.nan
        if let c = layout[.timestamp], !record.isBlank(c) {
            let parsed = record.withField(c) { b in Result { () throws(Timestamp.Failure) in try Timestamp.parse(b) } }
            switch parsed {
            case .success(let value): t = value
            case .failure(let error):
                throw .badTimestamp(file: file, line: line, column: c + 1, name: "timestamp", seen: record.string(c) ?? "",
                                    reason: error.description)
            }
        }
        if let c = layout[.campaign], !record.withField(c, { FieldValue.isUTF8($0) }) {
            throw .invalidUTF8(file: file, line: line, column: c + 1)
        }
        user.append(record.withField(u) { users.intern($0).index })
        value.append(v)
        self.line.append(Int32(truncatingIfNeeded: line))
        if timestamp != nil { timestamp!.append(t) }
        if let c = layout[.campaign] { campaign!.append(ReferralEvents.internLabel(record, c, into: &campaigns)) }
    }
}
