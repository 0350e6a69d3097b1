import Foundation
import Testing

@testable import InfluenceModel

/// Referral exports drawn from Galton–Watson branching processes with known answers.
enum BranchingExport {
    /// One campaign's cascades: each person refers Poisson(`offspring`) new people, up to
    /// `cap` people per cascade; one hour per hop plus a random part when `timed`.
    static func rows(
        campaign: String, cascades: Int, offspring: Double, rng: inout SplitMix64, timed: Bool = false, cap: Int = 5000
    ) -> [String] {
        var rows: [String] = []
        for c in 0..<cascades {
            var queue: [(id: String, time: Double)] = [("\(campaign)-\(c)-0", 1_700_000_000)]
            var next = 1, head = 0
            while head < queue.count, next < cap {
                let (parent, t) = queue[head]
                head += 1
                let children = PoissonDraw.draw(offspring, &rng)
                for _ in 0..<children where next < cap {
                    let child = "\(campaign)-\(c)-\(next)"
                    next += 1
                    let time = t + 3600 + rng.unit() * 7200
                    queue.append((child, time))
                    rows.append(timed ? "\(parent),\(child),\(Int(time)),\(campaign)" : "\(parent),\(child),\(campaign)")
                }
            }
        }
        return rows
    }

    static func events(_ rows: [String], timed: Bool = false) throws -> ReferralEvents {
        let header = timed ? "referrer,referred,timestamp,campaign\n" : "referrer,referred,campaign\n"
        let text = header + rows.joined(separator: "\n") + "\n"
        return try ReferralEvents.parse(bytes: Array(text.utf8), file: "branching.csv")
    }
}

