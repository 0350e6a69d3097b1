import Foundation

/// Reads the rows of a CSV file in chunks on several threads, with the result of one pass.
///
/// Chunk k is guessed to start just after the first line feed past k/K of the data. A
/// quoted field may hold line breaks, so a guess can fall inside a record; it is checked
/// afterwards: chunk k − 1, which started on a true record boundary, must end exactly where
/// chunk k started. A chunk that fails the check is read again from where its predecessor
/// really ended, so a file full of multi-line fields costs at most one more pass, never a
/// wrong answer. Line numbers count line breaks, inside quotes or not, so each chunk counts
/// from 1 and is shifted by the lines of the chunks before it.
enum ChunkedScan {
    /// Chunks are not made smaller than this.
    static let minimumChunkBytes = 1 << 20

    /// How many chunks a file of `bytes` bytes is read in.
    static func chunkCount(forBytes bytes: Int) -> Int {
        guard Parallel.threads > 1 else { return 1 }
        return max(1, min(Parallel.threads, bytes / minimumChunkBytes))
    }

    /// About how many rows one of `chunks` chunks of a `bytes`-byte file holds (rows of about
    /// twelve bytes, the shortest common ones), for reserving its columns.
    static func expectedRows(bytes: Int, chunks: Int) -> Int { bytes / max(1, chunks) / 12 }

    /// About how many rows one of `chunks` chunks of the data from `start` holds, from the
    /// line feeds in its first 64 KiB (a quarter more, and at least 1,024): for tables sized
    /// by the rows they will see, where `expectedRows`' guess of twelve bytes a row would make
    /// them 4× too large on a conversions export (the hash slots planned from it are zeroed
    /// when the first key is hashed).
    static func sampledRows(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, chunks: Int) -> Int {
        let bytes = max(0, buffer.count - start)
        let sample = min(bytes, 1 << 16)
        var lines = 0
        for i in start..<(start + sample) where buffer[i] == 0x0A { lines += 1 }
        guard lines > 0 else { return expectedRows(bytes: bytes, chunks: chunks) }
        let rows = bytes / max(1, sample / lines)
        return max(1024, rows / max(1, chunks) * 5 / 4)
    }

    /// Where the header ends and what it says.
    /// Lines above the header (a report title, a date range) passed over when the first
    /// lines map no columns, at most this many.
    static let preambleLimit = 5

    struct Header {
        var layout: ColumnLayout
        var delimiter: Delimiter
        /// At the first data record, with the blank lines above the header counted.
        var cursor: CSVCursor
    }

    /// Reads the header: the first record that is not a blank line.
    /// - Returns: `nil` when the file has no record at all.
    /// - Throws: `InputError` from the file's start, its first record, or `read`.
    static func header(
        _ buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions,
        read: (CSVRecord, String, ReadOptions) throws(InputError) -> ColumnLayout
    ) throws(InputError) -> Header? {
        let (start, delimiter) = try CSVReader.prepare(buffer, file: file, delimiter: options.delimiter)
        var cursor = CSVCursor(position: start, line: 1)
        var layout: ColumnLayout?
        try InputError.capturing(file: file) {
            try withoutActuallyEscaping(read) { read in
                var sink = FirstRecordSink(file: file, options: options, read: read)
                try CSVReader.scan(buffer, until: buffer.count, delimiter: delimiter.rawValue, file: file, cursor: &cursor, sink: &sink)
                if let failure = sink.failure() { throw failure }
                layout = sink.layout
            }
        }
        guard let layout else { return nil }
        return Header(layout: layout, delimiter: delimiter, cursor: cursor)
    }

    /// One chunk's outcome.
    struct Part<Sink> {
        var sink: Sink
        /// Where its records begin and after its last record (lines relative: 1 = its first line).
        var start: Int
        var end: CSVCursor
        /// The file line of the chunk's relative line 1.
        var lineBase: Int
        var error: InputError?

        /// Adds to a relative line number to make it a file line number.
        var lineShift: Int { lineBase - 1 }
    }

