import Foundation
import Testing

@testable import InfluenceModel

/// The referral forest and the cascade listing against plain restatements of their
/// definitions (DESIGN.md, The model): rows taken in order of time, untimed last, input order
/// on ties; a person's parent is the sharer of the first referral in that does not close a
/// cycle; a cascade is one tree.
struct ForestTests {
    /// Events of `rows` (source, target, time) among `people` people named p0, p1, …
    static func events(people: Int, rows: [(Int32, Int32, Double)], timed: Bool) -> ReferralEvents {
        var events = ReferralEvents(file: "forest.csv")
        for p in 0..<people { var name = "p\(p)"; _ = name.withUTF8 { events.people.intern($0) } }
        events.source = rows.map(\.0)
        events.target = rows.map(\.1)
        events.weight = rows.map { _ in 1 }
        events.line = (0..<Int32(rows.count)).map { $0 + 2 }
        if timed { events.timestamp = rows.map(\.2) }
        return events
    }

    /// The forest by its definition: a stable sort by time, and each cycle check by climbing
    /// the sharer's ancestors.
    static func reference(_ events: ReferralEvents) -> (parent: [Int32], parentRow: [Int32], order: [Int]) {
        let n = events.people.count
        var order = Array(0..<events.count)
        if let time = events.timestamp {
            order.sort { a, b in
                let ta = time[a], tb = time[b]
                if ta.isNaN != tb.isNaN { return !ta.isNaN }
                if !ta.isNaN, ta != tb { return ta < tb }
                return a < b
            }
        }
        var parent = [Int32](repeating: -1, count: n)
        var parentRow = [Int32](repeating: -1, count: n)
        for k in order {
            let s = events.source[k], t = events.target[k]
            guard parent[Int(t)] < 0 else { continue }
            var a = s
            var closes = false
            while true {
                if a == t { closes = true; break }
                if parent[Int(a)] < 0 { break }
                a = parent[Int(a)]
            }
            if closes { continue }
            parent[Int(t)] = s
            parentRow[Int(t)] = Int32(k)
        }
        return (parent, parentRow, order)
    }

    /// Random rows over few people, so there are repeated pairs, cycles and late referrers;
    /// times drawn from a few values (ties, −0 beside 0), some missing, sometimes in order.
    static func randomRows(seed: UInt64) -> (people: Int, rows: [(Int32, Int32, Double)], timed: Bool) {
        var rng = SplitMix64(seed: seed)
        let people = Int.random(in: 2...40, using: &rng)
        let count = Int.random(in: 1...120, using: &rng)
        let times: [Double] = [-0.0, 0, 1, 2, 2.5, 1e9, .nan]
        var rows: [(Int32, Int32, Double)] = []
        for _ in 0..<count {
            let s = Int32.random(in: 0..<Int32(people), using: &rng)
            var t = Int32.random(in: 0..<Int32(people), using: &rng)
            if t == s { t = (s + 1) % Int32(people) }
            rows.append((s, t, times.randomElement(using: &rng)!))
        }
        if seed % 3 == 0 { rows.sort { ($0.2.isNaN ? .infinity : $0.2) < ($1.2.isNaN ? .infinity : $1.2) } }
        return (people, rows, seed % 4 != 1)
    }

