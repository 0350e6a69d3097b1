/// A weighted adjacency in compressed sparse rows: row `r`'s entries are
/// `column[rowStart[r] ..< rowStart[r + 1]]` with their values alongside, columns ascending.
///
/// The one sparse matrix of the toolkit: the graph, the forest and the iteration engine all
/// use it. Values are stored in the narrowest form that holds them exactly (`EdgeValues`:
/// none for an unweighted graph, `Float` for small counts, else `Double`); products are
/// formed in `Double`, so every form gives the same bits. The arrays cannot be changed from
/// outside, so a checked matrix stays one that no product can read out of bounds with.
public struct CSRMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public internal(set) var rowStart: [Int]
    public internal(set) var column: [Int32]
    /// The values, in their stored form.
    var values: EdgeValues

    /// The values as `Double`s (made on each call: O(entries)).
    public var value: [Double] { values.doubles(count: count) }

    /// The number of stored entries.
    public var count: Int { column.count }

    /// A matrix from its arrays, checked: `rowStart` has `rows + 1` non-decreasing offsets from
    /// 0 to the entry count, `column` and `value` are that long, and every column lies in
    /// `0 ..< columns` — a matrix that would send a product out of bounds is never made.
    /// - Complexity: O(rows + entries).
    public init(rows: Int, columns: Int, rowStart: [Int], column: [Int32], value: [Double]) {
        Self.check(rows: rows, columns: columns, rowStart: rowStart, column: column, values: value.count)
        self.init(rows: rows, columns: columns, rowStart: rowStart, column: column, values: .compact(value))
    }

    /// A matrix whose values are counts held exactly as `Float`s (below 2²⁴), checked as
    /// `init(rows:columns:rowStart:column:value:)` is: the values it would make of the counts
    /// as doubles.
    init(rows: Int, columns: Int, rowStart: [Int], column: [Int32], counts: [Float]) {
        Self.check(rows: rows, columns: columns, rowStart: rowStart, column: column, values: counts.count)
        var ones = true
        for c in counts {
            precondition(c >= 0 && c < 16_777_216 && c.rounded() == c, "CSRMatrix: a count that is not a whole number below 2^24")
            if c != 1 { ones = false }
        }
        self.init(rows: rows, columns: columns, rowStart: rowStart, column: column, values: ones ? .ones : .float(counts))
    }

    /// Traps unless `rowStart` has `rows + 1` non-decreasing offsets from 0 to the entry count,
    /// there are `values` values for the entries, and every column lies in `0 ..< columns`.
    private static func check(rows: Int, columns: Int, rowStart: [Int], column: [Int32], values: Int) {
        precondition(rows >= 0 && columns >= 0 && columns <= Int(Int32.max), "CSRMatrix: bad shape \(rows)×\(columns)")
        precondition(
            rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == column.count,
            "CSRMatrix: rowStart must have rows + 1 offsets from 0 to the entry count")
        precondition(values == column.count, "CSRMatrix: \(column.count) columns but \(values) values")
        for r in 0..<rows { precondition(rowStart[r] <= rowStart[r + 1], "CSRMatrix: rowStart decreases at row \(r)") }
        let bound = Int32(truncatingIfNeeded: columns)
        for c in column { precondition(c >= 0 && c < bound, "CSRMatrix: column index \(c) outside 0..<\(columns)") }
    }

    /// A matrix from arrays the library built itself (checked in debug builds).
    init(rows: Int, columns: Int, rowStart: [Int], column: [Int32], values: EdgeValues) {
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.column = column
        self.values = values
    }

    /// Builds the matrix from coordinate triples, summing repeated (row, column) pairs.
    ///
    /// One stable counting sort by row places each entry's column and input position in its
    /// row's run; each run is then sorted by (column, position), so equal pairs end up adjacent
    /// in input order. The second pass reads one row at a time, in cache, where a second
    /// counting sort over all entries would scatter them at random again.
    /// - Parameters:
    ///   - rows, columns: the shape.
    ///   - row, column, value: the triples, all the same length.
    ///   - merge: called once per stored entry with the input positions merged into it, in input order.
    /// - Complexity: O(rows + columns + entries + Σ k log k over rows of k entries).
    public init(
        rows: Int, columns: Int, row: [Int32], column: [Int32], value: [Double],
        merge: ((Int, ArraySlice<Int>) -> Void)? = nil
    ) {
        precondition(
            row.count == column.count && column.count == value.count,
            "CSRMatrix: \(row.count) rows, \(column.count) columns and \(value.count) values given")
        precondition(rows >= 0 && columns >= 0 && rows <= Int(Int32.max) && columns <= Int(Int32.max), "CSRMatrix: bad shape")
        for r in row { precondition(r >= 0 && Int(r) < rows, "CSRMatrix: row index \(r) outside 0..<\(rows)") }
        for c in column { precondition(c >= 0 && Int(c) < columns, "CSRMatrix: column index \(c) outside 0..<\(columns)") }
        let m = row.count
        var runStart = [Int](repeating: 0, count: rows + 1)
        for r in row { runStart[Int(r) + 1] += 1 }
        for r in 0..<rows { runStart[r + 1] += runStart[r] }
        // Each entry as (column << 32 | position): sorting these orders a run by column, then
        // by input position (positions are below 2³¹, checked by the shape's bound on rows).
        precondition(m <= Int(Int32.max), "CSRMatrix: too many entries for 32-bit positions")
        var keys = [UInt64](repeating: 0, count: m)
        var next = Array(runStart[0..<rows])
        for p in 0..<m {
            let r = Int(row[p])
            keys[next[r]] = UInt64(UInt32(bitPattern: column[p])) << 32 | UInt64(p)
            next[r] += 1
        }
        next = []
        keys.withUnsafeMutableBufferPointer { keys in
            for r in 0..<rows where runStart[r + 1] - runStart[r] > 1 {
                var run = UnsafeMutableBufferPointer(rebasing: keys[runStart[r]..<runStart[r + 1]])
                if run.count <= 16 {
                    for i in 1..<run.count {
                        let key = run[i]
                        var j = i
                        while j > 0, run[j - 1] > key { run[j] = run[j - 1]; j -= 1 }
                        run[j] = key
                    }
                } else {
                    run.sort()
                }
            }
        }
        let order = keys.map { Int($0 & 0xFFFF_FFFF) }
        var rowStart = [Int](repeating: 0, count: rows + 1)
        var outColumn: [Int32] = []
        var outValue: [Double] = []
        outColumn.reserveCapacity(m)
        outValue.reserveCapacity(m)
        for r in 0..<rows {
            var k = runStart[r]
            let end = runStart[r + 1]
            while k < end {
                let c = Int32(truncatingIfNeeded: keys[k] >> 32)
                var sum = value[order[k]]
                var last = k + 1
                while last < end, keys[last] >> 32 == keys[k] >> 32 {
                    sum += value[order[last]]
                    last += 1
                }
                merge?(outColumn.count, order[k..<last])
                outColumn.append(c)
                outValue.append(sum)
                rowStart[r + 1] += 1
                k = last
            }
        }
        for r in 0..<rows { rowStart[r + 1] += rowStart[r] }
        self.init(rows: rows, columns: columns, rowStart: rowStart, column: outColumn, value: outValue)
    }

    /// The sum of each row's values.
    public func rowSums() -> [Double] {
        (0..<rows).map { r in (rowStart[r]..<rowStart[r + 1]).reduce(0) { $0 + values[$1] } }
    }

    /// Every stored value is 1.
    public var isUnweighted: Bool {
        switch values {
        case .ones: return true
        case .float(let v): return v.allSatisfy { $0 == 1 }
        case .double(let v): return v.allSatisfy { $0 == 1 }
        }
    }

    /// The entries of row `r` as (column, value) pairs.
    public func row(_ r: Int) -> some Sequence<(Int32, Double)> {
        (rowStart[r]..<rowStart[r + 1]).lazy.map { (column[$0], values[$0]) }
    }
}
