import CPrefetch
/// `influence-flow`: credit spreads upstream over every referral edge, split by edge weight
/// and damped per hop.
///
/// A conversion's value goes to the converter's referrers in proportion to edge weight;
/// everyone who receives credit keeps 1 − d and passes d on to their own referrers the same
/// way; people nobody referred keep all of it. With Q[s][t] = w(s, t) / in(t) (in(t) the
/// weight referred into t) and v the conversion value by person, the received mass m solves
///
///     m = Q·v + d·Q·m,
///
/// and the kept credit is (1 − d)·mₛ for people with referrers, mₛ for people without. The
/// columns of Q sum to 1 (or 0), so the iteration contracts by d in L1 and credit is
/// conserved. Conversion counts and values, and each campaign's, are the right-hand sides
/// of one block iteration.
public enum InfluenceFlow {
    /// Solves m = d·Q·m + Q·V for the k columns of V (n×k, column-major).
    ///
    /// Q is applied as W·(x ⊘ in), the 1/in scaling folded into the vector as
    /// `Scores.pagerank` does. The iteration stops when the estimated L1 error of each column,
    /// r·d/(1 − d) for a last change r, is below `settings.tolerance`. Unless cycles hold more
    /// than an eighth of the people, it starts from one sweep in an order with everyone after
    /// their referrers, which leaves nothing to iterate when its check passes (`solve`).
    /// - Parameters:
    ///   - w: the weighted adjacency W[s][t] = w(s, t).
    ///   - inWeight: in(t) for each person.
    ///   - damping: d in [0, 1).
    ///   - values: V, n×k column-major.
    ///   - columns: k.
    /// - Returns: m (n×k) and how the iteration ended.
    /// - Complexity: O(k × (people + entries)) for the sweep and its check, plus the cycles'
    ///   rounds; O(iterations × k × cost of W) for the block iteration, iterations ≈
    ///   log(tolerance / ‖Q·V‖₁) / log d.
    public static func receivedMass(
        _ w: AdjacencyOperator, inWeight: [Double], damping d: Double, values: consuming [Double],
        columns k: Int, settings: IterationSettings
    ) -> (mass: [Double], report: BlockIterationReport) {
        let n = w.dimension
        precondition(
            k >= 1 && values.count == n * k && inWeight.count == n,
            "InfluenceFlow.receivedMass: \(values.count) values and \(inWeight.count) weights for \(n) people × \(k)")
        let layout = Layout(w, columns: k)
        if let r = layout.renumbering {
            let renumbered = r.forward(columns: values, k)
            _ = consume values
            let solved = solve(
                layout.renumbered!, inWeight: r.forward(inWeight), damping: d, values: renumbered, columns: k, settings: settings,
                sweepOrder: layout.sweepOrder)
            return (r.back(columns: solved.mass, k), solved.report)
        }
        return solve(
            w, inWeight: inWeight, damping: d, values: values, columns: k, settings: settings, lean: layout.lean,
            sweepOrder: layout.sweepOrder)
    }

    /// How a solve over W is laid out: the order of its first sweep, when the graph is
    /// forest-like enough for one, and the people's new numbering, when renumbering pays.
    struct Layout {
        /// The first sweep's order, in the numbering the solve runs in.
        var sweepOrder: SweepOrder?
        /// The numbering the solve runs in, when not W's own.
        var renumbering: Renumbering?
        /// Whether the solve takes each 1/in(t) as it needs it (`solve`'s `lean`).
        var lean: Bool

        /// W in `renumbering`'s numbering.
        var renumbered: AdjacencyOperator? { renumbering.map { AdjacencyOperator(forward: $0.matrix, reverse: nil, kind: .sparse) } }