struct ComparisonTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks-data")

    /// Two groups from one branching process are called different at about the nominal
    /// rate: 300 pairs of 200 cascades at 0.5 offspring per person, 5% level. A rate near
    /// 5% passes; 20% (what an interval half as wide would give) fails.
    @Test func falseAlarmsNearTheNominalRate() throws {
        var rng = SplitMix64(seed: 20_261_202)
        let watched: [ComparisonMetric] = [.meanCascadeSize, .invitesPerSharer, .structuralVirality, .people]
        var alarms = [Int](repeating: 0, count: watched.count)
        let pairs = 300
        for k in 0..<pairs {
            let rows =
                BranchingExport.rows(campaign: "a", cascades: 200, offspring: 0.5, rng: &rng)
                + BranchingExport.rows(campaign: "b", cascades: 200, offspring: 0.5, rng: &rng)
            let comparison = try Comparison(
                events: BranchingExport.events(rows), options: ComparisonOptions(resamples: 400, seed: UInt64(k)))
            for (j, m) in watched.enumerated() where comparison.row("b", m)?.significant == true { alarms[j] += 1 }
        }
        for (j, m) in watched.enumerated() {
            let rate = Double(alarms[j]) / Double(pairs)
            #expect(rate >= 0.015 && rate <= 0.10, "\(m.id): false alarm rate \(rate)")
        }
    }

    /// Intervals cover the true value at about the nominal rate, for a Poisson(μ) branching
    /// process: mean cascade size (1/(1 − μ) − e^(−μ)) / (1 − e^(−μ)), since a root who refers
    /// nobody is in no row, and invites per sharer μ/(1 − e^(−μ)).
    @Test func intervalsCoverTheTruth() throws {
        var rng = SplitMix64(seed: 7)
        let mu = 0.5
        let truths: [(ComparisonMetric, Double)] = [
            (.meanCascadeSize, (1 / (1 - mu) - exp(-mu)) / (1 - exp(-mu))), (.invitesPerSharer, mu / (1 - exp(-mu))),
        ]
        var covered = [Int](repeating: 0, count: truths.count)
        let runs = 300
        for k in 0..<runs {
            let rows =
                BranchingExport.rows(campaign: "a", cascades: 300, offspring: mu, rng: &rng)
                + BranchingExport.rows(campaign: "b", cascades: 20, offspring: mu, rng: &rng)
            let comparison = try Comparison(
                events: BranchingExport.events(rows), options: ComparisonOptions(resamples: 400, seed: UInt64(k)))
            for (j, (metric, truth)) in truths.enumerated() {
                let row = try #require(comparison.row("a", metric))
                if let low = row.low, let high = row.high, low <= truth, truth <= high { covered[j] += 1 }
            }
        }
        for (j, (metric, _)) in truths.enumerated() {
            let rate = Double(covered[j]) / Double(runs)
            #expect(rate >= 0.88 && rate <= 0.985, "\(metric.id): coverage \(rate)")
        }
    }

    /// A real difference is found: 0.5 against 0.8 offspring per person, 200 cascades each.
    @Test func aRealDifferenceIsFound() throws {
        var rng = SplitMix64(seed: 99)
        var found = 0
        let runs = 20
        for k in 0..<runs {
            let rows =
                BranchingExport.rows(campaign: "a", cascades: 200, offspring: 0.5, rng: &rng)
                + BranchingExport.rows(campaign: "b", cascades: 200, offspring: 0.8, rng: &rng)
            let comparison = try Comparison(
                events: BranchingExport.events(rows), options: ComparisonOptions(resamples: 500, seed: UInt64(k)))
            let row = try #require(comparison.row("b", .meanCascadeSize))
            if row.significant == true, (row.lift ?? 0) > 0 { found += 1 }
            #expect((row.pBest ?? 0) > 0.5)
        }
        #expect(found >= 18, "found in \(found) of \(runs)")
    }

    /// The estimates are the spread's own figures for each campaign, from a different code
    /// path (per-campaign forests in `SpreadReport`).
    @Test func estimatesAreTheSpreadFigures() throws {
        let export = try Export.read(
            events: [Self.sample.appendingPathComponent("referrals.csv").path],
            conversions: [Self.sample.appendingPathComponent("conversions.csv").path])
        let spread = SpreadReport(events: export.events, conversions: export.conversions)
        let comparison = try Comparison(events: export.events, conversions: export.conversions, options: ComparisonOptions(resamples: 50))
        #expect(comparison.groups.map(\.name) == ["spring-launch", "summer-friends"])
        for scope in spread.scopes where scope.campaign != ScopeSpread.overallLabel {
            func value(_ m: ComparisonMetric) -> Double? { comparison.row(scope.campaign, m)?.value }
            #expect(value(.people) == Double(scope.people))
            #expect(value(.sharers) == Double(scope.sharers))
            #expect(value(.referrals) == Double(scope.referrals))
            #expect(value(.cascades) == Double(scope.cascadeCount))
            #expect(value(.largestCascade) == Double(scope.largestCascade))
            #expect(value(.maxDepth) == Double(scope.maxDepth))
            #expect(abs(value(.meanCascadeSize)! - scope.meanCascadeSize) < 1e-12)
            #expect(abs(value(.structuralVirality)! - scope.structuralVirality!) < 1e-12)
            #expect(abs(value(.invitesPerSharer)! - scope.invitesPerSharer!) < 1e-12)
            #expect(abs(value(.inviteConversionRate)! - scope.inviteConversionRate!) < 1e-12)
            #expect(abs(value(.kFactor)! - scope.kFactor!) < 1e-12)
            #expect(value(.medianHoursPerHop) == scope.medianHoursPerHop)
        }
    }

    /// Conversions and value per campaign, counted by hand from the files: a conversion
    /// counts for the campaign its row names, or that of the referral that brought its
    /// person in; only referred people's conversions count.
    @Test func conversionsAndValueFollowTheCampaignRule() throws {
        let events = "referrer,referred,campaign\na,b,x\nb,c,x\nd,e,y\ne,f,y\nf,g,y\n"
        let conversions = "user,value,campaign\nb,10,\nc,5,x\nc,7,y\ng,2,\na,100,x\nzz,1,\n"
        let e = try ReferralEvents.parse(bytes: Array(events.utf8), file: "e.csv")
        let c = try Conversions.parse(bytes: Array(conversions.utf8), file: "c.csv")
        let comparison = try Comparison(events: e, conversions: c, options: ComparisonOptions(resamples: 20))
        // x: b (10, brought in by x) and c (5, names x); a converted but is a root. y: c's 7
        // names y but c is not in y's rows; g (2).
        #expect(comparison.row("x", .conversions)?.value == 2)
        #expect(comparison.row("x", .value)?.value == 15)
        #expect(comparison.row("y", .conversions)?.value == 1)
        #expect(comparison.row("y", .value)?.value == 2)
        #expect(comparison.row("x", .inviteConversionRate)?.value == 1)
        #expect(abs((comparison.row("y", .inviteConversionRate)?.value ?? 0) - 1.0 / 3) < 1e-15)
        #expect(comparison.quality.unknownConverters == 1)
    }

    /// Holm's correction by hand, p-values against intervals, and chances of being best.
    @Test func holmIntervalsAndBest() throws {
        var rng = SplitMix64(seed: 5)
        var rows: [String] = []
        for (name, mu) in [("a", 0.5), ("b", 0.55), ("c", 0.7), ("d", 0.5)] {
            rows += BranchingExport.rows(campaign: name, cascades: 150, offspring: mu, rng: &rng)
        }
        let comparison = try Comparison(events: BranchingExport.events(rows), options: ComparisonOptions(resamples: 1000))
        for metric in comparison.metrics {
            let block = comparison.rows.filter { $0.metric == metric }
            #expect(block.count == 4)
            let tested = block.filter { $0.pValue != nil }
            let sorted = tested.map { $0.pValue! }.sorted()
            var expected: [Double] = []
            var running = 0.0
            for (k, p) in sorted.enumerated() {
                running = max(running, min(1, Double(sorted.count - k) * p))
                expected.append(running)
            }
            #expect(tested.map { $0.pHolm! }.sorted() == expected, "\(metric.id)")
            for r in tested {
                #expect(r.significant == (r.pHolm! < 0.05))
                // The p-value inverts the lift's interval: 0 is outside it exactly when p < 0.05,
                // up to the interpolation between replicates.
                if let low = r.liftLow, let high = r.liftHigh, abs(r.pValue! - 0.05) > 0.01 {
                    #expect((low > 0 || high < 0) == (r.pValue! < 0.05), "\(metric.id) \(r.group): p \(r.pValue!), \(low) to \(high)")
                }
            }
            let best = block.compactMap(\.pBest).reduce(0, +)
            if block.allSatisfy({ $0.low != nil }) { #expect(abs(best - 1) < 1e-9, "\(metric.id): p_best sums to \(best)") }
        }
    }

    /// The median of weighted hops is the median of the hops repeated by their weights,
    /// whether it falls inside the window around the unweighted median or not.
    @Test(arguments: 0..<40)
    func weightedHopMedianIsExact(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let rows = BranchingExport.rows(campaign: "a", cascades: 30 + rng.below(200), offspring: 0.9, rng: &rng, timed: true, cap: 60)
        let events = try BranchingExport.events(rows, timed: true)
        var numbering = ScopeNumbering(events: events)
        var sample = CascadeSample(
            name: "a", events: events, scope: numbering.scope((0..<events.count).map { Int32($0) }, of: events), campaign: nil,
            converted: nil)
        let window = HopMedian.prepare(&sample)
        for round in 0..<20 {
            // Ordinary Poisson weights, then lopsided ones that push the median out of the window.
            let weights: [Double] = sample.multiplicity.enumerated().map { t, m in
                if round >= 10 { return sample.value(t, .hops) > 0 && rng.below(4) == 0 ? Double(rng.below(40)) : 0 }
                return Double(PoissonDraw.draw(m, &rng))
            }
            var sums = CascadeSums(classes: 0)
            sample.sums(weights: weights, classes: 0, window: window, into: &sums)
            var expanded: [Double] = []
            for (k, h) in sample.hopHours.enumerated() {
                expanded += [Double](repeating: h, count: Int(weights[Int(sample.hopType[k])]))
            }
            #expect(sums.medianHop == ScopeSpread.median(expanded), "seed \(seed) round \(round)")
            // With only the window's types weighed (the rest unknown: NaN), the median is
            // either right or asks for every weight.
            var partial = weights
            for t in window.windowTypes..<partial.count { partial[t] = .nan }
            let windowed = window.median(sample, weights: partial, sums: sums.fields, complete: false)
            if !windowed.needsAll { #expect(windowed.value == ScopeSpread.median(expanded), "seed \(seed) round \(round), window only") }
        }
    }

    /// Poisson draws have the right mean and variance, below and above the switch to PTRS.
    @Test(arguments: [1.0, 3.5, 12.0, 250.0])
    func poissonDraws(lambda: Double) {
        var rng = SplitMix64(seed: UInt64(lambda * 10))
        let n = 40_000
        var sum = 0.0, square = 0.0
        for _ in 0..<n {
            let k = Double(PoissonDraw.draw(lambda, &rng))
            sum += k
            square += k * k
        }
        let mean = sum / Double(n), variance = square / Double(n) - mean * mean
        #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot(), "mean \(mean)")
        #expect(abs(variance / lambda - 1) < 0.05, "variance \(variance)")
    }

    /// Φ⁻¹ against tabulated quantiles, and Φ(Φ⁻¹(p)) = p.
    @Test func normalQuantiles() {
        let table: [(Double, Double)] = [(0.975, 1.959963984540054), (0.5, 0), (0.05, -1.6448536269514722), (1e-6, -4.753424308822899)]
        for (p, z) in table { #expect(abs(Normal.quantile(p) - z) < 1e-12, "\(p)") }
        for p in stride(from: 0.001, to: 1, by: 0.01) { #expect(abs(Normal.cdf(Normal.quantile(p)) - p) < 1e-13) }
    }

    /// Replicate i of a group draws from the same stream whatever the other groups, so a
    /// group's interval does not change when a third group joins.
    @Test func aGroupsResamplesDoNotDependOnTheOthers() throws {
        var rng = SplitMix64(seed: 11)
        let a = BranchingExport.rows(campaign: "a", cascades: 100, offspring: 0.6, rng: &rng)
        let b = BranchingExport.rows(campaign: "b", cascades: 100, offspring: 0.6, rng: &rng)
        let c = BranchingExport.rows(campaign: "c", cascades: 100, offspring: 0.6, rng: &rng)
        let two = try Comparison(events: BranchingExport.events(a + b), options: ComparisonOptions(resamples: 300))
        let three = try Comparison(events: BranchingExport.events(a + c + b), options: ComparisonOptions(resamples: 300))
        for m in two.metrics where three.metrics.contains(m) {
            #expect(two.row("b", m)?.low == three.row("b", m)?.low, "\(m.id)")
            #expect(two.row("b", m)?.liftHigh == three.row("b", m)?.liftHigh, "\(m.id)")
        }
    }

    /// Groups by file and by channel; the refusals.
    @Test func groupingsAndRefusals() throws {
        let text = "referrer,referred,channel\na,b,email\nb,c,email\nd,e,twitter\ne,f,\n"
        let events = try ReferralEvents.parse(bytes: Array(text.utf8), file: "one.csv")
        let byChannel = try Comparison(events: events, options: ComparisonOptions(grouping: .channel, resamples: 10))
        #expect(byChannel.groups.map(\.name) == ["email", "twitter"])
        #expect(byChannel.rowsWithoutGroup == 1)
        #expect(byChannel.warnings.contains { $0.contains("1 referral row has no channel") })
        #expect(throws: ComparisonError.noGrouping(file: "one.csv")) { try Comparison(events: events) }
        #expect(throws: ComparisonError.oneFile(file: "one.csv")) {
            try Comparison(events: events, options: ComparisonOptions(grouping: .file))
        }
        #expect(throws: ComparisonError.noColumn(file: "one.csv", grouping: .campaign)) {
            try Comparison(events: events, options: ComparisonOptions(grouping: .campaign))
        }
        #expect(throws: ComparisonError.unknownBaseline(name: "fax", groups: ["email", "twitter"])) {
            try Comparison(events: events, options: ComparisonOptions(grouping: .channel, baseline: "fax"))
        }
        let solo = try ReferralEvents.parse(bytes: Array("referrer,referred,channel\na,b,email\n".utf8), file: "solo.csv")
        #expect(throws: ComparisonError.tooFewGroups(file: "solo.csv", grouping: .channel, names: ["email"])) {
            try Comparison(events: solo, options: ComparisonOptions(grouping: .channel))
        }
    }
}

