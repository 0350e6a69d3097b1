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
    /// Generation of each person (roots 0), -1 outside the forest.
    public let depth: [Int32]
    /// The root of each person's tree, -1 outside the forest.
    public let root: [Int32]
    /// Whether each person appears in the forest's rows.
    public let inForest: [Bool]
    /// Children of person p: `children[childStart[p] ..< childStart[p + 1]]`, in the order they joined.
    public let childStart: [Int]
    public let children: [Int32]
    /// Roots in order of their first appearance in the rows.
    public let roots: [Int32]
    /// People in the forest, in order of first appearance in the rows.
    public let members: [Int32]

    /// Builds the forest of every row of `events`; arrays are indexed by the events' people.
    /// - Complexity: O(r log r + n) for r rows and n people.
    public init(events: ReferralEvents) {
        self.init(scope: ScopeRows(allOf: events))
        checkInvariants(events)
    }

    /// Builds the forest of one scope's rows; arrays are indexed by the scope's local people
    /// (`scope.person(_:)` maps them back), and `parentRow` holds event rows.
    /// - Complexity: O(r log r + n) for r rows and n people of the scope (sorting by time;
    ///   cycle checks are near-constant with a union–find that remembers each set's tree root).
    public init(scope: ScopeRows) {
        let n = scope.peopleCount
        let source = scope.source, target = scope.target
        var order = Array(0..<scope.count)
        if let time = scope.time {
            // Stable: ties and untimed rows keep input order (untimed rows last).
            order.sort { a, b in
                let ta = time[a], tb = time[b]
                if ta.isNaN != tb.isNaN { return !ta.isNaN }
                if !ta.isNaN, ta != tb { return ta < tb }
                return a < b
            }
        }
        var inForest = [Bool](repeating: false, count: n)
        var members: [Int32] = []
        members.reserveCapacity(n)
        for k in 0..<scope.count {
            let s = source[k], t = target[k]
            if !inForest[Int(s)] {
                inForest[Int(s)] = true
                members.append(s)
            }
            if !inForest[Int(t)] {
                inForest[Int(t)] = true
                members.append(t)
            }
        }
        var parent = [Int32](repeating: -1, count: n)
        var parentRow = [Int32](repeating: -1, count: n)
        var sets = TreeSets(count: n)
        var joined: [Int32] = []  // children in the order they got their parent
        for k in order {
            let s = source[k], t = target[k]
            guard parent[Int(t)] < 0 else { continue }
            // t has no parent yet, so it is the root of its tree: s → t closes a cycle
            // exactly when s is in t's tree.
            if sets.treeRoot(of: s) == t { continue }
            parent[Int(t)] = s
            parentRow[Int(t)] = Int32(scope.row(k))
            sets.attach(t, under: s)
            joined.append(t)
        }
        // Children lists in the order they joined (chronological), then depths top-down.
        var childCount = [Int](repeating: 0, count: n + 1)
        for p in members where parent[Int(p)] >= 0 { childCount[Int(parent[Int(p)]) + 1] += 1 }
        for i in 0..<n { childCount[i + 1] += childCount[i] }
        var next = childCount
        var children = [Int32](repeating: 0, count: childCount[n])
        for c in joined {
            let p = Int(parent[Int(c)])
            children[next[p]] = c
            next[p] += 1
        }
        let roots = members.filter { parent[Int($0)] < 0 }
        var depth = [Int32](repeating: -1, count: n)
        var root = [Int32](repeating: -1, count: n)
        var stack: [Int32] = []
        for r in roots {
            depth[Int(r)] = 0
            root[Int(r)] = r
            stack.append(r)
            while let p = stack.popLast() {
                for k in childCount[Int(p)]..<childCount[Int(p) + 1] {
                    let c = children[k]
                    depth[Int(c)] = depth[Int(p)] + 1
                    root[Int(c)] = r
                    stack.append(c)
                }
            }
        }
        self.parent = parent
        self.parentRow = parentRow
        self.depth = depth
        self.root = root
        self.inForest = inForest
        self.childStart = childCount
        self.children = children
        self.roots = roots
        self.members = members
    }

    /// Each parent is the source of the person's parent row and one generation up; roots have none.
    private func checkInvariants(_ events: ReferralEvents) {
        #if INFLUENCE_INTERNAL_CHECKS
            for p in 0..<parent.count where parent[p] >= 0 {
                let r = Int(parentRow[p])
                internalCheck(events.target[r] == Int32(p) && events.source[r] == parent[p], "parent row \(r) does not link \(p)")
                internalCheck(depth[p] == depth[Int(parent[p])] + 1, "depth of \(p) is not its parent's plus one")
            }
        #endif
    }

    /// Children of `person`.
    public func children(of person: Int32) -> ArraySlice<Int32> {
        children[childStart[Int(person)]..<childStart[Int(person) + 1]]
    }
}

/// Union–find over people whose sets are referral trees, remembering each tree's root.
struct TreeSets {
    private var up: [Int32]
    private var size: [Int32]
    private var top: [Int32]

    init(count: Int) {
        up = (0..<Int32(count)).map { $0 }
        size = [Int32](repeating: 1, count: count)
        top = up
    }

    mutating func find(_ x: Int32) -> Int32 {
        var r = x
        while up[Int(r)] != r { r = up[Int(r)] }
        var y = x
        while up[Int(y)] != r { let next = up[Int(y)]; up[Int(y)] = r; y = next }
        return r
    }

    /// The root of the referral tree holding `x`.
    mutating func treeRoot(of x: Int32) -> Int32 { top[Int(find(x))] }

    /// Joins the tree rooted at `child` under `parent`'s tree.
    mutating func attach(_ child: Int32, under parent: Int32) {
        let a = find(parent), b = find(child)
        guard a != b else { return }
        let treeTop = top[Int(a)]
        let (big, small) = size[Int(a)] >= size[Int(b)] ? (a, b) : (b, a)
        up[Int(small)] = big
        size[Int(big)] += size[Int(small)]
        top[Int(big)] = treeTop
    }
}
