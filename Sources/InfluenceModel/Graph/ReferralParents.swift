import CPrefetch

/// Each person's parent in the referral forest (DESIGN.md, The model), without the trees
/// built on it: what attribution needs (a conversion's chain climbs parents), at about half
/// the cost of `ReferralForest`, whose children, depths and preorder are reads and writes at
/// random over every person.
///
/// Referrals are taken in order of time (rows without a time after all timed rows), input
/// order on ties or without timestamps. A person's parent is the sharer of the first
/// referral they receive that does not close a cycle: a referral s → t where t is already
/// an ancestor of s is passed over, and t's next referral is considered.
public struct ReferralParents: Sendable {
    /// Parent of each person, -1 for roots and for people outside the rows.
    public let parent: [Int32]
    /// The event row of each person's parent referral, -1 where there is none.
    public let parentRow: [Int32]
    /// Whether each person appears in the rows.
    public let inForest: [Bool]
    /// People in the rows, in order of first appearance.
    public let members: [Int32]
    /// People with a parent, in the order they got it (the forest's children lists); empty
    /// unless asked for (`joinOrder`): attribution never reads it (4 bytes a person, 44 MB of
    /// a 10M-row program export's peak).
    let joined: [Int32]

    /// The parents of every row of `events`; arrays are indexed by the events' people.
    /// - Complexity: O(r + n) for r rows and n people (see `init(scope:)`).
    public init(events: ReferralEvents) {
        self.init(scope: ScopeRows(allOf: events), joinOrder: false)
    }

    /// The parents of one scope's rows; arrays are indexed by the scope's local people, and
    /// `parentRow` holds event rows.
    /// - Complexity: O(r + n) for r rows and n people of the scope when the rows are in time
    ///   order already (or untimed), else a radix sort of their times first; cycle checks use a
    ///   union–find that remembers each set's tree root, with path compression (amortized
    ///   O(log n) at worst; near-constant on forests, where a new member joins its set's root).
    public init(scope: ScopeRows) { self.init(scope: scope, joinOrder: true) }

