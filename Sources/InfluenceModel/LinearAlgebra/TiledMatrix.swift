/// The size of the tiles a `TiledMatrix` cuts W into: 2^rowBits rows by 2^columnBits columns.
struct TileShape: Sendable, Equatable {
    let rowBits: Int
    let columnBits: Int

    /// 65,536 rows by 16,384 columns: a block of z is 128 KB and the rows' running sums
    /// 512 KB, together inside a core's L2 (1 MB on the machine the benchmarks ran on).
    static let standard = TileShape(rowBits: 16, columnBits: 14)

    /// 524,288 rows by 4,096 columns, for graphs whose z outgrows the last-level cache (see
    /// `PowerIteration.tallTilesFrom`): every band reads the blocks of z its entries need, so
    /// the fewer the bands, the less of z is read again from memory; the rows' sums (4 MB) stay
    /// in the shared L3 instead of L2. On 10M people with 100M referrals (the same C loop over
    /// both shapes, two threads, one run) 105 ms a step against 359–388 ms for the standard
    /// shape; on 3M people with 30M the shapes are even (25.5–27.9 ms); on 1M people with 10M
    /// the standard one wins (5.8–6.6 ms against 7.8–8.0 ms for 262,144 × 8,192).
    static let tall = TileShape(rowBits: 19, columnBits: 12)

    /// Rows per tile. The fused sweep takes only multiples of its reduction chunk (checked
    /// there), so that a block of whole bands is also a block of whole chunks.
    var rows: Int { 1 << rowBits }
    var columns: Int { 1 << columnBits }
}

/// W's entries regrouped into tiles of rows by columns, for the fused sparse sweep.
///
/// y ← W·z gathers z at each entry's column. Once z outgrows the cache (a million people is
/// 8 MB) a sweep of whole rows misses the cache at nearly every gather. Taking one band of rows
/// a column block at a time keeps the block of z they read and the rows' running sums in the
/// core's cache. Each row's sum is still formed term by term from 0: its terms in the order of
/// their columns' blocks and, within a block, in the row's order. Only matrices whose rows have
/// ascending columns are tiled (as `CSRMatrix.build` leaves them), so that this is the row's
/// own order and the sums have the row sweep's bits.
///
/// A tile's entries are in column order (and by row within a column, which keeps each row's
/// terms in their order): the sweep then reads its block of z front to back, mostly from the
/// core's first-level cache, and only the running sums at random. A tile of a sparse graph holds
/// far fewer entries than rows (about 0.16 a row on 1M people with 10M referrals), so in row
/// order it read the sums front to back instead but z at random, one cache line from the
/// second-level cache nearly every entry: on that graph, two threads, 7.8–8.9 ms a step in
/// row order against 5.6–5.7 ms in column order, the same tiles (the same C loop, both orders
/// timed in one run).
///
/// An entry is stored as its column within the block (the bits above `rowBits`) and its row
/// within the band (the low `rowBits` bits): 4 bytes, as a column index is.
struct TiledMatrix: Sendable {
    let shape: TileShape
    /// Column blocks per band of rows.
    let blocks: Int
    /// Tile t = band × `blocks` + block holds entries `tileStart[t] ..< tileStart[t + 1]`.
    let tileStart: [Int]
    /// Column within the block << rowBits | row within the band; each tile's in ascending order.
    let entries: [UInt32]
    /// W's values in the order of `entries`.
    let values: EdgeValues

    /// Bands of rows.
    var bands: Int { tileStart.count > 1 ? (tileStart.count - 1) / blocks : 0 }

