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
    public static let totalNull = ColumnRole("total_null", flag: "--total-null-column",
                                             specific: ["total null", "total nulls", "null", "nulls"])
}

/// Channel paths in ChannelAttribution's format: one row per distinct path, with the
/// conversions, their value and the journeys without a conversion.
///
/// A path's channels are split on `>` with surrounding spaces trimmed; empty segments are
/// passed over, as ChannelAttribution does. Without a value column each conversion is worth 1;
/// without a null column there are no null journeys.
public struct ChannelPaths: Sendable {
    /// The label of a referral without a channel.
    public static let noChannel = "(none)"

    public var file: String
    /// Channels by first appearance.
    public var channels: [String] = []
    /// Row i's channels are `channel[pathStart[i] ..< pathStart[i + 1]]`, in journey order.
    public var pathStart: [Int] = [0]
    public var channel: [Int32] = []
    public var conversions: [Double] = []
    public var value: [Double] = []
    public var nulls: [Double] = []
    /// The file line of each row (0 for derived paths).
    public var line: [Int32] = []
    /// Conversions without a path (derived paths only): organic.
    public var organic = Credit()
    public var organicCounts = AttributionResult.OrganicCounts()
    public var quality = DataQuality()
    private var channelIndex: [String: Int32] = [:]

    /// The number of path rows.
    public var count: Int { conversions.count }

    public init(file: String) { self.file = file }

    /// The channels of row `i`.
    public func path(_ i: Int) -> ArraySlice<Int32> { channel[pathStart[i]..<pathStart[i + 1]] }

    /// The total of every row, organic included.
    public var total: Credit {
        var total = organic
        for i in 0..<count { total += Credit(conversions: conversions[i], value: value[i]) }
        return total
    }

    /// Appends a row.
    public mutating func append(path names: [String], conversions: Double, value: Double, nulls: Double, line: Int = 0) {
        for name in names {
            if let c = channelIndex[name] {
                channel.append(c)
            } else {
                let c = Int32(channels.count)
                channelIndex[name] = c
                channels.append(name)
                channel.append(c)
            }
        }
        pathStart.append(channel.count)
        self.conversions.append(conversions)
        self.value.append(value)
        self.nulls.append(nulls)
        self.line.append(Int32(truncatingIfNeeded: line))
    }

    /// Splits a path on `>`, trimming spaces and passing over empty segments.
    public static func split(_ path: String) -> [String] {
        path.split(separator: ">", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// Reads a path table.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - options: delimiter, column names (`.path`, `.totalConversions`, `.totalConversionValue`, `.totalNull`), error policy.
    /// - Throws: `InputError`.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ChannelPaths {
        let bytes = try InputFile.read(path)
        return try parse(bytes: bytes, file: InputFile.displayName(path), options: options)
    }

    /// Parses the bytes of a path table.
    /// - Complexity: O(n) in the file's size, expected.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ChannelPaths {
        var paths = ChannelPaths(file: file)
        try InputError.capturing(file: file) {
            try paths.load(try CSVReader(bytes: bytes, file: file, delimiter: options.delimiter), options: options)
        }
        if paths.quality.rows == 0 { throw .headerOnly(file: file) }
        if paths.count == 0 {
            throw .noReferrals(
                file: file, detail: "no usable path row (\(paths.quality.skippedRows) skipped); there is nothing to attribute.")
        }
        return paths
    }

    private mutating func load(_ reader: CSVReader, options: ReadOptions) throws {
        var layout: ColumnLayout?
        let decimalComma = reader.delimiter != .comma
        let file = self.file
        let blank = try reader.forEachRecord { record in
            guard let layout else {
                layout = try ColumnLayout(
                    headerRecord: record, required: [.path, .totalConversions],
                    optional: [.totalConversionValue, .totalNull], overrides: options.columns, file: file)
                return true
            }
            quality.rows += 1
            do {
                try addRow(record, layout: layout, decimalComma: decimalComma)
            } catch let error as InputError {
                try options.absorb(error, header: layout.header, into: &quality)
            }
            return true
        }
        quality.blankLines = blank
    }