    /// `init(scope:)`, keeping the order in which people got their parents (`joined`) only
    /// when `joinOrder` is set.
    init(scope: ScopeRows, joinOrder: Bool) {
        let n = scope.peopleCount, rowCount = scope.count
        precondition(scope.target.count == rowCount && (scope.time?.count ?? rowCount) == rowCount, "scope columns differ in length")
        precondition(rowCount < Int(Int32.max) && n < Int(Int32.max), "too many rows or people for 32-bit indices")
        // Members in order of first appearance; the indices are checked here, once, so the
        // loops below may read without bounds checks.
        var inForest: [Bool]
        var members: [Int32]
        let numbered = Self.numberedInOrder(scope, people: n)
        if numbered {
            // The rows name people 0, 1, 2, … in order of first appearance, as a reader's table
            // numbers them: a pass in order found it, without reading a person's flag at random
            // for every row.
            inForest = [Bool](repeating: true, count: n)
            members = Array(0..<Int32(n))
        } else {
            inForest = [Bool](repeating: false, count: n)
            members = []
            members.reserveCapacity(n)
            scope.source.withUnsafeBufferPointer { source in
                scope.target.withUnsafeBufferPointer { target in
                    inForest.withUnsafeMutableBufferPointer { seen in
                        for k in 0..<rowCount {
                            let s = source[k], t = target[k]
                            precondition(
                                UInt32(bitPattern: s) < UInt32(n) && UInt32(bitPattern: t) < UInt32(n),
                                "row \(k) names a person outside 0..<\(n)")
                            if !seen[Int(s)] { seen[Int(s)] = true; members.append(s) }
                            if !seen[Int(t)] { seen[Int(t)] = true; members.append(t) }
                        }
                    }
                }
            }
        }
        let order = scope.time.flatMap(Self.timeOrder)
        if order == nil, numbered, let linked = Self.linkedInRowOrder(scope, people: n, joinOrder: joinOrder) {
            (parent, parentRow, self.joined) = linked
            self.inForest = inForest
            self.members = members
            return
        }
        var parent = [Int32](repeating: -1, count: n)
        var parentRow = [Int32](repeating: -1, count: n)
        var joined = [Int32](repeating: 0, count: joinOrder ? n : 0)  // people in the order they got their parent
        var joinedCount = 0
        // Union–find over trees: `up[x] < 0` marks a set's representative r, and holds the
        // referral-tree root of r's set: -1 for r itself, -(root + 2) for another. (One array:
        // a second for the roots, and union by size, took 4 bytes a person more, 44 MB at the
        // peak of attributing a 10M-row program export; path compression alone keeps finds short.)
        var up = [Int32](repeating: -1, count: n)
        // Whether a person has a parent, one bit each: the test most rows stop at, read at
        // random, from a table an eighth the size of `parent`'s bytes that stays in cache.
        var linked = [UInt64](repeating: 0, count: (n + 63) / 64)
        scope.source.withUnsafeBufferPointer { source in
            scope.target.withUnsafeBufferPointer { target in
                parent.withUnsafeMutableBufferPointer { parent in
                    parentRow.withUnsafeMutableBufferPointer { parentRow in
                        joined.withUnsafeMutableBufferPointer { joined in
                            up.withUnsafeMutableBufferPointer { up in
                                linked.withUnsafeMutableBufferPointer { linked in
                                    @inline(__always) func find(_ x: Int32) -> Int32 {
                                        var r = Int(x)
                                        while up[r] >= 0 { r = Int(up[r]) }
                                        var y = Int(x)
                                        while up[y] >= 0, up[y] != Int32(r) { let next = Int(up[y]); up[y] = Int32(r); y = next }
                                        return Int32(r)
                                    }
                                    @inline(__always) func link(_ k: Int) {
                                        let s = source[k], t = target[k]
                                        let word = Int(t) >> 6, bit = UInt64(1) << UInt64(Int(t) & 63)
                                        guard linked[word] & bit == 0 else { return }
                                        // t has no parent yet, so it is the root of its tree:
                                        // s → t closes a cycle exactly when s is in t's tree.
                                        let a = find(s)
                                        let mark = up[Int(a)]
                                        let treeTop = mark == -1 ? a : -(mark &+ 2)
                                        if treeTop == t { return }
                                        linked[word] |= bit
                                        parent[Int(t)] = s
                                        parentRow[Int(t)] = Int32(truncatingIfNeeded: scope.row(k))
                                        if joinOrder { joined[joinedCount] = t }
                                        joinedCount += 1
                                        // t's set is t's tree, whose representative differs from a
                                        // (else s would be in t's tree): it joins a's set, whose
                                        // root stays treeTop.
                                        let b = find(t)
                                        up[Int(b)] = a
                                    }
                                    // The rows to come are known: their people's entries are
                                    // fetched `lookahead` rows early (hints, which change no
                                    // result), so that each row's misses at random over the
                                    // people overlap those of the rows before it. Only for a
                                    // row whose target has no parent yet: the others stop at
                                    // that bit (a target once linked stays so). With a fetch
                                    // for every row, 100M referrals among 10M people asked for
                                    // four lines from memory per row, nine rows in ten unused.
                                    let lookahead = 16
                                    @inline(__always) func fetch(_ k: Int) {
                                        let s = Int(source[k]), t = Int(target[k])
                                        guard linked[t >> 6] & (UInt64(1) << UInt64(t & 63)) == 0 else { return }
                                        influence_prefetch(up.baseAddress! + s)
                                        influence_prefetch(up.baseAddress! + t)
                                        influence_prefetch(parent.baseAddress! + t)
                                        influence_prefetch(parentRow.baseAddress! + t)
                                    }
                                    if let order {
                                        for i in order.indices {
                                            if i &+ lookahead < rowCount { fetch(Int(order[i &+ lookahead])) }
                                            link(Int(order[i]))
                                        }
                                    } else {
                                        for k in 0..<rowCount {
                                            if k &+ lookahead < rowCount { fetch(k &+ lookahead) }
                                            link(k)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.parent = parent
        self.parentRow = parentRow
        self.inForest = inForest
        self.members = members
        if joinOrder { joined.removeSubrange(joinedCount...) }
        self.joined = joined
    }

    /// The parents of rows taken in their own order (in time order already, or untimed) that
    /// name people 0, 1, 2, … in order of first appearance (`numberedInOrder`), with the
    /// people in the order they got their parent when `joinOrder` is set; `nil` when more than
    /// a quarter of the rows have a target seen before, or checking them would climb more than
    /// a few steps a row (the union–find's turn then).
    ///
    /// A row whose target appears for the first time (its number is the next one) links it:
    /// nobody is below a person never seen, so the sharer cannot be, and no cycle closes. Such
    /// rows need no look-up at random, only two writes where the people are numbered, which
    /// follow the rows. The other rows (on the 10M program export, 482,239 of 9,807,535) come
    /// after, in order: a row whose target has a parent already is passed over (every parent
    /// found so far is from an earlier row: a first appearance before this row's, or a row
    /// before this one among these); else the sharer's ancestors are climbed, and the target
    /// is linked unless it is the top they reach. Every link along that climb is from an earlier
    /// row for the same reason, so the climb sees the forest as it stood at that row, as the
    /// union–find does.
    /// - Complexity: O(r) for r rows: the climbs are cut off at `8·r + 65,536` steps in all.
    static func linkedInRowOrder(_ scope: ScopeRows, people n: Int, joinOrder: Bool) -> (
        parent: [Int32], parentRow: [Int32], joined: [Int32]
    )? {
        let rowCount = scope.count
        var parent = [Int32](repeating: -1, count: n)
        var parentRow = [Int32](repeating: -1, count: n)
        var later: [Int32] = []
        let laterLimit = rowCount / 4
        let linked: Bool = scope.source.withUnsafeBufferPointer { source in
            scope.target.withUnsafeBufferPointer { target in
                parent.withUnsafeMutableBufferPointer { parent in
                    parentRow.withUnsafeMutableBufferPointer { parentRow in
                        // Every index is checked below n here (as `numberedInOrder` did), so
                        // the loops after read and write without bounds checks.
                        var next: Int32 = 0  // people 0 ..< next have appeared
                        for k in 0..<rowCount {
                            let s = source[k], t = target[k]
                            precondition(
                                UInt32(bitPattern: s) < UInt32(n) && UInt32(bitPattern: t) < UInt32(n),
                                "row \(k) names a person outside 0..<\(n)")
                            if s >= next { next = s &+ 1 }
                            if t >= next {
                                next = t &+ 1
                                parent[Int(t)] = s
                                parentRow[Int(t)] = Int32(truncatingIfNeeded: scope.row(k))
                            } else {
                                later.append(Int32(truncatingIfNeeded: k))
                                // Mostly rows to people seen before (10M referrals among 1M
                                // people): each one's check reads at random, and the
                                // union–find is the cheaper (the forest 136-142 ms there
                                // against 252-266 ms through this pass).
                                if later.count > laterLimit { return false }
                            }
                        }
                        var budget = 8 &* rowCount &+ 65_536
                        let ahead = 16
                        for i in later.indices {
                            if i &+ ahead < later.count {
                                let t = Int(target[Int(later[i &+ ahead])])
                                influence_prefetch(parentRow.baseAddress! + t)
                            }
                            let k = Int(later[i])
                            let s = source[k], t = target[k]
                            guard parentRow[Int(t)] < 0 else { continue }
                            var top = s
                            while parent[Int(top)] >= 0 {
                                top = parent[Int(top)]
                                budget &-= 1
                                if budget < 0 { return false }
                            }
                            if top == t { continue }
                            parent[Int(t)] = s
                            parentRow[Int(t)] = Int32(truncatingIfNeeded: scope.row(k))
                        }
                        return true
                    }
                }
            }
        }
        guard linked else { return nil }
        var joined: [Int32] = []
        if joinOrder {
            // The rows that linked their target, in order: each person's parent row is one row.
            joined.reserveCapacity(n)
            scope.target.withUnsafeBufferPointer { target in
                parentRow.withUnsafeBufferPointer { parentRow in
                    for k in 0..<rowCount {
                        let t = target[k]
                        if parentRow[Int(t)] == Int32(truncatingIfNeeded: scope.row(k)) { joined.append(t) }
                    }
                }
            }
        }
        return (parent, parentRow, joined)
    }

    /// Whether the rows name every one of the `people` people, each first appearing (source,
    /// then target, row by row) after all people numbered below it: then the people in order
    /// of first appearance are 0, 1, 2, …, and every person is in the rows. One pass in row
    /// order, which also checks that every index is below `people`.
    static func numberedInOrder(_ scope: ScopeRows, people n: Int) -> Bool {
        let rowCount = scope.count
        guard scope.target.count == rowCount else { return false }
        return scope.source.withUnsafeBufferPointer { source in
            scope.target.withUnsafeBufferPointer { target in
                var next: Int32 = 0  // people 0 ..< next have appeared
                for k in 0..<rowCount {
                    let s = source[k], t = target[k]
                    guard s >= 0, t >= 0 else { return false }
                    // A person seen before is below `next`; the next new one must be `next`.
                    if s >= next {
                        guard s == next else { return false }
                        next &+= 1
                    }
                    if t >= next {
                        guard t == next else { return false }
                        next &+= 1
                    }
                }
                return Int(next) == n
            }
        }
    }

    /// The rows in order of time (untimed rows last), input order on ties; `nil` when that is
    /// input order already, as in most exports.
    /// - Complexity: O(r): one pass to check, else a radix sort of the times' bit patterns.
    static func timeOrder(_ time: [Double]) -> [Int32]? {
        // −0 and 0 are equal times; NaN (no time) after every time.
        @inline(__always) func key(_ t: Double) -> UInt64 { t.isNaN ? .max : RadixSort.orderKey(t) }
        var sorted = true
        time.withUnsafeBufferPointer { time in
            var previous: UInt64 = 0
            for t in time {
                let k = key(t)
                if k < previous { sorted = false; break }
                previous = k
            }
        }
        if sorted { return nil }
        var keys = time.map(key)
        var order = (0..<Int32(time.count)).map { $0 }
        RadixSort.sort(keys: &keys, payload: &order)
        return order
    }
}
