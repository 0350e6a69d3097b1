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

    /// Reads a conversions export: one or more files or folders, read as one.
    ///
    /// Columns: `.user`, `.value`, `.conversionTimestamp`, `.conversionCampaign` (flags
    /// `--user-column` …). A row with an empty value is no purchase (counted, not an error),
    /// so a referral export that carries order values can be its own conversions file.
    /// - Throws: `InputError`.
    public static func read(paths: [String], options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
        let result: Self = try InputPaths.readAll(paths, options: options)
        return result
    }

    /// Reads one conversions file.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
        try read(paths: [path], options: options)
    }

    /// Parses the bytes of a conversions export.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
        try bytes.withUnsafeBufferPointer { buffer throws(InputError) in
            try parse(buffer: buffer, file: file, options: options, chunks: ChunkedScan.chunkCount(forBytes: buffer.count))
        }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int) throws(InputError) -> Conversions
    {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: Self.header) else {
            throw .headerOnly(file: file)
        }
        let layout = head.layout
        var template = Conversions(file: file)
        if layout[.conversionTimestamp] != nil { template.timestamp = [] }
        if layout[.conversionCampaign] != nil { template.campaign = [] }
        let rules = FieldRules(options)
        let expected = ChunkedScan.sampledRows(buffer, from: head.cursor.position, chunks: chunks)
        var parts = try ChunkedScan.run(buffer, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
            var conversions = template
            conversions.users = Interner(chunkOfUsers: expected)
            // Room for the rows the estimate gives (pages never written cost nothing), so the
            // columns are not copied to twice their size as they fill.
            conversions.user.reserveCapacity(expected)
            conversions.value.reserveCapacity(expected)
            conversions.line.reserveCapacity(expected)
            conversions.timestamp?.reserveCapacity(expected)
            conversions.campaign?.reserveCapacity(expected)
            return ConversionsChunk(conversions: conversions, layout: layout, rules: rules, policy: options.onError)
        }
        var result = template
        result.quality.blankLines = head.cursor.blank
        var time = DeferredChoice(), amounts = DeferredChoice()
        for k in parts.indices {
            // Taken out of the chunk, so that the first one is adopted and grown without a copy.
            var c = Conversions(file: file)
            swap(&c, &parts[k].sink.conversions)
            let part = parts[k]
            c.line = c.line.map { $0 &+ Int32(truncatingIfNeeded: part.lineShift) }
            time.append(part.sink.time, rowOffset: result.count, lineShift: part.lineShift)
            amounts.append(part.sink.amounts, rowOffset: result.count, lineShift: part.lineShift)
            c.quality.blankLines += part.end.blank
            result.append(c)
        }
        SkipLog.merge(parts.map { ($0.sink.skips, $0.lineShift) }, into: &result.quality)
        result.quality.columns = [ColumnMapping(file: file, kind: "conversions", layout: layout)]
        if result.quality.rows == 0 { throw .headerOnly(file: file) }
        if let c = layout[.conversionTimestamp] {
            try result.quality.settle(dates: time, column: layout.header[c], file: file, into: &result.timestamp!)
        }
        if let c = layout[.value] {
            try result.quality.settle(
                amounts: amounts, column: layout.header[c], file: file, delimiter: head.delimiter, into: &result.value)
        }
        return result
    }

    static func header(_ record: CSVRecord, file: String, options: ReadOptions) throws(InputError) -> ColumnLayout {
        let optional: [ColumnRole] = options.useTime ? [.conversionTimestamp, .value, .conversionCampaign] : [.value, .conversionCampaign]
        return try ColumnLayout(headerRecord: record, required: [.user], optional: optional, overrides: options.columns, file: file)
    }

    /// Appends another part's or file's conversions, renumbering its users and campaigns.
    mutating func append(_ other: Conversions) {
        let first = count
        let users = self.users.absorb(other.users)
        let campaigns = self.campaigns.absorb(other.campaigns, threads: 1)
        user += other.user.map { users[Int($0)] }
        value += other.value
        line += other.line
        if timestamp != nil || other.timestamp != nil {
            if timestamp == nil { timestamp = [Double](repeating: .nan, count: first) }
            timestamp! += other.timestamp ?? [Double](repeating: .nan, count: other.count)
        }
        if campaign != nil || other.campaign != nil {
            if campaign == nil { campaign = [Int32](repeating: -1, count: first) }
            campaign! += other.campaign.map { $0.map { $0 < 0 ? -1 : campaigns[Int($0)] } } ?? [Int32](repeating: -1, count: other.count)
        }
        quality.add(other.quality)
    }

    /// Total value per person of `people`, for conversions by people found there.
    /// - Returns: the totals by person index, and how many conversions named someone unknown.
    public func totals(over people: Interner) -> (values: [Double], unknown: Int) {
        var totals = [Double](repeating: 0, count: people.count)
        var unknown = 0
        let map = people.indices(of: users)
        for (u, v) in zip(user, value) {
            let node = map[Int(u)]
            if node >= 0 { totals[Int(node)] += v } else { unknown += 1 }
        }
        return (totals, unknown)
    }

    /// Conversions by people not in `people`: how many, and the first few ids.
    public func unknown(over people: Interner, examples limit: Int = 3) -> (count: Int, examples: [String]) {
        unknown(known: people.indices(of: users), examples: limit)
    }

    /// `unknown(over:examples:)` from each user's person (−1: none) already found.
    func unknown(known: [Int32], examples limit: Int = 3) -> (count: Int, examples: [String]) {
        precondition(known.count == users.count, "Conversions.unknown: \(known.count) people for \(users.count) users")
        var count = 0
        var examples: [String] = []
        for u in user where known[Int(u)] < 0 {
            count += 1
            if examples.count < limit {
                let name = users.name(u)
                if !examples.contains(name) { examples.append(name) }
            }
        }
        return (count, examples)
    }
}