        /// - Parameter first: W's order with everyone after their referrers, when it was found
        ///   ahead (`firstOrder`); found here otherwise.
        init(_ w: AdjacencyOperator, columns k: Int, first: FirstOrder? = nil) {
            let n = w.dimension
            // Real referral graphs are forests with a few cycles: in an order with everyone after
            // their referrers (`Renumbering.referrersFirst`), one sweep gives everyone outside
            // cycles their final value, and only the cycles' people are swept again. Where cycles
            // hold more than an eighth of the people (a dense graph is mostly one), their sweeps,
            // on one thread a column and in an order that reads at random, cost more than the
            // block iteration from 0: on 10M referrals among 1M people (one group) 7.8 s against
            // 2.4 s; on the 10.9M-person program export (2.7% in cycles of at most tens) 1.0 s
            // against 7 s.
            let fits = Renumbering.fits(people: n, entries: w.forward.count, vectors: k + 1)
            let pays = w.kind == .sparse && Renumbering.pays(people: n, entries: w.forward.count) && fits
            // With more than half the people left on or below a cycle after the first walk, the
            // graph is taken for a dense one without looking for its groups (16% are left on the
            // 1M program export).
            let first = first ?? InfluenceFlow.firstOrder(w.forward)
            precondition(first.people == n, "InfluenceFlow.Layout: an order found for another graph")
            if let (order, cycles) = first.found, cycles.reduce(0, { $0 + $1.count }) <= n / 8 {
                sweepOrder = SweepOrder(order: order, cycles: cycles)
            }
            lean = !fits
            // Large forest-like graphs are solved over people renumbered in that order (or, without
            // it, breadth-first, as PageRank is, `Renumbering`): each product and each sweep then
            // reads x front to back. Row sums keep their terms and order, so every column's values
            // are the same bits, permuted. Each n×k block is made once, in place, and freed once
            // used: at 100M people one is 1.7 GB.
            guard pays else { return }
            renumbering = sweepOrder.map { Renumbering(w.forward, order: $0.order!) } ?? Renumbering(w.forward)
            // The sweep's order is the new numbering's own.
            sweepOrder = sweepOrder.map { SweepOrder(order: nil, cycles: $0.cycles) }
        }
    }

    /// An order of the people of `w` with everyone after their referrers (`Renumbering.referrersFirst`),
    /// or `nil` with more than half of them left on or below a cycle: what `Layout` starts from.
    /// - Complexity: O(people + entries), on one thread.
    static func firstOrder(_ w: CSRMatrix) -> FirstOrder {
        FirstOrder(people: w.rows, found: Renumbering.referrersFirst(w, limit: w.rows / 2))
    }

    /// The order `Layout` starts from, found ahead (`firstOrder`), so that its walk, on one
    /// thread, can run beside other work.
    struct FirstOrder: Sendable {
        let people: Int
        let found: (order: [Int32], cycles: [Range<Int>])?
    }

    /// The order a sweep (`sweep`) takes people in, last to first: with everyone placed after
    /// their referrers wherever cycles allow (`Renumbering.referrersFirst`), each person's
    /// received mass is formed from the final values of the people they referred.
    struct SweepOrder {
        /// The person at each place; `nil` when the operator's numbering is that order.
        var order: [Int32]?
        /// The places of each cycle's people (latest places first), swept until they settle.
        var cycles: [Range<Int>]
    }

