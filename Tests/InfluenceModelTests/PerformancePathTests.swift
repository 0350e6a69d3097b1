import Foundation
import Testing
@testable import InfluenceModel

extension Renumbering {
    /// `a` with rows and columns renumbered, row by row after the walk: the reference that
    /// `matrix`, written during the walk, is checked against.
    func apply(_ a: CSRMatrix) -> CSRMatrix {
        let n = a.rows
        var rowStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            let old = Int(order[i])
            rowStart[i + 1] = rowStart[i] + (a.rowStart[old + 1] - a.rowStart[old])
        }
        // A per-entry array with its rows in the new order.
        func rows<T>(_ entries: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(entries.count)
            for old in order { out.append(contentsOf: entries[a.rowStart[Int(old)]..<a.rowStart[Int(old) + 1]]) }
            return out
        }
        let column = rows(a.column).map { number[Int($0)] }
        let values: EdgeValues
        switch a.values {
        case .ones: values = .ones
        case .float(let v): values = .float(rows(v))
        case .double(let v): values = .double(rows(v))
        }
        return CSRMatrix(rows: n, columns: n, rowStart: rowStart, column: column, values: values)
    }
}

/// Random referral exports: quoted ids holding commas, quotes and line breaks, CRLF and LF,
/// blank lines, self-referrals, repeated pairs, weights, timestamps, labels, and (when asked)
/// bad rows of every kind.
private func randomExport(
    seed: UInt64, rows: Int, people: Int = 40, bad: Bool = false, weighted: Bool = true,
    timestamps: Bool = true
) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    let names = (0..<people).map { i -> String in
        switch i % 9 {
        case 0: return "\"p\(i), jr\""
        case 1: return "\"line\nbreak \(i)\""
        case 2: return "\"say \"\"hi\"\" \(i)\""
        case 3: return "zoë\(i)"
        default: return "u\(i)"
        }
    }
    var header = ["source", "target"]
    if weighted { header.append("weight") }
    if timestamps { header.append("timestamp") }
    header.append("channel")
    header.append("note")
    var out = header.joined(separator: ",") + "\n"
    for r in 0..<rows {
        let end = pick(5) == 0 ? "\r\n" : "\n"
        if pick(40) == 0 { out += end }  // blank line
        let s = names[pick(people)]
        let t = pick(12) == 0 ? s : names[pick(people)]
        var fields = [s, t]
        if weighted { fields.append(pick(6) == 0 ? "" : String(Double(pick(1000)) / 8)) }
        if timestamps {
            fields.append(
                pick(4) == 0 ? "" : pick(2) == 0 ? "2025-03-\(10 + pick(18))T0\(pick(9)):15:00Z" : String(1_741_000_000 + pick(100_000)))
        }
        fields.append(["email", "link", "\"face,book\"", ""][pick(4)])
        fields.append(pick(3) == 0 ? "\"multi\nline note \(r)\"" : "n\(r)")
        if bad {
            switch pick(30) {
            case 0: fields[0] = ""
            case 1: if weighted { fields[2] = "lots" }
            case 2: fields.removeLast()
            case 3: if timestamps { fields[weighted ? 3 : 2] = "yesterday" }
            default: break
            }
        }
        out += fields.joined(separator: ",") + end
    }
    return Array(out.utf8)
}

/// Everything a parse produced, as one comparable value.
private func fingerprint(_ e: ReferralEvents) -> String {
    var parts = [
        e.people.names.joined(separator: "|"), "\(e.source)", "\(e.target)", "\(e.weight)", "\(e.line)",
        "\(e.timestamp.map { $0.map { $0.isNaN ? "nan" : String($0) } } ?? [])", "\(e.channel ?? [])",
        e.channels.names.joined(separator: "|"), "\(e.campaign ?? [])",
    ]
    let q = e.quality
    parts.append("\(q.rows) \(q.blankLines) \(q.skippedRows) \(q.selfReferrals) \(q.skipReasons)")
    return parts.joined(separator: "\n")
}

/// Parses `bytes` in `chunks` chunks.
private func parseEvents(_ bytes: [UInt8], file: String, options: ReadOptions = ReadOptions(), chunks: Int) throws(InputError)
    -> ReferralEvents
{
    var result: Result<ReferralEvents, InputError>?
    bytes.withUnsafeBufferPointer { b in
        result = Result { () throws(InputError) in try ReferralEvents.parse(buffer: b, file: file, options: options, chunks: chunks) }
    }
    return try result!.get()
}

/// Reads the scoring graph of `bytes` in `chunks` chunks.
private func readScoring(_ bytes: [UInt8], file: String, options: ReadOptions = ReadOptions(), chunks: Int) throws(InputError)
    -> ScoringGraph
{
    var result: Result<ScoringGraph, InputError>?
    bytes.withUnsafeBufferPointer { b in
        result = Result { () throws(InputError) in try ScoringGraph.read(b, file: file, options: options, chunks: chunks) }
    }
    return try result!.get()
}

struct PerformancePathTests {
    // MARK: Parallel parse

    @Test(arguments: 0..<40)
    func chunkedParseEqualsOnePass(seed: Int) throws {
        let bytes = randomExport(seed: UInt64(seed), rows: 30 + seed * 7)
        let one = try parseEvents(bytes, file: "r.csv", options: ReadOptions(), chunks: 1)
        for chunks in [2, 3, 5, 8, 13] {
            let many = try parseEvents(bytes, file: "r.csv", options: ReadOptions(), chunks: chunks)
            #expect(fingerprint(many) == fingerprint(one), "seed \(seed), \(chunks) chunks")
        }
    }

