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
/// A tile's entries are in column order (and by row within a column, which keeps each row's
/// terms in their order): the sweep then reads its block of z front to back, mostly from the
/// core's first-level cache, and only the running sums at random. A tile of a sparse graph holds
/// far fewer entries than rows (about 0.16 a row on 1M people with 10M referrals), so in row
/// order it read the sums front to back instead but z at random, one cache line from the
/// second-level cache nearly every entry: on that graph, two threads, 7.8–8.9 ms a step in
/// row order against 5.6–5.7 ms in column order, the same tiles (the same C loop, both orders
/// timed in one run).
///
/// An entry is stored as its column within the block (high 16 bits) and its row within the
/// band (low 16 bits): 4 bytes, as a column index is.
struct TiledMatrix: Sendable {
    let shape: TileShape
    /// Column blocks per band of rows.
    let blocks: Int
    /// Tile t = band × `blocks` + block holds entries `tileStart[t] ..< tileStart[t + 1]`.
    let tileStart: [Int]
    /// Column within the block << 16 | row within the band; each tile's in ascending order.
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
        // Each band fills its own tiles, rows in order (each tile's entries by row, then column;
        // every slot is written once: the cursors run through exactly the counted ranges), then
        // puts each tile in column order.
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
                                    let low = UInt32(r - first)
                                    var previous: Int32 = -1
                                    for e in start[r]..<start[r + 1] {
                                        let c = column[e]
                                        ordered = ordered && c > previous
                                        previous = c
                                        let block = Int(c) >> columnBits
                                        let at = next[block]
                                        next[block] = at + 1
                                        entrySlots[at] = UInt32(c & columnMask) << 16 | low
                                        if keepOrder { orderSlots[at] = Int32(e) }
                                    }
                                }
                                bandOrdered[band] = ordered
                                let tiles = band * blocks..<(band + 1) * blocks
                                Self.sortByColumn(
                                    tiles: tiles, tileStart: tileStart, columnBits: shape.columnBits, entries: entrySlots.base,
                                    order: keepOrder ? orderSlots.base : nil,
                                    longest: tiles.reduce(0) { max($0, tileStart[$1 + 1] - tileStart[$1]) })
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
    /// Puts the entries of each of `tiles` (in row order) in column order, stably, so that a
    /// column's entries stay in row order: a least-significant-digit radix sort of the column
    /// bits (16 ..< 16 + `columnBits`), eight at a time, moving each entry's `order` with it.
    /// - Parameter longest: an upper bound on a tile's entries (the scratch's size).
    /// - Complexity: O(entries + 256 × tiles) for each eight column bits.
    private static func sortByColumn(
        tiles: Range<Int>, tileStart: [Int], columnBits: Int, entries: UnsafeMutablePointer<UInt32>,
        order: UnsafeMutablePointer<Int32>?, longest: Int
    ) {
        guard columnBits > 0, longest > 1 else { return }
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: longest)
        let orderScratch = order.map { _ in UnsafeMutablePointer<Int32>.allocate(capacity: longest) }
        defer {
            scratch.deallocate()
            orderScratch?.deallocate()
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            for t in tiles {
                let from = tileStart[t]
                let count = tileStart[t + 1] - from
                if count < 2 { continue }
                var (source, target) = (entries + from, scratch)
                var (sourceOrder, targetOrder) = (order.map { $0 + from }, orderScratch)
                for shift in stride(from: 16, to: 16 + columnBits, by: 8) {
                    counts.initialize(repeating: 0)
                    for i in 0..<count { counts[Int(source[i] >> UInt32(shift)) & 0xFF] += 1 }
                    var at = 0
                    for digit in 0..<256 {
                        let c = counts[digit]
                        counts[digit] = at
                        at += c
                    }
                    for i in 0..<count {
                        let digit = Int(source[i] >> UInt32(shift)) & 0xFF
                        let to = counts[digit]
                        counts[digit] = to + 1
                        target[to] = source[i]
                        if let sourceOrder, let targetOrder { targetOrder[to] = sourceOrder[i] }
                    }
                    swap(&source, &target)
                    swap(&sourceOrder, &targetOrder)
                }
                // After an odd number of passes the sorted tile is in the scratch.
                if source != entries + from {
                    (entries + from).update(from: source, count: count)
                    if let order, let sourceOrder { (order + from).update(from: sourceOrder, count: count) }
                }
            }
        }
    }
}
