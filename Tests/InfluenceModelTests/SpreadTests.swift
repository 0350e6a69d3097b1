import Testing
@testable import InfluenceModel

/// Parses a referral export written inline.
private func spreadEvents(_ text: String) throws -> ReferralEvents {
    try ReferralEvents.parse(bytes: Array(text.utf8), file: "events.csv")
}

/// The overall scope's cascades, keyed by root id.
private func cascadesByRoot(_ report: SpreadReport) -> [String: Cascade] {
    Dictionary(uniqueKeysWithValues: report.overall.cascades.map { (report.people.name($0.root), $0) })
}

/// Closed forms and hand-built forests: size, depth, breadth, generations and structural
/// virality of cascades whose answers are known without running the program.
struct CascadeShapeTests {
    /// A star: one sharer and n − 1 people they referred. Pairs are centre–leaf (distance 1,
    /// n − 1 of them) and leaf–leaf (distance 2, (n − 1)(n − 2)/2 of them), so the mean
    /// distance is 2(n − 1)/n.
    @Test(arguments: [2, 3, 4, 5, 10, 50, 333])
    func starVirality(n: Int) throws {
        let rows = (1..<n).map { "hub,leaf\($0)\n" }.joined()
        let report = SpreadReport(events: try spreadEvents("source,target\n" + rows))
        let cascade = try #require(report.overall.cascades.first)
        #expect(report.overall.cascades.count == 1)
        #expect(report.people.name(cascade.root) == "hub")
        #expect(cascade.size == n)
        #expect(cascade.depth == 1)
        #expect(cascade.maxBreadth == max(1, n - 1))
        #expect(cascade.generationSizes == [1, n - 1])
        let virality = try #require(cascade.structuralVirality)
        #expect(abs(virality - 2 * Double(n - 1) / Double(n)) < 1e-12)
    }

    /// A chain (path) of N people: N − d pairs at distance d, so the mean distance is
    /// Σ_d d(N − d) / (N(N − 1)/2) = (N + 1)/3.
    @Test(arguments: [2, 3, 4, 7, 20, 101])
    func chainVirality(people: Int) throws {
        let rows = (1..<people).map { "p\($0 - 1),p\($0)\n" }.joined()
        let report = SpreadReport(events: try spreadEvents("source,target\n" + rows))
        let cascade = try #require(report.overall.cascades.first)
        #expect(report.overall.cascades.count == 1)
        #expect(cascade.size == people)
        #expect(cascade.depth == people - 1)
        #expect(cascade.maxBreadth == 1)
        #expect(cascade.generationSizes == Array(repeating: 1, count: people))
        let virality = try #require(cascade.structuralVirality)
        #expect(abs(virality - Double(people + 1) / 3) < 1e-12)
    }

    @Test func cascadeOfOneHasNoVirality() {
        #expect(Cascade.structuralVirality(size: 1, subtreeSizes: []) == nil)
        #expect(Cascade.structuralVirality(size: 0, subtreeSizes: []) == nil)
        #expect(Cascade.structuralVirality(size: 2, subtreeSizes: [1]) == 1)
    }

    /// Two trees:
    ///
    ///     r ─┬─ a ─┬─ c          s ── t
    ///        │     └─ d ── f
    ///        └─ b ─── e
    ///
    /// r's tree: 7 people, generations 1, 2, 3, 1. Its 21 pairwise distances: r–a 1, r–b 1,
    /// r–c 2, r–d 2, r–e 2, r–f 3; a–b 2, a–c 1, a–d 1, a–e 3, a–f 2; b–c 3, b–d 3, b–e 1,
    /// b–f 4; c–d 2, c–e 4, c–f 3; d–e 4, d–f 1; e–f 5: sum 50, mean 50/21.
    @Test func handBuiltForest() throws {
        let csv = "source,target\nr,a\nr,b\na,c\na,d\nb,e\nd,f\ns,t\n"
        let report = SpreadReport(events: try spreadEvents(csv))
        let all = report.overall
        let cascades = cascadesByRoot(report)
        let r = try #require(cascades["r"])
        #expect(r.size == 7)
        #expect(r.depth == 3)
        #expect(r.maxBreadth == 3)
        #expect(r.generationSizes == [1, 2, 3, 1])
        let treeVirality: Double = try #require(r.structuralVirality)
        let expectedTree: Double = 50.0 / 21.0
        #expect(abs(treeVirality - expectedTree) < 1e-12)
        let s = try #require(cascades["s"])
        #expect(s.size == 2)
        #expect(s.depth == 1)
        #expect(s.maxBreadth == 1)
        #expect(s.structuralVirality == 1)
        #expect(all.cascades.map { report.people.name($0.root) } == ["r", "s"], "largest first")

        #expect(all.people == 9)
        #expect(all.sharers == 5)
        #expect(all.referrals == 7)
        #expect(all.cascadeCount == 2)
        #expect(all.largestCascade == 7)
        #expect(all.meanCascadeSize == 4.5)
        #expect(all.maxDepth == 3)
        #expect(all.maxBreadth == 3)
        let meanVirality: Double = try #require(all.structuralVirality)
        let expectedMean: Double = (50.0 / 21.0 + 1) / 2
        #expect(abs(meanVirality - expectedMean) < 1e-12)
        #expect(all.invitesPerSharer == 1.4)
        #expect(all.generationSizes == [2, 3, 3, 1])
        #expect(all.growth == [1.5, 1, 1.0 / 3.0])
        #expect(all.referredPeople == 7)
        #expect(all.convertedReferredPeople == nil)
        #expect(all.inviteConversionRate == nil)
        #expect(all.kFactor == nil)
        #expect(all.medianHoursPerHop == nil, "no timestamps")
        #expect(all.reach.isEmpty)
    }