    /// Reads the records from `cursor` to the end of `buffer` in `chunks` chunks, each into
    /// its own sink, and checks and repairs the chunk boundaries.
    /// - Returns: the chunks in file order; together they hold every record exactly once.
    /// - Throws: the first error in file order (line numbers made absolute).
    static func run<Sink: CSVRecordSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, from cursor: CSVCursor, delimiter: Delimiter,
        file: String, chunks: Int, make: () -> Sink
    ) throws(InputError) -> [Part<Sink>] {
        let end = buffer.count
        let k = max(1, chunks)
        var starts = [cursor.position]
        for c in 1..<k {
            let nominal = cursor.position + (end - cursor.position) * c / k
            starts.append(max(starts[c - 1], lineStart(after: nominal, in: buffer)))
        }
        starts.append(end)
        var parts: [Part<Sink>?] = (0..<k).map { _ in nil }
        var sinks = (0..<k).map { _ in make() }
        let delim = delimiter.rawValue
        let input = UncheckedSendable(buffer)
        parts.withUnsafeMutableBufferPointer { out in
            sinks.withUnsafeMutableBufferPointer { sinkBuffer in
                let results = SharedBuffer(out)
                let sinkSlots = SharedBuffer(sinkBuffer)
                Parallel.forEach(k) { c in
                    results[c] = scanPart(
                        input.value, from: starts[c], until: starts[c + 1], delimiter: delim, file: file,
                        sink: &sinkSlots.base[c])
                }
            }
        }
        var done: [Part<Sink>] = []
        var lineBase = cursor.line
        for c in 0..<k {
            var part = parts[c]!
            if c > 0, part.start != done[c - 1].end.position {
                // The guess fell inside a record: read this chunk again from the true boundary.
                var fresh = make()
                part = scanPart(
                    buffer, from: done[c - 1].end.position, until: max(starts[c + 1], done[c - 1].end.position),
                    delimiter: delim, file: file, sink: &fresh)
            }
            part.lineBase = lineBase
            if let error = part.error { throw error.shiftingLines(by: part.lineShift) }
            lineBase += part.end.line - 1
            done.append(part)
        }
        return done
    }

    /// Scans one chunk into `sink`, in place: a copy would share the columns the sink has
    /// reserved, and its first append would move them to new room (where the huge pages asked
    /// for them no longer apply).
    private static func scanPart<Sink: CSVRecordSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, until end: Int,
        delimiter: UInt8, file: String, sink: inout Sink
    ) -> Part<Sink> {
        var cursor = CSVCursor(position: start, line: 1)
        var failure: InputError?
        do {
            // A window at a time, handing the mapped file's pages read back to the page cache
            // after each (`MappedFile.release`), so that the process holds a window of the file
            // per thread rather than all of it.
            var released = start
            while cursor.position < end {
                let stop = min(end, cursor.position + releaseWindow)
                if try CSVReader.scan(buffer, until: stop, delimiter: delimiter, file: file, cursor: &cursor, sink: &sink) { break }
                MappedFile.release(buffer, from: released, to: min(cursor.position, end))
                released = cursor.position
            }
            sink.finish()
        } catch let error as InputError {
            failure = error
        } catch {
            failure = .unreadable(path: file, reason: "\(error)")
        }
        return Part(sink: sink, start: start, end: cursor, lineBase: 1, error: failure)
    }

    /// The bytes read between two releases of a mapped file's pages.
    static let releaseWindow = 8 << 20

    /// The offset just after the first line feed at or after `offset`, or the end.
    static func lineStart(after offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        guard offset < buffer.count, let base = buffer.baseAddress else { return buffer.count }
        guard let hit = memchr(base + offset, 0x0A, buffer.count - offset) else { return buffer.count }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
    }
}

/// Takes the first record as the header.
///
/// Exports sometimes start with a title (a report's name, a date range) above the header.
/// When a record maps no required column, the next few are tried; the first that maps is the
/// header (its line is kept in the layout and reported), and when none does, the first
/// record's error is the answer.
private struct FirstRecordSink: CSVRecordSink {
    let file: String
    let options: ReadOptions
    let read: (CSVRecord, String, ReadOptions) throws(InputError) -> ColumnLayout
    var layout: ColumnLayout?
    var firstError: InputError?
    var tried = 0

    mutating func take(_ record: CSVRecord) throws -> Bool {
        do {
            var found = try read(record, file, options)
            found.headerLine = record.line
            layout = found
            return false
        } catch {
            guard case .missingColumn = error, tried < ChunkedScan.preambleLimit else { throw firstError ?? error }
            if firstError == nil { firstError = error }
            tried += 1
            return true
        }
    }

    mutating func finish() {}

    /// The first record's error when no record mapped.
    func failure() -> InputError? { layout == nil ? firstError : nil }
}

extension InputError {
    /// The same error with its line number moved by `delta` (for chunks read on their own).
    func shiftingLines(by delta: Int) -> InputError {
        guard delta != 0 else { return self }
        // Every case is listed (no default), so a new case with a line cannot be forgotten here.
        switch self {
        case .unbalancedQuote(let f, let l, let c): return .unbalancedQuote(file: f, line: l + delta, column: c)
        case .strayQuote(let f, let l, let c): return .strayQuote(file: f, line: l + delta, column: c)
        case .nulByte(let f, let l, let c): return .nulByte(file: f, line: l + delta, column: c)
        case .invalidUTF8(let f, let l, let c): return .invalidUTF8(file: f, line: l + delta, column: c)
        case .raggedRow(let f, let l, let e, let n): return .raggedRow(file: f, line: l + delta, expected: e, found: n)
        case .emptyValue(let f, let l, let c, let n): return .emptyValue(file: f, line: l + delta, column: c, name: n)
        case .badNumber(let f, let l, let c, let n, let s, let r):
            return .badNumber(file: f, line: l + delta, column: c, name: n, seen: s, rule: r)
        case .badTimestamp(let f, let l, let c, let n, let s, let r):
            return .badTimestamp(file: f, line: l + delta, column: c, name: n, seen: s, reason: r)
        case .idTooLong(let f, let l, let c, let n, let length):
            return .idTooLong(file: f, line: l + delta, column: c, name: n, length: length)
        case .weightOverflow(let f, let l): return .weightOverflow(file: f, line: l + delta)
        case .tooManyRows(let f, let l): return .tooManyRows(file: f, line: l + delta)
        case .looksLikeWindows1252(let f, let l, let c): return .looksLikeWindows1252(file: f, line: l + delta, column: c)
        case .mixedDateOrder(let f, let c, let dl, let ds, let ml, let ms):
            return .mixedDateOrder(
                file: f, column: c, dayFirstLine: dl + delta, dayFirstSeen: ds, monthFirstLine: ml + delta, monthFirstSeen: ms)
        case .mixedDecimal(let f, let c, let dl, let ds, let cl, let cs):
            return .mixedDecimal(file: f, column: c, dotLine: dl + delta, dotSeen: ds, commaLine: cl + delta, commaSeen: cs)
        case .fileNotFound, .isDirectory, .unreadable, .emptyFile, .headerOnly, .wrongEncoding, .missingColumn,
            .unknownColumn, .duplicateColumn, .noReferrals, .ambiguousColumn, .notText, .compressedDataCorrupt,
            .ambiguousDateOrder, .ambiguousDecimal, .tooManySkipped, .emptyFolder:
            return self
        }
    }
}
