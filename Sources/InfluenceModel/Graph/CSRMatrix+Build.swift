import CPrefetch

/// Referral pairs as one chunk of a file read them: indices into the chunk's own interner,
/// turned into the file's numbering by `map` (empty: already the file's).
struct PairColumns: Sendable {
    var source: [Int32]
    var target: [Int32]
    /// Per row; `nil` when the file has no weight column (every weight 1).
    var weight: [Double]?
    var map: [Int32]

    var count: Int { source.count }

    /// All rows as one chunk in the file's numbering, sharing the arrays' storage (no copy):
    /// the bucketing cuts its chunks into pieces for the threads itself. With `positions`,
    /// each row's input position rides through it as the row's weight.
    static func whole(source: [Int32], target: [Int32], positions: Bool = false) -> [PairColumns] {
        [PairColumns(source: source, target: target, weight: positions ? (0..<source.count).map { Double($0) } : nil, map: [])]
    }
}

extension CSRMatrix {
    /// Builds the `n`×`n` adjacency of referral pairs read in chunks, summing repeated pairs.
    ///
    /// The result is entry for entry the `CSRMatrix(rows:columns:row:column:value:)` of the
    /// chunks' rows concatenated in order: columns ascending within a row, a repeated pair's
    /// weights added in input order. Rows are bucketed by a stable counting sort (`bucket`:
    /// pieces of the chunks move their entries on several threads, each to its own slots, so
    /// input order is kept), then each row is sorted by column, stably, on its own.
    /// - Parameter pieceLength: the length of the pieces the chunks are cut into for the
    ///   threads (`nil`: several for each thread); the same matrix for any.
    /// - Returns: the matrix and the number of rows merged into earlier pairs.
    /// - Complexity: O(n + rows) expected, plus a sort of each row.
    static func build(people n: Int, chunks: [PairColumns], pieceLength: Int? = nil) -> (matrix: CSRMatrix, merged: Int) {
        let (rowStart, column, value) = bucket(people: n, chunks: chunks, pieceLength: pieceLength)
        // Handed over, not shared: the rows are sorted in these arrays rather than in copies.
        return sortAndMerge(people: n, rowStart: rowStart, column: consume column, value: consume value)
    }

    /// The number of rows of `chunks` that repeat an earlier pair: what `build` merges, by
    /// the same bucketing and row sort without making the matrix.
    static func repeatedPairs(people n: Int, chunks: [PairColumns]) -> Int {
        var (rowStart, column, _) = bucket(
            people: n, chunks: chunks.map { PairColumns(source: $0.source, target: $0.target, weight: nil, map: $0.map) })
        var empty: [Double] = []
        let unique = sortRows(people: n, rowStart: rowStart, column: &column, value: &empty, weighted: false)
        rowStart = []
        return column.count - unique.reduce(0, +)
    }

    /// Referral rows bucketed by source and each row sorted by target (stably), with each
    /// entry's input position: `position[e]` is the row (0-based, in input order) that entry
    /// e came from, and within a row equal targets keep their input order. `unique[r]` counts
    /// row r's distinct targets. Sources and targets must lie in 0..<n (checked by the caller).
    /// - Complexity: O(n + rows) expected, plus a sort of each row.
    static func rowsWithPositions(people n: Int, source: [Int32], target: [Int32]) -> (
        rowStart: [Int], column: [Int32], position: [Double], unique: [Int]
    ) {
        let chunks = PairColumns.whole(source: source, target: target, positions: true)
        let (rowStart, bucketed, values) = bucket(people: n, chunks: chunks)
        var column = bucketed
        var position = values ?? []
        let unique = sortRows(people: n, rowStart: rowStart, column: &column, value: &position, weighted: true)
        return (rowStart, column, position, unique)
    }

