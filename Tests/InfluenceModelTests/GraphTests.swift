import Testing
import InfluenceModel

extension Interner {
    fileprivate mutating func intern(text: String) -> (index: Int32, isNew: Bool) {
        var text = text
        return text.withUTF8 { intern($0) }
    }
}

/// The position of entry (r, c) in a CSR matrix, found by a plain scan.
private func entry(_ m: CSRMatrix, _ r: Int, _ c: Int) -> Int? {
    (m.rowStart[r]..<m.rowStart[r + 1]).first { Int(m.column[$0]) == c }
}

private func parseEvents(_ text: String) throws -> ReferralEvents {
    try ReferralEvents.parse(bytes: Array(text.utf8), file: "g.csv")
}

// MARK: - Interner

struct InternerTests {
    @Test func denseIndicesInFirstAppearanceOrder() {
        var interner = Interner()
        let keys = ["b", "a", "b", "c", "a", "d", "c"]
        let results = keys.map { interner.intern(text: $0) }
        #expect(results.map(\.index) == [0, 1, 0, 2, 1, 3, 2])
        #expect(results.map(\.isNew) == [true, true, false, true, false, true, false])
        #expect(interner.count == 4)
        #expect(interner.names == ["b", "a", "c", "d"])
        #expect(interner.name(2) == "c")
    }

    @Test func lookupDoesNotAdd() {
        var interner = Interner()
        _ = interner.intern(text: "alice")
        _ = interner.intern(text: "bob")
        #expect(interner.index(of: "bob") == 1)
        #expect(interner.index(of: "alice") == 0)
        #expect(interner.index(of: "carol") == nil)
        #expect(interner.index(of: "Alice") == nil)
        #expect(interner.index(of: "alic") == nil)
        #expect(interner.index(of: "alicee") == nil)
        #expect(interner.count == 2)
        let bytes = Array("bob".utf8)
        #expect(bytes.withUnsafeBufferPointer { interner.index(of: $0) } == 1)
    }

