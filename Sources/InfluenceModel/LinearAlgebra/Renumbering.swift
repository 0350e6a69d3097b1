import CPrefetch
import Foundation

/// People renumbered in breadth-first order of the referral graph, so that the sparse product
/// reads x in order rather than at random.
///
/// y ← W·x gathers, for each row s, x at the people s referred. With people numbered by
/// first appearance, those are scattered over the whole vector; once the vectors outgrow the
/// cache every gather is a trip to memory (on the 10M-referral program export, 10.9M people,
/// the product was about 60% of `score`'s time). Numbered breadth-first from each unnumbered
/// person in turn, the people s referred for the first time get consecutive numbers, and the
/// rows come in the same order as those blocks, so on a referral forest the product reads x
/// front to back.
///
/// Each row keeps its entries in their original order, so every row's sum is formed from the
/// same terms in the same order and W·x has the same bits, only permuted. Reductions over the
/// whole vector (norms, the dangling mass) are added in the new order, so scores may differ
/// from the unpermuted iteration in the last bits; the order depends only on the graph, never
/// on the thread count.
struct Renumbering: Sendable {
    /// Old person of each new number.
    let order: [Int32]
    /// New number of each old person.
    let number: [Int32]
    /// The matrix it was made from, renumbered: rows and columns in the new order, each row's
    /// entries in their original order.
    let matrix: CSRMatrix

    /// Products over fewer people than this are left as they are: their vectors stay in cache.
    static let minimumPeople = 1 << 17

    /// Graphs with this many referrals per person or more are left as they are. Breadth-first
    /// order keeps a forest's product reading x front to back; with several referrals per
    /// person each row still gathers from all over x, and the walk costs more than it saves.
    /// Measured with the benchmark's `breakdown` (renumbering once against W·x before and after,
    /// two runs each): at 1 referral per person (the 10.9M-person program export) 1.0–1.1 s
    /// saved 60 ms in each of 119 iterations; at 2 (5M people, 10M referrals) 0.60–0.73 s
    /// saved 12–27 ms in each of 25; at 3.3 (3M people) 0.51–0.53 s saved −5 to 13 ms in each
    /// of 31; at 10 (1M people) 0.32–0.43 s saved 5–6 ms in each of 35.
    static let maximumReferralsPerPerson = 2

    /// Whether renumbering pays for a sparse operator of `people` people and `entries` entries.
    static func pays(people: Int, entries: Int) -> Bool {
        people >= minimumPeople && entries < maximumReferralsPerPerson * people
    }

    /// Whether renumbering's copies, which sit beside the originals (the order both ways, the
    /// renumbered matrix with 8-byte values, and `vectors` vectors of people), take at most an
    /// eighth of `memory`. Renumbering leaves every sum's bits as they are, so this decides
    /// speed only, never output: at 109M people (a 100M-referral program export) the copies of
    /// an influence-flow solve are 5.5 GB, which a 24 GiB machine holding the export cannot spare.
    static func fits(
        people: Int, entries: Int, vectors: Int, memory: UInt64 = ProcessInfo.processInfo.physicalMemory
    ) -> Bool {
        let bytes = people * (4 + 4 + 8) + entries * (4 + 8) + vectors * people * 8
        return UInt64(bytes) <= memory / 8
    }