    private mutating func addRow(_ record: CSVRecord, layout: ColumnLayout, decimalComma: Bool) throws(InputError) {
        try ReferralEvents.checkWidth(record, width: layout.header.count, file: file)
        let line = record.line
        let p = layout[.path]!
        guard let text = record.string(p) else { throw .invalidUTF8(file: file, line: line, column: p + 1) }
        let names = Self.split(text)
        if names.isEmpty { throw .emptyValue(file: file, line: line, column: p + 1, name: "path") }
        func number(_ role: ColumnRole, _ name: String) throws(InputError) -> Double? {
            guard let c = layout[role] else { return nil }
            if record.isBlank(c) { return 0 }
            let parsed = record.withField(c) { FieldValue.number($0, decimalComma: decimalComma) }
            guard let parsed, parsed >= 0 else {
                throw .badNumber(
                    file: file, line: line, column: c + 1, name: name, seen: record.string(c) ?? "",
                    rule: "\(name) must be a finite number >= 0")
            }
            return parsed
        }
        let conversions = try number(.totalConversions, "total_conversions") ?? 0
        let value = try number(.totalConversionValue, "total_conversion_value") ?? conversions
        let nulls = try number(.totalNull, "total_null") ?? 0
        append(path: names, conversions: conversions, value: value, nulls: nulls, line: line)
    }

    /// The paths behind a referral export's conversions (`--paths-from-events`).
    ///
    /// A conversion's path is its chain's channels from the top of the chain down to the
    /// converter; identical paths are one row, in order of first appearance. A referred person
    /// with no credited conversion adds a null journey on their full chain. Conversions without
    /// a chain stay organic.
    /// - Throws: `AttributionError.needsColumn` without a channel column.
    /// - Complexity: O(conversions × chain length + people × depth).
    public init(
        events: ReferralEvents, forest: ReferralForest, chains: ConversionChains,
        conversions: Conversions
    ) throws(AttributionError) {
        guard let channelColumn = events.channel else {
            throw .needsColumn(model: "--paths-from-events", column: "channel", file: events.file, flag: "--channel-column")
        }
        self.init(file: events.file)
        quality = events.quality
        func name(_ row: Int32) -> String {
            let c = channelColumn[Int(row)]
            return c >= 0 ? events.channels.name(c) : Self.noChannel
        }
        var rowOf: [[String]: Int] = [:]
        var pending: [(names: [String], credit: Credit, nulls: Double)] = []
        func add(_ names: [String], _ credit: Credit, nulls: Double) {
            if let r = rowOf[names] {
                pending[r].credit += credit
                pending[r].nulls += nulls
            } else {
                rowOf[names] = pending.count
                pending.append((names, credit, nulls))
            }
        }
        var converted = [Bool](repeating: false, count: events.people.count)
        for i in 0..<chains.count {
            let credit = Credit(conversions: 1, value: conversions.value[i])
            let rows = chains.rows(of: i)
            guard !rows.isEmpty else {
                organic += credit
                switch chains.organicReason[i] {
                case .unknownConverter: organicCounts.unknownConverter += 1
                case .notReferred: organicCounts.notReferred += 1
                case .referredAfterConverting: organicCounts.referredAfterConverting += 1
                case nil: break
                }
                continue
            }
            converted[Int(chains.converter[i])] = true
            add(rows.reversed().map(name), credit, nulls: 0)
        }
        for p in forest.members where forest.parent[Int(p)] >= 0 && !converted[Int(p)] {
            var names: [String] = []
            var child = p
            while forest.parent[Int(child)] >= 0 {
                names.append(name(forest.parentRow[Int(child)]))
                child = forest.parent[Int(child)]
            }
            add(names.reversed(), Credit(), nulls: 1)
        }
        for row in pending {
            append(path: row.names, conversions: row.credit.conversions, value: row.credit.value, nulls: row.nulls)
        }
    }
}