    @Test(arguments: 0..<40)
    func chunkedParseKeepsErrorsAndSkips(seed: Int) throws {
        let bytes = randomExport(seed: UInt64(1000 + seed), rows: 40 + seed * 5, bad: true)
        for policy in [ErrorPolicy.stop, .skip] {
            let options = ReadOptions(onError: policy)
            let one = Result { () throws(InputError) in try parseEvents(bytes, file: "r.csv", options: options, chunks: 1) }
            for chunks in [2, 4, 7] {
                let many = Result { () throws(InputError) in try parseEvents(bytes, file: "r.csv", options: options, chunks: chunks) }
                switch (one, many) {
                case (.success(let a), .success(let b)): #expect(fingerprint(a) == fingerprint(b), "seed \(seed) \(policy) \(chunks)")
                case (.failure(let a), .failure(let b)): #expect(a == b, "seed \(seed) \(policy) \(chunks)")
                default: Issue.record("seed \(seed) \(policy) \(chunks): \(one) vs \(many)")
                }
            }
        }
    }

    @Test func chunkGuessInsideAQuotedFieldIsRepaired() throws {
        // One huge quoted field full of line feeds: every guessed boundary falls inside it.
        let note = String(repeating: "x\ny,z\n", count: 2000)
        let text = "source,target,note\na,b,\"\(note)\"\nb,c,ok\nc,a,\"\(note)\"\n"
        let bytes = Array(text.utf8)
        let one = try parseEvents(bytes, file: "q.csv", options: ReadOptions(), chunks: 1)
        let many = try parseEvents(bytes, file: "q.csv", options: ReadOptions(), chunks: 9)
        #expect(fingerprint(one) == fingerprint(many))
        #expect(many.count == 3)
        #expect(many.line == [2, 4003, 4004])
    }

