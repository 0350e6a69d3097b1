import Foundation

/// The referral graph reduced to what `score` needs: people, the weighted adjacency in
/// compact CSR and each person's in-weight. It is what `influence score` reads.
///
/// It gives the same `ScoreResult`, byte for byte in every output format, as
/// `ReferralGraph.read(path:options:).score(options)`, with the same errors, but reads
/// several times faster and in a fraction of the memory: the file is mapped rather than
/// copied, read in chunks on every core with an interner per chunk (merged in file order
/// afterwards), and no per-row columns (lines, timestamps, labels) or reverse matrix are
/// kept unless a score needs them.
public struct ScoringGraph: Sendable {
    /// People, index = node, numbered by first appearance as in `ReferralEvents`.
    public let people: Interner
    /// What was read, skipped and merged.
    public var quality: DataQuality
    /// source → target, repeated pairs merged (weights summed).
    let forward: CSRMatrix
    /// Σₛ W[s][t] for each person t, added in the order `ReferralGraph` adds them.
    let inWeight: [Double]

    /// The number of people.
    public var nodeCount: Int { people.count }
    /// The number of distinct referred pairs.
    public var edgeCount: Int { forward.count }
    /// How edge values are stored: `index-only` (unweighted), `float32` or `float64`.
    public var storage: String { forward.values.storage }

    /// The same graph from a full `ReferralGraph`.
    public init(_ graph: ReferralGraph) {
        people = graph.people
        quality = graph.quality
        forward = graph.forward
        inWeight = graph.inWeight
    }

    init(people: Interner, quality: DataQuality, forward: CSRMatrix, inWeight: [Double]) {
        self.people = people
        self.quality = quality
        self.forward = forward
        self.inWeight = inWeight
    }

    /// Reads a referral export (files, folders or `-`, read as one) and builds its graph.
    ///
    /// Rows are not kept, so labels and filters do not apply here: to score a filtered export,
    /// read it with `Export.read` and build `ScoringGraph(ReferralGraph(checking:))` from its rows.
    /// - Parameters:
    ///   - paths: files, folders or `-`.
    ///   - options: how to read them.
    ///   - timings: receives the time of each phase: `map`, `parse+intern`, `merge`, `build`.
    /// - Throws: `InputError`, as `ReferralGraph.read` (`.noReferrals` when no row links two people).
    public static func read(
        paths: [String], options: ReadOptions = ReadOptions(), timings: PhaseTimings? = nil
    ) throws(InputError) -> ScoringGraph {
        let files = try InputPaths.expand(paths)
        var read = try InputPaths.readEach(files, options: options, timings: timings) { (bytes, file) throws(InputError) in
            try parse(bytes, file: file, options: options, chunks: ChunkedScan.chunkCount(forBytes: bytes.count), timings: timings)
        }.map { read in
            var (parts, quality) = read.value
            quality.files = [read.label]
            return (parts, quality)
        }
        return try build(&read, name: InputPaths.describe(files), options: options, timings: timings) { () throws(InputError) in
            _ = try ReferralGraph(checking: try ReferralEvents.read(paths: paths, options: options))
        }
    }

