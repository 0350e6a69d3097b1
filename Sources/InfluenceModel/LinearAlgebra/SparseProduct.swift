/// y ← s·(A·x) over a `CompactCSR`, on two or more threads for large matrices.
///
/// Each row's sum is formed left to right in `Double` whatever the storage and whatever
/// the thread count, so the result is the same bits as the plain `CSRMatrix` product (then
/// scaled by `s` with one rounding, as `cblas_dscal` would).
enum SparseProduct {
    /// Entries below which a product runs on one thread.
    static let parallelThreshold = 1 << 18

    /// Row blocks of near-equal entries, one per thread.
    static func blocks(_ a: CompactCSR, parts: Int) -> [Range<Int>] {
        blocks(rowStart: a.rowStart, parts: parts)
    }

    /// Row blocks of near-equal entries for rows starting at `rowStart` (one past the last: the count).
    static func blocks(rowStart: [Int], parts: Int) -> [Range<Int>] {
        let rows = rowStart.count - 1
        let count = rowStart[rows]
        guard parts > 1, count >= parallelThreshold else { return [0 ..< rows] }
        var bounds = [0]
        rowStart.withUnsafeBufferPointer { start in
            for p in 1 ..< parts {
                let target = count * p / parts
                var lo = bounds.last!, hi = rows
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if start[mid] < target { lo = mid + 1 } else { hi = mid }
                }
                bounds.append(lo)
            }
        }
        bounds.append(rows)
        return (0 ..< parts).map { bounds[$0] ..< bounds[$0 + 1] }
    }

    /// y ← scale·(A·x); `scale` 1 skips the multiplication.
    static func multiply(_ a: CompactCSR, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, scale: Double = 1,
                         blocks: [Range<Int>]? = nil) {
        let blocks = blocks ?? Self.blocks(a, parts: Parallel.threads)
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { column in
                let kernel = Kernel(start: start.baseAddress!, column: column.baseAddress ?? UnsafePointer(bitPattern: 4)!, x: x, y: y,
                                    scale: scale)
                switch a.values {
                case .ones:
                    Parallel.forEach(blocks.count) { kernel.ones(blocks[$0]) }
                case .float(let v):
                    v.withUnsafeBufferPointer { v in
                        let values = UncheckedSendable(v.baseAddress ?? UnsafePointer(bitPattern: 4)!)
                        Parallel.forEach(blocks.count) { kernel.weighted(blocks[$0], values.value) }
                    }
                case .double(let v):
                    v.withUnsafeBufferPointer { v in
                        let values = UncheckedSendable(v.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                        Parallel.forEach(blocks.count) { kernel.weighted(blocks[$0], values.value) }
                    }
                }
            }
        }
    }

    /// The pointers of one product, shared by its threads; each writes only its own rows.
    struct Kernel: @unchecked Sendable {
        let start: UnsafePointer<Int>
        let column: UnsafePointer<Int32>
        let x: UnsafePointer<Double>
        let y: UnsafeMutablePointer<Double>
        let scale: Double

        @inline(__always)
        func store(_ r: Int, _ sum: Double) { y[r] = scale == 1 ? sum : scale * sum }

        func ones(_ rows: Range<Int>) {
            var e = start[rows.lowerBound]
            for r in rows {
                let end = start[r + 1]
                var sum = 0.0
                while e < end {
                    sum += x[Int(column[e])]
                    e &+= 1
                }
                store(r, sum)
            }
        }

        func weighted<V: BinaryFloatingPoint>(_ rows: Range<Int>, _ value: UnsafePointer<V>) {
            var e = start[rows.lowerBound]
            for r in rows {
                let end = start[r + 1]
                var sum = 0.0
                while e < end {
                    sum += Double(value[e]) * x[Int(column[e])]
                    e &+= 1
                }
                store(r, sum)
            }
        }
    }
}
