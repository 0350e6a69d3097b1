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
    /// r·d/(1 − d) for a last change r, is below `settings.tolerance`.
    /// - Parameters:
    ///   - w: the weighted adjacency W[s][t] = w(s, t).
    ///   - inWeight: in(t) for each person.
    ///   - damping: d in [0, 1).
    ///   - values: V, n×k column-major.
    ///   - columns: k.
    /// - Returns: m (n×k) and how the iteration ended.
    /// - Complexity: O(iterations × k × cost of W), iterations ≈ log(tolerance / ‖Q·V‖₁) / log d.
    public static func receivedMass(
        _ w: AdjacencyOperator, inWeight: [Double], damping d: Double, values: consuming [Double],
        columns k: Int, settings: IterationSettings
    ) -> (mass: [Double], report: BlockIterationReport) {
        let n = w.dimension
        // Large forest-like graphs are solved over people renumbered breadth-first, as
        // PageRank is (`Renumbering`): each product then reads x front to back. Row sums keep
        // their terms and order, so every column's values are the same bits, permuted.
        // Each n×k block is made once, in place, and freed once used: at 100M people one is 1.7 GB.
        let fits = Renumbering.fits(people: n, entries: w.forward.count, vectors: k + 1)
        if w.kind == .sparse, Renumbering.pays(people: n, entries: w.forward.count), fits {
            let r = Renumbering(w.forward)
            let renumbered = r.forward(columns: values, k)
            _ = consume values
            let solved = solve(
                AdjacencyOperator(forward: r.matrix, reverse: nil, kind: .sparse), inWeight: r.forward(inWeight), damping: d,
                values: renumbered, columns: k, settings: settings)
            return (r.back(columns: solved.mass, k), solved.report)
        }
        return solve(w, inWeight: inWeight, damping: d, values: values, columns: k, settings: settings, lean: !fits)
    }

    /// `receivedMass` in `w`'s numbering.
    /// - Parameter lean: takes each 1/in(t) as it is needed rather than keeping a vector of
    ///   them (n doubles less, 0.87 GB at 109M people; the same bits, one division more per
    ///   person and step), for when memory is tight.
    static func solve(
        _ w: AdjacencyOperator, inWeight: [Double], damping d: Double, values: consuming [Double],
        columns k: Int, settings: IterationSettings, lean: Bool = false
    ) -> (mass: [Double], report: BlockIterationReport) {
        let n = w.dimension
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
        var effective = settings
        if d > 0 { effective.tolerance = settings.tolerance * (1 - d) / d }
        let solved = PowerIteration.affineBlock(
            start: [Double](repeating: 0, count: n * k), columns: k, alpha: d,
            constant: b, settings: effective, apply: applyQ)
        return (solved.x, solved.report)
    }

    /// Attributes every conversion by `influence-flow`.
    /// - Throws: `AttributionError` when grouping needs a missing column or credit is not conserved.
    static func attribute(
        events: ReferralEvents, graph: ReferralGraph, forest: ReferralParents, chains: ConversionChains,
        conversions: Conversions, options: AttributionOptions
    ) throws(AttributionError) -> AttributionResult {
        let n = graph.nodeCount
        let d = options.damping
        let inWeight = graph.reverse.rowSums()
        let campaigns =
            options.grouping == .campaign
            ? try CampaignLabels(events: events, forest: forest, conversions: conversions, chains: chains, model: .influenceFlow)
            : nil
        if options.grouping == .channel, events.channel == nil {
            throw .needsColumn(model: "--by channel", column: "channel", file: events.file, flag: "--channel-column")
        }
        // Two columns per block (conversion counts, values), one block per campaign.
        let blocks = campaigns?.names.count ?? 1
        let k = 2 * blocks
        // V, n×k: each converter's conversions and value, in the block of its campaign. It is
        // given up to the solve (at 100M people it is 1.7 GB) and made again for the channel
        // shares, the same sums in the same order.
        func conversionValues() -> [Double] {
            var v = [Double](repeating: 0, count: n * k)
            for i in 0..<conversions.count {
                let u = chains.converter[i]
                guard u >= 0, inWeight[Int(u)] > 0 else { continue }
                let block = campaigns?.ofConversion[i] ?? 0
                v[(2 * block) * n + Int(u)] += 1
                v[(2 * block + 1) * n + Int(u)] += conversions.value[i]
            }
            return v
        }
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
        let w = AdjacencyOperator(forward: graph.forward, reverse: graph.reverse, kind: kind)
        let (m, report) = receivedMass(
            w, inWeight: inWeight, damping: d, values: conversionValues(), columns: k, settings: options.iteration)
        let keep = inWeight.map { $0 > 0 ? 1 - d : 1 }
        var ledger = CreditLedger()
        switch options.grouping {
        case .person, .campaign:
            for block in 0..<blocks {
                for s in 0..<n {
                    let kept = Credit(conversions: keep[s] * m[(2 * block) * n + s], value: keep[s] * m[(2 * block + 1) * n + s])
                    if kept.conversions != 0 || kept.value != 0 { ledger.add(block * n + s, kept) }
                }
            }
        case .channel:
            // Mass reaching s over edge s → t is w(s, t)/in(t) · (v_t + d·m_t); s keeps its share of it.
            let channel = events.channel!
            let f = graph.forward
            let v = conversionValues()
            for s in 0..<n {
                for e in f.rowStart[s]..<f.rowStart[s + 1] {
                    let t = Int(f.column[e])
                    guard inWeight[t] > 0, f.values[e] > 0 else { continue }
                    let share = keep[s] * f.values[e] / inWeight[t]
                    let flow = Credit(conversions: share * (v[t] + d * m[t]), value: share * (v[n + t] + d * m[n + t]))
                    if flow.conversions != 0 || flow.value != 0 { ledger.add(Int(channel[Int(graph.edgeRow[e])]), flow) }
                }
            }
        }
        let rows = ledger.entries.map { key, credit in
            Attribution.row(key: key, credit: credit, grouping: options.grouping, events: events, campaigns: campaigns)
        }
        let hint =
            report.overall.converged
            ? "This is a bug; please report it with the input."
            : "The iteration stopped after \(report.overall.iterations) steps without converging; raise --max-iterations or lower --damping."
        var result = try AttributionResult(
            model: .influenceFlow, grouping: options.grouping, rows: rows, total: total, organic: organic,
            organicByCampaign: campaigns.map { c in organicByCampaign.enumerated().map { (c.names[$0.offset], $0.element) } } ?? [],
            organicCounts: counts, quality: graph.quality, hint: hint)
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
