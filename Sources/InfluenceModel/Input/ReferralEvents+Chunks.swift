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
    /// The fast path for rows of two ids (`nil` when there are more columns).
    let plain: PlainPairs?
    let header: [String]
    let policy: ErrorPolicy
    var skips = SkipLog()
    /// Numeric dates and amounts whose convention the whole file decides.
    var time = DeferredChoice()
    var amounts = DeferredChoice()
    var batch = PairBatch()
    var labels = ReferralEvents.LabelCaches()
    /// Rows' lines, weights, times, channels and campaigns not yet appended to the columns.
    var stage = RowStage()

    mutating func take(_ record: CSVRecord) throws -> Bool {
        events.quality.rows += 1
        if let plain, let (s, t) = plain.ids(record) {
            // The common row of a two-column export, checked without the general path: the
            // same outcome as `reader.read`, fewer passes over the fields.
            takePlain(s, t, line: record.line)
            return true
        }
        do {
            switch try reader.read(record) {
            case .referral:
                add(record)
            case .selfReferral: events.quality.selfReferrals += 1
            case .unreferred: events.quality.unreferredRows += 1
            }
        } catch {
            guard policy == .skip else { throw error }
            skips.record(error, header: header)
        }
        return true
    }

    mutating func finish() {
        batch.flush(people: &events.people, source: &events.source, target: &events.target)
        stage.flush(into: &events)
    }

    /// Adds the row `reader` read last; its pair goes through `batch`, so `source` and `target`
    /// are complete only once the batch is flushed. (A method of the chunk, which holds the
    /// reader beside the events: as a method of the events, each call copied the reader.)
    private mutating func add(_ record: CSVRecord) {
        let row = events.line.count &+ stage.count
        batch.add(reader, people: &events.people, source: &events.source, target: &events.target)
        events.quality.normalizedIds += reader.values.normalized
        let columns = reader.columns
        let at = stage.count
        // Without a weight column the weights are filled when the chunks are merged.
        if columns.weight >= 0 {
            if let w = reader.values.weight {
                stage.weights[at] =
                    amounts.take(a: w.a, b: w.b, row: row, line: record.line) { record.string(columns.weight) ?? "" } ?? 1
            } else {
                stage.weights[at] = 1
            }
        }
        stage.lines[at] = Int32(truncatingIfNeeded: record.line)
        if events.timestamp != nil {
            if let t = reader.values.time {
                stage.times[at] = time.take(a: t.a, b: t.b, row: row, line: record.line) { record.string(columns.timestamp) ?? "" } ?? .nan
            } else {
                stage.times[at] = .nan
                events.quality.untimedRows += 1
            }
        }
        if events.channel != nil {
            stage.channels[at] = ReferralEvents.internLabel(record, columns.channel, into: &events.channels, cache: &labels.channel)
        }
        if events.campaign != nil {
            stage.campaigns[at] = ReferralEvents.internLabel(
                record, columns.campaign, into: &events.campaigns, cache: &labels.campaign)
        }
        stage.count = at &+ 1
        if stage.count == RowStage.size { stage.flush(into: &events) }
    }

    static var takesSimpleLines: Bool { true }

    /// A line of two plain ids, read as `take` reads its record.
    @inline(__always)
    mutating func takeSimpleLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, line: Int) -> Int? {
        guard let plain, let (s, t, next) = plain.ids(buffer, from: start, delimiter: delimiter) else { return nil }
        events.quality.rows += 1
        takePlain(s, t, line: line)
        return next
    }

    /// The pair of a row (on `line`) whose two ids are taken as the file holds them.
    @inline(__always)
    private mutating func takePlain(_ s: PlainId, _ t: PlainId, line: Int) {
        if ReferralRowReader.sameId(s, t) {
            events.quality.selfReferrals += 1
        } else {
            // Staged with the rows `add` takes, in file order (an export of two columns alone).
            stage.lines[stage.count] = Int32(truncatingIfNeeded: line)
            stage.count &+= 1
            if stage.count == RowStage.size { stage.flush(into: &events) }
            batch.append(s, t, people: &events.people, source: &events.source, target: &events.target)
        }
    }
}