    /// Long keys are matched by their bytes in the arena, which the slot points at: keys that
    /// share their first eight bytes and their length, keys past 255 bytes (whose tag caps the
    /// length) that differ only in length, through every doubling of the table and in a
    /// look-up of another table's keys on several threads.
    @Test func longKeysThatShareTheirStart() {
        var keys: [String] = []
        for length in [9, 16, 17, 31, 254, 255, 256, 300, 301] {
            for last in ["a", "b", "c"] { keys.append("p1234567" + String(repeating: "x", count: length - 9) + last) }
        }
        for k in 0..<70_000 { keys.append("person\(k)@example.com") }
        var interner = Interner(capacity: 4)
        let indices = keys.map { interner.intern(text: $0).index }
        #expect(indices == (0..<Int32(keys.count)).map { $0 })
        #expect(interner.names == keys)
        #expect(keys.indices.allSatisfy { interner.index(of: keys[$0]) == Int32($0) })
        // Same length and start as present keys but another last byte; past 255 bytes, a
        // length no key has (the tag's length is capped, so `offsets` must tell).
        let absent = [
            "p1234567" + String(repeating: "x", count: 246) + "d", "p1234567" + String(repeating: "x", count: 293) + "a",
            "person70000@example.com", "person1@example.co",
        ]
        #expect(absent.allSatisfy { interner.index(of: $0) == nil })
        var other = Interner()
        let asked = absent + keys.reversed()
        for key in asked { _ = other.intern(text: key) }
        let map = interner.indices(of: other, threads: 3)
        let position = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, Int32($0.offset)) })
        let expected: [Int32] = asked.map { position[$0] ?? -1 }
        #expect(map == expected)
    }

    /// The triple builder against a dictionary: rows in order, each row's columns ascending,
    /// repeated pairs summed in input order, and `merge` told each stored entry's input
    /// positions in input order; with a hub row longer than the short-run sort, and empty rows.
    @Test(arguments: 0..<6)
    func tripleBuilderMatchesADictionary(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = 50
        let m = 2000
        var row: [Int32] = [], column: [Int32] = [], value: [Double] = []
        for _ in 0..<m {
            row.append(rng.next() % 3 == 0 ? 7 : Int32(rng.next() % UInt64(n - 10)))
            column.append(Int32(rng.next() % UInt64(rng.next() % 2 == 0 ? 5 : n)))
            value.append(Double(rng.next() % 1000) / 8)
        }
        var merged: [(Int, [Int])] = []
        let a = CSRMatrix(rows: n, columns: n, row: row, column: column, value: value) { entry, positions in
            merged.append((entry, Array(positions)))
        }
        var positions: [Int64: [Int]] = [:]
        for p in 0..<m { positions[Int64(row[p]) << 32 | Int64(column[p]), default: []].append(p) }
        let keys = positions.keys.sorted()
        let expectedColumns: [Int32] = keys.map { Int32($0 & 0xFFFF_FFFF) }
        let expectedValues: [Double] = keys.map { k in positions[k]!.reduce(0.0) { $0 + value[$1] } }
        var expectedStart = [Int](repeating: 0, count: n + 1)
        for k in keys { expectedStart[Int(k >> 32) + 1] += 1 }
        for r in 0..<n { expectedStart[r + 1] += expectedStart[r] }
        #expect(a.rowStart == expectedStart)
        #expect(a.column == expectedColumns)
        #expect(a.value == expectedValues)
        #expect(merged.map(\.0) == Array(0..<keys.count))
        #expect(merged.map(\.1) == keys.map { positions[$0]! })
    }

    @Test func nonASCIIKeysAreBytes() {
        var interner = Interner()
        let keys = ["Zoë", "Zoe\u{308}", "日本", "🙂", "zoë", "Zoë"]
        let indices = keys.map { interner.intern(text: $0).index }
        // Precomposed and decomposed ë are different byte strings, so different people.
        #expect(indices == [0, 1, 2, 3, 4, 0])
        #expect(interner.names == ["Zoë", "Zoe\u{308}", "日本", "🙂", "zoë"])
        #expect(interner.index(of: "🙂") == 3)
    }

    @Test func emptyKey() {
        var interner = Interner()
        #expect(interner.index(of: "") == nil)
        #expect(interner.intern(text: "x").index == 0)
        let empty = interner.intern(text: "")
        #expect(empty.index == 1)
        #expect(empty.isNew)
        #expect(interner.intern(text: "").isNew == false)
        #expect(interner.index(of: "") == 1)
        #expect(interner.name(1) == "")
        #expect(interner.intern(text: "y").index == 2)
        #expect(interner.names == ["x", "", "y"])
    }

    @Test func precedesIsByteOrder() {
        var interner = Interner()
        let keys = ["b", "a", "ab", "", "B", "é", "z"]
        for k in keys { _ = interner.intern(text: k) }
        let sorted = (0..<Int32(keys.count)).sorted { interner.precedes($0, $1) }.map { interner.name($0) }
        let expected = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(sorted == expected)
        #expect(expected == ["", "B", "a", "ab", "b", "z", "é"])
    }

    /// Tens of thousands of keys (many repeated, with shared prefixes, empty and non-ASCII ones),
    /// compared with a Swift Dictionary built in the same order.
    @Test(arguments: [1, 1024, 100_000])
    func growthMatchesDictionary(capacity: Int) {
        var rng = SplitMix64(seed: 0xD1C7 &+ UInt64(capacity))
        let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyz0123456789-_ éß日🙂")
        var pool: [String] = []
        for k in 0..<40_000 {
            switch k % 4 {
            case 0: pool.append("user-\(k)")  // long shared prefix
            case 1: pool.append(sixDigits(k) + "@example.com")
            default:
                let length = Int.random(in: 0...24, using: &rng)
                pool.append(String((0..<length).map { _ in alphabet.randomElement(using: &rng)! }))
            }
        }
        var interner = Interner(capacity: capacity)
        var reference: [String: Int32] = [:]
        var order: [String] = []
        var mismatches = 0
        for _ in 0..<90_000 {
            let key = pool.randomElement(using: &rng)!
            let expectedIndex: Int32
            let expectedNew: Bool
            if let known = reference[key] {
                expectedIndex = known
                expectedNew = false
            } else {
                expectedIndex = Int32(order.count)
                expectedNew = true
                reference[key] = expectedIndex
                order.append(key)
            }
            let got = interner.intern(text: key)
            if got.index != expectedIndex || got.isNew != expectedNew {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(key): got \(got), expected (\(expectedIndex), \(expectedNew))") }
            }
        }
        #expect(mismatches == 0)
        #expect(interner.count == reference.count)
        #expect(reference.count > 20_000)
        #expect(interner.names == order)
        var lookups = 0
        for key in pool where interner.index(of: key) != reference[key] { lookups += 1 }
        #expect(lookups == 0)
    }
}