/// Quantiles by selection against the sorted values.
struct QuantileSelectionTests {
    /// Random arrays with many ties and with none: every pair of quantiles (the lower first,
    /// the higher searched above it, as intervals do) equals the interpolation of the sorted array.
    @Test(arguments: 0..<60)
    func selectionMatchesSorting(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = 1 + rng.below(seed % 3 == 0 ? 300 : 4000)
        let distinct = seed % 2 == 0 ? 4 : 1_000_000
        let values = (0..<n).map { _ in Double(rng.below(distinct)) / 7 }
        let sorted = values.sorted()
        func reference(_ q: Double) -> Double {
            let position = q * Double(n - 1)
            let i = Int(position.rounded(.down))
            if i + 1 >= n { return sorted[n - 1] }
            let f = position - Double(i)
            return f > 0 ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i]
        }
        for _ in 0..<10 {
            let a = rng.unit(), b = rng.unit()
            let (low, high) = (min(a, b), max(a, b))
            var work = values
            #expect(BootstrapInterval.quantile(&work, low) == reference(low))
            let start = Int((low * Double(n - 1)).rounded(.down))
            #expect(BootstrapInterval.quantile(&work, high, from: start) == reference(high))
            #expect(work.sorted() == sorted, "a permutation")
            var again = values
            let pair = BootstrapInterval.quantiles(&again, low, high)
            #expect(pair.0 == reference(low) && pair.1 == reference(high), "windowed: n \(n), \(low) and \(high)")
        }
    }
}

