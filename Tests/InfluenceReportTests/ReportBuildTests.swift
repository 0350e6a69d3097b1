import Foundation
import InfluenceModel
import InfluenceReport
import Testing

/// What the report computes beside the library's results, on exports small enough to check by hand.
struct ReportBuildTests {
    /// a → b → c, then c refers its ancestors a and b back (two cycles), and a re-invites c
    /// (a later referral down the tree: no cycle). d → e stands apart.
    static let events = """
        source,target,timestamp
        a,b,2025-01-01T00:00:00Z
        b,c,2025-01-02T00:00:00Z
        c,a,2025-01-03T00:00:00Z
        c,b,2025-01-04T00:00:00Z
        a,c,2025-01-05T00:00:00Z
        d,e,2025-01-06T00:00:00Z

        """

    @Test func countsReferralsThatCloseACycle() throws {
        let report = try ReportFixture.report(events: Self.events)
        #expect(report.cycleReferrals == 2)
    }

    @Test func advocatesCountInvitesFriendsAndReach() throws {
        let report = try ReportFixture.report(events: Self.events, conversions: "user,value\nb,10\nc,5\ne,7\nzz,1\n")
        let byId = Dictionary(uniqueKeysWithValues: report.advocates.map { ($0.id, $0) })
        let a = try #require(byId["a"])
        #expect(a.directInvites == 2)
        #expect(a.friendsConverted == 2, "b and c")
        #expect(a.downstreamReach == 2, "b and c are below a")
        let c = try #require(byId["c"])
        #expect(c.directInvites == 2)
        #expect(c.downstreamReach == 0)
        #expect(c.friendsConverted == 1, "b converted; a did not")
        let d = try #require(byId["d"])
        #expect(d.downstreamReach == 1)
        // Linear credit: e's 7 to d; c's 5 split between a and b; b's 10 to a.
        #expect(d.revenueCredited == 7)
        #expect(a.revenueCredited == 12.5)
        #expect(report.advocates.map(\.pagerankRank) == report.advocates.map(\.pagerankRank).sorted())
        let conversions = try #require(report.conversions)
        #expect(conversions.count == 4)
        #expect(conversions.value == 23)
        #expect(conversions.referred.value == 22)
    }

    /// Many campaigns and channels with long names: the charts draw a readable few and clip
    /// labels; the tables keep every one; the page stays well-formed.
    @Test func manyGroupsStayReadable() throws {
        var rows = "source,target,timestamp,channel,campaign\n"
        for k in 0..<300 {
            let campaign = "campaign number \(k % 20) with a rather long name"
            let channel = "channel-\(k % 18)-with-a-long-label"
            rows += "s\(k % 40),t\(k),2025-01-\(String(format: "%02d", 1 + k % 28))T00:00:00Z,\(channel),\(campaign)\n"
        }
        let report = try ReportFixture.report(events: rows, conversions: "user,value\nt1,5\nt2,6\nt3,7\n")
        let page = report.page()
        let reader = try #require(PageReader.read(page))
        #expect(reader.tables["campaigns"]?.first?.first?.count == 22, "the measure, every campaign and all")
        #expect(reader.tables["channels"]?.first?.count == 19, "every channel and the header")
        #expect(page.contains("The chart draws the 6 campaigns that reached the most people, of 20."))
        #expect(page.contains("The charts draw the 12 channels with the most referrals, of 18"))
        #expect(!reader.chartTexts.contains { $0.contains("rather long name") || $0.contains("long-label") }, "chart labels are clipped")
        #expect(reader.chartTexts.contains { $0.hasPrefix("campaign number 0 with") && $0.hasSuffix("…") })
        #expect(reader.text.contains("campaign number 0 with a rather long name"), "the tables keep the full name")
    }
}

/// `--by channel`: reach over time per channel instead of per campaign.
struct ReportGroupingTests {
    @Test func byChannelDrawsEachChannelsReach() throws {
        let export = ReportFixture.export
        let report = try ReferralReport(
            events: export.events, conversions: export.conversions, options: .init(grouping: .channel))
        let reader = try #require(PageReader.read(report.page()))
        #expect(!reader.sections.contains("campaigns"))
        let channels = try #require(SpreadReport(events: export.events).channels).map(\.channel)
        for channel in channels { #expect(reader.chartTexts.contains(channel), "legend entry \(channel)") }
        #expect(!reader.chartTexts.contains("spring-launch"))
        // Each channel's line ends at the people its referrals reached (targets and sharers).
        var rows: [Int] = []
        let email = try #require(export.events.channels.index(of: "email"))
        for r in 0..<export.events.count where export.events.channel?[r] == email { rows.append(r) }
        var numbering = ScopeNumbering(events: export.events)
        #expect(report.channelReach["email"] == DailyReach.series(scope: numbering.scope(rows.map { Int32($0) }, of: export.events)))
    }
}