    /// Rows whose people are numbered in order of first appearance (as a reader numbers them)
    /// have their members found by a pass in order rather than by flags read at random; the
    /// members, flags and parents are the definition's either way, also when the numbering is
    /// one step off: a person who never appears, two people's numbers swapped, an index past
    /// the people.
    @Test(arguments: 0..<100)
    func membersOfRowsNumberedInOrder(seed: UInt64) throws {
        let (_, rows, timed) = Self.randomRows(seed: seed)
        var number: [Int32: Int32] = [:]
        var inOrder: [(Int32, Int32, Double)] = []
        for (s, t, time) in rows {
            for p in [s, t] where number[p] == nil { number[p] = Int32(number.count) }
            inOrder.append((number[s]!, number[t]!, time))
        }
        let appeared = number.count
        let swapped = inOrder.map { row -> (Int32, Int32, Double) in
            func swap(_ p: Int32) -> Int32 { p == 0 ? 1 : p == 1 ? 0 : p }
            return (swap(row.0), swap(row.1), row.2)
        }
        let variants: [(people: Int, rows: [(Int32, Int32, Double)], inOrder: Bool)] = [
            (appeared, inOrder, true), (appeared + 1, inOrder, false), (appeared, swapped, false),
        ]
        for (k, variant) in variants.enumerated() {
            let events = Self.events(people: variant.people, rows: variant.rows, timed: timed)
            let found = ReferralParents.numberedInOrder(ScopeRows(allOf: events), people: variant.people)
            #expect(found == variant.inOrder, "seed \(seed), variant \(k)")
            let parents = ReferralParents(events: events)
            var members: [Int32] = []
            for (s, t, _) in variant.rows {
                for p in [s, t] where !members.contains(p) { members.append(p) }
            }
            let flags = (0..<Int32(variant.people)).map { members.contains($0) }
            let want = Self.reference(events)
            #expect(parents.members == members && parents.inForest == flags, "seed \(seed), variant \(k)")
            #expect(parents.parent == want.parent && parents.parentRow == want.parentRow, "seed \(seed), variant \(k)")
        }
        // An index past the people is no numbering in order (the pass checks every index).
        var past = ScopeRows(allOf: Self.events(people: appeared, rows: inOrder, timed: timed))
        past = ScopeRows(
            rows: (0..<Int32(inOrder.count)).map { $0 }, people: (0..<Int32(appeared - 1)).map { $0 },
            source: past.source, target: past.target, time: nil)
        #expect(!ReferralParents.numberedInOrder(past, people: appeared - 1), "seed \(seed)")
    }

    /// Rows in their own order (untimed, or timed in order) that name people in order of first
    /// appearance take the pass that links each first appearance without a check
    /// (`linkedInRowOrder`) and climbs only for the other rows: the parents, parent rows and
    /// children's order are the definition's, on cascades with repeated referrals, referrals
    /// of people who shared first, and referrals back up a tree (cycles).
    @Test(arguments: 0..<200)
    func parentsOfRowsInOrderMatchTheDefinition(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let count = Int.random(in: 1...400, using: &rng)
        // Mostly first appearances (the pass's own turn) for three seeds in four.
        let fresh = seed % 4 == 0 ? Double.random(in: 0.2...0.7, using: &rng) : Double.random(in: 0.8...0.97, using: &rng)
        var rows: [(Int32, Int32, Double)] = [(0, 1, 0)]
        var seen: Int32 = 2
        while rows.count < count {
            // Now and then a new sharer: the root of a tree of their own, until referred.
            var s = Int32.random(in: 0..<seen, using: &rng)
            if Double.random(in: 0..<1, using: &rng) < 0.1 {
                s = seen
                seen += 1
            }
            var t: Int32
            if Double.random(in: 0..<1, using: &rng) < fresh {
                t = seen
                seen += 1
            } else {
                t = Int32.random(in: 0..<seen, using: &rng)
                if t == s { t = (s + 1) % seen }
            }
            rows.append((s, t, Double(rows.count / 3)))
        }
        let timed = seed % 2 == 0
        let events = Self.events(people: Int(seen), rows: rows, timed: timed)
        let scope = ScopeRows(allOf: events)
        #expect(ReferralParents.numberedInOrder(scope, people: Int(seen)), "seed \(seed)")
        // Past a quarter of the rows to people seen before, the union–find's turn.
        var (next, later): (Int32, Int) = (0, 0)
        for (s, t, _) in rows {
            next = max(next, s + 1)
            if t >= next { next = t + 1 } else { later += 1 }
        }
        let want = Self.reference(events)
        let parents = ReferralParents(events: events)
        #expect(parents.parent == want.parent && parents.parentRow == want.parentRow, "seed \(seed)")
        guard later <= rows.count / 4 else {
            #expect(ReferralParents.linkedInRowOrder(scope, people: Int(seen), joinOrder: true) == nil, "seed \(seed)")
            return
        }
        let linked = try #require(ReferralParents.linkedInRowOrder(scope, people: Int(seen), joinOrder: true), "seed \(seed)")
        #expect(linked.parent == want.parent && linked.parentRow == want.parentRow, "seed \(seed)")
        let forest = ReferralForest(events: events)
        #expect(forest.parent == want.parent && forest.parentRow == want.parentRow, "seed \(seed)")
        // The people in the order they got their parent: by their parent rows.
        let joined = (0..<seen).filter { want.parent[Int($0)] >= 0 }.sorted { want.parentRow[Int($0)] < want.parentRow[Int($1)] }
        #expect(linked.joined == joined, "seed \(seed)")
        for p in 0..<seen {
            let children = joined.filter { want.parent[Int($0)] == p }
            #expect(Array(forest.children(of: p)) == children, "seed \(seed), children of \(p)")
        }
    }

