/// y ← s·(A·x) over a `CSRMatrix`, on two or more threads for large matrices.
///
/// Each row's sum is formed left to right in `Double` whatever the storage and whatever
/// the thread count, so the result is the same bits as the plain `CSRMatrix` product (then
/// scaled by `s` with one rounding, as `cblas_dscal` would).
enum SparseProduct {
    /// Entries below which a product runs on one thread.
    static let parallelThreshold = 1 << 18

    /// Row blocks of near-equal entries, one per thread.
    static func blocks(_ a: CSRMatrix, parts: Int) -> [Range<Int>] {
        blocks(rowStart: a.rowStart, parts: parts)
    }

    /// Row blocks of near-equal entries for rows starting at `rowStart` (see `Parallel.blocks`).
    static func blocks(rowStart: [Int], parts: Int) -> [Range<Int>] {
        Parallel.blocks(offsets: rowStart, parts: parts, minimum: parallelThreshold)
    }

    /// y ← scale·(A·x); `scale` 1 skips the multiplication.
    static func multiply(
        _ a: CSRMatrix, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, scale: Double = 1,
        blocks: [Range<Int>]? = nil
    ) {
        let blocks = blocks ?? Self.blocks(a, parts: Parallel.threads)
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { column in
                let kernel = Kernel(
                    start: start.baseAddress!, column: column.baseAddress ?? UnsafePointer(bitPattern: 4)!, x: x, y: y,
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
    ///
    /// `@unchecked Sendable` is sound: the matrix and x are only read, each thread writes the
    /// rows of its own block of y, and the pointers come from buffers held open by the caller
    /// for the whole product.
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
