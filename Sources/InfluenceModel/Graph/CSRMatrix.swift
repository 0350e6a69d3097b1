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
        precondition(rows >= 0 && columns >= 0 && columns <= Int(Int32.max), "CSRMatrix: bad shape \(rows)×\(columns)")
        precondition(
            rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == column.count,
            "CSRMatrix: rowStart must have rows + 1 offsets from 0 to the entry count")
        precondition(value.count == column.count, "CSRMatrix: \(column.count) columns but \(value.count) values")
        for r in 0..<rows { precondition(rowStart[r] <= rowStart[r + 1], "CSRMatrix: rowStart decreases at row \(r)") }
        let bound = Int32(truncatingIfNeeded: columns)
        for c in column { precondition(c >= 0 && c < bound, "CSRMatrix: column index \(c) outside 0..<\(columns)") }
        self.init(rows: rows, columns: columns, rowStart: rowStart, column: column, values: .compact(value))
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
    /// Two stable counting sorts (by column, then by row) order the entries without
    /// comparisons, so equal pairs end up adjacent in input order.
    /// - Parameters:
    ///   - rows, columns: the shape.
    ///   - row, column, value: the triples, all the same length.
    ///   - merge: called once per stored entry with the input positions merged into it, in input order.
    /// - Complexity: O(rows + columns + entries).
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
        let byColumn = CSRMatrix.countingOrder(keys: column, range: columns, order: nil)
        let order = CSRMatrix.countingOrder(keys: row, range: rows, order: byColumn)
        var rowStart = [Int](repeating: 0, count: rows + 1)
        var outColumn: [Int32] = []
        var outValue: [Double] = []
        outColumn.reserveCapacity(order.count)
        outValue.reserveCapacity(order.count)
        var k = 0
        while k < order.count {
            let first = order[k]
            let r = row[first], c = column[first]
            var sum = value[first]
            var end = k + 1
            while end < order.count, row[order[end]] == r, column[order[end]] == c {
                sum += value[order[end]]
                end += 1
            }
            merge?(outColumn.count, order[k..<end])
            outColumn.append(c)
            outValue.append(sum)
            rowStart[Int(r) + 1] += 1
            k = end
        }
        for r in 0..<rows { rowStart[r + 1] += rowStart[r] }
        self.init(rows: rows, columns: columns, rowStart: rowStart, column: outColumn, value: outValue)
    }

    /// Positions `0 ..< keys.count` (or the given `order`) stably sorted by `keys`.
    static func countingOrder(keys: [Int32], range: Int, order: [Int]?) -> [Int] {
        var start = [Int](repeating: 0, count: range + 1)
        for k in keys { start[Int(k) + 1] += 1 }
        for i in 0..<range { start[i + 1] += start[i] }
        var result = [Int](repeating: 0, count: keys.count)
        if let order {
            for p in order { let k = Int(keys[p]); result[start[k]] = p; start[k] += 1 }
        } else {
            for p in keys.indices { let k = Int(keys[p]); result[start[k]] = p; start[k] += 1 }
        }
        return result
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
