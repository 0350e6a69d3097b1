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
    /// n(n − 1)/2 pairs is Σ_edges 2·s·(n − s) / (n(n − 1)).
    /// - Parameters:
    ///   - size: n, the people in the tree.
    ///   - subtreeSizes: s for each edge (each person but the root: the people at or below it).
    /// - Returns: the mean pairwise distance, or `nil` when `size < 2`.
    /// - Complexity: O(n).
    public static func structuralVirality(size: Int, subtreeSizes: some Sequence<Int>) -> Double? {
        guard size >= 2 else { return nil }
        let n = Double(size)
        var sum = 0.0
        for s in subtreeSizes { sum += 2 * Double(s) * (n - Double(s)) }
        return sum / (n * (n - 1))
    }
}

extension ReferralForest {
    /// The cascades of this forest, one per tree, in the order of `roots`.
    /// - Parameters:
    ///   - timestamps: the events' `timestamp` column (row-indexed), for the first and last
    ///     times; `nil` without one.
    ///   - scope: the scope the forest was built from, to name roots by the events' people;
    ///     `nil` when the forest is numbered by the events' people already.
    /// - Complexity: O(m + N) for m people in the forest and N in the events (one scratch
    ///   array): each tree is walked breadth-first once, subtree sizes summed on the way back.
    public func cascades(timestamps: [Double]?, scope: ScopeRows? = nil) -> [Cascade] {
        var result: [Cascade] = []
        result.reserveCapacity(roots.count)
        var subtree = [Int32](repeating: 0, count: parent.count)
        var order: [Int32] = []
        for root in roots {
            // Breadth-first, so generations come in order and every descendant of a person
            // comes after it.
            order.removeAll(keepingCapacity: true)
            order.append(root)
            var head = 0
            while head < order.count {
                let p = order[head]
                head += 1
                order.append(contentsOf: children(of: p))
            }
            var generations: [Int] = []
            var first = Double.infinity, last = -Double.infinity
            for v in order {
                subtree[Int(v)] = 1
                let g = Int(depth[Int(v)] - depth[Int(root)])
                if g == generations.count { generations.append(0) }
                generations[g] += 1
                if let timestamps, v != root {
                    let t = timestamps[Int(parentRow[Int(v)])]
                    if t.isFinite {
                        first = Swift.min(first, t)
                        last = Swift.max(last, t)
                    }
                }
            }
            var sizes: [Int] = []
            sizes.reserveCapacity(order.count - 1)
            for v in order.reversed() where v != root {
                let s = subtree[Int(v)]
                subtree[Int(parent[Int(v)])] += s
                sizes.append(Int(s))
            }
            let n = order.count
            result.append(
                Cascade(
                    root: scope?.person(root) ?? root, size: n, depth: generations.count - 1, maxBreadth: generations.max() ?? 1,
                    generationSizes: generations,
                    structuralVirality: Cascade.structuralVirality(size: n, subtreeSizes: sizes),
                    firstTimestamp: first.isFinite ? first : nil, lastTimestamp: last.isFinite ? last : nil))
        }
        return result
    }
}
