extension ColumnRole {
    /// A path table's channel path, such as `email > facebook > link`.
    public static let path = ColumnRole("path", flag: "--path-column", specific: ["path", "paths", "channel path", "journey"])
    /// A path table's conversions per path.
    public static let totalConversions = ColumnRole(
        "total_conversions", flag: "--total-conversions-column",
        specific: ["total conversions", "conversions", "total conversion"])
    /// A path table's conversion value per path.
    public static let totalConversionValue = ColumnRole(
        "total_conversion_value", flag: "--total-value-column",
        specific: ["total conversion value", "total value", "conversion value", "value", "revenue"])
    /// A path table's journeys that ended without a conversion.
    public static let totalNull = ColumnRole(
        "total_null", flag: "--total-null-column",
        specific: ["total null", "total nulls", "null", "nulls"])
}

/// The rows of a channel path table (ChannelAttribution's format) as read: each path's
/// channel names, conversions, value and null journeys, through the same chunked reader,
/// column matching and amount conventions as every other export.
///
/// A path's channels are split on `>` with surrounding spaces trimmed; empty segments are
/// passed over, as ChannelAttribution does. An empty count is 0; without a value column
/// each conversion is worth 1; without a null column there are no null journeys.
public struct PathTable: Sendable {
    public var file: String
    /// Row i's channel names.
    public var paths: [[String]] = []
    public var conversions: [Double] = []
    public var value: [Double] = []
    public var nulls: [Double] = []
    /// The file line of each row.
    public var line: [Int32] = []
    public var quality = DataQuality()

    /// The number of rows.
    public var count: Int { conversions.count }

    public init(file: String) { self.file = file }

    /// Splits a path on `>`, trimming spaces and passing over empty segments.
    public static func split(_ path: String) -> [String] {
        path.split(separator: ">", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// Reads a path table from files or folders (read as one) or `-`.
    /// - Throws: `InputError`, `.noReferrals` when no row is usable.
    public static func read(paths: [String], options: ReadOptions = ReadOptions()) throws(InputError) -> PathTable {
        let table: Self = try InputPaths.readAll(paths, options: options)
        if table.count == 0 {
            throw .noReferrals(
                file: table.file,
                detail: "no usable path row (\(table.quality.skippedRows) skipped); there is nothing to attribute.")
        }
        return table
    }

    /// Parses the bytes of a path table.
    /// - Complexity: O(n) in the file's size, expected.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> PathTable {
        let table = try bytes.withUnsafeBufferPointer { buffer throws(InputError) in
            try parse(buffer: buffer, file: file, options: options, chunks: ChunkedScan.chunkCount(forBytes: buffer.count))
        }
        if table.count == 0 {
            throw .noReferrals(
                file: file,
                detail: "no usable path row (\(table.quality.skippedRows) skipped); there is nothing to attribute.")
        }
        return table
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int) throws(InputError) -> PathTable {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: Self.header) else {
            throw .headerOnly(file: file)
        }
        let layout = head.layout
        let rules = FieldRules(options)
        let parts = try ChunkedScan.run(buffer, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
            PathChunk(table: PathTable(file: file), layout: layout, rules: rules, policy: options.onError)
        }
        var table = PathTable(file: file)
        table.quality.blankLines = head.cursor.blank
        var amounts = [DeferredChoice](repeating: DeferredChoice(), count: 3)
        for part in parts {
            var t = part.sink.table
            t.line = t.line.map { $0 &+ Int32(truncatingIfNeeded: part.lineShift) }
            t.quality.blankLines += part.end.blank
            for k in 0..<3 { amounts[k].append(part.sink.amounts[k], rowOffset: table.count, lineShift: part.lineShift) }
            table.append(t)
        }
        SkipLog.merge(parts.map { ($0.sink.skips, $0.lineShift) }, into: &table.quality)
        table.quality.columns = [ColumnMapping(file: file, kind: "paths", layout: layout)]
        if table.quality.rows == 0 { throw .headerOnly(file: file) }
        let roles: [ColumnRole] = [.totalConversions, .totalConversionValue, .totalNull]
        for (k, role) in roles.enumerated() {
            guard let c = layout[role] else { continue }
            switch k {
            case 0:
                try table.quality.settle(
                    amounts: amounts[k], column: layout.header[c], file: file, delimiter: head.delimiter, into: &table.conversions)
            case 1:
                try table.quality.settle(
                    amounts: amounts[k], column: layout.header[c], file: file, delimiter: head.delimiter, into: &table.value)
            default:
                try table.quality.settle(
                    amounts: amounts[k], column: layout.header[c], file: file, delimiter: head.delimiter, into: &table.nulls)
            }
        }
        if layout[.totalConversionValue] == nil { table.value = table.conversions }
        return table
    }

    static func header(_ record: CSVRecord, file: String, options: ReadOptions) throws(InputError) -> ColumnLayout {
        try ColumnLayout(
            headerRecord: record, required: [.path, .totalConversions], optional: [.totalConversionValue, .totalNull],
            overrides: options.columns, file: file)
    }

    /// Appends another part's or file's rows.
    mutating func append(_ other: PathTable) {
        paths += other.paths
        conversions += other.conversions
        value += other.value
        nulls += other.nulls
        line += other.line
        quality.add(other.quality)
    }
}

/// One chunk's rows of a path table.
struct PathChunk: CSVRecordSink {
    var table: PathTable
    let layout: ColumnLayout
    let rules: FieldRules
    let policy: ErrorPolicy
    var skips = SkipLog()
    /// Conversions, value and nulls, whose decimal mark the whole file decides.
    var amounts = [DeferredChoice](repeating: DeferredChoice(), count: 3)

    mutating func take(_ record: CSVRecord) throws -> Bool {
        table.quality.rows += 1
        do {
            try add(record)
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: layout.header)
        }
        return true
    }

    private mutating func add(_ record: CSVRecord) throws(InputError) {
        let file = table.file
        try ReferralEvents.checkWidth(record, width: layout.header.count, file: file)
        let line = record.line
        let p = layout[.path]!
        guard let text = record.string(p) else { throw .invalidUTF8(file: file, line: line, column: p + 1) }
        let names = PathTable.split(text)
        if names.isEmpty { throw .emptyValue(file: file, line: line, column: p + 1, name: "path") }
        let roles: [(ColumnRole, String)] = [
            (.totalConversions, "total_conversions"), (.totalConversionValue, "total_conversion_value"),
            (.totalNull, "total_null"),
        ]
        var readings: [(a: Double?, b: Double?)?] = []
        for (role, name) in roles {
            guard let c = layout[role], !record.isBlank(c) else { readings.append(nil); continue }
            let parsed = record.withField(c) { rules.amount($0) }
            guard let parsed, (parsed.a ?? 0) >= 0, (parsed.b ?? 0) >= 0 else {
                throw .badNumber(
                    file: file, line: line, column: c + 1, name: name, seen: record.string(c) ?? "",
                    rule: "\(name) must be a finite number >= 0")
            }
            readings.append(parsed)
        }
        let row = table.count
        var values: [Double] = []
        for (k, reading) in readings.enumerated() {
            guard let reading, let c = layout[roles[k].0] else { values.append(0); continue }
            values.append(amounts[k].take(a: reading.a, b: reading.b, row: row, line: line) { record.string(c) ?? "" } ?? 0)
        }
        table.paths.append(names)
        table.conversions.append(values[0])
        table.value.append(values[1])
        table.nulls.append(values[2])
        table.line.append(Int32(truncatingIfNeeded: line))
    }
}

extension PathTable: ExportTable {}
