/// The size of the tiles a `TiledMatrix` cuts W into: 2^rowBits rows by 2^columnBits columns.
struct TileShape: Sendable, Equatable {
    let rowBits: Int
    let columnBits: Int

    /// 65,536 rows by 16,384 columns: a block of z is 128 KB and the rows' running sums
    /// 512 KB, together well inside a core's 2 MB L2.
    static let standard = TileShape(rowBits: 16, columnBits: 14)

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
/// An entry is stored as its row within the band (high 16 bits) and its column within the
/// block (low 16 bits): 4 bytes, as a column index is.
struct TiledMatrix: Sendable {
    let shape: TileShape
    /// Column blocks per band of rows.
    let blocks: Int
    /// Tile t = band × `blocks` + block holds entries `tileStart[t] ..< tileStart[t + 1]`.
    let tileStart: [Int]
    /// Row within the band << 16 | column within the block.
    let entries: [UInt32]
    /// W's values in the order of `entries`.
    let values: EdgeValues

    /// Bands of rows.
    var bands: Int { tileStart.count > 1 ? (tileStart.count - 1) / blocks : 0 }

    /// `w` tiled, or `nil` when a row's columns do not ascend.
    /// - Complexity: O(rows + entries), on every thread.
    init?(_ w: CSRMatrix, shape: TileShape = .standard) {
        precondition(
            shape.rowBits >= 0 && shape.rowBits <= 16 && shape.columnBits >= 0 && shape.columnBits <= 16, "TiledMatrix: tile too large")
        let n = w.rows
        let blocks = max(1, (w.columns + shape.columns - 1) >> shape.columnBits)
        let bands = (n + shape.rows - 1) >> shape.rowBits
        var counts = [Int](repeating: 0, count: bands * blocks)
        // Count each band's entries per block, bands on their own threads: the band's entries
        // in one run, without a loop per row.
        counts.withUnsafeMutableBufferPointer { counts in
            let countSlots = SharedBuffer(counts)
            w.rowStart.withUnsafeBufferPointer { start in
                w.column.withUnsafeBufferPointer { column in
                    Parallel.forEach(bands) { band in
                        let first = band << shape.rowBits
                        let tiles = countSlots.base + band * blocks
                        let columnBits = shape.columnBits
                        for e in start[first]..<start[min(n, first + shape.rows)] { tiles[Int(column[e]) >> columnBits] += 1 }
                    }
                }
            }
        }
        var tileStart = [Int](repeating: 0, count: bands * blocks + 1)
        for t in 0..<counts.count { tileStart[t + 1] = tileStart[t] + counts[t] }
        // Values in the entries' order, by the same walk: `order[k]` is the entry of W at k.
        var order: [Int32] = []
        if case .ones = w.values {} else { order = [Int32](repeating: 0, count: w.count) }
        var ascending = [Bool](repeating: true, count: bands)
        // Each band fills its own tiles, rows in order: each tile's entries by row, then column;
        // every slot is written once (the cursors run through exactly the counted ranges).
        let entries = [UInt32](unsafeUninitializedCapacity: w.count) { entries, initialized in
            order.withUnsafeMutableBufferPointer { order in
                ascending.withUnsafeMutableBufferPointer { ascending in
                    let (entrySlots, orderSlots, bandOrdered) = (SharedBuffer(entries), SharedBuffer(order), SharedBuffer(ascending))
                    let keepOrder = !order.isEmpty
                    w.rowStart.withUnsafeBufferPointer { start in
                        w.column.withUnsafeBufferPointer { column in
                            Parallel.forEach(bands) { band in
                                let next = UnsafeMutablePointer<Int>.allocate(capacity: blocks)
                                defer { next.deallocate() }
                                for block in 0..<blocks { next[block] = tileStart[band * blocks + block] }
                                let first = band << shape.rowBits
                                let (columnBits, columnMask) = (shape.columnBits, Int32(shape.columns - 1))
                                var ordered = true
                                for r in first..<min(n, first + shape.rows) {
                                    let high = UInt32(r - first) << 16
                                    var previous: Int32 = -1
                                    for e in start[r]..<start[r + 1] {
                                        let c = column[e]
                                        ordered = ordered && c > previous
                                        previous = c
                                        let block = Int(c) >> columnBits
                                        let at = next[block]
                                        next[block] = at + 1
                                        entrySlots[at] = high | UInt32(c & columnMask)
                                        if keepOrder { orderSlots[at] = Int32(e) }
                                    }
                                }
                                bandOrdered[band] = ordered
                            }
                        }
                    }
                }
            }
            initialized = w.count
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
