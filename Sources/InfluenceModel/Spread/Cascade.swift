import CPrefetch

/// One referral tree of a forest (DESIGN.md, Spread): how big, how deep, how broad and how
/// viral it is.
public struct Cascade: Sendable, Equatable {
    /// The root, as a person index into the events' `people`.
    public var root: Int32
    /// People in the tree, the root included.
    public var size: Int
    /// Generations below the root: 0 for a cascade of one.
    public var depth: Int
    /// The most people in one generation (the root's generation counts, so at least 1).
    public var maxBreadth: Int
    /// People per generation, root first: `generationSizes[0] == 1`, `count == depth + 1`.
    public var generationSizes: [Int]
    /// Mean shortest-path distance between two people of the undirected tree (Goel, Anderson,
    /// Hofman and Watts 2016, "The structural virality of online diffusion"); `nil` for a
    /// cascade of one, which has no pairs.
    public var structuralVirality: Double?
    /// Earliest time of the cascade's parent referrals (the forest's edges), in seconds since
    /// the epoch; `nil` when none of them has a time.
    public var firstTimestamp: Double?
    /// Latest time of the cascade's parent referrals; `nil` when none of them has a time.
    public var lastTimestamp: Double?

    public init(
        root: Int32, size: Int, depth: Int, maxBreadth: Int, generationSizes: [Int],
        structuralVirality: Double?, firstTimestamp: Double?, lastTimestamp: Double?
    ) {
        self.root = root
        self.size = size
        self.depth = depth
        self.maxBreadth = maxBreadth
        self.generationSizes = generationSizes
        self.structuralVirality = structuralVirality
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
    }

    /// Structural virality from subtree sizes: removing the edge above a subtree of s people
    /// separates s·(n − s) pairs, and each pair's path crosses exactly the edges that separate
    /// it, so the sum of all pairwise distances is Σ_edges s·(n − s) and their mean over the
    /// n(n − 1)/2 pairs is Σ_edges 2·s·(n − s) / (n(n − 1)). The sum is taken exactly, in
    /// integers, so it does not depend on the order of the edges.
    /// - Parameters:
    ///   - size: n, the people in the tree.
    ///   - subtreeSizes: s for each edge (each person but the root: the people at or below it).
    /// - Returns: the mean pairwise distance, or `nil` when `size < 2`.
    /// - Complexity: O(n).
    public static func structuralVirality(size: Int, subtreeSizes: some Sequence<Int>) -> Double? {
        guard size >= 2 else { return nil }
        var sum = PairDistances()
        for s in subtreeSizes { sum.add(subtree: s, of: size) }
        return sum.mean(size: size)
    }
}

/// The exact sum of Σ 2·s·(n − s) over a tree's edges (at most n³/2, beyond 64 bits for trees
/// of millions), and the mean pairwise distance it gives.
struct PairDistances {
    /// The sum as two 64-bit words. Each term is added with a carry rather than as `Int128`:
    /// converting every term to `Int128` went through the standard library's generic integer
    /// conversion, unspecialized (about a third of `cascades` in a `perf` profile of `spread`
    /// on a 10M-row program export).
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    /// Adds 2·s·(n − s) for a subtree of `s` of the tree's `n` people (0 ≤ s ≤ n).
    @inline(__always) mutating func add(subtree s: Int, of n: Int) {
        guard n < 1 << 31 else { return addWide(subtree: s, of: n) }
        // At most n²/2 < 2⁶¹: one word.
        let term = UInt64(truncatingIfNeeded: 2 &* s) &* UInt64(truncatingIfNeeded: n &- s)
        let (sum, carry) = low.addingReportingOverflow(term)
        low = sum
        if carry { high &+= 1 }
    }

    /// `add` for trees of 2³¹ people or more, whose terms pass 64 bits.
    private mutating func addWide(subtree s: Int, of n: Int) {
        let wide = total + Int128(2 * s) * Int128(n - s)
        (low, high) = (UInt64(truncatingIfNeeded: wide), UInt64(truncatingIfNeeded: wide >> 64))
    }

    /// The sum, exactly.
    var total: Int128 { Int128(high) << 64 | Int128(low) }

    func mean(size n: Int) -> Double? {
        guard n >= 2 else { return nil }
        let size = Double(n)
        // Below 2⁶⁴ the word's own conversion, correctly rounded as `Double(total)` is.
        let sum = high == 0 ? Double(low) : Double(total)
        return sum / (size * (size - 1))
    }
}

