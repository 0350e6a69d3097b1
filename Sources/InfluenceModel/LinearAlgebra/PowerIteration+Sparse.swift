/// What the rank-one term's ⟨d, x⟩ reads in a fused sparse step.
enum DanglingTerm {
    /// c₁ = 0: no rank-one term.
    case none
    /// d given entry by entry.
    case vector([Double])
    /// d is 1 where the column scale s is 0 and 0 elsewhere (PageRank's people nobody
    /// referred), so no vector of its own is read.
    case whereScaleIsZero
}

extension PowerIteration {
    /// Rows per reduction chunk of a fused step: the L1 change, the norm and ⟨d, y⟩ are summed
    /// left to right within each chunk and the chunks' sums in chunk order, so the bits do not
    /// depend on how rows are shared among threads.
    static let reductionChunk = 1024

    /// Below this many entries per row on average a step walks W's entries rather than its
    /// rows. A referral forest has about one entry per row, most rows none and a few many, so
    /// the row loop's exit branch is mispredicted at nearly every row: on a 1M-row forest in
    /// breadth-first order a row loop took 7.3 ms and an entry loop with each entry's row
    /// index 1.7 ms; on 10 random entries per row the entry loop took 84 ms against 52.
    static let entryOrderBelow = 2

    /// From this many rows on (z is then 2 MB, a core's L2), a step that would walk the rows
    /// walks W in tiles instead (`TiledMatrix`), when W's rows have ascending columns: the
    /// same bits. On 1M people with 10M referrals, two threads took 31.9–33.1 ms a step by
    /// rows and 18.5–19.0 ms by tiles of 65,536 × 16,384 (the benchmark's `breakdown`), for
    /// 63–74 ms once to cut the tiles.
    static let tilesFrom = 1 << 18

    /// Above this many rows (z over 16 MB, half the L3 of the machine measured) the tiles are
    /// `TileShape.tall` rather than `.standard`: with z in memory rather than in the cache,
    /// each band's reading of z costs more than the rows' sums leaving L2.
    static let tallTilesFrom = 1 << 21

    /// How a fused step walks W, for `n` rows and `entries` entries (by rows or entries only,
    /// without `tiles`).
    static func walk(rows n: Int, entries: Int, tiles: Bool = true) -> SweepWalk {
        if entries < entryOrderBelow * n { return .entries }
        guard tiles, n >= tilesFrom else { return .rows }
        return .tiles(n > tallTilesFrom ? .tall : .standard)
    }