    @Test func errorLinesAreAbsoluteInLaterChunks() throws {
        var text = "source,target\n"
        for i in 0..<500 { text += "a\(i),b\(i)\n" }
        text += "x,\n"
        let bytes = Array(text.utf8)
        for chunks in [1, 2, 6] {
            #expect(throws: InputError.emptyValue(file: "e.csv", line: 502, column: 2, name: "target")) {
                try parseEvents(bytes, file: "e.csv", options: ReadOptions(), chunks: chunks)
            }
        }
    }

    // MARK: The scoring graph

    /// The CSV and JSON of every score, through the full graph and through the scoring graph.
    private func outputs(_ bytes: [UInt8], options: ReadOptions = ReadOptions(), chunks: Int) throws -> [String] {
        let events = try parseEvents(bytes, file: "s.csv", options: options, chunks: 1)
        let full = try ReferralGraph(checking: events)
        let fast = try readScoring(bytes, file: "s.csv", options: options, chunks: chunks)
        #expect(fast.quality == full.quality)
        #expect(fast.edgeCount == full.edgeCount)
        #expect(fast.people.names == full.people.names)
        var texts: [String] = []
        for algorithm in ScoreAlgorithm.allCases {
            for choice in [OperatorChoice.sparse, .dense] {
                let options = ScoreOptions(algorithm: algorithm, beta: 1e-4, operatorChoice: choice)
                let a = try full.score(options), b = try fast.score(options)
                #expect(a.csv() == b.csv(), "\(algorithm) \(choice)")
                #expect(a.json().rendered() == b.json().rendered(), "\(algorithm) \(choice)")
                texts.append(b.csv())
            }
        }
        return texts
    }

    @Test(arguments: 0..<25)
    func scoringGraphGivesTheSameBytes(seed: Int) throws {
        let weighted = seed % 3 != 0
        let bytes = randomExport(
            seed: UInt64(500 + seed), rows: 60 + seed * 11, people: 10 + seed, weighted: weighted, timestamps: seed % 2 == 0)
        for chunks in [1, 3, 6] { _ = try outputs(bytes, chunks: chunks) }
        _ = try outputs(randomExport(seed: UInt64(900 + seed), rows: 80, bad: true), options: ReadOptions(onError: .skip), chunks: 4)
    }

    /// Two-column exports take the scoring graph's shortcut for plain rows; every other row
    /// (quoted, non-ASCII, empty, too long, ragged) must still meet the full checks.
    @Test(arguments: 0..<30)
    func plainTwoColumnRowsMatchTheFullCheck(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(4000 + seed))
        let long = String(repeating: "L", count: InputError.maximumIdLength + 1 - (seed % 2))
        let ids = ["a", "b", "c", "d", " e ", "\"f\"", "\"g,h\"", "zoë", "日本", "a", "b", "c", long]
        var text = seed % 3 == 0 ? "source,target,extra\n" : "source,target\n"
        for _ in 0..<60 + seed * 3 {
            let s = ids[Int(rng.next() % UInt64(ids.count))], t = ids[Int(rng.next() % UInt64(ids.count))]
            var row = [s, t]
            if seed % 3 == 0 { row.append("x") }
            switch rng.next() % 40 {
            case 0: row[0] = ""
            case 1: row.append("y")
            case 2: row = [s]
            case 3: text += "\n"
            default: break
            }
            text += row.joined(separator: ",") + (rng.next() % 4 == 0 ? "\r\n" : "\n")
        }
        let bytes = Array(text.utf8)
        for policy in [ErrorPolicy.stop, .skip] {
            let options = ReadOptions(onError: policy)
            let full = Result { () throws(InputError) in
                try ReferralGraph(checking: parseEvents(bytes, file: "p.csv", options: options, chunks: 1))
            }
            let fast = Result { () throws(InputError) in try readScoring(bytes, file: "p.csv", options: options, chunks: 3) }
            switch (full, fast) {
            case (.success(let a), .success(let b)):
                #expect(a.quality == b.quality)
                #expect(a.people.names == b.people.names)
                #expect(try a.score(ScoreOptions()).csv() == b.score(ScoreOptions()).csv())
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("seed \(seed) \(policy): \(full) vs \(fast)")
            }
        }
    }

    @Test func scoringGraphKeepsErrors() throws {
        let cases = [
            "source,target\n", "source,target\na,a\n", "source,target,weight\na,b,1e308\na,b,1e308\n",
            "source,target,weight\na,b,1\nb,c,lots\n", "source,friend\n\"a,b\n",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let full = Result { () throws(InputError) in
                try ReferralGraph(checking: parseEvents(bytes, file: "x.csv", options: ReadOptions(), chunks: 1))
            }
            let fast = Result { () throws(InputError) in try readScoring(bytes, file: "x.csv", options: ReadOptions(), chunks: 2) }
            switch (full, fast) {
            case (.failure(let a), .failure(let b)): #expect(a == b, "\(text)")
            default: Issue.record("\(text): \(full) vs \(fast)")
            }
        }
    }

    @Test(arguments: ["forest", "dag_shared", "cycles", "weighted_duplicates", "dangling", "two_components", "random_medium"])
    func fixturesScoreIdenticallyThroughTheScoringGraph(graph name: String) throws {
        let url = try NetworkxFixtureTests.folder(name).appendingPathComponent("events.csv")
        let bytes = Array(try Data(contentsOf: url))
        _ = try outputs(bytes, chunks: 3)
        let full = try ReferralGraph(checking: ReferralEvents.read(path: url.path))
        let fast = try ScoringGraph.read(path: url.path)
        for algorithm in ScoreAlgorithm.allCases {
            #expect(try full.score(ScoreOptions(algorithm: algorithm)).csv() == fast.score(ScoreOptions(algorithm: algorithm)).csv())
        }
    }

    // MARK: Storage and products

    /// Random referral pairs among `n` people in chunks of `sizes` rows, each chunk numbering
    /// people its own way (`map` takes them back; the first chunk in the file's numbering,
    /// without a map, when `firstInFileOrder`), and the same pairs in the file's numbering.
    /// A quarter of the sources fall among the first 50 people when `crowded`, so some rows
    /// repeat pairs.
    static func randomChunks(
        n: Int, sizes: [Int], weighted: Bool, weights: [Double], firstInFileOrder: Bool, crowded: Bool,
        _ rng: inout SplitMix64
    ) -> (chunks: [PairColumns], s: [Int32], t: [Int32], w: [Double]) {
        var chunks: [PairColumns] = []
        var all = (s: [Int32](), t: [Int32](), w: [Double]())
        for (c, size) in sizes.enumerated() {
            let plain = firstInFileOrder && c == 0
            let local = plain ? Array(0..<Int32(n)) : (0..<Int32(n)).shuffled(using: &rng)
            var inverse = [Int32](repeating: 0, count: n)
            for (g, l) in local.enumerated() { inverse[Int(l)] = Int32(g) }
            var chunk = PairColumns(source: [], target: [], weight: weighted ? [] : nil, map: plain ? [] : inverse)
            for _ in 0..<size {
                let range = crowded && rng.next() % 4 == 0 ? min(n, 50) : n
                let s = Int32(rng.next() % UInt64(range)), t = Int32(rng.next() % UInt64(n))
                let w = weights[Int(rng.next() % UInt64(weights.count))]
                chunk.source.append(local[Int(s)])
                chunk.target.append(local[Int(t)])
                if weighted { chunk.weight!.append(w) }
                all.s.append(s); all.t.append(t); all.w.append(weighted ? w : 1)
            }
            chunks.append(chunk)
        }
        return (chunks, all.s, all.t, all.w)
    }

    @Test(arguments: 0..<20)
    func compactBuildEqualsCSRMatrix(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let n = 5 + seed * 3
        let rows = 10 + seed * 40
        var sizes: [Int] = []
        var remaining = rows
        while remaining > 0 {
            sizes.append(min(remaining, 1 + Int(rng.next() % 50)))
            remaining -= sizes.last!
        }
        let (chunks, s, t, w) = Self.randomChunks(
            n: n, sizes: sizes, weighted: seed % 2 == 1, weights: [0.5, 1, 2, 0.1, 3e-300], firstInFileOrder: false, crowded: false,
            &rng)
        let (compact, merged) = CSRMatrix.build(people: n, chunks: chunks)
        let reference = CSRMatrix(rows: n, columns: n, row: s, column: t, value: w)
        #expect(compact == reference)
        #expect(merged == rows - reference.count)
        #expect(compact.columnSums() == reference.transposed().rowSums())
        // The transpose equals the matrix of the swapped triples (duplicates summed in the same order).
        #expect(reference.transposed() == CSRMatrix(rows: n, columns: n, row: t, column: s, value: w))
    }

    /// Graphs of several thousand people, so that the build's first pass spreads entries over
    /// many row blocks (and a partial last one); the first chunk is in the file's numbering
    /// (no map) as in a real read; weights whose sum depends on the order of addition. The
    /// chunks cut into pieces of any length for the threads give the same matrix.
    @Test(arguments: 0..<6)
    func blockedBuildEqualsCSRMatrix(seed: Int) {
        var rng = SplitMix64(seed: UInt64(500 + seed))
        let n = [4096, 4097, 9_000, 20_011, 1, 70_000][seed]
        let sizes = (0..<(1 + seed % 3)).map { _ in Int(rng.next() % 40_000) }
        let (chunks, s, t, w) = Self.randomChunks(
            n: n, sizes: sizes, weighted: seed % 2 == 0, weights: [0.1, 1, 1e16, 3e-300, 0.7], firstInFileOrder: true,
            crowded: true, &rng)
        let (built, merged) = CSRMatrix.build(people: n, chunks: chunks)
        let reference = CSRMatrix(rows: n, columns: n, row: s, column: t, value: w)
        #expect(built == reference)
        #expect(merged == s.count - reference.count)
        #expect(CSRMatrix.repeatedPairs(people: n, chunks: chunks) == merged)
        for piece in [1, 7, 1000] {
            let (cut, cutMerged) = CSRMatrix.build(people: n, chunks: chunks, pieceLength: piece)
            let same = cut == reference
            #expect(same, "pieces of \(piece)")
            #expect(cutMerged == merged)
        }
    }

    @Test(arguments: 0..<10)
    func narrowStorageGivesTheSameProduct(seed: Int) {
        var rng = SplitMix64(seed: UInt64(77 + seed))
        let n = 300 + seed * 50
        var s: [Int32] = [], t: [Int32] = [], w: [Double] = []
        for _ in 0..<n * 6 {
            s.append(Int32(rng.next() % UInt64(n)))
            t.append(Int32(rng.next() % UInt64(n)))
            w.append(seed % 2 == 0 ? 1 : Double(rng.next() % 8) + 0.25)
        }
        let m = CSRMatrix(rows: n, columns: n, row: s, column: t, value: w)
        let compact = m
        #expect(compact.values.storage == "float32")  // counts and quarters are exact in Float
        let unique = CSRMatrix(rows: n, columns: n, rowStart: m.rowStart, column: m.column, value: [Double](repeating: 1, count: m.count))
        #expect(unique.values.storage == "index-only")
        let x = (0..<n).map { _ in Double(rng.next() % 1_000_000) / 997 - 300 }
        for matrix in [m, unique] {
            var plain = [Double](repeating: 0, count: n)
            for r in 0..<n {
                var sum = 0.0
                for e in matrix.rowStart[r]..<matrix.rowStart[r + 1] { sum += matrix.value[e] * x[Int(matrix.column[e])] }
                plain[r] = 0.85 * sum
            }
            var fast = [Double](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xp in
                fast.withUnsafeMutableBufferPointer {
                    SparseProduct.multiply(
                        matrix, xp.baseAddress!, $0.baseAddress!, scale: 0.85,
                        blocks: SparseProduct.blocks(matrix, parts: 3))
                }
            }
            #expect(fast == plain)
            let wide = CSRMatrix(rows: n, columns: n, rowStart: matrix.rowStart, column: matrix.column, values: .double(matrix.value))
            var viaDouble = [Double](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xp in
                viaDouble.withUnsafeMutableBufferPointer { SparseProduct.multiply(wide, xp.baseAddress!, $0.baseAddress!, scale: 0.85) }
            }
            #expect(viaDouble == plain)
        }
    }

    // MARK: Interning

    @Test(arguments: 0..<10)
    func absorbingChunksNumbersLikeOnePass(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let keys = (0..<3000).map { _ in "k\(rng.next() % 700)" + (rng.next() % 5 == 0 ? String(repeating: "long", count: 4) : "") }
        var one = Interner()
        let expected = keys.map { key -> Int32 in
            var key = key; return key.withUTF8 { one.intern($0).index }
        }
        var cut = [0]
        for _ in 0..<4 { cut.append(Int(rng.next() % 3000)) }
        cut.append(3000)
        cut.sort()
        var global = Interner()
        var got: [Int32] = []
        for c in 0..<cut.count - 1 {
            var local = Interner()
            let localIndex = keys[cut[c]..<cut[c + 1]].map { key -> Int32 in
                var key = key; return key.withUTF8 { local.intern($0).index }
            }
            let map = global.absorb(local, threads: 3)
            got += localIndex.map { map[Int($0)] }
        }
        #expect(got == expected)
        #expect(global.names == one.names)
    }

    /// Labels interned through a `LabelCache` get the indices plain interning gives: labels
    /// of 0–24 bytes (the cache keeps those of up to 16), drawn from more than the cache holds,
    /// including ones that share their first eight or sixteen bytes, differ in length only by
    /// a trailing zero byte, or hold bytes above 0x7F.
    @Test(arguments: 0..<6)
    func labelCacheInternsLikeTheTable(seed: Int) {
        var rng = SplitMix64(seed: UInt64(900 + seed))
        let stems: [[UInt8]] = [
            Array("twitter".utf8), Array("facebook".utf8), Array("facebook-ads".utf8), Array("facebook-ads-2024".utf8),
            Array("linkedin".utf8), Array("linkedin\u{0}".utf8), Array("e\u{301}v\u{e9}nement".utf8), [0xFF, 0x00, 0x41],
            Array("a".utf8), Array("abcdefghijklmnop".utf8), Array("abcdefghijklmnoq".utf8), Array("abcdefghijklmnopq".utf8),
        ]
        let labels: [[UInt8]] = (0..<20_000).map { _ in
            if rng.next() % 10 == 0 {
                return (0..<Int(rng.next() % 25)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 + 0x61) }
            }
            return stems[Int(rng.next() % UInt64(seed % 2 == 0 ? stems.count : 9))]
        }
        var plain = Interner(capacity: 16)
        var cached = Interner(capacity: 16)
        var cache = LabelCache()
        for label in labels {
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: label.count)
            defer { bytes.deallocate() }
            _ = bytes.initialize(from: label)
            let expected = plain.intern(UnsafeBufferPointer(bytes)).index
            #expect(cache.intern(UnsafeBufferPointer(bytes), into: &cached) == expected)
        }
        #expect(cached.names == plain.names)
    }

    /// The hash and prefix of keys of every length up to 40, against the bytes taken one at a
    /// time (the tail loads overlap; this checks they give the same bits). Each key sits in its
    /// own allocation of exactly its length, so a load past its end would read outside it.
    @Test(arguments: 0..<4)
    func hashTailReadsMatchByteByByte(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let key = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: length)
            defer { key.deallocate() }
            _ = key.initialize(from: bytes)
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(length)
            var i = 0
            while i + 8 <= length {
                var word: UInt64 = 0
                for k in 0..<8 { word |= UInt64(bytes[i + k]) << UInt64(8 * k) }
                h = ((h ^ word) &* 0xBF58_476D_1CE4_E5B9)
                h = (h << 31) | (h >> 33)
                i += 8
            }
            var tail: UInt64 = 0
            for k in i..<length { tail |= UInt64(bytes[k]) << UInt64(8 * (k - i)) }
            var prefix: UInt64 = 0
            for k in 0..<min(length, 8) { prefix |= UInt64(bytes[k]) << UInt64(8 * k) }
            let got = Interner.hashAndPrefix(UnsafeBufferPointer(key))
            #expect(got.hash == Interner.finish(h, tail: tail), "length \(length)")
            #expect(got.prefix == prefix, "length \(length)")
        }
    }

    // MARK: Output

    @Test func exactFormatMatchesPrintfOnRandomDoubles() {
        var rng = SplitMix64(seed: 2026)
        var checked = 0
        func check(_ v: Double) {
            var bytes: [UInt8] = []
            Format.appendExact17(v, to: &bytes)
            let want = v == 0 ? "0" : Format.cFormat("%.17g", v)
            let got = String(decoding: bytes, as: UTF8.self)
            if got != want { Issue.record("\(v.bitPattern): got \(got), printf \(want)") }
            checked += 1
        }
        for _ in 0..<300_000 { check(Double(bitPattern: rng.next())) }  // every exponent, NaN and infinities
        for _ in 0..<300_000 { check(pow(10, Double(rng.next() % 40_000) / 1000 - 20) * (rng.next() % 2 == 0 ? 1 : -1)) }
        for _ in 0..<200_000 { check(Double(rng.next() >> 11) * 0x1p-53 / Double(1 + rng.next() % 1_000_000)) }  // PageRank-sized
        for e in -20...20 {
            let p = pow(10, Double(e))
            for v in [p, p.nextUp, p.nextDown, p * 9.999999999999999, 5 * p] { check(v); check(-v) }
        }
        for k in 1...60 {  // ties at the 18th digit: odd multiples of 2^-k
            for _ in 0..<2000 { check(Double(rng.next() % (1 << 20) | 1) * pow(2, -Double(k))) }
        }
        #expect(checked > 900_000)
    }

    /// Both digit widths (8 bits below 65,536 keys, 11 from there) against a stable
    /// comparison sort: keys with many ties, digits that vary only in some places (and across
    /// digit boundaries), the top bit set, and a fifth of the keys random in every bit. From
    /// 2¹⁷ keys each pass is cut into parts (1, 2, 3 and 5 of them here), the same result.
    @Test(arguments: [0, 1, 2, 3, 257, 65_535, 65_536, 70_001, 131_072, 300_001])
    func radixSortIsAStableSort(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 7)
        let keys = (0..<count).map { _ -> UInt64 in
            if rng.next() % 5 == 0 { return rng.next() }
            let tie = rng.next() % 97
            return (rng.next() % 3) << 62 | tie << 20 | (rng.next() % 2) << 7
        }
        let payload = (0..<count).map { Int32($0) }
        let expected: [Int32] = payload.sorted { a, b in
            keys[Int(a)] != keys[Int(b)] ? keys[Int(a)] < keys[Int(b)] : a < b
        }
        let expectedKeys: [UInt64] = expected.map { keys[Int($0)] }
        for threads in count >= RadixSort.parallelFrom ? [1, 2, 3, 5] : [Parallel.threads] {
            var (sortedKeys, sortedPayload) = (keys, payload)
            RadixSort.sort(keys: &sortedKeys, payload: &sortedPayload, threads: threads)
            // Compared to a flag: a failed expectation would otherwise print every element.
            let (samePayload, sameKeys) = (sortedPayload == expected, sortedKeys == expectedKeys)
            #expect(samePayload, "\(threads) parts")
            #expect(sameKeys, "\(threads) parts")
        }
    }

    /// A row's entries sorted by column, stably, values carried: by insertion and by key (rows
    /// up to 70,000 entries, columns up to 2³¹ − 1), and without values by the network (up to
    /// 16 entries), against a stable comparison sort.
    @Test(arguments: [
        (0, 1), (2, 1000), (5, 1000), (9, 1_000_000), (15, 3), (16, 1000), (16, Int(Int32.max)), (17, 1000), (40, 1000), (49, 1000),
        (600, 2000), (5000, 1_000_000), (70_000, 1_000_000), (3000, Int(Int32.max)),
    ])
    func rowSortIsAStableSort(count: Int, columns: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 11)
        // Columns repeat (duplicate referrals) so that stability shows in the values.
        let span = UInt64(max(1, min(columns, count / 2 + 1)))
        let original = (0..<count).map { _ in Int32(rng.next() % span) * Int32(columns / Int(span)) }
        let expected: [Int] = (0..<count).sorted { original[$0] != original[$1] ? original[$0] < original[$1] : $0 < $1 }
        let expectedColumns: [Int32] = expected.map { original[$0] }
        let expectedValues: [Double] = expected.map { Double($0) }
        var column = original
        var value = (0..<count).map { Double($0) }
        column.withUnsafeMutableBufferPointer { c in
            value.withUnsafeMutableBufferPointer { v in
                if count > 0 { RowSort.sort(c.baseAddress!, v.baseAddress!, count: count) }
            }
        }
        #expect(column == expectedColumns)
        #expect(value == expectedValues)
        var alone = original  // without values
        alone.withUnsafeMutableBufferPointer { c in
            if count > 0 { RowSort.sort(c.baseAddress!, nil, count: count) }
        }
        #expect(alone == expectedColumns)
    }

    /// The integer map holds what a dictionary holds, through its growth, for keys that differ
    /// only in their high bits (a trie node above a label) as well as random ones.
    @Test func integerMapMatchesADictionary() {
        var rng = SplitMix64(seed: 31)
        var map = IntegerMap()
        var dictionary: [Int64: Int32] = [:]
        var mismatches = 0
        for i in 0..<200_000 {
            let key: Int64 =
                i % 2 == 0 ? Int64(rng.next() % 5000) << 32 | Int64(rng.next() % 7) : Int64(rng.next() >> 1) % 1_000_000_007
            let candidate = Int32(dictionary.count)
            let (value, inserted) = map.value(of: key, insertingIfAbsent: candidate)
            if let held = dictionary[key] {
                if inserted || value != held { mismatches += 1 }
            } else {
                dictionary[key] = candidate
                if !inserted || value != candidate { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(map.count == dictionary.count)
        let missing = dictionary.filter { map.value(of: $0.key) != $0.value }.count
        #expect(missing == 0)
        #expect(map.value(of: 1_000_000_007) == nil)
    }

    /// The ledger sums each key's credit in the order it was added and lists keys by first use,
    /// as a scan of the additions does, for −1 (no channel), small keys and keys past 32 bits
    /// (a campaign's block of people).
    @Test func creditLedgerSumsByKeyInFirstUseOrder() {
        var rng = SplitMix64(seed: 13)
        var ledger = CreditLedger()
        var added: [(key: Int, credit: Credit)] = []
        for i in 0..<60_000 {
            let key =
                switch i % 3 {
                case 0: rng.below(8) - 1
                case 1: rng.below(40_000)
                default: (rng.below(5) + 1) << 33 | rng.below(1000)
                }
            let credit = Credit(conversions: Double(rng.below(1000)) / 7, value: Double(rng.below(100_000)) / 3)
            added.append((key, credit))
            ledger.add(key, credit)
        }
        var firstUse: [Int] = []
        var sums: [Int: Credit] = [:]
        for (key, credit) in added {
            if let held = sums[key] { sums[key] = held + credit } else { firstUse.append(key); sums[key] = credit }
        }
        #expect(ledger.keys == firstUse)
        let expected = firstUse.map { sums[$0]! }
        #expect(ledger.credit == expected)
        #expect(ledger.keys.contains(-1))
    }

    /// Shares written into a buffer kept from chain to chain (longer, then shorter) are those
    /// of a fresh array, for every chain model.
    @Test func sharesIntoAKeptBufferAreFreshShares() {
        var rng = SplitMix64(seed: 17)
        var buffer: [Double] = []
        var mismatches = 0
        let models: [AttributionModel] = [.lastTouch, .firstTouch, .linear, .position, .timeDecay]
        for _ in 0..<2000 {
            let model = models[rng.below(models.count)]
            let k = rng.below(9)
            let ages = (0..<k).map { _ in Double(rng.below(10_000_000)) }
            ConversionChains.shares(model, length: k, ages: ages, halfLife: 86_400, into: &buffer)
            let fresh = ConversionChains.shares(model, length: k, ages: ages, halfLife: 86_400)
            let kept = buffer
            if kept != fresh || kept.count != k { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// Every small list of generation sizes comes back equal to itself, shared or not: lists
    /// that differ only in a late generation, in a size past 255, or in having an eighth
    /// generation never come back as each other.
    @Test func generationShapesAreTheSizesGiven() {
        var rng = SplitMix64(seed: 41)
        var shapes = GenerationShapes()
        var mismatches: [[Int]] = []
        for _ in 0..<50_000 {
            let depth = rng.below(9)
            let sizes = [1] + (0..<depth).map { _ in rng.below(4) == 0 ? rng.below(600) : 1 + rng.below(3) }
            if shapes.array(sizes) != sizes { mismatches.append(sizes) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    /// The sorting network sorts every row of zeros and ones of every length up to 16, so it
    /// sorts every row of those lengths (the 0–1 principle), padding included.
    @Test func rowSortNetworkSortsEveryZeroOneRow() {
        var unsorted = 0
        var row = [Int32](repeating: 0, count: RowSort.networkLimit)
        for count in 1...RowSort.networkLimit {
            for mask in 0..<(1 << count) {
                for i in 0..<count { row[i] = Int32((mask >> i) & 1) }
                row.withUnsafeMutableBufferPointer { RowSort.network($0.baseAddress!, count: count) }
                let ones = mask.nonzeroBitCount
                if row[0..<count] != ArraySlice([Int32](repeating: 0, count: count - ones) + [Int32](repeating: 1, count: ones)) {
                    unsorted += 1
                }
            }
        }
        #expect(unsorted == 0)
    }

    @Test(arguments: 0..<10)
    func radixRankingEqualsComparisonRanking(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let n = 2000
        var people = Interner()
        // Short names, and from seed 5 names whose first eight bytes often agree ("user.123…").
        for i in 0..<n {
            var key = seed < 5 ? "p\((i * 7919) % n)" : "user.\((i * 7919) % n)@example.com"
            _ = key.withUTF8 { people.intern($0) }
        }
        let levels = [0.0, -0.0, 1e-300, 0.25, 0.5, 3, -2, 1e10]
        let score = (0..<n).map { _ in seed % 2 == 0 ? levels[Int(rng.next() % 8)] : Double(rng.next() % 50) / 7 }
        let authority: [Double]? = seed % 3 == 0 ? (0..<n).map { _ in Double(rng.next() % 3) } : nil
        let result = ScoreResult(
            options: ScoreOptions(), people: people, score: score, authority: authority,
            report: IterationReport(iterations: 1, residual: 0, converged: true), operatorKind: .sparse,
            edgeCount: 0, quality: DataQuality())
        #expect(result.radixRanking() == result.comparisonRanking())
    }

    @Test(arguments: [(UInt64(21), true), (UInt64(22), false)])
    func renumberedProductIsThePermutedProduct(seed: UInt64, weighted: Bool) throws {
        let bytes = randomExport(seed: seed, rows: 3000, people: 700, weighted: weighted)
        let graph = try readScoring(bytes, file: "r.csv", chunks: 1)
        let a = graph.forward
        let r = Renumbering(a)
        let n = a.rows
        let sortedOrder: [Int32] = r.order.sorted()
        #expect(sortedOrder == (0..<Int32(n)).map { $0 })
        for i in 0..<n { #expect(r.number[Int(r.order[i])] == Int32(i)) }
        let b = r.apply(a)
        #expect(b.count == a.count && b.values.storage == a.values.storage)
        // The matrix built during the walk is the one gathered row by row afterwards, for
        // each stored form of the values (none, Float, Double), and for no people at all.
        #expect(r.matrix == b)
        let fractional = CSRMatrix(rows: n, columns: n, rowStart: a.rowStart, column: a.column, value: a.value.map { $0 + 0.1 })
        #expect(Renumbering(fractional).matrix == Renumbering(fractional).apply(fractional))
        let empty = CSRMatrix(rows: 0, columns: 0, rowStart: [0], column: [], value: [])
        #expect(Renumbering(empty).matrix == empty)
        var rng = SplitMix64(seed: seed)
        let x = (0..<n).map { _ in Double(rng.next() % 1_000_003) / 997 }
        var y = [Double](repeating: 0, count: n), y2 = y
        let forward = AdjacencyOperator(forward: a, reverse: nil, kind: .sparse)
        let renumbered = AdjacencyOperator(forward: b, reverse: nil, kind: .sparse)
        let xr = r.forward(x)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { forward.apply(xp, into: $0) } }
        xr.withUnsafeBufferPointer { xp in y2.withUnsafeMutableBufferPointer { renumbered.apply(xp, into: $0) } }
        // Same terms in the same order in every row: the same bits, only permuted.
        #expect(r.back(y2) == y)
        // PageRank in the new numbering, mapped back, is PageRank.
        let inWeight = graph.inWeight
        let plain = Scores.pagerank(forward, inWeight: inWeight, damping: 0.85, personalization: nil, settings: IterationSettings())
        let moved = Scores.pagerank(
            renumbered, inWeight: r.forward(inWeight), damping: 0.85, personalization: nil, settings: IterationSettings())
        let back = r.back(moved.x)
        let gap = zip(plain.x, back).map { abs($0 - $1) }.max() ?? 0
        #expect(gap < 1e-15)
        #expect(moved.report.converged)
    }

    /// Each unknown id's suggestion is the first known id (in the table's order) whose key is
    /// its key, as a scan of every name through `NearMatch.key` finds it, in a table large
    /// enough to be searched in parts: near matches early and late, two known ids with the
    /// same key (the first wins), a non-ASCII id, and ids with no match.
    @Test func nearMatchesAreTheFirstEqualKeys() {
        var people = Interner(capacity: 16)
        var rng = SplitMix64(seed: 5)
        for k in 0..<150_000 {
            let name = rng.next() % 50 == 0 ? "Friend.\(k)@Example.com" : "p\(k)@example.com"
            _ = Array(name.utf8).withUnsafeBufferPointer { people.intern($0) }
        }
        for name in ["p7@Example.com", "josé.p@example.com", "p_149999@example.com"] {
            _ = Array(name.utf8).withUnsafeBufferPointer { people.intern($0) }
        }
        let unknown = [
            "P7@example.com", "p.149999@example.com", "friend42@example.com", "P0@EXAMPLE.COM", "nobody@example.com", "JOSE.P@example.com",
            "José.P@example.com", "p149999@example.com",
        ]
        let names = people.names
        let keys = names.map(NearMatch.key)
        let expected = unknown.map { id -> String in
            let wanted = NearMatch.key(id)
            guard let i = keys.firstIndex(of: wanted) else { return id }
            return "\(id) (did you mean \"\(names[i])\"?)"
        }
        let found = NearMatch.describe(unknown, among: people)
        #expect(found == expected)
        #expect(found.filter { $0.contains("did you mean") }.count >= 5)
    }

    /// The word-at-a-time reading of an id's leading letters and digits agrees with a byte
    /// by byte one, on ids of 0–12 bytes made of the bytes around each class's edges ('/' and
    /// ':' beside the digits, '@' and '[' beside the capitals, '`' and '{' beside the small
    /// letters), controls, DEL and bytes of non-ASCII characters.
    @Test func leadingAlphanumericsAreReadByteByByte() {
        var rng = SplitMix64(seed: 29)
        let alphabet: [UInt8] = [
            0x00, 0x09, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0x6D,
        ]
        var mismatches: [[UInt8]] = []
        for _ in 0..<20_000 {
            let bytes = (0..<rng.below(13)).map { _ in alphabet[rng.below(alphabet.count)] }
            let (lowered, leading) = bytes.withUnsafeBufferPointer { NearMatch.leadingAlphanumerics($0) }
            func alphanumeric(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
            let expected = min(8, bytes.prefix { alphanumeric($0) }.count)
            let readBytes = (0..<expected).map { UInt8(truncatingIfNeeded: lowered >> UInt64(8 * $0)) }
            let expectedBytes = bytes.prefix(expected).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            if leading != expected || readBytes != expectedBytes { mismatches.append(bytes) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func asciiNearMatchKeyEqualsTheGeneralKey() throws {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("aZ09._-+@ !~\t\"'AbCxyz".utf8)
        for _ in 0..<5000 {
            let bytes = (0..<Int(rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let id = String(decoding: bytes, as: UTF8.self)
            let key = Array(NearMatch.key(id).utf8)
            let same = bytes.withUnsafeBufferPointer { NearMatch.keyMatches($0, key) }
            let longer = bytes.withUnsafeBufferPointer { NearMatch.keyMatches($0, key + [0x7A]) }
            #expect(same == true && longer == false, "\(id)")
        }
        // The early-stopping comparison decides as the keys do, or defers for non-ASCII ids.
        let pieces = ["a", "Z", "0", "9", ".", "@", "-", "é", "K", "\u{212A}", "İ", "ß", "x", "1"]
        for _ in 0..<5000 {
            let id = (0..<Int(rng.next() % 10)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            let other = (0..<Int(rng.next() % 10)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            let wanted = Array(NearMatch.key(rng.next() % 3 == 0 ? id : other).utf8)
            let same = Array(NearMatch.key(id).utf8) == wanted
            let bytes = Array(id.utf8)
            let fast = bytes.withUnsafeBufferPointer { NearMatch.keyMatches($0, wanted) }
            #expect(fast == same || (fast == nil && bytes.contains { $0 >= 0x80 }), "\(id) against \(other)")
        }
        let accented = Array("José.Ávila@example.com".utf8)
        let accentedKey = Array(NearMatch.key("José.Ávila@example.com").utf8)
        #expect(accented.withUnsafeBufferPointer { NearMatch.keyMatches($0, accentedKey) } == nil)
    }

    /// The byte writer against Strings, on a random export and on a forest of 60,000 referrals
    /// whose leaves share a few scores (written in several parts, each repeating the text of
    /// the score before it).
    @Test(arguments: [false, true])
    func csvBytesEqualTheStringWriter(forest: Bool) throws {
        var bytes = randomExport(seed: 5, rows: 400)
        if forest {
            var text = "source,target\n"
            for i in 0..<60_000 { text += i < 20 ? "root,h\(i)\n" : "h\(i % 47 % 20),leaf\(i)\n" }
            bytes = Array(text.utf8)
        }
        let graph = try readScoring(bytes, file: "c.csv", options: ReadOptions(), chunks: 2)
        for algorithm in ScoreAlgorithm.allCases {
            let result = try graph.score(ScoreOptions(algorithm: algorithm, beta: 1e-4))
            // The plain writer: Strings, CSVText.appendField and Format.shortest.
            func reference(top: Int) -> String {
                var text = result.authority == nil ? "node,score,rank\n" : "node,hub,authority,rank\n"
                for (k, p) in result.comparisonRanking().prefix(top).enumerated() {
                    CSVText.appendField(result.people.name(p), to: &text)
                    text += "," + Format.shortest(result.score[Int(p)])
                    if let a = result.authority { text += "," + Format.shortest(a[Int(p)]) }
                    text += ",\(k + 1)\n"
                }
                return text
            }
            #expect(String(decoding: result.csvBytes(), as: UTF8.self) == reference(top: .max))
            #expect(result.csv(top: 7) == reference(top: 7))
        }
    }
}