/// A six-digit zero-padded number, without Foundation.
private func sixDigits(_ k: Int) -> String {
    let s = String(k)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
}

// MARK: - CSR matrices

struct CSRMatrixTests {
    /// rows [2,0,2,0,1,2], columns [1,3,1,0,2,0], values [1,2,3,4,5,6] on a 3×4 matrix, with
    /// the input positions merged into each entry.
    static func sampleWithMerges() -> (matrix: CSRMatrix, merges: [Int: [Int]]) {
        var merges: [Int: [Int]] = [:]
        let m = CSRMatrix(rows: 3, columns: 4, row: [2, 0, 2, 0, 1, 2], column: [1, 3, 1, 0, 2, 0], value: [1, 2, 3, 4, 5, 6]) {
            e, positions in
            merges[e] = Array(positions)
        }
        return (m, merges)
    }

    static func sample() -> CSRMatrix { sampleWithMerges().matrix }

    @Test func duplicatesSummedColumnsAscending() {
        let (m, merges) = Self.sampleWithMerges()
        // Row 0: (0, 4), (3, 2); row 1: (2, 5); row 2: (0, 6), (1, 1 + 3).
        #expect(m.rowStart == [0, 2, 3, 5])
        #expect(m.column == [0, 3, 2, 0, 1])
        #expect(m.value == [4, 2, 5, 6, 4])
        #expect(m.count == 5)
        #expect(m.rows == 3)
        #expect(m.columns == 4)
        let expectedMerges: [Int: [Int]] = [0: [3], 1: [1], 2: [4], 3: [5], 4: [0, 2]]
        #expect(merges == expectedMerges)
    }

    @Test func transposeByHand() {
        let t = Self.sample().transposed()
        #expect(t.rows == 4)
        #expect(t.columns == 3)
        #expect(t.rowStart == [0, 2, 3, 4, 5])
        #expect(t.column == [0, 2, 2, 1, 0])
        #expect(t.value == [4, 6, 4, 5, 2])
    }

    @Test func transposedTwiceIsOriginal() {
        let m = Self.sample()
        #expect(m.transposed().transposed() == m)
        #expect(m.transposed() != m)
    }

    @Test func rowSumsAndRows() {
        let m = Self.sample()
        #expect(m.rowSums() == [6, 5, 10])
        #expect(m.transposed().rowSums() == [10, 4, 5, 2])
        let row2 = Array(m.row(2))
        #expect(row2.map(\.0) == [0, 1])
        #expect(row2.map(\.1) == [6, 4])
        #expect(!m.isUnweighted)
        let ones = CSRMatrix(rows: 2, columns: 2, row: [0, 1], column: [1, 0], value: [1, 1])
        #expect(ones.isUnweighted)
        // Merging two unit entries gives weight 2.
        let merged = CSRMatrix(rows: 2, columns: 2, row: [0, 0], column: [1, 1], value: [1, 1])
        #expect(!merged.isUnweighted)
        #expect(merged.value == [2])
    }