    /// Builds the graph of one file's bytes read in `chunks` chunks (the same graph for any `chunks`).
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int,
        timings: PhaseTimings? = nil
    ) throws(InputError) -> ScoringGraph {
        var reads = [try parse(bytes, file: file, options: options, chunks: chunks, timings: timings)]
        return try build(&reads, name: file, options: options, timings: timings) { () throws(InputError) in
            _ = try ReferralGraph(checking: try ReferralEvents.parse(buffer: bytes, file: file, options: options, chunks: 1))
        }
    }

    /// Numbers the people of every file's chunks in order and builds the merged adjacency.
    ///
    /// Each chunk's table is moved out of `files` as it is merged, so that the first one grows
    /// in place rather than being copied before it takes the others' keys.
    /// - Parameter overflow: names the row behind a weight that overflowed (it throws).
    private static func build(
        _ files: inout [([FilePart], DataQuality)], name: String, options: ReadOptions, timings: PhaseTimings?,
        overflow: () throws(InputError) -> Void
    ) throws(InputError) -> ScoringGraph {
        var quality = DataQuality()
        var columns: [PairColumns] = []
        var people = Interner()
        var started = false
        for f in files.indices {
            quality.add(files[f].1)
            timings.measure("merge") {
                for p in files[f].0.indices {
                    var table = Interner(capacity: 0)
                    swap(&table, &files[f].0[p].people)
                    let map: [Int32]
                    if !started {
                        swap(&people, &table)
                        started = true
                        map = []
                    } else {
                        map = people.absorb(consume table)
                    }
                    let part = files[f].0[p]
                    columns.append(PairColumns(source: part.source, target: part.target, weight: part.weight, map: map))
                }
            }
        }
        try quality.checkSkipped(file: name, limit: options.maxSkipped, onError: options.onError)
        let kept = columns.reduce(0) { $0 + $1.count }
        if kept == 0 { throw ReferralGraph.noReferrals(file: name, quality: quality) }
        if kept >= Int(Int32.max) || people.count >= Int(Int32.max) { throw .tooManyRows(file: name, line: 0) }
        let n = people.count
        let (forward, inWeight, merged) = timings.measure("build") {
            let (matrix, merged) = CSRMatrix.build(people: n, chunks: columns)
            return (matrix, matrix.columnSums(), merged)
        }
        quality.mergedDuplicates = merged
        // A repeated pair's weights overflowed: the full reader names the row that keeps it.
        if !forward.values.allFinite { try overflow() }
        return ScoringGraph(people: people, quality: quality, forward: forward, inWeight: inWeight)
    }

    /// Reads one referral file and builds its graph.
    public static func read(path: String, options: ReadOptions = ReadOptions(), timings: PhaseTimings? = nil) throws(InputError)
        -> ScoringGraph
    {
        try read(paths: [path], options: options, timings: timings)
    }

    /// One file's pairs, chunk by chunk, with its weights' decimal mark settled.
    struct FilePart {
        var people: Interner
        var source: [Int32]
        var target: [Int32]
        var weight: [Double]?
    }

    /// Reads the pairs of one file's bytes in `chunks` chunks.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int,
        timings: PhaseTimings? = nil
    ) throws(InputError) -> ([FilePart], DataQuality) {
        let (parts, head) = try timings.measure("parse+intern", bytes: bytes.count) { () throws(InputError) in
            guard let head = try ChunkedScan.header(bytes, file: file, options: options, read: ReferralEvents.header) else {
                throw .headerOnly(file: file)
            }
            let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
            let expected = ChunkedScan.expectedRows(bytes: bytes.count, chunks: chunks)
            let rules = FieldRules(options)
            let parts = try ChunkedScan.run(bytes, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
                PairChunk(
                    columns: columns, rules: rules, header: head.layout.header, policy: options.onError, file: file, reserve: expected)
            }
            return (parts, head)
        }
        var quality = DataQuality()
        quality.blankLines = head.cursor.blank
        quality.columns = [ColumnMapping(file: file, kind: "events", layout: head.layout)]
        var amounts = DeferredChoice()
        var offset = 0
        for part in parts {
            quality.rows += part.sink.rows
            quality.selfReferrals += part.sink.selfReferrals
            quality.unreferredRows += part.sink.unreferred
            quality.normalizedIds += part.sink.normalizedIds
            quality.untimedRows += part.sink.untimed
            quality.blankLines += part.end.blank
            amounts.append(part.sink.amounts, rowOffset: offset, lineShift: part.lineShift)
            offset += part.sink.weight.count
        }
        SkipLog.merge(parts.map { ($0.sink.skips, $0.lineShift) }, into: &quality)
        if quality.rows == 0 { throw .headerOnly(file: file) }
        let weighted = parts.first?.sink.columns.weight ?? -1 >= 0
        var out: [FilePart] = []
        var all: [Double] = []
        if weighted {
            all = parts.flatMap { $0.sink.weight }
            try quality.settle(
                amounts: amounts, column: head.layout.header[parts[0].sink.columns.weight], file: file, delimiter: head.delimiter,
                into: &all)
        }
        var start = 0
        for part in parts {
            let n = part.sink.source.count
            out.append(
                FilePart(
                    people: part.sink.people, source: part.sink.source, target: part.sink.target,
                    weight: weighted ? Array(all[start..<start + n]) : nil))
            start += n
        }
        return (out, quality)
    }
}

extension ScoringGraph {
    /// Reads the records of a file in chunks without checking or interning them: the cost of
    /// the CSV state machine alone, for benchmarks.
    /// - Returns: the number of records after the header.
    public static func countRecords(path: String, delimiter: Delimiter? = nil) throws(InputError) -> Int {
        let input = try MappedFile(path: path)
        let options = ReadOptions(delimiter: delimiter)
        return try input.withBytes { bytes throws(InputError) in
            guard let head = try ChunkedScan.header(bytes, file: path, options: options, read: ReferralEvents.header) else { return 0 }
            let parts = try ChunkedScan.run(
                bytes, from: head.cursor, delimiter: head.delimiter, file: path,
                chunks: ChunkedScan.chunkCount(forBytes: bytes.count)
            ) { CountingSink() }
            return parts.reduce(0) { $0 + $1.sink.count }
        }
    }
}

private struct CountingSink: CSVRecordSink {
    var count = 0
    mutating func take(_ record: CSVRecord) throws -> Bool {
        count += 1
        return true
    }
}
