/// The stored values of a sparse matrix, in the narrowest form that holds them exactly.
///
/// Products are always formed in `Double`: a `Float` that holds a weight exactly converts
/// back to the same `Double`, and an implicit 1 multiplies exactly, so every form gives the
/// same bits as `[Double]` storage while moving less memory per iteration.
enum EdgeValues: Sendable, Equatable {
    /// Every value is 1 (an unweighted graph without repeated pairs): columns only.
    case ones
    /// Every value is exactly representable as a `Float`, such as small counts.
    case float([Float])
    case double([Double])

    /// The narrowest exact form of `values`.
    static func compact(_ values: [Double]) -> EdgeValues {
        if values.allSatisfy({ $0 == 1 }) { return .ones }
        if values.allSatisfy({ Double(Float($0)) == $0 }) { return .float(values.map { Float($0) }) }
        return .double(values)
    }

    /// Value `e` as a `Double`.
    @inline(__always) subscript(e: Int) -> Double {
        switch self {
        case .ones: return 1
        case .float(let v): return Double(v[e])
        case .double(let v): return v[e]
        }
    }

    /// No value is infinite or NaN.
    var allFinite: Bool {
        switch self {
        case .ones: return true
        case .float(let v): return v.allSatisfy(\.isFinite)
        case .double(let v): return v.allSatisfy(\.isFinite)
        }
    }

    /// All `count` values as `Double`s.
    func doubles(count: Int) -> [Double] {
        switch self {
        case .ones: return [Double](repeating: 1, count: count)
        case .float(let v): return v.map(Double.init)
        case .double(let v): return v
        }
    }

    /// A short name for reports: `index-only`, `float32`, `float64`.
    var storage: String {
        switch self {
        case .ones: return "index-only"
        case .float: return "float32"
        case .double: return "float64"
        }
    }
}

extension CSRMatrix {
    /// Σ over rows of each column's values, rows taken in ascending order from 0 — the same
    /// additions, in the same order, as `transposed().rowSums()` on a `CSRMatrix`.
    ///
    /// With values, each thread reads every entry in order and adds those of its own range of
    /// columns: each column's sum still takes its entries in order, so the same bits whatever
    /// the thread count, and the additions at random into the sums are shared out. (On one
    /// thread, about 60–80 ms of influence-flow's credit on the 10.9M-person program export,
    /// whose merged referrals are counts.)
    /// - Complexity: O(rows + entries), O(threads × entries) reads.
    public func columnSums() -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        sums.withUnsafeMutableBufferPointer { out in
            column.withUnsafeBufferPointer { col in
                switch values {
                case .ones:
                    // Sums of ones are exact in any order: count on every thread, then add up.
                    let parts = Parallel.ranges(col.count, parts: col.count < 1 << 20 ? 1 : Parallel.threads)
                    var counts = [[Int32]](repeating: [], count: parts.count)
                    counts.withUnsafeMutableBufferPointer { slots in
                        let shared = SharedBuffer(slots)
                        let input = UncheckedSendable(col)
                        let n = columns
                        Parallel.forEach(parts.count) { p in
                            var local = [Int32](repeating: 0, count: n)
                            local.withUnsafeMutableBufferPointer { l in
                                for e in parts[p] { l[Int(input.value[e])] &+= 1 }
                            }
                            shared[p] = local
                        }
                    }
                    for local in counts { for c in 0..<columns { out[c] += Double(local[c]) } }
                case .float(let v):
                    v.withUnsafeBufferPointer { v in Self.sumByColumnRanges(col, out) { Double(v[$0]) } }
                case .double(let v):
                    v.withUnsafeBufferPointer { v in Self.sumByColumnRanges(col, out) { v[$0] } }
                }
            }
        }
        return sums
    }

    /// `out[col[e]] += value(e)` for every entry e in order, on every thread, each adding only
    /// into its own range of columns.
    private static func sumByColumnRanges(
        _ col: UnsafeBufferPointer<Int32>, _ out: UnsafeMutableBufferPointer<Double>, _ value: (Int) -> Double
    ) {
        let n = out.count
        let parts = Parallel.ranges(n, parts: col.count < 1 << 20 ? 1 : Parallel.threads)
        let sums = SharedBuffer(out)
        withoutActuallyEscaping(value) { value in
            let read = UncheckedSendable((col, value))
            Parallel.forEach(parts.count) { p in
                let (col, value) = read.value
                let (low, high) = (Int32(truncatingIfNeeded: parts[p].lowerBound), Int32(truncatingIfNeeded: parts[p].upperBound))
                for e in 0..<col.count {
                    let c = col[e]
                    if c >= low, c < high { sums[Int(c)] += value(e) }
                }
            }
        }
    }

    /// The transpose, rows ascending within each column, values kept in their form.
    /// - Complexity: O(rows + columns + entries).
    public func transposed() -> CSRMatrix {
        var start = [Int](repeating: 0, count: columns + 1)
        for c in column { start[Int(c) + 1] += 1 }
        for i in 0..<columns { start[i + 1] += start[i] }
        var next = start
        var tColumn = [Int32](repeating: 0, count: count)
        var tDouble = [Double]()
        var tFloat = [Float]()
        switch values {
        case .ones: break
        case .float: tFloat = [Float](repeating: 0, count: count)
        case .double: tDouble = [Double](repeating: 0, count: count)
        }
        for r in 0..<rows {
            for e in rowStart[r]..<rowStart[r + 1] {
                let c = Int(column[e])
                let k = next[c]
                tColumn[k] = Int32(r)
                switch values {
                case .ones: break
                case .float(let v): tFloat[k] = v[e]
                case .double(let v): tDouble[k] = v[e]
                }
                next[c] = k + 1
            }
        }
        let tValues: EdgeValues
        switch values {
        case .ones: tValues = .ones
        case .float: tValues = .float(tFloat)
        case .double: tValues = .double(tDouble)
        }
        return CSRMatrix(rows: columns, columns: rows, rowStart: start, column: tColumn, values: tValues)
    }
}