    /// Iterates x ← α·W·(x ⊙ s) + (c₀ + c₁·⟨d, x⟩)·b over a sparse W, each step one sweep of W's
    /// rows that also does what `affine` leaves to BLAS level-1 passes.
    ///
    /// For a row r the sweep forms (W·z)ᵣ from z = x ⊙ s, then yᵣ = α·(W·z)ᵣ + c·bᵣ (two products
    /// and a sum, each rounded: a fused multiply-add is a library call on the baseline x86-64
    /// target, and cost a third of the sweep), and in the same pass |xᵣ − yᵣ|, |yᵣ|, dᵣ·yᵣ for the next step's c, and
    /// yᵣ·sᵣ, the next step's z. On a graph of millions of people the vectors no longer fit in
    /// cache; `affine` then streams them about ten times a step on one core, this once on every
    /// core. The stopping rule is `affine`'s.
    /// - Parameters:
    ///   - w: W, square.
    ///   - start: x₀.
    ///   - alpha: α.
    ///   - scale: s, or `nil` for all ones.
    ///   - constant: b; when every entry is equal it is read as that one number.
    ///   - c0, c1, dangling: the coefficient of b.
    ///   - settings, growthWindow: as for `affine`.
    ///   - parts, minimum: row blocks (threads) for a sweep, and the cost below which one does.
    ///   - walk: how a step walks W (the same bits every way); `nil` decides by `walk(rows:entries:)`.
    ///     Tiles are not used when a row's columns do not ascend; the rows are, then.
    ///
    /// Every vector must have one entry per row of W (checked).
    /// - Returns: the last iterate and how it ended.
    /// - Complexity: O(iterations × (n + entries of W)).
    static func affine(
        sparse w: CSRMatrix, start: [Double], alpha: Double, scale s: [Double]?, constant b: [Double],
        c0: Double, c1: Double, dangling: DanglingTerm, settings: IterationSettings, growthWindow: Int = 0,
        parts: Int = Parallel.threads, minimum: Int = SparseProduct.parallelThreshold, walk: SweepWalk? = nil
    ) -> (x: [Double], report: IterationReport) {
        let n = start.count
        precondition(w.rows == n && w.columns == n, "PowerIteration.affine(sparse:): W is \(w.rows)×\(w.columns) for a start of \(n)")
        precondition(b.count == n && (s?.count ?? n) == n, "PowerIteration.affine(sparse:): b or s is not \(n) long")
        if case .vector(let d) = dangling { precondition(d.count == n, "PowerIteration.affine(sparse:): d is not \(n) long") }
        if case .whereScaleIsZero = dangling { precondition(s != nil, "PowerIteration.affine(sparse:): d needs s") }
        precondition(alpha.isFinite && c0.isFinite && c1.isFinite, "PowerIteration.affine(sparse:): coefficients must be finite")
        var report = IterationReport(iterations: 0, residual: .infinity, converged: n == 0)
        if n == 0 { report.residual = 0; return (start, report) }

        // One allocation holds every vector (each on a 64-byte boundary), so that all of them
        // live until the result is copied out of it.
        let stride = (n + 7) / 8 * 8
        let uniform = b.allSatisfy { $0 == b[0] }
        var dVector: [Double]?
        if case .vector(let d) = dangling { dVector = d }
        // With a scale the rows gather z, not x, so y overwrites x in place (row r reads xᵣ
        // just before writing yᵣ): one vector less to stream, and to keep in cache.
        let inputs: [[Double]?] = [start, s == nil ? [] : nil, s == nil ? nil : [], s == nil ? nil : [], s, uniform ? nil : b, dVector]
        let used = inputs.indices.filter { $0 == 0 || inputs[$0] != nil }
        let storage = AlignedVector(count: stride * used.count)
        var slot = [UnsafeMutablePointer<Double>?](repeating: nil, count: inputs.count)
        for (k, i) in used.enumerated() {
            let base = storage.base + k * stride
            if let input = inputs[i], !input.isEmpty { base.update(from: input, count: n) }
            slot[i] = base
        }
        if slot[1] == nil { slot[1] = slot[0] }
        let chunks = (n + reductionChunk - 1) / reductionChunk
        var partials = [Double](repeating: 0, count: 3 * chunks)
        let chosen = walk ?? Self.walk(rows: n, entries: w.count)
        // W in tiles, for the tiled step (see `tilesFrom`).
        var tiles: TiledMatrix?
        if case .tiles(let shape) = chosen {
            // A block of whole bands must also be a block of whole reduction chunks.
            precondition(shape.rows % reductionChunk == 0, "PowerIteration.affine(sparse:): bands of \(shape.rows) rows")
            tiles = TiledMatrix(w, shape: shape)
        }
        let blocks = Parallel.blocks(
            offsets: w.rowStart, parts: parts, minimum: minimum, rowCost: 1, align: tiles?.shape.rows ?? reductionChunk)
        // Each entry's row, for the entry-order step (see `entryOrderBelow`).
        var rowOf: [Int32] = []
        if case .entries = chosen {
            rowOf = [Int32](repeating: 0, count: w.count)
            for r in 0..<n { for e in w.rowStart[r]..<w.rowStart[r + 1] { rowOf[e] = Int32(r) } }
        }
        let tileStart = tiles?.tileStart ?? []
        let tileEntries = tiles?.entries ?? []
        let values = tiles?.values ?? w.values

        return w.rowStart.withUnsafeBufferPointer { start in
            w.column.withUnsafeBufferPointer { column in
                partials.withUnsafeMutableBufferPointer { partials in
                    rowOf.withUnsafeBufferPointer { rowOf in
                        tileStart.withUnsafeBufferPointer { tileStart in
                            tileEntries.withUnsafeBufferPointer { tileEntries in
                                var sweep = FusedSweep(
                                    n: n, start: start.baseAddress!, column: column.baseAddress ?? UnsafePointer(bitPattern: 4)!,
                                    rowOf: rowOf.isEmpty ? nil : rowOf.baseAddress,
                                    tiles: tiles.map { t in
                                        Tiles(
                                            shape: t.shape, blocks: t.blocks, start: tileStart.baseAddress!,
                                            entries: tileEntries.baseAddress ?? UnsafePointer(bitPattern: 4)!)
                                    },
                                    x: slot[0]!, y: slot[1]!, z: slot[2], zNext: slot[3], s: slot[4], b: slot[5], bValue: b[0],
                                    d: slot[6], dFromScale: { if case .whereScaleIsZero = dangling { true } else { false } }(),
                                    partials: partials.baseAddress!, alpha: alpha, coefficient: 0)
                                // z₀ = x₀ ⊙ s and ⟨d, x₀⟩, chunked as a step's sums are.
                                Parallel.forEach(blocks.count) { sweep.prepare(blocks[$0]) }
                                var weighted = sweep.total(2, chunks: chunks)
                                var grew = 0
                                while report.iterations < settings.maxIterations {
                                    sweep.coefficient = c1 == 0 ? c0 : c0 + c1 * weighted
                                    let current = sweep  // a constant for the threads, not a captured variable
                                    switch values {
                                    case .ones: Parallel.forEach(blocks.count) { current.step(blocks[$0], Ones()) }
                                    case .float(let v):
                                        v.withUnsafeBufferPointer { v in
                                            let values = Weights(value: v.baseAddress ?? UnsafePointer(bitPattern: 4)!)
                                            Parallel.forEach(blocks.count) { current.step(blocks[$0], values) }
                                        }
                                    case .double(let v):
                                        v.withUnsafeBufferPointer { v in
                                            let values = Weights(value: v.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                            Parallel.forEach(blocks.count) { current.step(blocks[$0], values) }
                                        }
                                    }
                                    let residual = sweep.total(0, chunks: chunks)
                                    let norm = sweep.total(1, chunks: chunks)
                                    weighted = sweep.total(2, chunks: chunks)
                                    sweep.swap()
                                    if report.record(
                                        residual: residual, norm: norm, grew: &grew, growthWindow: growthWindow,
                                        tolerance: settings.tolerance)
                                    {
                                        break
                                    }
                                }
                                let last = sweep.x == storage.base ? 0 : stride
                                return (Array(storage.buffer[last..<last + n]), report)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How a fused sparse step walks W: by rows, by entries (each with its row), or by tiles.
enum SweepWalk: Sendable, Equatable {
    case rows
    case entries
    case tiles(TileShape)
}

/// The pointers of a `TiledMatrix` for a sweep.
///
/// `@unchecked Sendable` is sound: the pointers are only read, during the sweeps, from
/// buffers `affine(sparse:)` holds open.
struct Tiles: @unchecked Sendable {
    let shape: TileShape
    let blocks: Int
    let start: UnsafePointer<Int>
    let entries: UnsafePointer<UInt32>
}

/// A row's sum Σₑ W[r][cₑ]·z[cₑ], specialized for unit and stored weights.
protocol RowWeights {
    func term(_ e: Int, _ zc: Double) -> Double
}

/// Every weight is 1.
struct Ones: RowWeights {
    @inline(__always) func term(_ e: Int, _ zc: Double) -> Double { zc }
}

/// Weights stored as `Float` (exact) or `Double`, each term formed in `Double`.
///
/// `@unchecked Sendable` is sound: the pointer is only read, during a sweep, from a buffer its
/// caller holds open.
struct Weights<V: BinaryFloatingPoint>: RowWeights, @unchecked Sendable {
    let value: UnsafePointer<V>
    @inline(__always) func term(_ e: Int, _ zc: Double) -> Double { Double(value[e]) * zc }
}

/// The pointers of one fused iteration, shared by its threads.
///
/// `@unchecked Sendable` is sound: within a sweep W, z, s, b and d are only read, x is read
/// at random only when there is no z (and then y is a vector of its own), and each thread
/// reads xᵣ and writes y, the next z and the partial sums only for the rows and chunks of its
/// own block (blocks start on chunk boundaries); every buffer is held open by `affine(sparse:)`
/// for the whole iteration, and the swaps happen between sweeps, on one thread.
struct FusedSweep: @unchecked Sendable {
    let n: Int
    let start: UnsafePointer<Int>
    let column: UnsafePointer<Int32>
    /// Each entry's row, when steps walk the entries (`PowerIteration.entryOrderBelow`).
    let rowOf: UnsafePointer<Int32>?
    /// W in tiles, when steps walk the tiles (`PowerIteration.tilesFrom`).
    let tiles: Tiles?
    var x: UnsafeMutablePointer<Double>
    var y: UnsafeMutablePointer<Double>
    var z: UnsafeMutablePointer<Double>?
    var zNext: UnsafeMutablePointer<Double>?
    let s: UnsafeMutablePointer<Double>?
    let b: UnsafeMutablePointer<Double>?
    let bValue: Double
    let d: UnsafeMutablePointer<Double>?
    let dFromScale: Bool
    /// Three sums per chunk: the L1 change, the norm, ⟨d, y⟩.
    let partials: UnsafeMutablePointer<Double>
    let alpha: Double
    var coefficient: Double

    /// dᵣ.
    @inline(__always) func dangling(_ r: Int) -> Double {
        if dFromScale { return s![r] == 0 ? 1 : 0 }
        return d?[r] ?? 0
    }

    /// z ← x ⊙ s and the chunks' ⟨d, x⟩ for the rows of one block.
    func prepare(_ rows: Range<Int>) {
        var r = rows.lowerBound
        while r < rows.upperBound {
            let chunk = r / PowerIteration.reductionChunk
            let end = min(rows.upperBound, r + PowerIteration.reductionChunk)
            var weighted = 0.0
            while r < end {
                if let s, let z { z[r] = x[r] * s[r] }
                weighted += dangling(r) * x[r]
                r += 1
            }
            partials[3 * chunk + 2] = weighted
        }
    }

    /// One step for the rows of one block: y, the next z, and the chunks' sums.
    func step<W: RowWeights>(_ rows: Range<Int>, _ weights: W) {
        if let rowOf { return stepByEntries(rows, weights, rowOf) }
        if let tiles { return stepByTiles(rows, weights, tiles) }
        // The sweep's pointers as locals, so that the row loop keeps them in registers.
        let (start, column, x, y, alpha, coefficient) = (start, column, x, y, alpha, coefficient)
        let operand = UnsafePointer(z ?? x)
        var r = rows.lowerBound
        var e = start[r]
        while r < rows.upperBound {
            let end = min(rows.upperBound, r + PowerIteration.reductionChunk)
            var change = 0.0, norm = 0.0
            let first = r
            while r < end {
                let stop = start[r + 1]
                var sum = 0.0
                while e < stop {
                    sum += weights.term(e, operand[Int(column[e])])
                    e &+= 1
                }
                let value = alpha * sum + coefficient * (b?[r] ?? bValue)
                change += abs(x[r] - value)
                y[r] = value  // may be x itself
                norm += abs(value)
                r += 1
            }
            finish(first..<end, change: change, norm: norm)
        }
    }

    /// `step` walking the block's entries in order, each added to its row's sum in a chunk's
    /// accumulator: every row's terms are added in the same order, from 0, so the sums are the
    /// row loop's bits, without a branch per row.
    func stepByEntries<W: RowWeights>(_ rows: Range<Int>, _ weights: W, _ rowOf: UnsafePointer<Int32>) {
        let (start, column, x, y, alpha, coefficient) = (start, column, x, y, alpha, coefficient)
        let operand = UnsafePointer(z ?? x)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: PowerIteration.reductionChunk) { buffer in
            let sum = buffer.baseAddress!
            var r = rows.lowerBound
            while r < rows.upperBound {
                let first = r
                let end = min(rows.upperBound, r + PowerIteration.reductionChunk)
                sum.update(repeating: 0, count: end - first)
                var e = start[first]
                let stop = start[end]
                while e < stop {
                    // rowOf[e] is in first..<end: the entries of rows first..<end, and no others.
                    sum[Int(rowOf[e]) &- first] += weights.term(e, operand[Int(column[e])])
                    e &+= 1
                }
                var change = 0.0, norm = 0.0
                while r < end {
                    let value = alpha * sum[r &- first] + coefficient * (b?[r] ?? bValue)
                    change += abs(x[r] - value)
                    y[r] = value
                    norm += abs(value)
                    r += 1
                }
                finish(first..<end, change: change, norm: norm)
            }
        }
    }

    /// `step` walking the tiles of the block's bands (the block starts on a band): each band's
    /// rows summed block of columns by block of columns into a running sum per row, every row's
    /// terms added from 0 in its own order (its columns ascend), so the sums are the row
    /// loop's bits.
    func stepByTiles<W: RowWeights>(_ rows: Range<Int>, _ weights: W, _ tiles: Tiles) {
        let (x, y, alpha, coefficient) = (x, y, alpha, coefficient)
        let operand = UnsafePointer(z ?? x)
        let bandRows = tiles.shape.rows
        let (rowBits, rowMask) = (UInt32(tiles.shape.rowBits), UInt32(truncatingIfNeeded: bandRows - 1))
        let sum = UnsafeMutablePointer<Double>.allocate(capacity: bandRows)
        defer { sum.deallocate() }
        var first = rows.lowerBound
        while first < rows.upperBound {
            let end = min(rows.upperBound, first + bandRows)
            sum.update(repeating: 0, count: end - first)
            let tile = (first >> tiles.shape.rowBits) * tiles.blocks
            for block in 0..<tiles.blocks {
                let zBlock = operand + block << tiles.shape.columnBits
                var e = tiles.start[tile + block]
                let stop = tiles.start[tile + block + 1]
                while e < stop {
                    // The row is below end − first and the column inside the block: the tile
                    // holds only its band's rows and its block's columns.
                    let entry = tiles.entries[e]
                    sum[Int(entry & rowMask)] += weights.term(e, zBlock[Int(entry >> rowBits)])
                    e &+= 1
                }
            }
            var r = first
            while r < end {
                let from = r
                let chunkEnd = min(end, r + PowerIteration.reductionChunk)
                var change = 0.0, norm = 0.0
                while r < chunkEnd {
                    let value = alpha * sum[r &- first] + coefficient * (b?[r] ?? bValue)
                    change += abs(x[r] - value)
                    y[r] = value  // may be x itself
                    norm += abs(value)
                    r += 1
                }
                finish(from..<chunkEnd, change: change, norm: norm)
            }
            first = end
        }
    }

    /// The end of a chunk's step: ⟨d, y⟩ and the next z over its rows, while they are still in
    /// cache, and the chunk's three sums.
    @inline(__always)
    func finish(_ rows: Range<Int>, change: Double, norm: Double) {
        var weighted = 0.0
        if let s {
            if let zNext { for i in rows { zNext[i] = y[i] * s[i] } }
            if dFromScale {
                for i in rows where s[i] == 0 { weighted += y[i] }
            } else if let d {
                for i in rows { weighted += d[i] * y[i] }
            }
        } else if let d {
            for i in rows { weighted += d[i] * y[i] }
        }
        let chunk = rows.lowerBound / PowerIteration.reductionChunk
        partials[3 * chunk] = change
        partials[3 * chunk + 1] = norm
        partials[3 * chunk + 2] = weighted
    }

    /// The sum of one of the three partials over all chunks, in chunk order.
    func total(_ which: Int, chunks: Int) -> Double {
        var sum = 0.0
        for c in 0..<chunks { sum += partials[3 * c + which] }
        return sum
    }

    /// After a step: the new iterate becomes x, the next z becomes z.
    mutating func swap() {
        Swift.swap(&x, &y)
        Swift.swap(&z, &zNext)
    }
}