    /// `receivedMass` in `w`'s numbering.
    /// - Parameter lean: takes each 1/in(t) as it is needed rather than keeping a vector of
    ///   them (n doubles less, 0.87 GB at 109M people; the same bits, one division more per
    ///   person and step), for when memory is tight.
    /// - Parameter sweepOrder: when given, the solve starts with a Gauss–Seidel sweep in this
    ///   order (`sweep(…)`) and one step's change from its result (`change(…)`); when every
    ///   column's change shows it within `settings.tolerance` of the solution (below), that is
    ///   the answer, else the block iteration goes on from it. Either way the sweep counts
    ///   among the iterations as its most rounds, the check as one.
    static func solve(
        _ w: AdjacencyOperator, inWeight: [Double], damping d: Double, values: consuming [Double],
        columns k: Int, settings: IterationSettings, lean: Bool = false, sweepOrder: SweepOrder? = nil
    ) -> (mass: [Double], report: BlockIterationReport) {
        let n = w.dimension
        var effective = settings
        if d > 0 { effective.tolerance = settings.tolerance * (1 - d) / d }
        var start = [Double]()
        var spent = 0
        if let sweepOrder, n > 0, settings.maxIterations > 1 {
            // The sweep and its check take each 1/in(t) as they need it (the same bits as the
            // vector of them, read as often): n doubles less at the peak.
            var x = Parallel.zeroed(Double.self, count: n * k)
            let rounds = sweep(
                w.forward, inWeight: inWeight, damping: d, values: values, into: &x, columns: k,
                order: sweepOrder, settings: IterationSettings(tolerance: effective.tolerance, maxIterations: settings.maxIterations - 1))
            let changes = change(w.forward, inWeight: inWeight, damping: d, values: values, x: x, columns: k)
            spent = rounds + 1
            let residuals = changes.map(\.change)
            var report = IterationReport(iterations: spent, residual: residuals.max()!, converged: false)
            // With r = x − (d·Q·x + Q·v), x − m = (I − d·Q)⁻¹·r and ‖(I − d·Q)⁻¹‖₁ ≤ 1/(1 − d):
            // x is within ‖r‖₁/(1 − d) of the solution. The block iteration's test (its step y
            // within d·‖r‖₁/(1 − d)) with x in place of y.
            report.converged = changes.allSatisfy { $0.change <= max(settings.tolerance * (1 - d), 16 * Double.ulpOfOne * $0.norm) }
            report.finite = changes.allSatisfy { $0.change.isFinite && $0.norm.isFinite }
            if report.converged || !report.finite || spent >= settings.maxIterations {
                return (x, BlockIterationReport(overall: report, columnResiduals: residuals))
            }
            start = x
        }
        // 1/in, 0 for people nobody referred (`Elementwise.multiply`'s reciprocal, the same bits).
        let inverse = lean ? [] : inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        var scaled = [Double](repeating: 0, count: n)
        func applyQ(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
            scaled.withUnsafeMutableBufferPointer { z in
                if lean {
                    inWeight.withUnsafeBufferPointer { Elementwise.multiply(x, $0, into: z, reciprocalOfV: true) }
                } else {
                    inverse.withUnsafeBufferPointer { Elementwise.multiply(x, $0, into: z) }
                }
                w.apply(UnsafeBufferPointer(z), into: y)
            }
        }
        // B = Q·V, column by column.
        var b = [Double](repeating: 0, count: n * k)
        values.withUnsafeBufferPointer { v in
            b.withUnsafeMutableBufferPointer { bp in
                for j in 0..<k {
                    let column = j * n..<(j + 1) * n
                    applyQ(UnsafeBufferPointer(rebasing: v[column]), UnsafeMutableBufferPointer(rebasing: bp[column]))
                }
            }
        }
        _ = consume values  // V is not needed past B
        effective.maxIterations -= spent
        var solved = PowerIteration.affineBlock(
            start: start.isEmpty ? [Double](repeating: 0, count: n * k) : start, columns: k, alpha: d, constant: b,
            settings: effective, apply: applyQ)
        solved.report.overall.iterations += spent
        return (solved.x, solved.report)
    }

    /// The rows of W and in(t), read by `sweep` and `change`: each person's d·(Q·x)ₛ + (Q·v)ₛ,
    /// formed as the block iteration forms its step d·(Q·x)ₛ + bₛ (each row's terms
    /// w(s, t)·(xₜ·(1/in(t))) left to right, 1/in(t) as `Elementwise.multiply` forms it, 0
    /// where in(t) ≤ 0; one sum for x and one for v, then d·sum + the other), so the same bits.
    ///
    /// `@unchecked Sendable` is sound: it only reads, from buffers its maker holds open while
    /// it is used.
    struct FlowRows: @unchecked Sendable {
        let start: UnsafePointer<Int>
        let column: UnsafePointer<Int32>
        let float: UnsafePointer<Float>?
        let double: UnsafePointer<Double>?
        let inWeight: UnsafePointer<Double>
        let d: Double

