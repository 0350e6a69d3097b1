import CPrefetch

/// The referral forest (DESIGN.md, The model): each person's first referral in is their parent.
///
/// Referrals are taken in order of time (rows without a time after all timed rows), input
/// order on ties or without timestamps. A person's parent is the sharer of the first
/// referral they receive that does not close a cycle: a referral s → t where t is already
/// an ancestor of s is passed over, and t's next referral is considered. Roots have no
/// parent; a cascade is one tree.
///
/// Arrays are indexed by person over the whole event set; people outside the rows the
/// forest was built from have `inForest[p] == false`.
public struct ReferralForest: Sendable {
    /// Parent of each person, -1 for roots and for people outside the forest.
    public let parent: [Int32]
    /// The event row of each person's parent referral, -1 where there is none.
    public let parentRow: [Int32]
    /// Generation of each person (roots 0), -1 outside the forest (empty in a forest built
    /// without it, which only the spread's campaigns build).
    public let depth: [Int32]
    /// The root of each person's tree, -1 outside the forest (empty in a forest built
    /// without them, which only the spread's measures build).
    public let root: [Int32]
    /// Whether each person appears in the forest's rows (empty where `root` is).
    public let inForest: [Bool]
    /// Children of person p: `children[childStart[p] ..< childStart[p + 1]]`, in the order they
    /// joined (both empty in a forest built without roots, which only the spread's measures build).
    public let childStart: [Int32]
    public let children: [Int32]
    /// Roots in order of their first appearance in the rows.
    public let roots: [Int32]
    /// People in the forest, in order of first appearance in the rows.
    public let members: [Int32]
    /// People in the forest tree by tree, in the order of `roots`, each tree depth-first from
    /// its root with children in the order they joined: a tree is one run, starting at depth 0.
    public let preorder: [Int32]
    /// The generation of the person at each place of `preorder`: what `cascades` reads, in
    /// order, rather than each person's `depth` at random.
    let preorderDepth: [Int32]

    /// Builds the forest of every row of `events`; arrays are indexed by the events' people.
    /// - Complexity: O(r + n) for r rows and n people (see `init(scope:)`).
    public init(events: ReferralEvents) {
        self.init(events: events, roots: true)
    }

    /// `init(events:)`, without `root` and `inForest` unless `roots`.
    init(events: ReferralEvents, roots: Bool) {
        self.init(scope: ScopeRows(allOf: events), roots: roots)
        checkInvariants(events)
    }

    /// Builds the forest of one scope's rows; arrays are indexed by the scope's local people
    /// (`scope.person(_:)` maps them back), and `parentRow` holds event rows.
    /// - Complexity: that of `ReferralParents(scope:)`, then O(n) for the children, depths and
    ///   preorder.
    public init(scope: ScopeRows) {
        self.init(scope: scope, roots: true)
    }