    /// Without weights a graph's values are its pairs' row counts, written as `Float`s: the
    /// same matrix, storage included, as the checked init makes of them as doubles.
    @Test func unweightedGraphValuesAreTheCompactCounts() throws {
        let repeated = ReferralGraph(events: try HandExample.referrals("source,target\na,b\nb,c\na,b\nc,a\na,b\nb,c\n"))
        let counts: [Double] = [3, 2, 1]
        #expect(repeated.forward == CSRMatrix(rows: 3, columns: 3, rowStart: [0, 1, 2, 3], column: [1, 2, 0], value: counts))
        #expect(repeated.forward.value == counts)
        let single = ReferralGraph(events: try HandExample.referrals("source,target\na,b\nb,c\n"))
        let ones: [Double] = [1, 1]
        #expect(single.forward == CSRMatrix(rows: 3, columns: 3, rowStart: [0, 1, 2, 2], column: [1, 2], value: ones))
        #expect(single.forward.isUnweighted)
        let weighted = ReferralGraph(events: try HandExample.referrals("source,target,weight\na,b,0.1\na,b,0.2\n"))
        let sum: [Double] = [0.1 + 0.2]
        #expect(weighted.forward == CSRMatrix(rows: 2, columns: 2, rowStart: [0, 1, 1], column: [1], value: sum))
    }

    @Test func emptyMatrixAndEmptyRows() {
        let empty = CSRMatrix(rows: 3, columns: 3, row: [], column: [], value: [])
        #expect(empty.rowStart == [0, 0, 0, 0])
        #expect(empty.count == 0)
        #expect(empty.rowSums() == [0, 0, 0])
        #expect(empty.transposed() == empty)
        let sparse = CSRMatrix(rows: 4, columns: 4, row: [3], column: [0], value: [2.5])
        #expect(sparse.rowStart == [0, 0, 0, 0, 1])
        #expect(sparse.transposed().rowStart == [0, 1, 1, 1, 1])
        #expect(sparse.transposed().column == [3])
    }

    /// Random edge lists with many repeats: CSR construction against a naive dictionary of pairs.
    @Test(arguments: 0..<12)
    func matchesNaiveBuild(seed: Int) {
        var rng = SplitMix64(seed: 0xC5A0 &+ UInt64(seed) &* 7919)
        let rows = Int.random(in: 1...40, using: &rng)
        let columns = seed % 3 == 0 ? rows : Int.random(in: 1...40, using: &rng)
        let m = Int.random(in: 0...600, using: &rng)
        // A small id range for some seeds makes repeats common.
        let rowRange = seed % 2 == 0 ? min(rows, 5) : rows
        var r: [Int32] = [], c: [Int32] = [], v: [Double] = []
        for _ in 0..<m {
            r.append(Int32(Int.random(in: 0..<rowRange, using: &rng)))
            c.append(Int32(Int.random(in: 0..<columns, using: &rng)))
            v.append(seed % 4 == 1 ? Double(Int.random(in: 1...5, using: &rng)) : Double.random(in: 0...10, using: &rng))
        }
        struct Pair: Hashable { var r: Int32, c: Int32 }
        var sums: [Pair: Double] = [:]
        var positions: [Pair: [Int]] = [:]
        for k in 0..<m {
            let p = Pair(r: r[k], c: c[k])
            sums[p, default: 0] += v[k]
            positions[p, default: []].append(k)
        }
        var merges: [Int: [Int]] = [:]
        let csr = CSRMatrix(rows: rows, columns: columns, row: r, column: c, value: v) { e, ps in
            #expect(merges[e] == nil)
            merges[e] = Array(ps)
        }
        #expect(csr.count == sums.count)
        #expect(csr.rowStart.count == rows + 1)
        #expect(csr.rowStart.first == 0)
        #expect(csr.rowStart.last == sums.count)
        for row in 0..<rows {
            let expected = sums.keys.filter { Int($0.r) == row }.map(\.c).sorted()
            let got = Array(csr.column[csr.rowStart[row]..<csr.rowStart[row + 1]])
            #expect(got == expected, "row \(row)")
            for e in csr.rowStart[row]..<csr.rowStart[row + 1] {
                let p = Pair(r: Int32(row), c: csr.column[e])
                #expect(csr.value[e] == sums[p])
                #expect(merges[e] == positions[p])
            }
            let rowSum = sums.filter { Int($0.key.r) == row }.values.reduce(0, +)
            #expect(abs(csr.rowSums()[row] - rowSum) <= 1e-9 * max(1, rowSum))
        }
        #expect(merges.count == sums.count)
        let t = csr.transposed()
        #expect(t.rows == columns)
        #expect(t.columns == rows)
        for col in 0..<columns {
            let expected = sums.keys.filter { Int($0.c) == col }.map(\.r).sorted()
            #expect(Array(t.column[t.rowStart[col]..<t.rowStart[col + 1]]) == expected)
            for e in t.rowStart[col]..<t.rowStart[col + 1] {
                #expect(t.value[e] == sums[Pair(r: t.column[e], c: Int32(col))])
            }
        }
        #expect(t.transposed() == csr)
    }
}