/// One chunk's rows of a conversions export.
struct ConversionsChunk: CSVRecordSink {
    var conversions: Conversions
    let layout: ColumnLayout
    let rules: FieldRules
    let policy: ErrorPolicy
    var skips = SkipLog()
    var time = DeferredChoice()
    var amounts = DeferredChoice()
    private var id: [UInt8] = []
    private var scratch: [UInt8] = []
    private var campaignLabels = LabelCache()
    /// The users' ids on their way into `conversions.users`.
    private var users = KeyBatch()
    /// The day of the last time read (`Timestamp.DayCache`).
    private var days = Timestamp.DayCache()
    /// The layout's fields, looked up once rather than in its dictionary at every row.
    private let userColumn: Int
    private let valueColumn: Int?
    private let timeColumn: Int?
    private let campaignColumn: Int?

    init(conversions: Conversions, layout: ColumnLayout, rules: FieldRules, policy: ErrorPolicy) {
        self.conversions = conversions
        self.layout = layout
        self.rules = rules
        self.policy = policy
        userColumn = layout[.user]!
        valueColumn = layout[.value]
        timeColumn = layout[.conversionTimestamp]
        campaignColumn = layout[.conversionCampaign]
    }

    mutating func take(_ record: CSVRecord) throws -> Bool {
        conversions.quality.rows += 1
        do {
            try add(record)
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: layout.header)
        }
        return true
    }

    mutating func finish() { users.flush(table: &conversions.users, column: &conversions.user) }

    private mutating func add(_ record: CSVRecord) throws(InputError) {
        let file = conversions.file
        try ReferralEvents.checkWidth(record, width: layout.header.count, file: file)
        let line = record.line
        let u = userColumn
        // The common id, ASCII that normalizing leaves as it is (the events readers' test), is
        // interned straight from the file's bytes; any other is read into `id` first.
        let plain = ReferralRowReader.plainId(record, u, exact: rules.exactIds)
        if plain == nil {
            guard
                let changed = try ReferralRowReader.id(
                    record, u, name: "user", file: file, exact: rules.exactIds, out: &id, scratch: &scratch)
            else { throw .emptyValue(file: file, line: line, column: u + 1, name: "user") }
            if changed { conversions.quality.normalizedIds += 1 }
        }
        var amount: (a: Double?, b: Double?)?
        if let c = valueColumn {
            if record.isBlank(c) {
                // An export of referrals with an order value: an empty value is no purchase.
                conversions.quality.rowsWithoutValue += 1
                return
            }
            let parsed = record.withField(c) { rules.amount($0) }
            guard let parsed, (parsed.a ?? 0) >= 0, (parsed.b ?? 0) >= 0 else {
                throw .badNumber(
                    file: file, line: line, column: c + 1, name: "value", seen: record.string(c) ?? "",
                    rule: "conversion values must be finite amounts >= 0 (such as 72.26, $1,234.50 or 1.234,50 €)")
            }
            amount = parsed
        }
        var when: (a: Double?, b: Double?)?
        if let c = timeColumn, !record.isBlank(c) { when = try rules.time(record, column: c, file: file, cache: &days) }
        if let c = campaignColumn, !record.isUTF8(c) {
            throw .invalidUTF8(file: file, line: line, column: c + 1)
        }
        // The users' column lags the others by the queued keys until `finish`: the row is
        // counted by the lines.
        let row = conversions.line.count
        if let plain {
            users.append(plain, table: &conversions.users, column: &conversions.user)
        } else {
            id.withUnsafeBufferPointer { users.intern($0, table: &conversions.users, column: &conversions.user) }
        }
        if let amount, let c = valueColumn {
            conversions.value.append(amounts.take(a: amount.a, b: amount.b, row: row, line: line) { record.string(c) ?? "" } ?? 0)
        } else {
            conversions.value.append(1)
        }
        conversions.line.append(Int32(truncatingIfNeeded: line))
        if conversions.timestamp != nil {
            let c = timeColumn!
            if let when {
                conversions.timestamp!.append(time.take(a: when.a, b: when.b, row: row, line: line) { record.string(c) ?? "" } ?? .nan)
            } else {
                conversions.timestamp!.append(.nan)
                conversions.quality.untimedRows += 1
            }
        }
        if let c = campaignColumn {
            conversions.campaign!.append(ReferralEvents.internLabel(record, c, into: &conversions.campaigns, cache: &campaignLabels))
        }
    }
}

extension Conversions: ExportTable {}