    /// `w` tiled, or `nil` when a row's columns do not ascend.
    ///
    /// Each band's entries are put in column order (by row within a column) by a
    /// least-significant-digit radix sort of two digits: the column's low `lowBits` bits
    /// (at most eight, within the block), then the rest, whose buckets run through the band's
    /// tiles in block order. The first pass reads the rows in order, so each digit's pass
    /// being stable leaves a column's entries by row.
    /// - Complexity: O(rows + entries + bands × columns / 256), on every thread.
    init?(_ w: CSRMatrix, shape: TileShape = .standard) {
        precondition(
            shape.rowBits >= 0 && shape.columnBits >= 0 && shape.rowBits + shape.columnBits <= 32, "TiledMatrix: tile too large")
        let n = w.rows
        let blocks = max(1, (w.columns + shape.columns - 1) >> shape.columnBits)
        let bands = (n + shape.rows - 1) >> shape.rowBits
        let lowBits = min(8, shape.columnBits)
        // Buckets of the high digit (column >> lowBits) in a band: every block's, in order.
        let high = blocks << (shape.columnBits - lowBits)
        // Each band's tiles start where its rows' entries do in W and are cut by the band's
        // own count (below): no pass over W to count first.
        var tileStart = [Int](repeating: 0, count: bands * blocks + 1)
        tileStart[bands * blocks] = w.count
        let perBlock = 1 << (shape.columnBits - lowBits)
        // Values in the entries' order, by the same walk: `order[k]` is the entry of W at k.
        var order: [Int32] = []
        if case .ones = w.values {} else { order = [Int32](repeating: 0, count: w.count) }
        var ascending = [Bool](repeating: true, count: bands)
        // Each band sorts its own entries into its own tiles; every slot is written once (the
        // cursors run through exactly the counted ranges).
        let entries = HugePages.uninitialized(UInt32.self, count: w.count) { entries in
            order.withUnsafeMutableBufferPointer { order in
                ascending.withUnsafeMutableBufferPointer { ascending in
                    tileStart.withUnsafeMutableBufferPointer { tileStart in
                        let (entrySlots, orderSlots, bandOrdered) = (SharedBuffer(entries), SharedBuffer(order), SharedBuffer(ascending))
                        let tileSlots = SharedBuffer(tileStart)
                        let keepOrder = !order.isEmpty
                        w.rowStart.withUnsafeBufferPointer { start in
                            w.column.withUnsafeBufferPointer { column in
                                Parallel.forEach(bands) { band in
                                    let first = band << shape.rowBits
                                    let end = min(n, first + shape.rows)
                                    let (from, count) = (start[first], start[end] - start[first])
                                    // Pass one: (column << 32 | row within the band) by the low digit,
                                    // rows in order.
                                    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, count))
                                    let scratchOrder = UnsafeMutablePointer<Int32>.allocate(capacity: keepOrder ? max(1, count) : 0)
                                    defer {
                                        scratch.deallocate()
                                        scratchOrder.deallocate()
                                    }
                                    let lowMask = (1 << lowBits) - 1
                                    var ordered = true
                                    // The band's entries per high digit, counted with the low ones.
                                    let buckets = UnsafeMutablePointer<Int>.allocate(capacity: high)
                                    defer { buckets.deallocate() }
                                    buckets.initialize(repeating: 0, count: high)
                                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 1 << lowBits) { next in
                                        next.initialize(repeating: 0)
                                        for e in from..<from + count {
                                            let c = Int(column[e])
                                            next[c & lowMask] += 1
                                            buckets[c >> lowBits] += 1
                                        }
                                        var at = 0
                                        for digit in next.indices {
                                            let c = next[digit]
                                            next[digit] = at
                                            at += c
                                        }
                                        for r in first..<end {
                                            let row = UInt64(r - first)
                                            var previous: Int32 = -1
                                            for e in start[r]..<start[r + 1] {
                                                let c = column[e]
                                                ordered = ordered && c > previous
                                                previous = c
                                                let digit = Int(c) & lowMask
                                                let at = next[digit]
                                                next[digit] = at + 1
                                                scratch[at] = UInt64(UInt32(bitPattern: c)) << 32 | row
                                                if keepOrder { scratchOrder[at] = Int32(e) }
                                            }
                                        }
                                    }
                                    bandOrdered[band] = ordered
                                    // Pass two: by the high digit, straight into the band's tiles.
                                    let next = buckets  // each high digit's count becomes its cursor
                                    var at = from
                                    for h in 0..<high {
                                        if h % perBlock == 0 { tileSlots[band * blocks + h / perBlock] = at }
                                        let c = next[h]
                                        next[h] = at
                                        at += c
                                    }
                                    let (shift, columnMask) = (UInt64(32 + lowBits), UInt64(shape.columns - 1))
                                    let rowBits = UInt32(shape.rowBits)
                                    for i in 0..<count {
                                        let value = scratch[i]
                                        let h = Int(truncatingIfNeeded: value >> shift)
                                        let to = next[h]
                                        next[h] = to + 1
                                        let column = UInt32(truncatingIfNeeded: (value >> 32) & columnMask)
                                        entrySlots[to] = column << rowBits | UInt32(truncatingIfNeeded: value)
                                        if keepOrder { orderSlots[to] = scratchOrder[i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard ascending.allSatisfy({ $0 }) else { return nil }
        self.shape = shape
        self.blocks = blocks
        self.tileStart = tileStart
        self.entries = entries
        switch w.values {
        case .ones: values = .ones
        case .float(let v): values = .float(order.map { v[Int($0)] })
        case .double(let v): values = .double(order.map { v[Int($0)] })
        }
    }
}
