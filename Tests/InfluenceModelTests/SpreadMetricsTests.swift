import Testing
@testable import InfluenceModel

private func metricsEvents(_ text: String) throws -> ReferralEvents {
    try ReferralEvents.parse(bytes: Array(text.utf8), file: "events.csv")
}

private func metricsConversions(_ text: String) throws -> Conversions {
    try Conversions.parse(bytes: Array(text.utf8), file: "conversions.csv")
}

/// K-factor pieces, channels, hops and reach over time on small hand-made exports.
struct SpreadMetricsTests {
    /// Campaign A: a→b, a→c, b→d. Campaign B: e→f, e→g, e→b. No campaign: h→i.
    static let campaignEvents = """
        source,target,campaign
        a,b,A
        a,c,A
        b,d,A
        e,f,B
        e,g,B
        e,b,B
        h,i,

        """

    /// b names A; f names none (counts everywhere); g names A though only B referred g;
    /// i names B though only a campaign-less row referred i; d names a campaign no referral
    /// has; zed is nobody in the events.
    static let campaignConversions = """
        user,campaign,value
        b,A,10
        f,,5
        g,A,1
        i,B,1
        d,C,1
        zed,A,1
        b,B,3

        """

    @Test func kFactorPiecesPerCampaign() throws {
        let report = SpreadReport(
            events: try metricsEvents(Self.campaignEvents),
            conversions: try metricsConversions(Self.campaignConversions))
        #expect(report.scopes.map(\.campaign) == ["A", "B", "all"])
        let a = report.scopes[0], b = report.scopes[1], all = report.scopes[2]
        // A: 3 rows by {a, b}; referred {b, c, d}; b converted in A; d's conversion names C.
        #expect([a.referrals, a.sharers, a.referredPeople, a.convertedReferredPeople ?? -1] == [3, 2, 3, 1])
        #expect(a.invitesPerSharer == 1.5)
        #expect(a.inviteConversionRate == 1.0 / 3.0)
        #expect(a.kFactor == 0.5)
        // B: 3 rows by {e}; referred {f, g, b}: f (no campaign) and b (names B) count, g's names A.
        #expect([b.referrals, b.sharers, b.referredPeople, b.convertedReferredPeople ?? -1] == [3, 1, 3, 2])
        #expect(b.invitesPerSharer == 3)
        #expect(b.kFactor == 2)
        // all: 7 rows by {a, b, e, h}; referred {b, c, d, f, g, i}; all but c converted.
        #expect([all.referrals, all.sharers, all.referredPeople, all.convertedReferredPeople ?? -1] == [7, 4, 6, 5])
        #expect(all.invitesPerSharer == 1.75)
        #expect(all.inviteConversionRate == 5.0 / 6.0)
        let kFactor: Double = try #require(all.kFactor)
        let expectedK: Double = 35.0 / 24.0
        #expect(abs(kFactor - expectedK) < 1e-15)
        #expect(report.quality.unknownConverters == 1)
    }

    /// Without a campaign column in the conversions, a conversion counts for the campaign of
    /// the referral that brought its person in: b was first referred by a in A (row 1; e→b in
    /// B came later), g by e in B. So A has b, B has g (b, referred in B too, converted for A).
    @Test func conversionsWithoutCampaignBelongToTheBringingReferral() throws {
        let conversions = try metricsConversions("user\nb\ng\nzed\n")
        let report = SpreadReport(events: try metricsEvents(Self.campaignEvents), conversions: conversions)
        #expect(report.scopes.map(\.convertedReferredPeople) == [1, 1, 2])
        #expect(report.scopes[1].inviteConversionRate == 1.0 / 3.0)
        #expect(report.quality.unknownConverters == 1)
    }

    /// A campaign measured before the conversions are known (`spread` measures campaigns
    /// beside the forest of all rows, which the conversions need) gets the same converted
    /// count afterwards as when they were known: A and B as in the two tests above.
    @Test(arguments: [(campaignConversions, [1, 2]), ("user\nb\ng\nzed\n", [1, 1])])
    func campaignCountedLaterCountsTheSame(conversionsText: String, expected: [Int]) throws {
        let events = try metricsEvents(Self.campaignEvents)
        let conversions = try metricsConversions(conversionsText)
        let converted = ConvertedPeople(conversions, events: events, forest: ReferralForest(events: events))
        let campaign = try #require(events.campaign)
        var numbering = ScopeNumbering(events: events)
        var counts: [Int?] = []
        for c in 0..<Int32(events.campaigns.count) {
            let scope = numbering.scope((0..<events.count).filter { campaign[$0] == c }.map { Int32($0) }, of: events)
            let known = ScopeSpread(events: events, scope: scope, campaign: c, converted: converted)
            var referred: [Int32]?
            var later = ScopeSpread(events: events, scope: scope, campaign: c, converted: .later, referred: &referred)
            #expect(later.convertedReferredPeople == nil)
            let people = try #require(referred)
            #expect(people.count == known.referredPeople)
            later.countConverted(converted, referred: people)
            #expect(later.convertedReferredPeople == known.convertedReferredPeople)
            counts.append(later.convertedReferredPeople)
        }
        #expect(events.campaigns.names == ["A", "B"])
        #expect(counts == expected)
    }