    /// Each chunk's rows bucketed by source (renumbered through the chunk's map) in input
    /// order: row r's columns are `column[rowStart[r] ..< rowStart[r + 1]]`, with their
    /// weights in `value` when a chunk has any.
    ///
    /// A counting sort in two passes, so that neither scatters at random over all rows: the
    /// first moves each entry, stably, to its block of 2^`shift` consecutive rows (a few
    /// hundred blocks, each written front to back), the second sorts each block by row with
    /// counters and a destination that fit in a core's cache. In a block, the entries of chunk
    /// 0 come first, in input order, then chunk 1's: the order of one pass over the chunks.
    private static func bucket(people n: Int, chunks: [PairColumns], pieceLength: Int? = nil) -> (
        rowStart: [Int], column: [Int32], value: [Double]?
    ) {
        let weighted = chunks.contains { $0.weight != nil }
        let total = chunks.reduce(0) { $0 + $1.count }
        precondition(total < Int(Int32.max), "CSRMatrix.build: \(total) rows")
        let k = chunks.count
        // About a thousand blocks (up to 2¹⁶ rows in each, so that a row within its block is
        // 16 bits; beyond 67M people, more blocks); at least 4,096 rows in each.
        let shift = min(16, max(12, (Int.bitWidth - n.leadingZeroBitCount) - 10))
        let blocks = max(1, (n + (1 << shift) - 1) >> shift)
        func row(_ chunk: PairColumns, _ m: UnsafeBufferPointer<Int32>, _ i: Int) -> Int {
            let s = Int(chunk.source[i])
            return m.isEmpty ? s : Int(m[s])
        }
        // A later chunk's people are mapped to the table's through `map`, read at random: its
        // entries for the pair `lookahead` rows on are fetched early (hints, which change no
        // result). At 100M referrals the map is 40 MB, past the cache, and the two passes
        // below waited on it at nearly every entry.
        let lookahead = 16
        @inline(__always) func ahead(_ chunk: PairColumns, _ m: UnsafeBufferPointer<Int32>, _ i: Int, columns: Bool) {
            guard i &+ lookahead < chunk.count, let base = m.baseAddress else { return }
            let s = Int(chunk.source[i &+ lookahead]), t = Int(chunk.target[i &+ lookahead])
            if s >= 0, s < m.count { influence_prefetch(base + s) }
            if columns, t >= 0, t < m.count { influence_prefetch(base + t) }
        }
        // The chunks cut into pieces of about equal length, in input order, several for each
        // thread: a later chunk's entries cost more (read through its map) and the threads
        // take pieces as they finish, so neither waits for the other at the end of a pass.
        let pieceLength = max(1, pieceLength ?? max(1 << 16, total / (4 * Parallel.threads) + 1))
        var pieces: [(chunk: Int, rows: Range<Int>)] = []
        for c in 0..<k {
            for range in Parallel.ranges(chunks[c].count, parts: (chunks[c].count + pieceLength - 1) / pieceLength) {
                pieces.append((c, range))
            }
        }
        let pieceCount = pieces.count
        // Pass 1a: each piece's entries per block (piece p's counts at p·blocks ..< (p + 1)·blocks).
        var cursor = [Int](repeating: 0, count: pieceCount * blocks)
        cursor.withUnsafeMutableBufferPointer { all in
            let slots = SharedBuffer(all)
            Parallel.forEach(pieceCount) { p in
                let l = slots.base + p * blocks
                let chunk = chunks[pieces[p].chunk]
                chunk.map.withUnsafeBufferPointer { m in
                    for i in pieces[p].rows {
                        if !m.isEmpty { ahead(chunk, m, i, columns: false) }
                        l[row(chunk, m, i) >> shift] &+= 1
                    }
                }
            }
        }
        // Where each block starts, and each piece's first slot in it.
        var blockStart = [Int](repeating: 0, count: blocks + 1)
        var sum = 0
        for b in 0..<blocks {
            blockStart[b] = sum
            for p in 0..<pieceCount {
                let count = cursor[p * blocks + b]
                cursor[p * blocks + b] = sum
                sum += count
            }
        }
        blockStart[blocks] = sum
        // Pass 1b: each piece moves its entries (row within the block, mapped column, weight)
        // to its slots of their blocks; every slot is written once, the cursors running
        // through the counts. The columns and weights go straight into the arrays the matrix
        // keeps, where pass 2 orders each block in place: no second array of either is made.
        let rowMask = (1 << shift) - 1
        let rowOf = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: total)
        defer { rowOf.deallocate() }
        HugePages.advise(UnsafeMutableRawBufferPointer(rowOf))
        var value: [Double] = []
        var column = HugePages.uninitialized(Int32.self, count: total) { columnOf in
            value = HugePages.uninitialized(Double.self, count: weighted ? total : 0) { valueOf in
                cursor.withUnsafeMutableBufferPointer { all in
                    let (slots, rows, columns, values) = (
                        SharedBuffer(all), SharedBuffer(rowOf), SharedBuffer(columnOf), SharedBuffer(valueOf)
                    )
                    Parallel.forEach(pieceCount) { p in
                        let next = slots.base + p * blocks
                        let chunk = chunks[pieces[p].chunk]
                        chunk.map.withUnsafeBufferPointer { m in
                            for i in pieces[p].rows {
                                if !m.isEmpty { ahead(chunk, m, i, columns: true) }
                                let r = row(chunk, m, i)
                                let at = next[r >> shift]
                                next[r >> shift] = at &+ 1
                                rows[at] = UInt16(truncatingIfNeeded: r & rowMask)
                                let t = chunk.target[i]
                                columns[at] = m.isEmpty ? t : m[Int(t)]
                                if weighted { values[at] = chunk.weight?[i] ?? 1 }
                            }
                        }
                    }
                }
            }
        }
        // Pass 2: each block counted and placed by row, blocks shared out by their entries.
        // A block's entries stay in its own range: they are copied aside (a block's worth,
        // in cache) and written back in row order.
        var rowStart = [Int](repeating: 0, count: n + 1)
        rowStart[n] = total
        let parts = Parallel.blocks(offsets: blockStart, parts: Parallel.threads, minimum: 1 << 16)
        rowStart.withUnsafeMutableBufferPointer { starts in
            column.withUnsafeMutableBufferPointer { col in
                value.withUnsafeMutableBufferPointer { val in
                    let (columns, values, startOut, rows) = (
                        SharedBuffer(col), SharedBuffer(val), SharedBuffer(starts), UncheckedSendable(rowOf)
                    )
                    Parallel.forEach(parts.count) { part in
                        let largest = parts[part].reduce(0) { max($0, blockStart[$1 + 1] - blockStart[$1]) }
                        let columnAside = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, largest))
                        let valueAside = UnsafeMutablePointer<Double>.allocate(capacity: weighted ? max(1, largest) : 0)
                        defer {
                            columnAside.deallocate()
                            valueAside.deallocate()
                        }
                        var next = [Int](repeating: 0, count: 1 << shift)
                        next.withUnsafeMutableBufferPointer { next in
                            for b in parts[part] {
                                let first = b << shift, last = min(n, first + (1 << shift))
                                let from = blockStart[b], count = blockStart[b + 1] - from
                                for r in 0..<last - first { next[r] = 0 }
                                for e in from..<from + count { next[Int(rows.value[e])] &+= 1 }
                                var at = from
                                for r in first..<last {
                                    let c = next[r - first]
                                    startOut[r] = at
                                    next[r - first] = at
                                    at += c
                                }
                                columnAside.update(from: columns.base + from, count: count)
                                if weighted { valueAside.update(from: values.base + from, count: count) }
                                for k in 0..<count {
                                    let local = Int(rows.value[from &+ k])
                                    let p = next[local]
                                    next[local] = p &+ 1
                                    columns[p] = columnAside[k]
                                    if weighted { values[p] = valueAside[k] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (rowStart, column, weighted ? value : nil)
    }

    /// Sorts each row by column (stably) and merges repeated columns, summing their values
    /// left to right (counting them when there are no values).
    static func sortAndMerge(people n: Int, rowStart: [Int], column: consuming [Int32], value: consuming [Double]?) -> (
        matrix: CSRMatrix, merged: Int
    ) {
        let weighted = value != nil
        var value = (consume value) ?? []
        let blocks = Parallel.blocks(offsets: rowStart, parts: Parallel.threads, minimum: 1 << 18)  // as the sparse product splits rows
        let unique = sortRows(people: n, rowStart: rowStart, column: &column, value: &value, weighted: weighted)
        let kept = unique.reduce(0, +)
        let merged = column.count - kept
        guard merged > 0 else {
            let values: EdgeValues = weighted ? .compact(value) : .ones
            let matrix = CSRMatrix(rows: n, columns: n, rowStart: rowStart, column: column, values: values)
            matrix.checkInvariants()
            return (matrix, 0)
        }
        // Pass 2: merge runs of equal columns, moving rows left in order.
        var newStart = [Int](repeating: 0, count: n + 1)
        var outColumn = [Int32](repeating: 0, count: kept)
        var outValue = [Double](repeating: 0, count: kept)
        for r in 0..<n { newStart[r + 1] = newStart[r] + unique[r] }
        column.withUnsafeBufferPointer { col in
            value.withUnsafeBufferPointer { val in
                outColumn.withUnsafeMutableBufferPointer { oc in
                    outValue.withUnsafeMutableBufferPointer { ov in
                        let (c, v, occ, ovv) = (UncheckedSendable(col), UncheckedSendable(val), SharedBuffer(oc), SharedBuffer(ov))
                        Parallel.forEach(blocks.count) { b in
                            for r in blocks[b] {
                                var k = newStart[r] - 1
                                var e = rowStart[r]
                                while e < rowStart[r + 1] {
                                    let w = weighted ? v.value[e] : 1
                                    if e > rowStart[r], c.value[e] == c.value[e - 1] {
                                        ovv[k] += w
                                    } else {
                                        k += 1
                                        occ[k] = c.value[e]
                                        ovv[k] = w
                                    }
                                    e += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        let matrix = CSRMatrix(rows: n, columns: n, rowStart: newStart, column: outColumn, values: .compact(outValue))
        matrix.checkInvariants()
        return (matrix, merged)
    }

    /// Sorts every row by column in place (stably, carrying values when `weighted`) and
    /// returns the distinct columns of each.
    private static func sortRows(people n: Int, rowStart: [Int], column: inout [Int32], value: inout [Double], weighted: Bool) -> [Int] {
        var unique = [Int](repeating: 0, count: n)
        let blocks = Parallel.blocks(offsets: rowStart, parts: Parallel.threads, minimum: 1 << 18)  // as the sparse product splits rows
        column.withUnsafeMutableBufferPointer { col in
            value.withUnsafeMutableBufferPointer { val in
                unique.withUnsafeMutableBufferPointer { uniq in
                    let (c, v, u) = (SharedBuffer(col), SharedBuffer(val), SharedBuffer(uniq))
                    Parallel.forEach(blocks.count) { b in
                        for r in blocks[b] {
                            let lo = rowStart[r], hi = rowStart[r + 1]
                            RowSort.sort(c.base + lo, weighted ? v.base + lo : nil, count: hi - lo)
                            var distinct = hi > lo ? 1 : 0
                            var e = lo + 1
                            while e < hi {
                                if c[e] != c[e - 1] { distinct += 1 }
                                e += 1
                            }
                            u[r] = distinct
                        }
                    }
                }
            }
        }
        return unique
    }
}

/// Stable sorting of one CSR row by column, carrying its values.
enum RowSort {
    /// Rows longer than this are sorted by key rather than by insertion.
    static let insertionLimit = 48

    static func sort(_ column: UnsafeMutablePointer<Int32>, _ value: UnsafeMutablePointer<Double>?, count: Int) {
        guard count > 1 else { return }
        if value == nil, count <= networkLimit { return network(column, count: count) }
        if count <= insertionLimit {
            for i in 1..<count {
                let c = column[i]
                if column[i - 1] <= c { continue }
                let v = value?[i]
                var j = i
                while j > 0, column[j - 1] > c {
                    column[j] = column[j - 1]
                    value?[j] = value![j - 1]
                    j -= 1
                }
                column[j] = c
                if let v { value![j] = v }
            }
            return
        }
        // Key = column, then position: distinct keys, so any sort is stable.
        var keys = (0..<count).map { UInt64(UInt32(bitPattern: column[$0])) << 32 | UInt64($0) }
        keys.sort()
        if let value {
            let old = Array(UnsafeBufferPointer(start: value, count: count))
            for (k, key) in keys.enumerated() { value[k] = old[Int(key & 0xFFFF_FFFF)] }
        }
        for (k, key) in keys.enumerated() { column[k] = Int32(bitPattern: UInt32(key >> 32)) }
    }
}

extension CSRMatrix {
    /// Offsets rise from 0 to the entry count, columns lie in range and strictly rise in each row.
    func checkInvariants() {
        #if INFLUENCE_INTERNAL_CHECKS
            internalCheck(rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == column.count, "CSR offsets")
            for r in 0..<rows {
                let lo = rowStart[r], hi = rowStart[r + 1]
                internalCheck(lo <= hi, "CSR offsets fall at row \(r)")
                for e in lo..<hi {
                    internalCheck(column[e] >= 0 && Int(column[e]) < columns, "CSR column out of range in row \(r)")
                    if e > lo { internalCheck(column[e - 1] < column[e], "CSR columns not strictly rising in row \(r)") }
                }
            }
        #endif
    }
}