    /// Breadth-first order of `a`'s rows and columns (a square matrix), and `a` in it.
    ///
    /// The walk takes rows in their new order (row `head` of the new matrix is the person
    /// numbered `head`), and each of a row's columns has its new number once the row has been
    /// read; so the renumbered rows are written as the walk reads them, and every entry costs
    /// one random read (its column's number) instead of the three that numbering first and
    /// then gathering rows takes.
    /// - Complexity: O(rows + entries).
    init(_ a: CSRMatrix) {
        precondition(a.rows == a.columns, "Renumbering: the matrix is \(a.rows)×\(a.columns), not square")
        let n = a.rows
        let m = a.count
        var number = [Int32](repeating: -1, count: n)
        var order = [Int32](repeating: 0, count: n)
        var rowStart = [Int](repeating: 0, count: n + 1)
        var column = [Int32](repeating: 0, count: m)
        // Where row `new` came from and how long it is decide everything else; values follow.
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { old in
                number.withUnsafeMutableBufferPointer { number in
                    order.withUnsafeMutableBufferPointer { order in
                        rowStart.withUnsafeMutableBufferPointer { rowStart in
                            column.withUnsafeMutableBufferPointer { column in
                                var numbered = 0
                                var head = 0
                                var written = 0
                                for s in 0..<n where number[s] < 0 {
                                    number[s] = Int32(truncatingIfNeeded: numbered)
                                    order[numbered] = Int32(truncatingIfNeeded: s)
                                    numbered += 1
                                    while head < numbered {
                                        let u = Int(order[head])
                                        head += 1
                                        for e in start[u]..<start[u + 1] {
                                            let c = Int(old[e])
                                            var new = number[c]
                                            if new < 0 {
                                                new = Int32(truncatingIfNeeded: numbered)
                                                number[c] = new
                                                order[numbered] = old[e]
                                                numbered += 1
                                            }
                                            column[written] = new
                                            written += 1
                                        }
                                        rowStart[head] = written
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.order = order
        self.number = number
        self.matrix = CSRMatrix(
            rows: n, columns: n, rowStart: rowStart, column: column,
            values: Self.gatheredValues(a.values, from: a.rowStart, order: order, rowStart: rowStart))
    }

    /// Per-entry values with their rows in the new order.
    private static func gatheredValues(_ values: EdgeValues, from old: [Int], order: [Int32], rowStart: [Int]) -> EdgeValues {
        switch values {
        case .ones: return .ones
        case .float(let v): return .float(gather(v.count, from: old, order: order, rowStart: rowStart) { v[$0] })
        case .double(let v): return .double(gather(v.count, from: old, order: order, rowStart: rowStart) { v[$0] })
        }
    }

    /// `count` per-entry values with their rows in the new order (`rowStart`): the one at new
    /// entry k of row `new` is `value(e)` for the entry e at the same place of row
    /// `order[new]`, whose entries start at `old[order[new]]`.
    ///
    /// The new rows are cut among the threads, each writing only its own rows' entries (the
    /// same array whatever the thread count). `value` is called from several threads at once:
    /// it only reads.
    private static func gather<T: BitwiseCopyable>(_ count: Int, from old: [Int], order: [Int32], rowStart: [Int], _ value: (Int) -> T)
        -> [T]
    {
        guard count > 0 else { return [] }
        // Every entry of every new row is written below (the rows' lengths add up to `count`).
        var out = Parallel.written(T.self, count: count) { _ in }
        let parts = Parallel.ranges(order.count, parts: order.count < 1 << 16 ? 1 : 4 * Parallel.threads)
        out.withUnsafeMutableBufferPointer { out in
            let slots = SharedBuffer(out)
            withoutActuallyEscaping(value) { value in
                let read = UncheckedSendable(value)
                Parallel.forEach(parts.count) { p in
                    for new in parts[p] {
                        let from = old[Int(order[new])]
                        for k in 0..<(rowStart[new + 1] - rowStart[new]) { slots[rowStart[new] + k] = read.value(from + k) }
                    }
                }
            }
        }
        return out
    }

    /// For each entry of `matrix`, `values[at[e]]` for the entry e it was at in the matrix the
    /// renumbering was made from, whose rows start at `rowStart`: such as each edge's channel,
    /// from the row each edge keeps and the channel column.
    ///
    /// Two passes, each on every thread: each old entry's value in entry order (`at` read
    /// front to back, the value at random, fetched sixteen entries ahead), then the new rows,
    /// each its old row's values copied whole (the old row's bounds fetched sixteen people
    /// ahead, the start of its values eight). Each pass writes its own places (the same array
    /// whatever the thread count). On the 10.9M-person program export one thread reading the
    /// three places of each entry one after another spent 0.4 s of influence-flow's credit
    /// here, and the three in stages, per new row, 253-329 ms of its wall time.
    /// - Complexity: O(rows + entries).
    func entries(_ values: [Int32], at: [Int32], from rowStart: [Int]) -> [Int32] {
        let n = order.count, m = matrix.count
        precondition(
            rowStart.count == n + 1 && rowStart.first == 0 && rowStart.last == m && at.count == m,
            "Renumbering.entries: \(rowStart.count) row starts and \(at.count) entries for \(n) people and \(m) entries")
        guard m > 0 else { return [] }
        // Every old entry is written, by the range that holds it.
        let byEntry = Parallel.written(Int32.self, count: m) { out in
            let slots = SharedBuffer(out)
            let parts = Parallel.ranges(m, parts: m < 1 << 16 ? 1 : 4 * Parallel.threads)
            at.withUnsafeBufferPointer { at in
                values.withUnsafeBufferPointer { values in
                    let read = UncheckedSendable((at, values))
                    Parallel.forEach(parts.count) { p in
                        let (at, values) = read.value
                        let end = parts[p].upperBound
                        for e in parts[p] {
                            if e &+ 16 < end {
                                let r = Int(at[e &+ 16])
                                if r >= 0, r < values.count { influence_prefetch(values.baseAddress! + r) }
                            }
                            let r = Int(at[e])
                            precondition(r >= 0 && r < values.count, "Renumbering.entries: entry \(e) at \(r), outside the values")
                            slots[e] = values[r]
                        }
                    }
                }
            }
        }
        // Every entry of every new row is written below (the rows' lengths add up to m).
        var out = Parallel.written(Int32.self, count: m) { _ in }
        let parts = Parallel.ranges(n, parts: n < 1 << 16 ? 1 : 4 * Parallel.threads)
        out.withUnsafeMutableBufferPointer { out in
            let slots = SharedBuffer(out)
            order.withUnsafeBufferPointer { order in
                rowStart.withUnsafeBufferPointer { old in
                    matrix.rowStart.withUnsafeBufferPointer { new in
                        byEntry.withUnsafeBufferPointer { byEntry in
                            let read = UncheckedSendable((order, old, new, byEntry))
                            // Each part writes only its own rows' entries.
                            Parallel.forEach(parts.count) { p in
                                let (order, old, new, byEntry) = read.value
                                let end = parts[p].upperBound
                                for i in parts[p] {
                                    // `order` holds every person once (checked when it was made).
                                    if i &+ 16 < end { influence_prefetch(old.baseAddress! + Int(order[i &+ 16])) }
                                    if i &+ 8 < end {
                                        let e = old[Int(order[i &+ 8])]
                                        if e >= 0, e < m { influence_prefetch(byEntry.baseAddress! + e) }
                                    }
                                    let from = old[Int(order[i])], count = new[i + 1] - new[i]
                                    precondition(
                                        from >= 0 && from <= m - count && old[Int(order[i]) + 1] - from == count,
                                        "Renumbering.entries: row starts that are not the matrix's")
                                    (slots.base + new[i]).update(from: byEntry.baseAddress! + from, count: count)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `v` (indexed by old person) in the new numbering.
    func forward(_ v: [Double]) -> [Double] { forward(columns: v, 1) }

    /// `v` (indexed by new number) back in the old numbering.
    func back(_ v: [Double]) -> [Double] { back(columns: v, 1) }

    /// Each of the `k` columns of `v` (n×k, column-major, indexed by old person) in the new
    /// numbering, into one array.
    ///
    /// `v` and the numbers are read front to back and only entries other than +0 are moved:
    /// conversion values, a few per hundred people, cost a write each rather than every
    /// person a read at random (0.50 s for the two columns of the 10.9M-person program export).
    func forward(columns v: [Double], _ k: Int) -> [Double] {
        let n = order.count
        precondition(v.count == n * k, "Renumbering.forward(columns:): \(v.count) values for \(n) people × \(k)")
        // By ranges of old people on every thread: each new place is one old person's (the
        // numbering is a permutation, checked when it was made), so the ranges' writes never
        // meet. (One thread took about 80 ms for the in-weights of the 10.9M-person program
        // export, which are other than 0 for nearly everyone.)
        var out = Parallel.zeroed(Double.self, count: n * k)
        let parts = Parallel.ranges(n, parts: n < 1 << 16 ? 1 : 4 * Parallel.threads)
        v.withUnsafeBufferPointer { v in
            number.withUnsafeBufferPointer { number in
                out.withUnsafeMutableBufferPointer { out in
                    let read = UncheckedSendable((v, number))
                    let slots = SharedBuffer(out)
                    Parallel.forEach(parts.count) { p in
                        let (v, number) = read.value
                        for j in 0..<k {
                            for old in parts[p] where v[j * n + old].bitPattern != 0 { slots[j * n + Int(number[old])] = v[j * n + old] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Each of the `k` columns of `v` (n×k, column-major, indexed by new number) back in the
    /// old numbering, into one array.
    func back(columns v: [Double], _ k: Int) -> [Double] {
        let n = order.count
        precondition(v.count == n * k, "Renumbering.back(columns:): \(v.count) values for \(n) people × \(k)")
        var out = [Double](repeating: 0, count: n * k)
        for j in 0..<k { for (i, old) in order.enumerated() { out[j * n + Int(old)] = v[j * n + i] } }
        return out
    }
}

extension Renumbering {
    /// An order of `a`'s people (a square matrix whose row s lists the people s referred) in
    /// which everyone comes after their referrers wherever cycles allow, each cycle's people
    /// side by side.
    ///
    /// First everyone with no referrer, in index order, then the people reached from them,
    /// each placed once the last of the rows that list them has been read (Kahn's order, one
    /// queue for all the roots: a forest is ordered generation by generation, each person's
    /// referrals side by side). The queue runs far enough ahead that each person's row, its
    /// referrals and their counts are fetched a few places before they are read; with a
    /// queue per root, most of a program export's trees were too small for that (the walk
    /// read at random once or twice per person, 1.0 s of one thread on the 10.9M-person
    /// program export). People on a cycle, or reached only through one, are never freed that way; they follow,
    /// in groups that reach one another both ways (strongly connected components, found by
    /// Tarjan's depth-first walk among those people alone), each group after every group
    /// with a referral into it.
    /// - Parameter limit: the most people left to the groups: past it there is no order.
    /// - Returns: the old person at each place, and the places of each group of two or more
    ///   people (or of one who referred themselves), latest places first; `nil` past `limit`.
    /// - Complexity: O(rows + entries).
    static func referrersFirst(_ a: CSRMatrix, limit: Int = .max) -> (order: [Int32], cycles: [Range<Int>])? {
        precondition(a.rows == a.columns, "Renumbering: the matrix is \(a.rows)×\(a.columns), not square")
        let n = a.rows
        var order = [Int32](repeating: 0, count: n)
        var cycles: [Range<Int>]? = []
        // Rows listing each person not read yet; −1 once the person is placed. In the
        // depth-first walk, a visited person's lowest reachable visit number.
        var waiting = [Int32](repeating: 0, count: n)
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { column in
                waiting.withUnsafeMutableBufferPointer { waiting in
                    order.withUnsafeMutableBufferPointer { order in
                        guard n > 0 else { return }
                        let (counts, rows, lists) = (waiting.baseAddress!, start.baseAddress!, column.baseAddress)
                        let m = column.count
                        for e in 0..<m {
                            if e &+ 32 < m, UInt(column[e &+ 32]) < UInt(n) { influence_prefetch(counts + Int(column[e &+ 32])) }
                            waiting[Int(column[e])] &+= 1
                        }
                        var placed = 0
                        for s in 0..<n where waiting[s] == 0 {
                            waiting[s] = -1
                            order[placed] = Int32(truncatingIfNeeded: s)
                            placed += 1
                        }
                        var head = 0
                        while head < placed {
                            // Ahead in stages: a person's row bounds 64 places ahead, the
                            // start of its list 32, the counts of its first referrals 16 (at
                            // 16, 8 and 4 the sweep order of the 10M program export took
                            // 651-665 ms, at these 617-635 ms, three runs each alternating).
                            if head &+ 64 < placed { influence_prefetch(rows + Int(order[head &+ 64])) }
                            if head &+ 32 < placed, let lists {
                                let e = start[Int(order[head &+ 32])]
                                if e < m { influence_prefetch(lists + e) }
                            }
                            if head &+ 16 < placed {
                                let u = Int(order[head &+ 16])
                                for e in start[u]..<min(start[u + 1], start[u] &+ 4) where UInt(column[e]) < UInt(n) {
                                    influence_prefetch(counts + Int(column[e]))
                                }
                            }
                            let u = Int(order[head])
                            head += 1
                            for e in start[u]..<start[u + 1] {
                                let c = Int(column[e])
                                guard waiting[c] > 0 else { continue }
                                waiting[c] &-= 1
                                if waiting[c] == 0 {
                                    waiting[c] = -1
                                    order[placed] = column[e]
                                    placed += 1
                                }
                            }
                        }
                        if n - placed > limit {
                            cycles = nil
                        } else if placed < n {
                            cycles = Self.components(start: start, column: column, low: waiting, order: order, from: placed)
                        }
                    }
                }
            }
        }
        return cycles.map { (order, $0) }
    }

    /// Tarjan's strongly connected components among the people whose `low` is not −1, written
    /// into `order[from...]` from the end: a group is complete only after every group it
    /// reaches, so writing them backwards puts each group after every group that reaches it.
    /// - Returns: the places of each group of two or more people or with a self-referral,
    ///   in the order they were found (latest places first).
    private static func components(
        start: UnsafeBufferPointer<Int>, column: UnsafeBufferPointer<Int32>, low: UnsafeMutableBufferPointer<Int32>,
        order: UnsafeMutableBufferPointer<Int32>, from first: Int
    ) -> [Range<Int>] {
        let n = low.count
        var cycles: [Range<Int>] = []
        var visit = [Int32](repeating: -1, count: n)
        // Each person left is entered once (entering marks them visited), so the stack and the
        // walk's frames (a person and the next entry of their row) hold at most that many.
        let left = max(0, n - first)
        let stack = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, left))
        let framePerson = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, left))
        let frameNext = UnsafeMutablePointer<Int>.allocate(capacity: max(1, left))
        defer {
            stack.deallocate()
            framePerson.deallocate()
            frameNext.deallocate()
        }
        var (height, depth) = (0, 0)
        var visited: Int32 = 0
        var end = n  // groups are written below this place
        visit.withUnsafeMutableBufferPointer { visit in
            guard let lows = low.baseAddress, let visits = visit.baseAddress, let starts = start.baseAddress else { return }
            /// Enters person `w`, and asks for what visiting their first referrals reads (each
            /// one's low, visit and row start; hints only): a sharer's referrals are visited one
            /// after the other, and their reads then overlap rather than wait in turn.
            @inline(__always) func enter(_ w: Int) {
                precondition(height < left && depth < left, "Renumbering: a person entered twice")
                visit[w] = visited
                low[w] = visited
                visited += 1
                stack[height] = Int32(truncatingIfNeeded: w)
                height += 1
                framePerson[depth] = Int32(truncatingIfNeeded: w)
                frameNext[depth] = start[w]
                depth += 1
                var e = start[w]
                let stop = min(start[w + 1], e &+ 8)
                while e < stop {
                    let c = Int(column[e])
                    if UInt(c) < UInt(n) {
                        influence_prefetch(lows + c)
                        influence_prefetch(visits + c)
                        influence_prefetch(starts + c)
                    }
                    e &+= 1
                }
            }
            for root in 0..<n where low[root] >= 0 && visit[root] < 0 {
                enter(root)
                while depth > 0 {
                    let v = Int(framePerson[depth - 1])
                    let next = frameNext[depth - 1]
                    if next < start[v + 1] {
                        frameNext[depth - 1] = next + 1
                        let w = Int(column[next])
                        if low[w] < 0 { continue }  // placed already
                        if visit[w] < 0 {
                            enter(w)
                        } else {
                            low[v] = min(low[v], visit[w])  // w is on the stack
                        }
                        continue
                    }
                    depth -= 1
                    if low[v] == visit[v] {
                        let top = end
                        while true {
                            height -= 1
                            let w = stack[height]
                            end -= 1
                            order[end] = w
                            low[Int(w)] = -1
                            if Int(w) == v { break }
                        }
                        if top - end > 1 || (start[v]..<start[v + 1]).contains(where: { Int(column[$0]) == v }) {
                            cycles.append(end..<top)
                        }
                    }
                    // A finished group (low −1) tells its caller nothing: it reaches no one above.
                    if depth > 0, low[v] >= 0 {
                        let parent = Int(framePerson[depth - 1])
                        low[parent] = min(low[parent], low[v])
                    }
                }
            }
        }
        precondition(end == first, "Renumbering: \(end - first) people left unplaced")
        return cycles
    }

    /// `a` with its people renumbered in `order` (the old person at each new number, every
    /// person once): rows and columns in the new order, each row's entries in their original
    /// order, as the breadth-first renumbering leaves them.
    ///
    /// `order` is checked to hold every person once first (a bit a person, in cache); the
    /// numbers and row lengths are then scattered, and the rows written, by ranges of new
    /// numbers on every thread, each writing only its own places (the same arrays whatever the
    /// thread count). On the 10.9M-person program export one thread spent 0.47 s here, reading
    /// at random.
    /// - Complexity: O(rows + entries).
    init(_ a: CSRMatrix, order: [Int32]) {
        precondition(a.rows == a.columns && order.count == a.rows, "Renumbering: \(order.count) places for a \(a.rows)×\(a.columns) matrix")
        let n = a.rows
        var placed = [UInt64](repeating: 0, count: (n + 63) / 64)
        for s in order {
            precondition(s >= 0 && Int(s) < n, "Renumbering: person \(s) outside 0..<\(n)")
            let (word, bit) = (Int(s) >> 6, UInt64(1) << UInt64(s & 63))
            precondition(placed[word] & bit == 0, "Renumbering: person \(s) placed twice")
            placed[word] |= bit
        }
        // Every place is written below, by the ranges (every person is one place's, checked
        // above, and the rows' lengths add up to the entries): not filled first, on this
        // thread (170 MB on the 10.9M-person program export).
        var number = Parallel.written(Int32.self, count: n) { _ in }
        var rowStart = Parallel.written(Int.self, count: n + 1) { $0[0] = 0 }
        var column = Parallel.written(Int32.self, count: a.count) { _ in }
        let parts = Parallel.ranges(n, parts: n < 1 << 16 ? 1 : 4 * Parallel.threads)
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { old in
                order.withUnsafeBufferPointer { order in
                    number.withUnsafeMutableBufferPointer { number in
                        rowStart.withUnsafeMutableBufferPointer { rowStart in
                            column.withUnsafeMutableBufferPointer { column in
                                guard n > 0 else { return }
                                let read = UncheckedSendable((start, old, order))
                                let (numbers, lengths, columns) = (SharedBuffer(number), SharedBuffer(rowStart), SharedBuffer(column))
                                let m = old.count
                                // Each person's number and row length, by ranges of new numbers: every
                                // person is one place's (checked above), so each slot is written once.
                                // A place's person's row bounds and number are fetched sixteen ahead.
                                Parallel.forEach(parts.count) { p in
                                    let (start, _, order) = read.value
                                    let end = parts[p].upperBound
                                    for new in parts[p] {
                                        if new &+ 16 < end {
                                            let ahead = Int(order[new &+ 16])
                                            influence_prefetch(start.baseAddress! + ahead)
                                            influence_prefetch(numbers.base + ahead)
                                        }
                                        let s = Int(order[new])
                                        numbers[s] = Int32(truncatingIfNeeded: new)
                                        lengths[new + 1] = start[s + 1] - start[s]
                                    }
                                }
                                for new in 0..<n { rowStart[new + 1] += rowStart[new] }
                                // Then each range's rows, in stages: a person's row bounds, the start of
                                // its list, the numbers of its first referrals.
                                Parallel.forEach(parts.count) { p in
                                    let (start, old, order) = read.value
                                    let end = parts[p].upperBound
                                    var written = lengths[parts[p].lowerBound]
                                    for i in parts[p] {
                                        if i &+ 16 < end { influence_prefetch(start.baseAddress! + Int(order[i &+ 16])) }
                                        if i &+ 8 < end {
                                            let e = start[Int(order[i &+ 8])]
                                            if e < m { influence_prefetch(old.baseAddress! + e) }
                                        }
                                        if i &+ 4 < end {
                                            let ahead = Int(order[i &+ 4])
                                            for e in start[ahead]..<min(start[ahead + 1], start[ahead] &+ 4) where UInt(old[e]) < UInt(n) {
                                                influence_prefetch(numbers.base + Int(old[e]))
                                            }
                                        }
                                        let s = Int(order[i])
                                        for e in start[s]..<start[s + 1] {
                                            columns[written] = numbers[Int(old[e])]
                                            written += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.order = order
        self.number = number
        self.matrix = CSRMatrix(
            rows: n, columns: n, rowStart: rowStart, column: column,
            values: Self.gatheredValues(a.values, from: a.rowStart, order: order, rowStart: rowStart))
    }
}