        /// d·(Q·x)ₛ + (Q·v)ₛ.
        @inline(__always) func value(_ s: Int, x: UnsafePointer<Double>, v: UnsafePointer<Double>) -> Double {
            var sumX = 0.0, sumV = 0.0
            for e in start[s]..<start[s + 1] {
                let t = Int(column[e])
                let r = inWeight[t] > 0 ? 1 / inWeight[t] : 0
                if let float {
                    sumX += Double(float[e]) * (x[t] * r)
                    sumV += Double(float[e]) * (v[t] * r)
                } else if let double {
                    sumX += double[e] * (x[t] * r)
                    sumV += double[e] * (v[t] * r)
                } else {
                    sumX += x[t] * r
                    sumV += v[t] * r
                }
            }
            return d * sumX + sumV
        }

        /// Calls `body` with the rows of `a`.
        static func with<R>(
            _ a: CSRMatrix, inWeight: [Double], damping d: Double, _ body: (FlowRows) -> R
        ) -> R {
            a.rowStart.withUnsafeBufferPointer { start in
                a.column.withUnsafeBufferPointer { column in
                    inWeight.withUnsafeBufferPointer { inWeight in
                        func make(_ float: UnsafePointer<Float>?, _ double: UnsafePointer<Double>?) -> R {
                            body(
                                FlowRows(
                                    start: start.baseAddress!, column: column.baseAddress ?? UnsafePointer(bitPattern: 4)!,
                                    float: float, double: double, inWeight: inWeight.baseAddress!, d: d))
                        }
                        switch a.values {
                        case .ones: return make(nil, nil)
                        case .float(let v): return v.withUnsafeBufferPointer { make($0.baseAddress ?? UnsafePointer(bitPattern: 4)!, nil) }
                        case .double(let v): return v.withUnsafeBufferPointer { make(nil, $0.baseAddress ?? UnsafePointer(bitPattern: 8)!) }
                        }
                    }
                }
            }
        }
    }