// MARK: - Referral graph

struct ReferralGraphTests {
    @Test func mergedDuplicatesKeepEarliestTimestampAndItsRow() throws {
        let text = """
            source,target,weight,timestamp,channel
            a,b,1,2025-03-05,email
            a,b,2,2025-03-04,sms
            b,c,1,,
            a,b,4,2025-03-04,link
            c,a,1,2025-03-01,
            b,c,3,2025-03-02,fb

            """
        let events = try parseEvents(text)
        let graph = ReferralGraph(events: events)
        #expect(graph.nodeCount == 3)
        #expect(graph.edgeCount == 3)
        #expect(graph.quality.mergedDuplicates == 3)
        let a: Int32 = 0, b: Int32 = 1, c: Int32 = 2
        #expect(graph.people.names == ["a", "b", "c"])
        let ab = try #require(entry(graph.forward, Int(a), Int(b)))
        let bc = try #require(entry(graph.forward, Int(b), Int(c)))
        let ca = try #require(entry(graph.forward, Int(c), Int(a)))
        #expect(graph.forward.value[ab] == 7)
        #expect(graph.forward.value[bc] == 4)
        #expect(graph.forward.value[ca] == 1)
        // a→b: rows 1 and 3 tie on 2025-03-04 (earlier than row 0); the first in input order wins.
        #expect(graph.edgeRow[ab] == 1)
        // b→c: row 2 has no timestamp; the timed row 5 wins.
        #expect(graph.edgeRow[bc] == 5)
        #expect(graph.edgeRow[ca] == 4)
        let times = try #require(graph.edgeTimestamps(in: events))
        let day = 86_400.0
        let march4 = 1_741_079_700.0 - 9 * 3600 - 15 * 60
        #expect(times[ab] == march4)
        #expect(times[bc] == march4 - 2 * day)
        #expect(times[ca] == march4 - 3 * day)
        // The kept row's channel is the edge's channel.
        let channel = try #require(events.channel)
        #expect(events.channels.name(channel[Int(graph.edgeRow[ab])]) == "sms")
        #expect(events.channels.name(channel[Int(graph.edgeRow[bc])]) == "fb")
    }

    @Test func reverseIsTheTranspose() throws {
        let graph = ReferralGraph(events: try parseEvents("source,target,weight\na,b,2\na,c,3\nc,b,5\na,b,1\n"))
        #expect(graph.reverse == graph.forward.transposed())
        // b is referred by a (2 + 1) and c (5).
        let b = 1
        #expect(graph.reverse.rowSums()[b] == 8)
        #expect(graph.forward.rowSums() == [6, 0, 5])
        #expect(graph.inWeight == [0, 8, 3])
    }

    /// The weight into each person without the transpose: the transpose's row sums, bit for
    /// bit, on weights whose sums depend on the order they are added in.
    @Test func inWeightIsTheTransposesRowSums() throws {
        var rng = SplitMix64(seed: 11)
        var text = "source,target,weight\n"
        for _ in 0..<4000 { text += "u\(rng.below(300)),u\(rng.below(300)),\(rng.below(1000)).\(rng.below(1000))e\(rng.below(9) - 4)\n" }
        let graph = ReferralGraph(events: try parseEvents(text))
        let sums = graph.reverse.rowSums()
        #expect(graph.inWeight.map(\.bitPattern) == sums.map(\.bitPattern))
        // The order matters for these weights: adding each person's in reverse differs somewhere.
        let t = graph.forward.transposed()
        let backwards = (0..<t.rows).map { r in (t.rowStart[r]..<t.rowStart[r + 1]).reversed().reduce(0.0) { $0 + t.value[$1] } }
        #expect(backwards.map(\.bitPattern) != sums.map(\.bitPattern))
    }