/// The lines, weights, times, channels and campaigns of up to 64 rows, written through
/// pointers and appended to the events' columns together (`flush`): an array's append of one
/// value calls into the runtime to check that the array is not shared, about 35 instructions a
/// value, four or five a row. A stage belongs to one chunk's reader, on one thread; a copy
/// shares the room, and stages are copied only when they hold nothing.
struct RowStage {
    static let size = 64
    private let room = Room()
    var count = 0
    var lines: UnsafeMutablePointer<Int32> { room.lines }
    var channels: UnsafeMutablePointer<Int32> { room.channels }
    var campaigns: UnsafeMutablePointer<Int32> { room.campaigns }
    var times: UnsafeMutablePointer<Double> { room.times }
    var weights: UnsafeMutablePointer<Double> { room.weights }

    private final class Room: @unchecked Sendable {
        let lines = UnsafeMutablePointer<Int32>.allocate(capacity: RowStage.size)
        let channels = UnsafeMutablePointer<Int32>.allocate(capacity: RowStage.size)
        let campaigns = UnsafeMutablePointer<Int32>.allocate(capacity: RowStage.size)
        let times = UnsafeMutablePointer<Double>.allocate(capacity: RowStage.size)
        let weights = UnsafeMutablePointer<Double>.allocate(capacity: RowStage.size)

        deinit {
            lines.deallocate()
            channels.deallocate()
            campaigns.deallocate()
            times.deallocate()
            weights.deallocate()
        }
    }

    /// Appends the staged rows to the columns `events` has (lines always; weights when it is
    /// weighted) and empties the stage.
    mutating func flush(into events: inout ReferralEvents) {
        guard count > 0 else { return }
        @inline(__always) func rows<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeBufferPointer<T> {
            UnsafeBufferPointer(start: p, count: count)
        }
        events.line.append(contentsOf: rows(lines))
        if events.weighted { events.weights.append(contentsOf: rows(weights)) }
        if events.timestamp != nil { events.timestamp!.append(contentsOf: rows(times)) }
        if events.channel != nil { events.channel!.append(contentsOf: rows(channels)) }
        if events.campaign != nil { events.campaign!.append(contentsOf: rows(campaigns)) }
        count = 0
    }
}

