import InfluenceModel

/// Everything a report shows, taken from the library's computed results: the spread, the
/// scores, the attributions and the data-quality counts. The renderers (`html()`,
/// `markdown()`, `json()`) only read it.
public struct ReferralReport: Sendable {
    /// What a report's groups are: campaigns or channels.
    public enum Grouping: String, Sendable, CaseIterable {
        case campaign, channel
    }

    /// One advocate's line in the top-advocates table.
    public struct Advocate: Sendable, Equatable {
        /// The id, as read.
        public var id: String
        /// The name from the export's name column, when it has one.
        public var name: String?
        /// Referral rows sent (repeats included).
        public var directInvites: Int
        /// Distinct people they referred who converted; `nil` without conversions.
        public var friendsConverted: Int?
        /// Conversion value credited to them by the linear chain model; `nil` without conversions.
        public var revenueCredited: Double?
        /// Their PageRank rank among everyone (1 = most influential).
        public var pagerankRank: Int
        /// People below them in the referral forest (their cascade's subtree).
        public var downstreamReach: Int

        public init(
            id: String, name: String? = nil, directInvites: Int, friendsConverted: Int?, revenueCredited: Double?,
            pagerankRank: Int, downstreamReach: Int
        ) {
            self.id = id
            self.name = name
            self.directInvites = directInvites
            self.friendsConverted = friendsConverted
            self.revenueCredited = revenueCredited
            self.pagerankRank = pagerankRank
            self.downstreamReach = downstreamReach
        }
    }

    /// The credit channels earn under one attribution model.
    public struct ChannelCredit: Sendable, Equatable {
        /// The model's name, such as `linear` or `markov`.
        public var model: String
        /// Credit by channel name.
        public var credits: [String: Credit]
        /// What no channel earned.
        public var organic: Credit

        public init(model: String, credits: [String: Credit], organic: Credit) {
            self.model = model
            self.credits = credits
            self.organic = organic
        }
    }

    /// The conversions of the export, all together.
    public struct ConversionTotals: Sendable, Equatable {
        /// Conversion rows counted.
        public var count: Int
        /// Their total value.
        public var value: Double
        /// What the linear chain model credited to referrers (the rest is organic).
        public var referred: Credit

        public init(count: Int, value: Double, referred: Credit) {
            self.count = count
            self.value = value
            self.referred = referred
        }
    }

    /// The page's title.
    public var title: String
    /// How money is written.
    public var currency: Currency
    /// What the groups side by side are.
    public var grouping: Grouping
    /// The spread of the export (with its data-quality counts).
    public var spread: SpreadReport
    /// The conversions; `nil` without a conversions file.
    public var conversions: ConversionTotals?
    /// The most influential sharers, by PageRank rank.
    public var advocates: [Advocate]
    /// People scored by PageRank.
    public var scoredPeople: Int
    /// Channel credit under several models; empty without a channel column or conversions.
    public var channelCredit: [ChannelCredit]
    /// Referral rows that would have closed a cycle (someone referring one of their own
    /// ancestors): kept as edges, never as anyone's first referral.
    public var cycleReferrals: Int
    /// Attribution models left out, with why.
    public var skippedModels: [String]
    /// The campaign comparison, from `compare`; `nil` leaves the section out.
    public var comparison: ReportComparison?
    /// Reach over time of the referrals made on each channel, by channel name (for `--by channel`).
    public var channelReach: [String: [DailyReach]]
    /// Whom to start the next campaign with, from `seeds`; `nil` leaves the section out.
    public var nextAdvocates: ReportNextAdvocates?

    public init(
        title: String, currency: Currency = Currency(code: "USD"), grouping: Grouping = .campaign, spread: SpreadReport,
        conversions: ConversionTotals? = nil, advocates: [Advocate] = [], scoredPeople: Int = 0,
        channelCredit: [ChannelCredit] = [], cycleReferrals: Int = 0, skippedModels: [String] = [],
        comparison: ReportComparison? = nil, channelReach: [String: [DailyReach]] = [:], nextAdvocates: ReportNextAdvocates? = nil
    ) {
        self.title = title
        self.currency = currency
        self.grouping = grouping
        self.spread = spread
        self.conversions = conversions
        self.advocates = advocates
        self.scoredPeople = scoredPeople
        self.channelCredit = channelCredit
        self.cycleReferrals = cycleReferrals
        self.skippedModels = skippedModels
        self.comparison = comparison
        self.channelReach = channelReach
        self.nextAdvocates = nextAdvocates
    }

    /// The first and last day anyone was reached (`YYYY-MM-DD`); `nil` without times.
    public var period: (first: String, last: String)? {
        guard let first = spread.overall.reach.first, let last = spread.overall.reach.last else { return nil }
        return (first.date, last.date)
    }

    /// The channels in the order charts list them: by name, as the spread lists them.
    public var channelNames: [String] {
        var names = (spread.channels ?? []).map(\.channel)
        for credit in channelCredit {
            for name in credit.credits.keys.sorted() where !names.contains(name) { names.append(name) }
        }
        return names
    }
}