    /// A chain climbed from its foot by every later row (each a referral of its top, which
    /// closes a cycle) runs past the climbs' budget: the union–find takes over, with the same
    /// parents.
    @Test func climbsPastTheirBudgetFallBackToTheUnionFind() throws {
        let length: Int32 = 1_000
        var rows: [(Int32, Int32, Double)] = (0..<length - 1).map { ($0, $0 + 1, 0) }
        rows += Array(repeating: (length - 1, 0, 0), count: 1_000)
        rows.append((length - 1, length, 0))
        let events = Self.events(people: Int(length) + 1, rows: rows, timed: false)
        let scope = ScopeRows(allOf: events)
        #expect(ReferralParents.numberedInOrder(scope, people: Int(length) + 1))
        #expect(ReferralParents.linkedInRowOrder(scope, people: Int(length) + 1, joinOrder: false) == nil)
        let parents = ReferralParents(events: events)
        let want = Self.reference(events)
        #expect(parents.parent == want.parent && parents.parentRow == want.parentRow)
        #expect(parents.parent[0] == -1 && parents.parent[Int(length)] == length - 1)
    }

    @Test(arguments: 0..<300)
    func forestMatchesItsDefinition(seed: UInt64) throws {
        let (people, rows, timed) = Self.randomRows(seed: seed)
        let events = Self.events(people: people, rows: rows, timed: timed)
        let forest = ReferralForest(events: events)
        let want = Self.reference(events)
        #expect(forest.parent == want.parent, "seed \(seed)")
        #expect(forest.parentRow == want.parentRow, "seed \(seed)")
        // The parents alone (what attribution builds) are the forest's.
        let parents = ReferralParents(events: events)
        #expect(parents.parent == want.parent && parents.parentRow == want.parentRow, "seed \(seed)")
        #expect(parents.members == forest.members && parents.inForest == forest.inForest, "seed \(seed)")
        // Built without roots (the spread's measures): the same forest, `root`, `inForest` and
        // the children lists left empty; without depths (a campaign's), `depth` too. The depths
        // in preorder are each person's, and the cascades are the same either way.
        let bare = ReferralForest(events: events, roots: false)
        #expect(bare.parent == forest.parent && bare.parentRow == forest.parentRow && bare.depth == forest.depth, "seed \(seed)")
        #expect(bare.members == forest.members && bare.roots == forest.roots && bare.preorder == forest.preorder, "seed \(seed)")
        #expect(bare.childStart.isEmpty && bare.children.isEmpty && !forest.childStart.isEmpty, "seed \(seed)")
        #expect(bare.root.isEmpty && bare.inForest.isEmpty && !forest.root.isEmpty, "seed \(seed)")
        let depthless = ReferralForest(scope: ScopeRows(allOf: events), roots: false, depths: false)
        #expect(depthless.depth.isEmpty && depthless.preorder == forest.preorder && depthless.parentRow == forest.parentRow, "seed \(seed)")
        let depthsInPreorder: [Int32] = forest.preorder.map { forest.depth[Int($0)] }
        #expect(forest.preorderDepth == depthsInPreorder && depthless.preorderDepth == depthsInPreorder, "seed \(seed)")
        let cascades = forest.cascades(timestamps: events.timestamp)
        #expect(
            depthless.cascades(timestamps: events.timestamp) == cascades && bare.cascades(timestamps: events.timestamp) == cascades,
            "seed \(seed)")

