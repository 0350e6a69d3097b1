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
    let forward: CompactCSR
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
        forward = CompactCSR(graph.forward)
        inWeight = graph.reverse.rowSums()
    }

    init(people: Interner, quality: DataQuality, forward: CompactCSR, inWeight: [Double]) {
        self.people = people
        self.quality = quality
        self.forward = forward
        self.inWeight = inWeight
    }

    /// Scores every person, as `ReferralGraph.score` does.
    /// - Throws: `ScoreError`.
    public func score(_ options: ScoreOptions, timings: PhaseTimings? = nil) throws(ScoreError) -> ScoreResult {
        let kind = options.operatorChoice.resolve(people: nodeCount, edges: edgeCount)
        let reverse = options.algorithm == .hits && kind == .sparse ? timings.measure("transpose") { forward.transposed() } : nil
        let w = AdjacencyOperator(forward: forward, reverse: reverse, kind: kind)
        return try timings.measure("iterate") { () throws(ScoreError) in
            try Scores.solve(w, inWeight: { inWeight }, people: people, quality: quality, options: options)
        }
    }

    /// The adjacency W as the operator `score` would use for `choice` (for benchmarks).
    public func adjacency(_ choice: OperatorChoice = .auto) -> AdjacencyOperator {
        AdjacencyOperator(forward: forward, reverse: nil, kind: choice.resolve(people: nodeCount, edges: edgeCount))
    }

    /// Reads a referral export and builds its graph.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - options: delimiter, column names, error policy.
    ///   - timings: receives the time of each phase: `map`, `parse+intern`, `merge`, `build`.
    /// - Throws: `InputError`, as `ReferralGraph.read` (`.noReferrals` when no row links two people).
    public static func read(path: String, options: ReadOptions = ReadOptions(), timings: PhaseTimings? = nil) throws(InputError)
        -> ScoringGraph
    {
        let input = try timings.measure("map") { () throws(InputError) in try MappedFile(path: path) }
        return try read(input.bytes, file: InputFile.displayName(path), options: options,
                        chunks: ChunkedScan.chunkCount(forBytes: input.bytes.count), timings: timings)
    }

    /// Builds the graph of the bytes of a referral export, read in `chunks` chunks.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int,
                     timings: PhaseTimings? = nil) throws(InputError) -> ScoringGraph {
        let parts = try timings.measure("parse+intern", bytes: bytes.count) { () throws(InputError) in
            guard let head = try ChunkedScan.header(bytes, file: file, options: options, read: ReferralEvents.header) else {
                throw .headerOnly(file: file)
            }
            let columns = ReferralColumns(layout: head.layout, delimiter: head.delimiter)
            let expected = bytes.count / max(1, chunks) / 12
            let parts = try ChunkedScan.run(bytes, from: head.cursor, delimiter: head.delimiter, file: file, chunks: chunks) {
                PairChunk(columns: columns, policy: options.onError, file: file, reserve: expected)
            }
            return (parts, head.cursor.blank)
        }
        var quality = DataQuality()
        quality.blankLines = parts.1
        for part in parts.0 {
            quality.rows += part.sink.rows
            quality.selfReferrals += part.sink.selfReferrals
            quality.blankLines += part.end.blank
        }
        SkipLog.merge(parts.0.map { ($0.sink.skips, $0.lineShift) }, into: &quality)
        if quality.rows == 0 { throw .headerOnly(file: file) }
        let kept = parts.0.reduce(0) { $0 + $1.sink.source.count }
        if kept == 0 { throw ReferralGraph.noReferrals(file: file, quality: quality) }
        var people = Interner()
        let columns: [PairColumns] = timings.measure("merge") {
            var columns: [PairColumns] = []
            for (c, part) in parts.0.enumerated() {
                let map = c == 0 ? [] : people.absorb(part.sink.people)
                if c == 0 { people = part.sink.people }
                columns.append(PairColumns(source: part.sink.source, target: part.sink.target,
                                           weight: part.sink.columns.weight >= 0 ? part.sink.weight : nil, map: map))
            }
            return columns
        }
        let n = people.count
        let (forward, inWeight, merged) = timings.measure("build") {
            let (matrix, merged) = CompactCSR.build(people: n, chunks: columns)
            return (matrix, matrix.columnSums(), merged)
        }
        quality.mergedDuplicates = merged
        if !forward.values.allFinite {
            // A repeated pair's weights overflowed: the full reader names the row that keeps it.
            let events = try ReferralEvents.parse(buffer: bytes, file: file, options: options, chunks: 1)
            _ = try ReferralGraph(checking: events)
        }
        return ScoringGraph(people: people, quality: quality, forward: forward, inWeight: inWeight)
    }
}

extension ScoringGraph {
    /// Reads the records of a file in chunks without checking or interning them: the cost of
    /// the CSV state machine alone, for benchmarks.
    /// - Returns: the number of records after the header.
    public static func countRecords(path: String, delimiter: Delimiter? = nil) throws(InputError) -> Int {
        let input = try MappedFile(path: path)
        let options = ReadOptions(delimiter: delimiter)
        guard let head = try ChunkedScan.header(input.bytes, file: path, options: options, read: ReferralEvents.header) else { return 0 }
        let parts = try ChunkedScan.run(input.bytes, from: head.cursor, delimiter: head.delimiter, file: path,
                                        chunks: ChunkedScan.chunkCount(forBytes: input.bytes.count)) { CountingSink() }
        return parts.reduce(0) { $0 + $1.sink.count }
    }
}

private struct CountingSink: CSVRecordSink {
    var count = 0
    mutating func take(_ record: CSVRecord) throws -> Bool {
        count += 1
        return true
    }
}