    /// One Gauss–Seidel sweep of x ← d·Q·x + Q·V from x = 0: people taken last to first in
    /// `order`, each person's new value used by those taken after it, and each cycle's people
    /// swept again and again before the sweep moves on, until their L1 change is at most their
    /// share (people in it / n) of `settings.tolerance`, within rounding noise of their norm,
    /// or `settings.maxIterations` rounds. Everyone outside cycles has their value from final
    /// values, once; with no cycle the sweep solves the system. The k columns are swept side
    /// by side, each on its own.
    /// - Parameters:
    ///   - inWeight: in(t) for each person.
    ///   - values: V, n×k.
    /// - Returns: the most rounds any cycle took (1 without cycles).
    /// - Complexity: O(k × (people + entries + Σ rounds × a cycle's people and entries)).
    static func sweep(
        _ a: CSRMatrix, inWeight: [Double], damping d: Double, values: [Double], into x: inout [Double],
        columns k: Int, order: SweepOrder, settings: IterationSettings
    ) -> Int {
        let n = a.rows
        precondition(k >= 1 && x.count == n * k && values.count == n * k && inWeight.count == n, "InfluenceFlow.sweep: an n×k block")
        precondition(order.order.map { $0.count == n } ?? true, "InfluenceFlow.sweep: an order of every person")
        guard n > 0, settings.maxIterations > 0 else { return 0 }
        var rounds = [Int](repeating: 1, count: k)
        let places = order.order ?? []
        FlowRows.with(a, inWeight: inWeight, damping: d) { rows in
            values.withUnsafeBufferPointer { v in
                places.withUnsafeBufferPointer { places in
                    x.withUnsafeMutableBufferPointer { x in
                        rounds.withUnsafeMutableBufferPointer { rounds in
                            let shared = UncheckedSendable((v.baseAddress!, places, SharedBuffer(x), SharedBuffer(rounds)))
                            // Each column writes only its own entries of x and its own count.
                            Parallel.forEach(k) { j in
                                let (block, places, xs, rounds) = shared.value
                                let (v, x) = (block + j * n, xs.base + j * n)
                                // Sets the value at each place of `range`, last to first: the L1
                                // change and norm.
                                func update(_ range: Range<Int>) -> (change: Double, norm: Double) {
                                    var change = 0.0, norm = 0.0
                                    for i in range.reversed() {
                                        let s = places.isEmpty ? i : Int(places[i])
                                        let new = rows.value(s, x: x, v: v)
                                        change += abs(new - x[s])
                                        norm += abs(new)
                                        x[s] = new
                                    }
                                    return (change, norm)
                                }
                                var end = n
                                for cycle in order.cycles {
                                    _ = update(cycle.upperBound..<end)
                                    let share = settings.tolerance * Double(cycle.count) / Double(n)
                                    var round = 1
                                    var (change, norm) = update(cycle)
                                    while round < settings.maxIterations, change.isFinite, change > max(share, 16 * Double.ulpOfOne * norm)
                                    {
                                        (change, norm) = update(cycle)
                                        round += 1
                                    }
                                    rounds[j] = max(rounds[j], round)
                                    end = cycle.lowerBound
                                }
                                _ = update(0..<end)
                            }
                        }
                    }
                }
            }
        }
        return rounds.max()!
    }