    /// Equal sizes are ordered by root id (byte order), not by appearance.
    @Test func cascadesOfEqualSizeByRootId() throws {
        let report = SpreadReport(events: try spreadEvents("source,target\nzed,z1\nb,b1\nB,B1\nmid,m1\nmid,m2\n"))
        #expect(report.overall.cascades.map { report.people.name($0.root) } == ["mid", "B", "b", "zed"])
    }

    /// A referral to one's own ancestor closes a cycle; it is not a parent, nothing loops,
    /// and everyone is counted once.
    @Test func cycleDoesNotLoopOrDoubleCount() throws {
        let csv = "source,target\na,b\nb,c\nc,a\nc,d\nd,b\nb,a\n"
        let report = SpreadReport(events: try spreadEvents(csv))
        let all = report.overall
        #expect(all.cascadeCount == 1)
        let cascade = try #require(all.cascades.first)
        #expect(report.people.name(cascade.root) == "a")
        #expect(cascade.size == 4)
        #expect(cascade.depth == 3)
        #expect(cascade.generationSizes == [1, 1, 1, 1])
        let pathVirality: Double = try #require(cascade.structuralVirality)
        let expectedPath: Double = 5.0 / 3.0
        #expect(abs(pathVirality - expectedPath) < 1e-12, "a path of 4")
        #expect(all.people == 4)
        #expect(all.referrals == 6)
        #expect(all.referredPeople == 4, "a is a target too, of the cycle-closing rows")
    }

    @Test func twoCycleIsOneCascadeOfTwo() throws {
        let report = SpreadReport(events: try spreadEvents("source,target\nx,y\ny,x\n"))
        #expect(report.overall.cascades.map(\.size) == [2])
    }

    /// Someone referred twice joins the first sharer's tree; the second sharer, referred by
    /// nobody, is a cascade of one.
    @Test func secondReferrerIsACascadeOfOne() throws {
        let report = SpreadReport(events: try spreadEvents("source,target\na,b\nc,b\n"))
        let cascades = cascadesByRoot(report)
        #expect(cascades["a"]?.size == 2)
        let c = try #require(cascades["c"])
        #expect(c.size == 1)
        #expect(c.depth == 0)
        #expect(c.maxBreadth == 1)
        #expect(c.structuralVirality == nil)
        #expect(report.overall.structuralVirality == 1, "the mean skips cascades of one")
        #expect(report.overall.generationSizes == [2, 1])
        #expect(
            report.csv(per: .cascade) == """
                root,campaign,size,depth,max_breadth,structural_virality,first_timestamp,last_timestamp
                a,all,2,1,1,1,,
                c,all,1,0,1,,,

                """)
    }

    /// Without timestamps, or on equal times, the first row in the file is the parent.
    @Test(arguments: [
        ("source,target\na,c\nb,c\n", "a"),
        ("source,target\nb,c\na,c\n", "b"),
        ("source,target,time\na,c,2025-01-01\nb,c,2025-01-01\n", "a"),
        ("source,target,time\nb,c,2025-01-01\na,c,2025-01-01\n", "b"),
        ("source,target,time\nb,c,2025-01-02\na,c,2025-01-01\n", "a"),
        ("source,target,time\na,c,\nb,c,2025-01-05\n", "b"),
    ])
    func tiesFollowInputOrder(csv: String, parent: String) throws {
        let report = SpreadReport(events: try spreadEvents(csv))
        let cascades = cascadesByRoot(report)
        #expect(cascades[parent]?.size == 2)
        #expect(cascades[parent == "a" ? "b" : "a"]?.size == 1)
    }

    /// Each campaign's forest comes from its own rows: someone referred in two campaigns is in
    /// a cascade of each; rows with no campaign count only for all.
    @Test func campaignsHaveTheirOwnForests() throws {
        let csv = """
            source,target,campaign
            a,p,A
            b,p,B
            p,q,B
            x,y,

            """
        let report = SpreadReport(events: try spreadEvents(csv))
        #expect(report.scopes.map(\.campaign) == ["A", "B", "all"])
        let a = report.scopes[0], b = report.scopes[1], all = report.scopes[2]
        #expect(a.cascades.map(\.size) == [2])
        #expect(b.cascades.map(\.size) == [3])
        #expect(b.maxDepth == 2)
        // Overall, a's referral came first: p and q sit under a, and b is a cascade of one.
        #expect(all.cascades.map(\.size) == [3, 2, 1])
        #expect(all.people == 6)
        #expect(report.rowsWithoutCampaign == 1)
        #expect(report.cascades.map(\.campaign) == ["A", "B", "all", "all", "all"])
    }

    @Test func withoutCampaignColumnOnlyAll() throws {
        let report = SpreadReport(events: try spreadEvents("source,target\na,b\n"))
        #expect(report.scopes.map(\.campaign) == ["all"])
        #expect(report.channels == nil)
        #expect(throws: SpreadError.noChannelColumn(file: "events.csv")) { try report.check(level: .channel) }
        #expect(throws: SpreadError.noTimestampColumn(file: "events.csv")) { try report.check(level: .day) }
        #expect(throws: Never.self) { try report.check(level: .generation) }
    }

    @Test func noReferralIsRefused() throws {
        let events = try spreadEvents("source,target\na,a\n")
        #expect(throws: InputError.self) { try SpreadReport(checking: events) }
    }
}