        // Members in order of first appearance, roots among them in that order.
        var members: [Int32] = []
        for k in 0..<events.count {
            for p in [events.source[k], events.target[k]] where !members.contains(p) { members.append(p) }
        }
        #expect(forest.members == members)
        #expect(forest.roots == members.filter { want.parent[Int($0)] < 0 })
        for p in 0..<Int32(people) where !members.contains(p) {
            #expect(!forest.inForest[Int(p)] && forest.depth[Int(p)] == -1 && forest.root[Int(p)] == -1)
        }
        // Depth and root by climbing; children of each person in the order they joined, which
        // is the order of their parent rows in time order.
        for p in members {
            var a = p
            var depth: Int32 = 0
            while want.parent[Int(a)] >= 0 { a = want.parent[Int(a)]; depth += 1 }
            #expect(forest.depth[Int(p)] == depth && forest.root[Int(p)] == a, "seed \(seed), person \(p)")
        }
        for p in members {
            let joined = members.filter { want.parent[Int($0)] == p }
                .sorted {
                    want.order.firstIndex(of: Int(want.parentRow[Int($0)]))! < want.order.firstIndex(of: Int(want.parentRow[Int($1)]))!
                }
            #expect(Array(forest.children(of: p)) == joined, "seed \(seed), children of \(p)")
        }
        // Each tree is one run of the preorder: its root first, every person after its parent.
        #expect(forest.preorder.count == members.count)
        var position = [Int](repeating: -1, count: people)
        for (i, p) in forest.preorder.enumerated() { position[Int(p)] = i }
        #expect(Set(forest.preorder) == Set(members))
        var runStarts: [Int32] = []
        for (i, p) in forest.preorder.enumerated() {
            if forest.depth[Int(p)] == 0 {
                runStarts.append(p)
            } else {
                let up = forest.parent[Int(p)]
                #expect(position[Int(up)] < i && forest.root[Int(p)] == runStarts.last)
            }
        }
        #expect(runStarts == forest.roots)
    }

    /// Cascade sizes, depths and generations from the forest's own depths, per tree.
    @Test(arguments: 0..<100)
    func cascadesCountEachTree(seed: UInt64) throws {
        let (people, rows, timed) = Self.randomRows(seed: seed &+ 1000)
        let events = Self.events(people: people, rows: rows, timed: timed)
        let forest = ReferralForest(events: events)
        let cascades = forest.cascades(timestamps: events.timestamp)
        #expect(cascades.map(\.root) == forest.roots)
        for cascade in cascades {
            let tree = forest.members.filter { forest.root[Int($0)] == cascade.root }
            var generations = [Int](repeating: 0, count: Int(tree.map { forest.depth[Int($0)] }.max()!) + 1)
            for p in tree { generations[Int(forest.depth[Int(p)])] += 1 }
            #expect(cascade.size == tree.count && cascade.generationSizes == generations && cascade.depth == generations.count - 1)
            let times = tree.compactMap { p -> Double? in
                let row = forest.parentRow[Int(p)]
                guard row >= 0, let t = events.timestamp?[Int(row)], t.isFinite else { return nil }
                return t
            }
            #expect(cascade.firstTimestamp == times.min() && cascade.lastTimestamp == times.max())
        }
    }

    /// A time column out of order is sorted stably; NaN (no time) goes last, −0 ties with 0.
    @Test func timeOrderIsStableWithUntimedLast() {
        let time: [Double] = [3, .nan, 0, -0.0, 1, .nan, 0, -5]
        let order = ReferralParents.timeOrder(time)
        let want: [Int32] = [7, 2, 3, 6, 4, 0, 1, 5]
        #expect(order == want)
        #expect(ReferralParents.timeOrder([-0.0, 0, 0, 1, .nan, .nan]) == nil)
    }

    /// Cascades are listed largest first, then by root id in byte order, also when ids share
    /// their first eight bytes or one id is a prefix of another.
    @Test func largestFirstOrdersByIdBeyondEightBytes() {
        var people = Interner()
        let names = ["https://x/b", "https://x/a", "https://x/", "zz", "a", "https://x/ab", "https://x/a\u{e9}"]
        for name in names { var key = name; _ = key.withUTF8 { people.intern($0) } }
        let sizes = [2, 2, 2, 5, 2, 2, 2]
        let cascades = names.indices.map { i in
            Cascade(
                root: Int32(i), size: sizes[i], depth: 1, maxBreadth: 1, generationSizes: [1, sizes[i] - 1],
                structuralVirality: nil, firstTimestamp: nil, lastTimestamp: nil)
        }
        let listed = ScopeSpread.largestFirst(cascades, people: people).map { people.name($0.root) }
        let want = ["zz", "a", "https://x/", "https://x/a", "https://x/ab", "https://x/a\u{e9}", "https://x/b"]
        #expect(listed == want)
    }

    /// The median by selection equals the middle of the sorted values, with ties and both parities.
    @Test(arguments: 0..<200)
    func medianBySelectionMatchesSorting(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = Int.random(in: 1...300, using: &rng)
        let spread = Int.random(in: 1...50, using: &rng)
        let values = (0..<n).map { _ in Double(Int.random(in: 0..<spread, using: &rng)) / 4 }
        let sorted = values.sorted()
        let want = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        #expect(ScopeSpread.median(values) == want)
        var scratch = values
        let k = Int.random(in: 0..<n, using: &rng)
        #expect(ScopeSpread.select(&scratch, rank: k) == sorted[k])
        #expect(scratch[..<k].allSatisfy { $0 <= sorted[k] } && scratch[(k + 1)...].allSatisfy { $0 >= sorted[k] })
    }

    /// The median by the values' bits (from `radixFrom` values) equals the middle of the sorted
    /// values: negatives, zeros, values from a few hours to years apart, runs of equal values,
    /// both parities, and a few distinct values repeated (the kept keys past every digit).
    @Test(arguments: 0..<24)
    func medianByBitsMatchesSorting(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = ScopeSpread.radixFrom + Int.random(in: 0...20_000, using: &rng)
        let distinct = seed % 3 == 0 ? Int.random(in: 1...4, using: &rng) : n
        let pool = (0..<distinct).map { _ -> Double in
            // Values that differ only in their low bits (every digit's pass then keeps many).
            if seed % 3 == 1 { return 1000 + Double(Int.random(in: 0..<1 << 20, using: &rng)) * 0x1p-30 }
            // Mostly positive, so that the middle is seldom a zero or a tie.
            let hours = Double.random(in: -0.4...1, using: &rng) * pow(10, Double.random(in: -3...5, using: &rng))
            return Int.random(in: 0..<200, using: &rng) == 0 ? 0 : hours
        }
        let values = (0..<n).map { _ in pool[Int.random(in: 0..<distinct, using: &rng)] }
        let sorted = values.sorted()
        let want = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        #expect(ScopeSpread.radixMedian(values) == want)
        #expect(ScopeSpread.median(values) == want)
    }

    /// The sharers and the referred as bit sets equal the sets of sources and targets, on
    /// scopes small and past 2²⁰ rows (cut among the threads; with more people than rows,
    /// each part holds people the others do not), people up to a word's edge.
    @Test(arguments: [(0, 1), (5, 64), (1000, 65), (1 << 20 | 3, 130), (1_200_000, 3_000_001)])
    func sharersAndReferredAreTheSetsOfSourcesAndTargets(rows: Int, people: Int) {
        var rng = SplitMix64(seed: UInt64(rows &+ people))
        // Sources from the first half of the people, targets from anywhere: the sets differ.
        let source = (0..<rows).map { _ in Int32(Int.random(in: 0..<max(1, people / 2), using: &rng)) }
        let target = (0..<rows).map { _ in Int32(Int.random(in: 0..<people, using: &rng)) }
        let scope = ScopeRows(
            rows: (0..<rows).map { Int32($0) }, people: (0..<Int32(people)).map { $0 }, source: source, target: target, time: nil)
        let (sharers, referred) = ScopeSpread.sharersAndReferred(scope)
        #expect(sharers.count == (people + 63) / 64 && referred.count == sharers.count)
        let wantSharers: [Int32] = Set(source).sorted()
        let wantReferred: [Int32] = Set(target).sorted()
        var (gotSharers, gotReferred): ([Int32], [Int32]) = ([], [])
        ScopeSpread.forEachMember(of: sharers) { gotSharers.append($0) }
        ScopeSpread.forEachMember(of: referred) { gotReferred.append($0) }
        let same = gotSharers == wantSharers && gotReferred == wantReferred
        #expect(same, "\(gotSharers.count) sharers for \(wantSharers.count), \(gotReferred.count) referred for \(wantReferred.count)")
    }

    /// The pair-distance sum in two words equals the sum in `Int128`, across carries out of
    /// the low word and for trees of 2³¹ people or more (terms past 64 bits), and its mean is
    /// the `Int128` sum converted.
    @Test(arguments: [(UInt64(1), 3), (UInt64(2), 1 << 20), (UInt64(3), (1 << 31) - 1), (UInt64(4), 1 << 31), (UInt64(5), 1 << 40)])
    func pairDistancesSumAsInt128(seed: UInt64, size: Int) {
        var rng = SplitMix64(seed: seed)
        var distances = PairDistances()
        var want: Int128 = 0
        for k in 0..<5000 {
            // Subtrees near half the tree give the largest terms; a few at the ends.
            let s = k % 7 == 0 ? Int.random(in: 0...size, using: &rng) : size / 2 + Int.random(in: -3...3, using: &rng) / 2
            distances.add(subtree: s, of: size)
            want += Int128(2 * s) * Int128(size - s)
        }
        #expect(distances.total == want)
        #expect(distances.mean(size: size) == Double(want) / (Double(size) * Double(size - 1)))
    }
}