/// The chunked replicate sums and the median's window against the weights drawn again.
struct ReplicateChunkTests {
    /// A sample of a few thousand distinct cascade types (three chunks and more), replicates
    /// summed chunk by chunk: people, referrals and the median hop equal what the same
    /// weights give by brute force (every hop repeated by its weight).
    @Test(arguments: [3 as UInt64, 4])
    func chunkedSumsMatchTheWeights(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let rows = BranchingExport.rows(campaign: "a", cascades: 6000, offspring: 0.9, rng: &rng, timed: true, cap: 40)
        let events = try BranchingExport.events(rows, timed: true)
        var numbering = ScopeNumbering(events: events)
        var sample = CascadeSample(
            name: "a", events: events, scope: numbering.scope((0..<events.count).map { Int32($0) }, of: events), campaign: nil,
            converted: nil)
        let window = HopMedian.prepare(&sample)
        #expect(sample.typeCount > 2 * Replicates.chunk, "several chunks")
        let metrics: [ComparisonMetric] = [.people, .referrals, .medianHoursPerHop]
        let engine = Replicates(
            samples: [sample], windows: [window], metrics: metrics, classSlots: 0, resamples: 30, seed: seed, baseline: 0)
        let values = engine.values(0, 0..<30)
        let key = Replicates.key(seed: seed, group: "a")
        let chunks = (sample.typeCount + Replicates.chunk - 1) / Replicates.chunk
        for i in 0..<30 {
            var weights = [Double](repeating: 0, count: sample.typeCount)
            sample.multiplicity.withUnsafeBufferPointer { m in
                weights.withUnsafeMutableBufferPointer { w in
                    for c in 0..<chunks { Replicates.draw(m, key: key, replicate: i, chunk: c, into: w) }
                }
            }
            var people = 0.0, referrals = 0.0
            var expanded: [Double] = []
            for t in 0..<sample.typeCount {
                people += weights[t] * sample.value(t, .people)
                referrals += weights[t] * sample.value(t, .referrals)
            }
            for (k, h) in sample.hopHours.enumerated() { expanded += [Double](repeating: h, count: Int(weights[Int(sample.hopType[k])])) }
            #expect(values[0 * 30 + i] == people)
            #expect(values[1 * 30 + i] == referrals)
            #expect(values[2 * 30 + i] == ScopeSpread.median(expanded), "replicate \(i)")
        }
    }
}