extension ReferralForest {
    /// The cascades of this forest, one per tree, in the order of `roots`.
    /// - Parameters:
    ///   - timestamps: the events' `timestamp` column (row-indexed), for the first and last
    ///     times; `nil` without one.
    ///   - scope: the scope the forest was built from, to name roots by the events' people;
    ///     `nil` when the forest is numbered by the events' people already.
    /// - Complexity: O(m) for m people in the forest: each tree is one run of `preorder`,
    ///   walked forward for its generations and times and backward for its subtree sizes.
    public func cascades(timestamps: [Double]?, scope: ScopeRows? = nil) -> [Cascade] {
        var result: [Cascade] = []
        result.reserveCapacity(roots.count)
        // While walking a tree backward, the people counted so far below the last person met at
        // each depth.
        var below: [Int] = []
        var generations: [Int] = []
        var shapes = GenerationShapes()
        let times = timestamps ?? []
        // People come in preorder, at random in memory: their parent row and its time are asked
        // for `ahead` people early (a hint: no result depends on it), so that the misses overlap
        // rather than come one after another. Their depths are read in preorder (`preorderDepth`).
        let ahead = 16
        preorder.withUnsafeBufferPointer { preorder in
            // The depth at each place of the preorder: a tree's run is read in place.
            preorderDepth.withUnsafeBufferPointer { depthAt in
                parentRow.withUnsafeBufferPointer { parentRow in
                    times.withUnsafeBufferPointer { times in
                        let count = preorder.count
                        var start = 0
                        while start < count {
                            let root = preorder[start]
                            var end = start + 1
                            while end < count, depthAt[end] != 0 { end += 1 }
                            let n = end - start
                            generations.removeAll(keepingCapacity: true)
                            for d in depthAt[start..<end] {
                                if Int(d) == generations.count { generations.append(0) }
                                generations[Int(d)] += 1
                            }
                            var first = Double.infinity, last = -Double.infinity
                            if timestamps != nil {
                                for k in start + 1..<end {
                                    if k &+ 2 &* ahead < count {
                                        influence_prefetch(parentRow.baseAddress! + Int(preorder[k &+ 2 &* ahead]))
                                    }
                                    if k &+ ahead < count {
                                        let r = Int(parentRow[Int(preorder[k &+ ahead])])
                                        if r >= 0, r < times.count { influence_prefetch(times.baseAddress! + r) }
                                    }
                                    let row = Int(parentRow[Int(preorder[k])])
                                    // `timestamps` comes from the caller: read only within it.
                                    precondition(row < times.count, "ReferralForest.cascades: no timestamp for row \(row)")
                                    let t = times[row]
                                    if t.isFinite {
                                        first = Swift.min(first, t)
                                        last = Swift.max(last, t)
                                    }
                                }
                            }
                            // Backward through a preorder, a person's descendants come just before
                            // it: its subtree is 1 + what its children left one level down.
                            below.removeAll(keepingCapacity: true)
                            below.append(contentsOf: repeatElement(0, count: generations.count + 1))
                            var distances = PairDistances()
                            for k in stride(from: n - 1, to: 0, by: -1) {
                                let d = Int(depthAt[start + k])
                                let s = 1 + below[d + 1]
                                below[d + 1] = 0
                                below[d] += s
                                distances.add(subtree: s, of: n)
                            }
                            result.append(
                                Cascade(
                                    root: scope?.person(root) ?? root, size: n, depth: generations.count - 1,
                                    maxBreadth: generations.max() ?? 1, generationSizes: shapes.array(generations),
                                    structuralVirality: distances.mean(size: n),
                                    firstTimestamp: first.isFinite ? first : nil, lastTimestamp: last.isFinite ? last : nil))
                            start = end
                        }
                    }
                }
            }
        }
        return result
    }
}

/// One array per distinct small list of generation sizes, shared by every cascade with that
/// list (arrays are values: a shared one is copied only if written).
///
/// Most cascades are a few people ([1], [1, 1], [1, 2], …): on the 10M program export 3.1
/// million cascades over its three scopes, each with an array of its own, were an allocation
/// and a release apiece and most of a gigabyte's tenth of memory.
struct GenerationShapes {
    private var index = IntegerMap()
    private var arrays: [[Int]] = []

    /// An array equal to `sizes`: a shared one when there are at most seven generations of at
    /// most 255 people each, else a copy.
    mutating func array(_ sizes: [Int]) -> [Int] {
        guard sizes.count <= 7 else { return sizes }
        // Seven bytes of sizes above three bits of count: below 2⁵⁹, so a valid key.
        var key = Int64(sizes.count)
        for (g, s) in sizes.enumerated() {
            guard s >= 0, s <= 255 else { return sizes }
            key |= Int64(s) << Int64(3 + 8 * g)
        }
        let (slot, added) = index.value(of: key, insertingIfAbsent: Int32(arrays.count))
        if added { arrays.append(sizes) }
        return arrays[Int(slot)]
    }
}
