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
    /// Each row's weight: the weight column's values, or 1 for every row of an export without
    /// one. Made on each read when the export has no weight column (not stored: 78 MB at 10M
    /// rows); loops read `weight(ofRow:)`.
    public var weight: [Double] {
        get { weighted ? weights : [Double](repeating: 1, count: count) }
        set {
            weights = newValue
            weighted = true
        }
    }
    /// The weight column's values; empty when `weighted` is false (every row weighs 1).
    public internal(set) var weights: [Double] = []
    /// Whether the rows have weights of their own (an export with a weight column).
    public internal(set) var weighted = false
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
    /// The files read, with the first row of each (rows of file k run up to the next one's).
    public var sources: [(file: String, firstRow: Int)] = []
    public var quality = DataQuality()

    /// The number of referrals kept.
    public var count: Int { source.count }

    /// Columns `Attribution.attribute(releasing:…)` can give up once no model reads them.
    struct Columns: OptionSet {
        let rawValue: Int
        /// The people's ids (their bytes and tables).
        static let people = Columns(rawValue: 1 << 0)
        /// Sources, targets and weights.
        static let endpoints = Columns(rawValue: 1 << 1)
        static let times = Columns(rawValue: 1 << 2)
        static let channels = Columns(rawValue: 1 << 3)
        /// The campaign column and the campaigns' names.
        static let campaigns = Columns(rawValue: 1 << 4)
        static let lines = Columns(rawValue: 1 << 5)
    }

    /// Gives up `columns`; the file, the files' list and the quality stay. With `.endpoints`
    /// gone, `count` is 0.
    mutating func release(_ columns: Columns) {
        if columns.contains(.people) { people = Interner(capacity: 0) }
        if columns.contains(.endpoints) {
            source = []
            target = []
            weights = []
        }
        if columns.contains(.times) { timestamp = nil }
        if columns.contains(.channels) {
            channel = nil
            channels = Interner(capacity: 0)
        }
        if columns.contains(.campaigns) {
            campaign = nil
            campaigns = Interner(capacity: 0)
        }
        if columns.contains(.lines) { line = [] }
    }

    /// Row `row`'s weight (1 without a weight column).
    @inline(__always)
    public func weight(ofRow row: Int) -> Double { weighted ? weights[row] : 1 }

    public init(file: String) {
        self.file = file
        sources = [(file, 0)]
    }

    /// The file row `row` came from.
    public func file(ofRow row: Int) -> String {
        sources.last { $0.firstRow <= row }?.file ?? file
    }

    /// Reads a referral export: one or more files and folders, read as one.
    /// - Parameters:
    ///   - paths: files, folders (their CSV files, sorted) or `-` for standard input.
    ///   - options: delimiter, column names, error policy, field conventions.
    /// - Throws: `InputError`.
    public static func read(paths: [String], options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
        let events: Self = try InputPaths.readAll(paths, options: options) { one, read in
            if options.campaignFromFile { one.label(campaign: InputPaths.stem(read.path)) }
        }
        return events
    }

    /// Reads one referral file (kept for callers with one path).
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
        try read(paths: [path], options: options)
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

    /// Parses a referral export in `chunks` chunks, and settles the file's date order and
    /// decimal mark from its data.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int) throws(InputError)
        -> ReferralEvents
    {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: Self.header) else {
            throw .headerOnly(file: file)
        }
        let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
        var template = ReferralEvents(file: file)
        if columns.timestamp >= 0 { template.timestamp = [] }
        if columns.channel >= 0 { template.channel = [] }
        if columns.campaign >= 0 { template.campaign = [] }
        template.weighted = columns.weight >= 0
        let rules = FieldRules(options)
        let expected = ChunkedScan.expectedRows(bytes: buffer.count, chunks: chunks)
        var parts = try ChunkedScan.run(buffer, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
            var events = template
            events.reserve(rows: expected)
            return EventsChunk(
                events: events, reader: ReferralRowReader(columns: columns, rules: rules, file: file),
                plain: PlainPairs(columns: columns, rules: rules), header: head.layout.header, policy: options.onError)
        }
        let rows = parts.map { $0.sink.events.count }
        var events = ReferralEvents(merging: &parts, headerBlank: head.cursor.blank, template: template, weighted: columns.weight >= 0)
        options.parsed?.open()
        events.quality.columns = [ColumnMapping(file: file, kind: "events", layout: head.layout)]
        if events.quality.rows == 0 { throw .headerOnly(file: file) }
        // Rows and people are numbered with Int32 downstream.
        if events.count >= Int(Int32.max) || events.people.count >= Int(Int32.max) {
            throw .tooManyRows(file: file, line: Int(events.line.last ?? 0))
        }
        let header = head.layout.header
        var offset = 0
        var time = DeferredChoice(), amounts = DeferredChoice()
        for (part, rows) in zip(parts, rows) {
            time.append(part.sink.time, rowOffset: offset, lineShift: part.lineShift)
            amounts.append(part.sink.amounts, rowOffset: offset, lineShift: part.lineShift)
            offset += rows
        }
        if columns.timestamp >= 0 {
            try events.quality.settle(dates: time, column: header[columns.timestamp], file: file, into: &events.timestamp!)
        }
        if columns.weight >= 0 {
            try events.quality.settle(
                amounts: amounts, column: header[columns.weight], file: file, delimiter: head.delimiter, into: &events.weights)
        }
        return events
    }

    /// Makes room for about `rows` rows, with a people table sized for a chunk of them.
    mutating func reserve(rows: Int) {
        people = Interner(chunkOfRows: rows)
        source.reserveCapacity(rows)
        target.reserveCapacity(rows)
        if weighted { weights.reserveCapacity(rows) }
        line.reserveCapacity(rows)
        if timestamp != nil { timestamp!.reserveCapacity(rows) }
        if channel != nil { channel!.reserveCapacity(rows) }
        if campaign != nil { campaign!.reserveCapacity(rows) }
    }

    static func header(_ record: CSVRecord, file: String, options: ReadOptions) throws(InputError) -> ColumnLayout {
        let optional: [ColumnRole] =
            (options.useTime ? [.timestamp, .channel, .campaign, .weight] : [.channel, .campaign, .weight]) + [.sourceName]
        return try ColumnLayout(
            headerRecord: record, required: [.source, .target], optional: optional,
            overrides: options.columns, file: file)
    }

    /// The label caches of one chunk's channel and campaign tables.
    struct LabelCaches: Sendable {
        var channel = LabelCache()
        var campaign = LabelCache()
    }

    /// Interns a label (channel, campaign) with surrounding spaces trimmed; -1 when empty.
    /// `cache` is `table`'s (see `LabelCache`).
    static func internLabel(_ record: CSVRecord, _ column: Int, into table: inout Interner, cache: inout LabelCache) -> Int32 {
        func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            var lo = 0, hi = bytes.count
            while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
        }
        // A field with nothing to trim or undo (`CSVRecord.plainField`), its first word read once.
        if let label = record.plainField(column) { return cache.intern(label, into: &table) }
        if let bytes = record.fieldInPlace(column) {
            let label = trimmed(bytes)
            return label.isEmpty ? -1 : cache.intern(label, into: &table)
        }
        // Doubled quotes: the field is unescaped into a temporary copy.
        return record.withField(column) { bytes in
            let label = trimmed(bytes)
            return label.isEmpty ? -1 : cache.intern(label, into: &table)
        }
    }

    /// A row must have the header's width; extra empty fields at the end are forgiven.
    static func checkWidth(_ record: CSVRecord, width: Int, file: String) throws(InputError) {
        if record.count == width { return }
        if record.count > width, (width..<record.count).allSatisfy({ record.isBlank($0) }) { return }
        throw .raggedRow(file: file, line: record.line, expected: width, found: record.count)
    }
}

extension ReferralEvents: ExportTable {}