    @Test func untimedRowFirstThenTimed() throws {
        let events = try parseEvents("source,target,time\nx,y,\nx,y,2025-03-04\nx,y,\n")
        let graph = ReferralGraph(events: events)
        #expect(graph.edgeRow == [1])
        #expect(graph.edgeTimestamps(in: events) == [1_741_079_700.0 - 33_300])
        #expect(graph.quality.mergedDuplicates == 2)
    }

    @Test func timedRowFirstThenUntimed() throws {
        let events = try parseEvents("source,target,time\nx,y,2025-03-04\nx,y,\n")
        let graph = ReferralGraph(events: events)
        #expect(graph.edgeRow == [0])
        #expect(graph.edgeTimestamps(in: events) == [1_741_079_700.0 - 33_300])
    }

    @Test func allUntimedKeepsTheFirstRow() throws {
        let events = try parseEvents("source,target,time\nx,y,\nx,y,\n")
        let graph = ReferralGraph(events: events)
        #expect(graph.edgeRow == [0])
        let times = try #require(graph.edgeTimestamps(in: events))
        #expect(times.count == 1)
        #expect(times[0].isNaN)
    }

    @Test func withoutTimestampColumnKeepsTheFirstRow() throws {
        let events = try parseEvents("source,target\nq,r\nr,q\nq,r\n")
        let graph = ReferralGraph(events: events)
        #expect(graph.edgeTimestamps(in: events) == nil)
        let qr = try #require(entry(graph.forward, 0, 1))
        let rq = try #require(entry(graph.forward, 1, 0))
        #expect(graph.edgeRow[qr] == 0)
        #expect(graph.edgeRow[rq] == 1)
        #expect(graph.quality.mergedDuplicates == 1)
    }

    @Test func noReferralsRefused() throws {
        let events = try parseEvents("source,target\nx,x\ny,y\n")
        #expect(throws: InputError.self) { _ = try ReferralGraph(checking: events) }
        do {
            _ = try ReferralGraph(checking: events)
        } catch {
            guard case .noReferrals(let file, let detail) = error else {
                Issue.record("expected noReferrals, got \(error)")
                return
            }
            #expect(file == "g.csv")
            #expect(detail.contains("2 self-referral rows"))
        }
    }