    /// A forest with times and channels:
    ///
    ///     r ─┬─ a ─┬─ b ── d        (r→a 00:00 email, a→b 06:00 email, b→d day 2 sms)
    ///        │     └─ c             (a→c 12:00 sms)
    ///        └─ e                   (r→e 01:00, no channel)
    ///
    /// plus c→b on day 3 by email, which is not a parent (b was referred before).
    static let channelEvents = """
        source,target,timestamp,channel
        r,a,2025-01-01T00:00:00Z,email
        a,b,2025-01-01T06:00:00Z,email
        a,c,2025-01-01T12:00:00Z,sms
        b,d,2025-01-02T00:00:00Z,sms
        c,b,2025-01-03T00:00:00Z,email
        r,e,2025-01-01T01:00:00Z,

        """

    @Test func perChannel() throws {
        let report = SpreadReport(
            events: try metricsEvents(Self.channelEvents),
            conversions: try metricsConversions("user\nb\nc\nd\ne\n"))
        let channels = try #require(report.channels)
        #expect(channels.map(\.channel) == ["email", "sms"])
        let email = channels[0], sms = channels[1]
        // email: rows r→a, a→b, c→b; sharers r, a, c at depths 0, 1, 2; reached a, b (b converted).
        #expect([email.referrals, email.sharers, email.peopleReached, email.convertedReferredPeople ?? -1] == [3, 3, 2, 1])
        #expect(email.meanDepth == 2)
        // One hop lands by email: r→a (00:00) then a→b (06:00). r→a has no previous hop.
        #expect(email.medianHoursPerHop == 6)
        #expect(email.timedHops == 1)
        #expect(email.inviteConversionRate == 0.5)
        #expect(email.kFactor == 0.5)
        // sms: rows a→c, b→d by a (depth 1) and b (depth 2); both reached converted.
        // Hops: a→c 12 h after r→a, b→d 18 h after a→b: median 15.
        #expect([sms.referrals, sms.sharers, sms.peopleReached, sms.convertedReferredPeople ?? -1] == [2, 2, 2, 2])
        #expect(sms.meanDepth == 2.5)
        #expect(sms.medianHoursPerHop == 15)
        #expect(sms.inviteConversionRate == 1)
        #expect(sms.kFactor == 1)
        #expect(report.rowsWithoutChannel == 1)
        #expect(
            report.csv(per: .channel) == """
                channel,referrals,people_reached,median_hours_per_hop,mean_depth,invite_conversion_rate,k_factor
                email,3,2,6,2,0.5,0.5
                sms,2,2,15,2.5,1,1

                """)
    }

    @Test func hopsReachAndTimes() throws {
        let report = SpreadReport(events: try metricsEvents(Self.channelEvents))
        let all = report.overall
        // Hops of 6, 12 and 18 hours (see perChannel).
        #expect(all.medianHoursPerHop == 12)
        #expect(all.timedHops == 3)
        // First seen: r, a at 00:00, e 01:00, b 06:00, c 12:00 on day 1; d on day 2; nobody new on day 3.
        #expect(all.reach.map(\.date) == ["2025-01-01", "2025-01-02", "2025-01-03"])
        #expect(all.reach.map(\.newPeople) == [5, 1, 0])
        #expect(all.reach.map(\.cumulativePeople) == [5, 6, 6])
        let cascade = try #require(all.cascades.first)
        #expect(cascade.size == 6)
        #expect(cascade.firstTimestamp.map(Timestamp.iso8601) == "2025-01-01T00:00:00Z")
        #expect(cascade.lastTimestamp.map(Timestamp.iso8601) == "2025-01-02T00:00:00Z", "c→b is no parent referral")
        #expect(
            report.csv(per: .day) == """
                campaign,date,new_people,cumulative_people
                all,2025-01-01,5,5
                all,2025-01-02,1,6
                all,2025-01-03,0,6

                """)
    }

    /// An even number of hops takes the mean of the middle two; a negative hop (sharing before
    /// one's own first referral) is kept.
    @Test func medianOfEvenAndNegativeHops() throws {
        let csv = """
            source,target,timestamp
            r,a,2025-01-01T10:00:00Z
            a,b,2025-01-01T04:00:00Z
            a,c,2025-01-01T20:00:00Z

            """
        let all = SpreadReport(events: try metricsEvents(csv)).overall
        #expect(all.timedHops == 2)
        #expect(all.medianHoursPerHop == 2, "hops of -6 and +10 hours")
    }

    /// The overall scope's hops, walked once with the channels' when there is a channel
    /// column, are those of the same rows without it: on random exports where some rows have
    /// no channel (their hops count overall, for no channel) and some no time.
    @Test(arguments: 0..<12)
    func overallHopsDoNotDependOnTheChannelColumn(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 9090)
        let people = 40 + rng.below(300)
        let channels = ["email", "sms", ""]
        var withChannel = ["source,target,timestamp,channel"], without = ["source,target,timestamp"]
        for _ in 0..<people + rng.below(2 * people) {
            let s = rng.below(people), t = rng.below(people)
            guard s != t else { continue }
            let time =
                rng.below(10) == 0
                ? "" : "2025-01-\(String(format: "%02d", 1 + rng.below(28)))T\(String(format: "%02d", rng.below(24))):00:00Z"
            withChannel.append("p\(s),p\(t),\(time),\(channels[rng.below(channels.count)])")
            without.append("p\(s),p\(t),\(time)")
        }
        let events = try metricsEvents(withChannel.joined(separator: "\n"))
        let plain = try metricsEvents(without.joined(separator: "\n"))
        let all = SpreadReport(events: events).overall, alone = SpreadReport(events: plain).overall
        let hours = ScopeSpread.hopHours(in: ReferralForest(events: plain), time: try #require(plain.timestamp))
        #expect(alone.timedHops == hours.count && alone.medianHoursPerHop == ScopeSpread.median(hours))
        #expect(all.timedHops == alone.timedHops)
        #expect(all.medianHoursPerHop == alone.medianHoursPerHop)
        #expect(all.timedHops > 10, "hops to compare")
    }

    @Test func untimedRowsAreNotHopsNorReach() throws {
        let csv = "source,target,timestamp\nr,a,2025-01-01\na,b,\n"
        let all = SpreadReport(events: try metricsEvents(csv)).overall
        #expect(all.medianHoursPerHop == nil)
        #expect(all.reach.map(\.cumulativePeople) == [2])
        #expect(all.cascades.first?.size == 3)
    }

    @Test func perCampaignAndGenerationCSV() throws {
        let csv = "source,target\nr,a\nr,b\na,c\n"
        let report = SpreadReport(events: try metricsEvents(csv), conversions: try metricsConversions("user\nc\n"))
        // Subtree sizes below the edges: a 2, b 1, c 1; n = 4: (2·2·2 + 2·1·3 + 2·1·3) / 12 = 5/3.
        #expect(
            report.csv(per: .campaign) == """
                campaign,people,sharers,referrals,cascades,largest_cascade,mean_cascade_size,max_depth,max_breadth,structural_virality,invites_per_sharer,invite_conversion_rate,k_factor,generation_sizes,median_hours_per_hop
                all,4,2,3,1,4,4,2,2,1.6666666666666667,1.5,0.3333333333333333,0.5,1 2 1,

                """)
        #expect(
            report.csv(per: .generation) == """
                campaign,generation,people,r
                all,0,1,2
                all,1,2,0.5
                all,2,1,

                """)
    }

    @Test func sameInputSameOutput() throws {
        let a = SpreadReport(events: try metricsEvents(Self.channelEvents), conversions: try metricsConversions("user\nb\n"))
        let b = SpreadReport(events: try metricsEvents(Self.channelEvents), conversions: try metricsConversions("user\nb\n"))
        #expect(a.json().rendered() == b.json().rendered())
        for level in SpreadLevel.allCases {
            #expect(a.csv(per: level) == b.csv(per: level))
            #expect(a.table(per: level) == b.table(per: level))
        }
    }
}

/// Each label's rows as lists made to size.
struct RowListsTests {
    @Test func everyLabelledRowOnceInItsLabelsListInOrder() {
        var random = SplitMix64(seed: 3)
        let count = 7
        // Labels -1 (no label) to 6, the lists' lengths far from powers of two.
        let labels: [Int32] = (0..<300_000).map { _ in Int32(Int(random.next() % UInt64(count + 1)) - 1) }
        let lists = ScopeRows.rowLists(labels: labels, count: count)
        #expect(lists.count == count)
        for c in 0..<count {
            let expected = labels.indices.filter { labels[$0] == Int32(c) }.map { Int32($0) }
            #expect(lists[c] == expected)
            // Made to size: not the up-to-double room of a list grown row by row.
            #expect(lists[c].capacity <= lists[c].count + 1024, "list \(c): \(lists[c].count) rows, room for \(lists[c].capacity)")
        }
        #expect(ScopeRows.rowLists(labels: [], count: 3) == [[], [], []])
        #expect(ScopeRows.rowLists(labels: [-1, -1], count: 0).isEmpty)
    }
}