    /// `init(scope:)`; without `roots`, `root`, `inForest` and the children lists are left
    /// empty, and without `depths`, `depth`: the spread's measures read none of them (the
    /// children lists are the walk's alone), and they are 4 to 13 bytes a person (at 100M
    /// referrals of 140M people, 0.7 GB for `root` and `inForest` of the forest of all rows
    /// beside a campaign's; on the 10M program export, the children lists and a campaign's
    /// depths, 150 MB of the forests of all rows and of the larger campaign, built side by side).
    init(scope: ScopeRows, roots keepingRoots: Bool, depths keepingDepths: Bool = true) {
        let links = ReferralParents(scope: scope)
        let n = scope.peopleCount
        let (parent, members, joined) = (links.parent, links.members, links.joined)
        let joinedCount = joined.count
        // Children lists in the order they joined (chronological), then depths top-down.
        var childStart = [Int32](repeating: 0, count: n + 1)
        var children = [Int32](repeating: 0, count: joinedCount)
        let roots = members.filter { parent[Int($0)] < 0 }
        var depth = [Int32](repeating: -1, count: keepingDepths ? n : 0)
        var root = [Int32](repeating: -1, count: keepingRoots ? n : 0)
        var preorder = [Int32](repeating: 0, count: members.count)
        var levels = [Int32](repeating: 0, count: members.count)
        parent.withUnsafeBufferPointer { parent in
            childStart.withUnsafeMutableBufferPointer { start in
                // People join in time order, at random in memory: each one's parent is asked
                // for `ahead` people early, and the parent's counter half as early (hints only).
                let ahead = 16
                joined.withUnsafeBufferPointer { joined in
                    let count = joined.count
                    for i in 0..<count {
                        if i &+ ahead < count { influence_prefetch(parent.baseAddress! + Int(joined[i &+ ahead])) }
                        if i &+ ahead / 2 < count {
                            influence_prefetch(start.baseAddress! + Int(parent[Int(joined[i &+ ahead / 2])]) + 1)
                        }
                        start[Int(parent[Int(joined[i])]) + 1] += 1
                    }
                }
                for i in 0..<n { start[i + 1] += start[i] }
                children.withUnsafeMutableBufferPointer { children in
                    var next = Array(start[0..<n])
                    next.withUnsafeMutableBufferPointer { next in
                        joined.withUnsafeBufferPointer { joined in
                            let count = joined.count
                            for i in 0..<count {
                                if i &+ ahead < count { influence_prefetch(parent.baseAddress! + Int(joined[i &+ ahead])) }
                                if i &+ ahead / 2 < count {
                                    influence_prefetch(next.baseAddress! + Int(parent[Int(joined[i &+ ahead / 2])]))
                                }
                                let c = joined[i]
                                let p = Int(parent[Int(c)])
                                children[Int(next[p])] = c
                                next[p] += 1
                            }
                        }
                    }
                    // Depth-first from each root, children in the order they joined: every tree
                    // is one run of `preorder`, in the order of `roots`. The walk writes only in
                    // preorder (each person's depth and root beside it); the people's own
                    // entries are filled afterwards, where the writes do not wait on the walk.
                    depth.withUnsafeMutableBufferPointer { depth in
                        root.withUnsafeMutableBufferPointer { root in
                            preorder.withUnsafeMutableBufferPointer { preorder in
                                levels.withUnsafeMutableBufferPointer { levels in
                                    let m = preorder.count
                                    let tops = keepingRoots ? UnsafeMutablePointer<Int32>.allocate(capacity: max(1, m)) : nil
                                    defer { tops?.deallocate() }
                                    let at =
                                        m == 0
                                        ? 0
                                        : Self.walk(
                                            roots: roots, start: UnsafeBufferPointer(start), children: UnsafeBufferPointer(children),
                                            into: (preorder.baseAddress!, levels.baseAddress!, tops), count: m)
                                    precondition(at == m, "the forest does not hold every member")
                                    guard keepingDepths || keepingRoots else { return }
                                    for i in 0..<m {
                                        let p = Int(preorder[i])
                                        if keepingDepths { depth[p] = levels[i] }
                                        if let tops { root[p] = tops[i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.parent = parent
        self.parentRow = links.parentRow
        self.depth = depth
        self.root = root
        self.inForest = keepingRoots ? links.inForest : []
        self.childStart = keepingRoots ? childStart : []
        self.children = keepingRoots ? children : []
        self.roots = roots
        self.members = members
        self.preorder = preorder
        self.preorderDepth = levels
    }

    /// Walks the trees depth-first from each root, children in their order, writing each tree
    /// as one run of `into` (person, depth, root; no roots when `root` is `nil`), the trees in
    /// the order of `roots`: the sequential walk's output exactly.
    ///
    /// One walk reads a person's children's range, then the children, each a miss at random
    /// that waits on the one before. Several trees are walked at once instead, a step of each
    /// in turn (`lanes`), each step asking for what the lane's next step reads (a hint), so
    /// that the misses of different trees overlap. Each lane writes its trees to its own
    /// buffers; finished trees are copied out in the order of the roots as soon as every tree
    /// before them is, and a lane whose trees are all copied starts its buffers again.
    /// - Returns: the number of people written, which is `count` for a forest of `count` members.
    private static func walk(
        roots: [Int32], start: UnsafeBufferPointer<Int32>, children: UnsafeBufferPointer<Int32>,
        into out: (person: UnsafeMutablePointer<Int32>, depth: UnsafeMutablePointer<Int32>, root: UnsafeMutablePointer<Int32>?),
        count m: Int
    ) -> Int {
        struct Lane {
            var stack: [(person: Int32, depth: Int32)] = []
            /// Children to push on the next step: `children[first ..< end]`, at `depth`; -1 for none.
            var pending: (first: Int32, end: Int32, depth: Int32) = (0, 0, -1)
            /// The index into `roots` of the tree being walked, -1 for none.
            var tree = -1
            var runStart = 0
            /// Trees walked but not yet copied out.
            var waiting = 0
            var people: [Int32] = []
            var depths: [Int32] = []
        }
        let laneCount = 8
        var lanes = [Lane](repeating: Lane(), count: laneCount)
        // Where each walked tree's run lies: its lane, its start in the lane's buffers, its length.
        var runs = [(lane: Int, start: Int, count: Int)](repeating: (0, 0, 0), count: roots.count)
        var (nextTree, copied, at) = (0, 0, 0)
        var busy = true
        lanes.withUnsafeMutableBufferPointer { lanes in
            while busy {
                busy = false
                for l in 0..<laneCount {
                    if lanes[l].pending.depth >= 0 {
                        let (first, end, d) = lanes[l].pending
                        var k = Int(end)
                        while k > Int(first) {
                            k -= 1
                            let c = children[k]
                            influence_prefetch(start.baseAddress! + Int(c))
                            lanes[l].stack.append((c, d))
                        }
                        lanes[l].pending.depth = -1
                        busy = true
                        continue
                    }
                    if let (p, d) = lanes[l].stack.popLast() {
                        lanes[l].people.append(p)
                        lanes[l].depths.append(d)
                        let (first, end) = (start[Int(p)], start[Int(p) + 1])
                        if end > first {
                            influence_prefetch(children.baseAddress! + Int(first))
                            lanes[l].pending = (first, end, d + 1)
                        }
                        busy = true
                        continue
                    }
                    if lanes[l].tree >= 0 {
                        // Walked (a run has at least its root): copy out every tree in order
                        // that is walked, this one's and those it held back.
                        runs[lanes[l].tree] = (l, lanes[l].runStart, lanes[l].people.count - lanes[l].runStart)
                        lanes[l].waiting += 1
                        lanes[l].tree = -1
                        while copied < nextTree, runs[copied].count > 0 {
                            let run = runs[copied]
                            precondition(at + run.count <= m, "the forest holds more than its members")
                            lanes[run.lane].people.withUnsafeBufferPointer {
                                (out.person + at).update(from: $0.baseAddress! + run.start, count: run.count)
                            }
                            lanes[run.lane].depths.withUnsafeBufferPointer {
                                (out.depth + at).update(from: $0.baseAddress! + run.start, count: run.count)
                            }
                            out.root.map { ($0 + at).update(repeating: roots[copied], count: run.count) }
                            lanes[run.lane].waiting -= 1
                            at += run.count
                            copied += 1
                        }
                    }
                    if nextTree < roots.count {
                        if lanes[l].waiting == 0 {
                            lanes[l].people.removeAll(keepingCapacity: true)
                            lanes[l].depths.removeAll(keepingCapacity: true)
                        }
                        lanes[l].tree = nextTree
                        lanes[l].runStart = lanes[l].people.count
                        influence_prefetch(start.baseAddress! + Int(roots[nextTree]))
                        lanes[l].stack.append((roots[nextTree], 0))
                        nextTree += 1
                        busy = true
                    }
                }
            }
        }
        precondition(copied == roots.count, "a tree was walked but not copied out")
        return at
    }

    /// Each parent is the source of the person's parent row and one generation up; roots have none.
    private func checkInvariants(_ events: ReferralEvents) {
        #if INFLUENCE_INTERNAL_CHECKS
            for p in 0..<parent.count where parent[p] >= 0 {
                let r = Int(parentRow[p])
                internalCheck(events.target[r] == Int32(p) && events.source[r] == parent[p], "parent row \(r) does not link \(p)")
                internalCheck(depth.isEmpty || depth[p] == depth[Int(parent[p])] + 1, "depth of \(p) is not its parent's plus one")
            }
        #endif
    }

    /// Children of `person`.
    public func children(of person: Int32) -> ArraySlice<Int32> {
        children[Int(childStart[Int(person)])..<Int(childStart[Int(person) + 1])]
    }
}