    /// An export past the size where the rows are bucketed in two chunks on two threads
    /// (300,000 rows: repeated pairs, weights, untimed rows and equal times): the same matrix,
    /// kept rows and times as the general builder merging while it sorts.
    @Test func largeBuildMatchesTheGeneralBuilder() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var text = "source,target,timestamp,weight\n"
        for _ in 0..<300_000 {
            let s = rng.below(40_000), t = rng.below(40_000)
            let time = rng.below(10) == 0 ? "" : "2024-03-0\(1 + rng.below(3))T00:00:00Z"
            text += "p\(s),p\(rng.below(3) == 0 ? s + 1 : t),\(time),\(1 + rng.below(4)).\(rng.below(10))\n"
        }
        let events = try parseEvents(text)
        #expect(events.count > 250_000 && events.count >= 1 << 18)
        let graph = ReferralGraph(events: events)
        var rows: [Int32] = []
        var times: [Double] = []
        let timestamps = try #require(events.timestamp)
        let general = CSRMatrix(
            rows: events.people.count, columns: events.people.count, row: events.source, column: events.target, value: events.weight
        ) { _, group in
            var best = group.first!
            for r in group.dropFirst() where timestamps[r] < timestamps[best] || (timestamps[best].isNaN && !timestamps[r].isNaN) {
                best = r
            }
            rows.append(Int32(best))
            times.append(timestamps[best])
        }
        #expect(graph.forward == general)
        let edgeTimes = try #require(graph.edgeTimestamps(in: events))
        #expect(graph.edgeRow.count == rows.count && edgeTimes.count == times.count)
        let rowsDiffering = zip(graph.edgeRow, rows).filter { $0 != $1 }.count
        let timesDiffering = zip(edgeTimes, times).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(rowsDiffering == 0 && timesDiffering == 0, "kept rows: \(rowsDiffering) differ; times: \(timesDiffering)")
        #expect(graph.quality.mergedDuplicates == events.count - general.count && general.count < events.count)
    }

    /// Random referral exports: the graph's edges, weights, kept rows and timestamps against a
    /// naive build over the parsed columns.
    @Test(arguments: 0..<8)
    func matchesNaiveBuild(seed: Int) throws {
        var rng = SplitMix64(seed: 0x6EA9 &+ UInt64(seed))
        let people = Int.random(in: 2...25, using: &rng)
        var text = "source,target,weight,timestamp\n"
        for _ in 0..<Int.random(in: 1...300, using: &rng) {
            let s = Int.random(in: 0..<people, using: &rng)
            let t = Int.random(in: 0..<people, using: &rng)
            let w = Int.random(in: 0...4, using: &rng)
            // Few distinct days, so ties are common; some rows untimed.
            let time = Int.random(in: 0..<4, using: &rng) == 0 ? "" : "2025-01-0\(Int.random(in: 1 ... 3, using: &rng))"
            text += "p\(s),p\(t),\(w),\(time)\n"
        }
        let events = try parseEvents(text)
        let graph = ReferralGraph(events: events)
        let times = try #require(events.timestamp)
        struct Pair: Hashable { var s: Int32, t: Int32 }
        var weight: [Pair: Double] = [:]
        var kept: [Pair: Int] = [:]
        for k in 0..<events.count {
            let p = Pair(s: events.source[k], t: events.target[k])
            weight[p, default: 0] += events.weight[k]
            if let best = kept[p] {
                let better = times[best].isNaN ? !times[k].isNaN : times[k] < times[best]
                if better { kept[p] = k }
            } else {
                kept[p] = k
            }
        }
        #expect(graph.edgeCount == weight.count)
        #expect(graph.quality.mergedDuplicates == events.count - weight.count)
        let edgeTimes = try #require(graph.edgeTimestamps(in: events))
        for (p, w) in weight {
            let e = try #require(entry(graph.forward, Int(p.s), Int(p.t)))
            #expect(graph.forward.value[e] == w)
            #expect(Int(graph.edgeRow[e]) == kept[p])
            let expectedTime = times[kept[p]!]
            #expect(edgeTimes[e] == expectedTime || (edgeTimes[e].isNaN && expectedTime.isNaN))
            #expect(entry(graph.reverse, Int(p.t), Int(p.s)) != nil)
        }
        #expect(graph.reverse == graph.forward.transposed())
    }

    /// The repeated-row count of readers that build no graph, against a set of pairs: exports
    /// where most people are referred once (the count sorts only the rows of people referred
    /// more than once) and exports where everyone is referred often (it buckets every row),
    /// including none repeated at all and a single row.
    @Test(arguments: 0..<12)
    func repeatedRowsMatchASetOfPairs(seed: Int) throws {
        var rng = SplitMix64(seed: 0x5E7 &+ UInt64(seed))
        let rows = seed == 0 ? 1 : Int.random(in: 2...4000, using: &rng)
        // Seeds 0–5: targets mostly new people (a forest with a few repeats); 6–11: few people.
        let people = seed < 6 ? 4 * rows : Int.random(in: 2...60, using: &rng)
        var text = "source,target\n"
        for r in 0..<rows {
            let s = Int.random(in: 0..<people, using: &rng)
            var t = seed < 6 ? people + r : Int.random(in: 0..<people, using: &rng)
            if seed < 6, seed % 3 != 1, r > 0, Int.random(in: 0..<10, using: &rng) == 0 {
                t = people + Int.random(in: 0..<r, using: &rng)  // referred again, maybe by the same person
            }
            text += "p\(s),p\(t == s ? t + 1 : t)\n"
            if seed < 6, seed % 3 == 2, Int.random(in: 0..<20, using: &rng) == 0 { text += "p\(s),p\(t == s ? t + 1 : t)\n" }
        }
        let events = try parseEvents(text)
        struct Pair: Hashable { var s: Int32, t: Int32 }
        let distinct = Set((0..<events.count).map { Pair(s: events.source[$0], t: events.target[$0]) })
        #expect(ReferralGraph.repeatedRows(in: events) == events.count - distinct.count)
        #expect(ReferralGraph(events: events).quality.mergedDuplicates == events.count - distinct.count)
    }
}
