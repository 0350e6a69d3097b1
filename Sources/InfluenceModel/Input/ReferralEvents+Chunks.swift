/// The field positions of the roles in a referral export, and how to read them.
struct ReferralColumns: Sendable {
    var source = 0
    var target = 0
    var timestamp = -1
    var channel = -1
    var campaign = -1
    var weight = -1
    /// The header's width.
    var width = 0
    /// Weights may use a decimal comma (the delimiter is not a comma).
    var decimalComma = false

    init(layout: ColumnLayout, delimiter: Delimiter) {
        source = layout[.source]!
        target = layout[.target]!
        timestamp = layout[.timestamp] ?? -1
        channel = layout[.channel] ?? -1
        campaign = layout[.campaign] ?? -1
        weight = layout[.weight] ?? -1
        width = layout.header.count
        decimalComma = delimiter != .comma
    }
}

/// Keeps the first few skip reasons of a chunk as errors, so their line numbers can be made
/// absolute before they are written out.
struct SkipLog: Sendable {
    var count = 0
    var first: [InputError] = []
    /// Skips by the header name of the failing column.
    var byColumn: [String: Int] = [:]

    mutating func record(_ error: InputError, header: [String]) {
        count += 1
        byColumn[error.columnName(header: header), default: 0] += 1
        if first.count < DataQuality.reasonLimit { first.append(error) }
    }

    /// Adds the chunks' skips to `quality` in file order, as one pass would have.
    static func merge(_ logs: [(SkipLog, shift: Int)], into quality: inout DataQuality) {
        for (log, shift) in logs {
            quality.skippedRows += log.count
            for (k, v) in log.byColumn { quality.skippedByColumn[k, default: 0] += v }
            for error in log.first where quality.skipReasons.count < DataQuality.reasonLimit {
                quality.skipReasons.append(error.shiftingLines(by: shift).description)
            }
        }
    }
}

/// One chunk's rows of a referral export, with its own interners.
struct EventsChunk: CSVRecordSink {
    var events: ReferralEvents
    var reader: ReferralRowReader
    let header: [String]
    let policy: ErrorPolicy
    var skips = SkipLog()
    /// Numeric dates and amounts whose convention the whole file decides.
    var time = DeferredChoice()
    var amounts = DeferredChoice()
    var batch = PairBatch()

    mutating func take(_ record: CSVRecord) throws -> Bool {
        events.quality.rows += 1
        if let (s, t) = reader.plainPair(record) {
            // The common row of a two-column export, checked without the general path: the
            // same outcome as `reader.read`, fewer passes over the fields.
            if ReferralRowReader.sameId(s, t) {
                events.quality.selfReferrals += 1
                return true
            }
            events.line.append(Int32(truncatingIfNeeded: record.line))
            batch.append(s, t, people: &events.people, source: &events.source, target: &events.target)
            return true
        }
        do {
            switch try reader.read(record) {
            case .referral(let values):
                events.add(values, reader: reader, record: record, time: &time, amounts: &amounts, batch: &batch)
            case .selfReferral: events.quality.selfReferrals += 1
            case .unreferred: events.quality.unreferredRows += 1
            }
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: header)
        }
        return true
    }

    mutating func finish() { batch.flush(people: &events.people, source: &events.source, target: &events.target) }
}

extension ReferralEvents {
    /// Joins chunks read in file order into the events one pass would have read: people,
    /// channels and campaigns numbered by first appearance, rows in order, lines absolute.
    init(merging parts: [ChunkedScan.Part<EventsChunk>], headerBlank: Int, template: ReferralEvents, weighted: Bool) {
        self = template
        var maps: [(people: [Int32], channels: [Int32], campaigns: [Int32])] = []
        for (c, part) in parts.enumerated() {
            let e = part.sink.events
            if c == 0 {
                // The first chunk's numbering is already the file's: adopt its tables.
                (people, channels, campaigns) = (e.people, e.channels, e.campaigns)
                maps.append(([], [], []))
            } else {
                maps.append((people.absorb(e.people), channels.absorb(e.channels, threads: 1), campaigns.absorb(e.campaigns, threads: 1)))
            }
        }
        let offsets = parts.reduce(into: [0]) { $0.append($0.last! + $1.sink.events.count) }
        let total = offsets.last!
        /// A chunk's index column renumbered through its map, in place (-1 stays -1; an empty
        /// map is the identity).
        func renumber(_ map: [Int32]) -> ((UnsafeMutableBufferPointer<Int32>) -> Void)? {
            map.isEmpty ? nil : { column in for k in column.indices where column[k] >= 0 { column[k] = map[Int(column[k])] } }
        }
        func join<T: BitwiseCopyable>(_ column: (ReferralEvents) -> [T]) -> [T] {
            Self.concatenate(offsets) { c in (column(parts[c].sink.events), nil) }
        }
        source = Self.concatenate(offsets) { c in (parts[c].sink.events.source, renumber(maps[c].people)) }
        target = Self.concatenate(offsets) { c in (parts[c].sink.events.target, renumber(maps[c].people)) }
        // Without a weight column every row weighs 1, filled here rather than row by row.
        weight = weighted ? join(\.weight) : [Double](repeating: 1, count: total)
        line = Self.concatenate(offsets) { c in
            let shift = Int32(truncatingIfNeeded: parts[c].lineShift)
            return (parts[c].sink.events.line, { lines in for k in lines.indices { lines[k] &+= shift } })
        }
        if template.timestamp != nil { timestamp = join { $0.timestamp! } }
        if template.channel != nil {
            channel = Self.concatenate(offsets) { c in (parts[c].sink.events.channel!, renumber(maps[c].channels)) }
        }
        if template.campaign != nil {
            campaign = Self.concatenate(offsets) { c in (parts[c].sink.events.campaign!, renumber(maps[c].campaigns)) }
        }
        quality.blankLines = headerBlank
        for part in parts {
            let q = part.sink.events.quality
            quality.rows += q.rows
            quality.selfReferrals += q.selfReferrals
            quality.unreferredRows += q.unreferredRows
            quality.untimedRows += q.untimedRows
            quality.normalizedIds += q.normalizedIds
            quality.blankLines += part.end.blank
        }
        SkipLog.merge(parts.map { ($0.sink.skips, $0.lineShift) }, into: &quality)
    }

    /// Concatenates the chunks' columns (chunk c's at `offsets[c] ..< offsets[c + 1]`) into
    /// one array allocated once (`flatMap` would grow it by doubling, copying it each time):
    /// each chunk's values are copied, then changed in place by its `adjust` (renumbered,
    /// lines shifted), on its own thread.
    private static func concatenate<T: BitwiseCopyable>(
        _ offsets: [Int], _ column: (Int) -> ([T], adjust: ((UnsafeMutableBufferPointer<T>) -> Void)?)
    ) -> [T] {
        let count = offsets.count - 1
        let sources = (0..<count).map(column)
        for c in 0..<count { precondition(sources[c].0.count == offsets[c + 1] - offsets[c], "ReferralEvents: chunk \(c)'s column length") }
        return [T](unsafeUninitializedCapacity: offsets[count]) { buffer, initialized in
            let shared = SharedBuffer(buffer)
            Parallel.forEach(count) { c in
                let (values, adjust) = sources[c]
                values.withUnsafeBufferPointer { values in
                    guard !values.isEmpty else { return }
                    let to = UnsafeMutableBufferPointer(start: shared.base + offsets[c], count: values.count)
                    _ = to.initialize(fromContentsOf: values)
                    adjust?(to)
                }
            }
            initialized = offsets[count]
        }
    }
}