extension ReferralEvents {
    /// Joins chunks read in file order into the events one pass would have read: people,
    /// channels and campaigns numbered by first appearance, rows in order, lines absolute.
    ///
    /// The chunks' tables and columns are moved out of `parts` as they are joined (their row
    /// counts, time and amount choices stay): the first chunk's tables then grow in place
    /// rather than being copied before they take the others' keys, and each chunk's column is
    /// freed once it is copied, so the join needs one column's room beyond the result, not a
    /// second copy of every column.
    init(merging parts: inout [ChunkedScan.Part<EventsChunk>], headerBlank: Int, template: ReferralEvents, weighted: Bool) {
        self = template
        let offsets = parts.reduce(into: [0]) { $0.append($0.last! + $1.sink.events.count) }
        var maps: [(people: [Int32], channels: [Int32], campaigns: [Int32])] = []
        for c in parts.indices {
            // Each chunk's tables are taken out of it, and handed over whole (the chunk keeps
            // no copy), so that what `absorb` gives up of them is freed.
            var (theirPeople, theirChannels, theirCampaigns) = (Interner(capacity: 0), Interner(capacity: 0), Interner(capacity: 0))
            swap(&theirPeople, &parts[c].sink.events.people)
            swap(&theirChannels, &parts[c].sink.events.channels)
            swap(&theirCampaigns, &parts[c].sink.events.campaigns)
            if c == 0 {
                // The first chunk's numbering is already the file's: adopt its tables.
                swap(&people, &theirPeople)
                swap(&channels, &theirChannels)
                swap(&campaigns, &theirCampaigns)
                maps.append(([], [], []))
            } else {
                maps.append(
                    (
                        people.absorb(consume theirPeople), channels.absorb(consume theirChannels, threads: 1),
                        campaigns.absorb(consume theirCampaigns, threads: 1)
                    ))
            }
        }
        /// A chunk's index column renumbered through its map, in place (-1 stays -1); nothing
        /// to do for an empty map or one that maps each index to itself (a chunk whose labels
        /// first appear in the order the chunks before it saw them).
        func renumber(_ map: [Int32]) -> ((UnsafeMutableBufferPointer<Int32>) -> Void)? {
            if map.indices.allSatisfy({ map[$0] == Int32($0) }) { return nil }
            return { column in for k in column.indices where column[k] >= 0 { column[k] = map[Int(column[k])] } }
        }
        source = Self.concatenate(offsets, &parts, take: { $0.source.taken() }) { renumber(maps[$0].people) }
        target = Self.concatenate(offsets, &parts, take: { $0.target.taken() }) { renumber(maps[$0].people) }
        // Without a weight column every row weighs 1, which is not stored.
        if weighted { weight = Self.concatenate(offsets, &parts, take: { $0.weights.taken() }) { _ in nil } }
        let shifts = parts.map { Int32(truncatingIfNeeded: $0.lineShift) }
        line = Self.concatenate(offsets, &parts, take: { $0.line.taken() }) { c in
            { lines in for k in lines.indices { lines[k] &+= shifts[c] } }
        }
        if template.timestamp != nil {
            timestamp = Self.concatenate(offsets, &parts, take: { $0.timestamp!.taken() }) { _ in nil }
        }
        if template.channel != nil {
            channel = Self.concatenate(offsets, &parts, take: { $0.channel!.taken() }) { renumber(maps[$0].channels) }
        }
        if template.campaign != nil {
            campaign = Self.concatenate(offsets, &parts, take: { $0.campaign!.taken() }) { renumber(maps[$0].campaigns) }
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

    /// Concatenates a column of the chunks (chunk c's at `offsets[c] ..< offsets[c + 1]`),
    /// taken out of them by `take`, each chunk's values then changed in place by its `adjust`
    /// (renumbered, lines shifted), in pieces on several threads.
    ///
    /// The first chunk's array becomes the result and the others' are appended to it: it was
    /// reserved for more rows than a chunk has (the reader's row estimate errs high), so it
    /// usually takes them without moving, and only the later chunks' values are copied. (Every
    /// chunk's values copied into a new array of the whole took 122–161 ms for the columns of
    /// the 10M program export; this, 99–125 ms.)
    private static func concatenate<T: BitwiseCopyable>(
        _ offsets: [Int], _ parts: inout [ChunkedScan.Part<EventsChunk>], take: (inout ReferralEvents) -> [T],
        adjust: (Int) -> ((UnsafeMutableBufferPointer<T>) -> Void)?
    ) -> [T] {
        let count = offsets.count - 1
        var result = take(&parts[0].sink.events)
        precondition(result.count == offsets[1], "ReferralEvents: chunk 0's column length")
        result.reserveCapacity(offsets[count])
        for c in 1..<count {
            let values = take(&parts[c].sink.events)
            precondition(values.count == offsets[c + 1] - offsets[c], "ReferralEvents: chunk \(c)'s column length")
            // Into the room reserved, on every thread: its fresh pages are first touched there.
            result.append(contentsOf: Parallel.copied(values))
        }
        let adjusts = (0..<count).map(adjust)
        // Pieces of about a million values, each inside one chunk.
        var pieces: [(chunk: Int, range: Range<Int>)] = []
        for c in 0..<count where adjusts[c] != nil {
            let length = offsets[c + 1] - offsets[c]
            for r in Parallel.ranges(length, parts: max(1, length / (1 << 20))) {
                pieces.append((c, offsets[c] + r.lowerBound..<offsets[c] + r.upperBound))
            }
        }
        result.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            Parallel.forEach(pieces.count) { k in
                let (c, range) = pieces[k]
                adjusts[c]?(UnsafeMutableBufferPointer(start: shared.base + range.lowerBound, count: range.count))
            }
        }
        return result
    }
}

extension Array {
    /// The array, leaving an empty one in its place (so that the caller holds its only reference).
    mutating func taken() -> [Element] {
        var out: [Element] = []
        swap(&out, &self)
        return out
    }
}