    /// Each column's L1 change in one step x ← d·Q·x + Q·V (not kept) and the new value's
    /// L1 norm, over a fixed number of row ranges on every thread, their sums added in range
    /// order: the same bits whatever the thread count.
    /// - Complexity: O(k × (people + entries)).
    static func change(
        _ a: CSRMatrix, inWeight: [Double], damping d: Double, values: [Double], x: [Double], columns k: Int
    ) -> [(change: Double, norm: Double)] {
        let n = a.rows
        precondition(k >= 1 && x.count == n * k && values.count == n * k && inWeight.count == n, "InfluenceFlow.change: an n×k block")
        let parts = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : PowerIteration.blockParts)
        var sums = [(change: Double, norm: Double)](repeating: (0, 0), count: parts.count * k)
        FlowRows.with(a, inWeight: inWeight, damping: d) { rows in
            values.withUnsafeBufferPointer { v in
                x.withUnsafeBufferPointer { x in
                    sums.withUnsafeMutableBufferPointer { sums in
                        let shared = UncheckedSendable((v.baseAddress!, x.baseAddress!, SharedBuffer(sums)))
                        // Each part writes only its own k slots of the sums.
                        Parallel.forEach(parts.count) { p in
                            let (v, x, sums) = shared.value
                            for j in 0..<k {
                                var change = 0.0, norm = 0.0
                                for s in parts[p] {
                                    let new = rows.value(s, x: x + j * n, v: v + j * n)
                                    change += abs(new - x[j * n + s])
                                    norm += abs(new)
                                }
                                sums[p * k + j] = (change, norm)
                            }
                        }
                    }
                }
            }
        }
        return (0..<k).map { j in
            parts.indices.reduce((change: 0.0, norm: 0.0)) { ($0.change + sums[$1 * k + j].change, $0.norm + sums[$1 * k + j].norm) }
        }
    }

    /// Each channel's share of the kept credit, summed from the flows over W's edges: the mass
    /// reaching s over s → t is w(s, t)/in(t) · (v_t + d·m_t), of which s keeps 1 − d (all of
    /// it when nobody referred s), credited to the channel of the edge (slot channel + 1;
    /// slot 0 for none).
    ///
    /// The people are cut into a fixed number of ranges, each summing its own flows by channel
    /// on whichever thread takes it; the caller adds the ranges' sums in range order, so the
    /// credit is the same bits whatever the thread count (one range below 131,072 people: every
    /// flow added in edge order).
    /// - Parameters: everything in one numbering of the people: `a` is W, `inWeight` in(t),
    ///   `v` and `m` the two columns (conversions, values) of V and of the received mass, and
    ///   `entryChannel` the channel of each of `a`'s entries.
    /// - Returns: each range's sum per slot (range × `slots` + slot), and whether a flow was added there.
    static func channelFlows(
        _ a: CSRMatrix, inWeight: [Double], v: [Double], m: [Double], entryChannel: [Int32], slots: Int, damping d: Double
    ) -> (sums: [Credit], used: [Bool]) {
        let n = a.rows
        precondition(
            inWeight.count == n && v.count >= 2 * n && m.count >= 2 * n && entryChannel.count == a.count,
            "InfluenceFlow.channelFlows: a weight and two values per person, a channel per entry")
        let parts = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : PowerIteration.blockParts)
        var sums = [Credit](repeating: Credit(), count: parts.count * slots)
        var used = [Bool](repeating: false, count: parts.count * slots)
        // Each flow reads its target's weight, values and mass: those of the edge sixteen ahead
        // are fetched first (at random in the graph's numbering; on the 10.9M-person program
        // export the loop's samples went 735 → 574 in one `perf record` run each).
        let ahead = FlowFetch(inWeight: inWeight, v: v, m: m, column: a.column, n: n)
        sums.withUnsafeMutableBufferPointer { sums in
            used.withUnsafeMutableBufferPointer { used in
                let (sums, used) = (SharedBuffer(sums), SharedBuffer(used))
                // Each range writes only its own slots.
                Parallel.forEach(parts.count) { p in
                    let last = a.rowStart[parts[p].upperBound]
                    for s in parts[p] {
                        let keep = inWeight[s] > 0 ? 1 - d : 1
                        for e in a.rowStart[s]..<a.rowStart[s + 1] {
                            if e &+ 16 < last { ahead.fetch(e &+ 16) }
                            let t = Int(a.column[e])
                            guard inWeight[t] > 0, a.values[e] > 0 else { continue }
                            let share = keep * a.values[e] / inWeight[t]
                            let flow = Credit(conversions: share * (v[t] + d * m[t]), value: share * (v[n + t] + d * m[n + t]))
                            guard flow.conversions != 0 || flow.value != 0 else { continue }
                            let slot = p * slots + Int(entryChannel[e]) + 1
                            sums[slot] += flow
                            used[slot] = true
                        }
                    }
                }
            }
        }
        return (sums, used)
    }

    /// Attributes every conversion by `influence-flow`.
    ///
    /// The graph is handed over (with, by campaign, each conversion's campaign label); once the
    /// people are renumbered for the solve (`Layout`) the graph is given up
    /// too, and everything after it, the channel shares included, runs in the new numbering,
    /// so that neither the graph nor its people's ids sit beside the solve's vectors.
    /// - Throws: `AttributionError` when grouping needs a missing column or credit is not conserved.
    /// - Parameter first: the graph's `firstOrder`, when it was found ahead.
    static func attribute(
        events: ReferralEvents, graph: consuming ReferralGraph, campaigns: CampaignLabels?, chains: ConversionChains,
        conversions: Conversions, options: AttributionOptions, first: FirstOrder? = nil
    ) throws(AttributionError) -> AttributionResult {
        let n = graph.nodeCount
        let d = options.damping
        let quality = graph.quality
        precondition((options.grouping == .campaign) == (campaigns != nil), "InfluenceFlow.attribute: campaign labels exactly by campaign")
        if options.grouping == .channel, events.channel == nil {
            throw .needsColumn(model: "--by channel", column: "channel", file: events.file, flag: "--channel-column")
        }
        // Two columns per block (conversion counts, values), one block per campaign.
        let blocks = campaigns?.names.count ?? 1
        let k = 2 * blocks
        // In the graph's numbering until the solve's is known.
        var inWeight = graph.inWeight
        var total = Credit()
        var organic = Credit()
        var organicByCampaign = [Credit](repeating: Credit(), count: campaigns?.names.count ?? 0)
        var counts = AttributionResult.OrganicCounts()
        for i in 0..<conversions.count {
            let value = conversions.value[i]
            let amount = Credit(conversions: 1, value: value)
            total += amount
            let u = chains.converter[i]
            let block = campaigns?.ofConversion[i] ?? 0
            guard u >= 0, inWeight[Int(u)] > 0 else {
                organic += amount
                if campaigns != nil { organicByCampaign[block] += amount }
                if u < 0 { counts.unknownConverter += 1 } else { counts.notReferred += 1 }
                continue
            }
        }
        let kind = options.operatorChoice.resolve(people: n, edges: graph.edgeCount)
        var w = AdjacencyOperator(forward: graph.forward, reverse: nil, kind: kind)
        let layout = Layout(w, columns: k, first: first)
        let renumbering = layout.renumbering
        // Each edge's channel (that of its kept row; −1: none), by entry of the solve's W.
        var entryChannel: [Int32] = []
        if options.grouping == .channel, let channel = events.channel {
            let (edgeRow, rowStart) = (graph.edgeRow, graph.forward.rowStart)
            entryChannel = renumbering?.entries(channel, at: edgeRow, from: rowStart) ?? edgeRow.map { channel[Int($0)] }
        }
        if let renumbering {
            inWeight = renumbering.forward(inWeight)
            w = layout.renumbered!
        }
        _ = consume graph
        /// Person u's place in the solve's numbering.
        func place(_ u: Int32) -> Int { renumbering.map { Int($0.number[Int(u)]) } ?? Int(u) }
        // V, n×k in the solve's numbering: each converter's conversions and value, in the block
        // of its campaign. The channel shares read it again: it is kept beside the solve when
        // the solve's memory fits (`Layout.lean` unset); else it is given up to the solve (at
        // 100M people it is 1.7 GB) and made again, the same sums in the same order. (Made
        // twice on the 10.9M-person program export, each time 122-184 ms of fresh pages.)
        func conversionValues() -> [Double] {
            var v = Parallel.zeroed(Double.self, count: n * k)
            // Each conversion reads its converter's place, then the place's in-weight and values,
            // at random: asked for in stages, sixteen and eight conversions ahead (hints only; on
            // the 10.9M-person program export the loop took 46-61 against 75-106 ms without them,
            // three runs each alternating).
            let count = conversions.count
            let number = renumbering?.number ?? []
            for i in 0..<count {
                if i &+ 16 < count {
                    let u = Int(chains.converter[i &+ 16])
                    if u >= 0, u < number.count { number.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + u) } }
                }
                if i &+ 8 < count {
                    let u = chains.converter[i &+ 8]
                    let block = campaigns?.ofConversion[i &+ 8] ?? 0
                    if u >= 0, Int(u) < n, block >= 0, block < k / 2 {
                        let p = place(u)
                        if p >= 0, p < n {
                            inWeight.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + p) }
                            v.withUnsafeBufferPointer {
                                influence_prefetch($0.baseAddress! + (2 * block) * n + p)
                                influence_prefetch($0.baseAddress! + (2 * block + 1) * n + p)
                            }
                        }
                    }
                }
                let u = chains.converter[i]
                guard u >= 0 else { continue }
                let p = place(u)
                guard inWeight[p] > 0 else { continue }
                let block = campaigns?.ofConversion[i] ?? 0
                v[(2 * block) * n + p] += 1
                v[(2 * block + 1) * n + p] += conversions.value[i]
            }
            return v
        }
        let kept = options.grouping == .channel && !layout.lean ? conversionValues() : nil
        let (m, report) = solve(
            w, inWeight: inWeight, damping: d, values: kept ?? conversionValues(), columns: k, settings: options.iteration,
            lean: layout.lean,
            sweepOrder: layout.sweepOrder)
        var keys: [Int] = []
        var credits: [Credit] = []
        switch options.grouping {
        case .person, .campaign:
            // Each key once, in the solve's numbering, keyed by the person's place in the
            // graph's: the listing's order does not depend on the keys' (no two share a
            // campaign and a person). The solve's values are not put back in the graph's
            // numbering first, and its graph goes (on the 10.9M-person program export the
            // process held 1.09–1.23 GB after the solve before, 0.84–1.00 GB after).
            _ = consume w
            let order = renumbering?.order ?? []
            for block in 0..<blocks {
                for p in 0..<n {
                    let keep = inWeight[p] > 0 ? 1 - d : 1
                    let kept = Credit(conversions: keep * m[(2 * block) * n + p], value: keep * m[(2 * block + 1) * n + p])
                    if kept.conversions != 0 || kept.value != 0 {
                        keys.append(block * n + (order.isEmpty ? p : Int(order[p])))
                        credits.append(kept)
                    }
                }
            }
        case .channel:
            let slots = events.channels.count + 1
            let (sums, used) = channelFlows(
                w.forward, inWeight: inWeight, v: kept ?? conversionValues(), m: m, entryChannel: entryChannel, slots: slots, damping: d)
            var ledger = CreditLedger()
            for slot in sums.indices where used[slot] { ledger.add(slot % slots - 1, sums[slot]) }
            (keys, credits) = (ledger.keys, ledger.credit)
        }
        let rows = CreditLedger.rows(keys: keys, credit: credits) { key, credit in
            Attribution.row(key: key, credit: credit, grouping: options.grouping, events: events, campaigns: campaigns)
        }
        let hint =
            report.overall.converged
            ? "This is a bug; please report it with the input."
            : "The iteration stopped after \(report.overall.iterations) steps without converging; raise --max-iterations or lower --damping."
        var result = try AttributionResult(
            model: .influenceFlow, grouping: options.grouping, rows: rows, total: total, organic: organic,
            organicByCampaign: campaigns.map { c in organicByCampaign.enumerated().map { (c.names[$0.offset], $0.element) } } ?? [],
            organicCounts: counts, quality: quality, hint: hint)
        result.parameters = [
            ("damping", .number(d)),
            ("tolerance", .number(options.iteration.tolerance)),
            ("max_iterations", .int(options.iteration.maxIterations)),
            ("operator", .string(kind.rawValue)),
            ("right_hand_sides", .int(k)),
        ]
        result.report = report.overall
        result.conversionsQuality = conversions.quality
        result.conversionRows = conversions.count
        return result
    }
}

/// The reads of one flow of `influence-flow`'s channel shares, fetched ahead. It only reads,
/// and forms an address only from an index checked against its array's length.
private struct FlowFetch: Sendable {
    let inWeight: [Double]
    let v: [Double]
    let m: [Double]
    let column: [Int32]
    let n: Int

    /// Starts loading what edge `e`'s flow reads at its target.
    @inline(__always) func fetch(_ e: Int) {
        guard e >= 0, e < column.count else { return }
        let t = Int(column[e])
        guard t >= 0, t < n, t < inWeight.count, n + t < v.count, n + t < m.count else { return }
        inWeight.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + t) }
        v.withUnsafeBufferPointer {
            influence_prefetch($0.baseAddress! + t)
            influence_prefetch($0.baseAddress! + n + t)
        }
        m.withUnsafeBufferPointer {
            influence_prefetch($0.baseAddress! + t)
            influence_prefetch($0.baseAddress! + n + t)
        }
    }
}
