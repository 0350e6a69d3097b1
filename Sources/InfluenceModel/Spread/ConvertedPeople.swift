/// Who converted, as the spread measures count it.
///
/// A conversion counts for the campaign its row names; a conversion whose row names none (or
/// a conversions file without a campaign column) counts for the campaign of the referral that
/// brought its person in — their parent referral in the forest of all rows — so the answer is
/// the same whether campaigns come in one file with a campaign column or one file each. It
/// always counts for the overall scope (`all`) and for channels. Timing is ignored: a purchase before the referral
/// still makes the referred person a converted one. People are matched by id with the
/// referral export; conversions by anyone else are counted as unknown and left out.
struct ConvertedPeople: Sendable {
    /// Per person: has any conversion (counts for `all` and for channels).
    private(set) var any: [Bool]
    /// Per person: conversions and their summed value, all campaigns together.
    private var anyPurchases: [Purchases]
    /// By `campaign << 32 | person`: conversions counting for a campaign of the events.
    private var named: [Int64: Purchases] = [:]

    /// Conversions of one person, and their summed value.
    struct Purchases: Sendable {
        var count = 0
        var value = 0.0
    }
    /// Conversions by people not in the referral export.
    private(set) var unknown = 0

    /// - Complexity: O(c + N) for c conversions and N people.
    init(_ conversions: Conversions, events: ReferralEvents, forest: ReferralForest) {
        let n = events.people.count
        any = [Bool](repeating: false, count: n)
        anyPurchases = [Purchases](repeating: Purchases(), count: n)
        let person = events.people.indices(of: conversions.users)
        // A conversions campaign that no referral names is -2: it counts for `all` only.
        let campaign: [Int32] = (0..<Int32(conversions.campaigns.count)).map {
            events.campaigns.index(of: conversions.campaigns.name($0)) ?? -2
        }
        for k in 0..<conversions.count {
            let p = person[Int(conversions.user[k])]
            guard p >= 0 else {
                unknown += 1
                continue
            }
            any[Int(p)] = true
            let value = conversions.value[k]
            anyPurchases[Int(p)].count += 1
            anyPurchases[Int(p)].value += value
            let label = conversions.campaign?[k] ?? -1
            var counted: Int32 = -1
            if label < 0 {
                let r = forest.parentRow[Int(p)]
                if r >= 0, let bringer = events.campaign?[Int(r)], bringer >= 0 { counted = bringer }
            } else if campaign[Int(label)] >= 0 {
                counted = campaign[Int(label)]
            }
            if counted >= 0 {
                named[Int64(counted) << 32 | Int64(p), default: Purchases()].count += 1
                named[Int64(counted) << 32 | Int64(p), default: Purchases()].value += value
            }
        }
    }

    /// Whether `person` converted, for `campaign` (an index into the events' campaigns) or,
    /// with `nil`, for the overall scope.
    func converted(_ person: Int32, campaign: Int32?) -> Bool {
        // Most people never convert: their own flag answers without a look-up by campaign.
        guard any[Int(person)], let campaign else { return any[Int(person)] }
        return named[Int64(campaign) << 32 | Int64(person)] != nil
    }

    /// The conversions of `person` that count for `campaign` (or, with `nil`, for the overall
    /// scope), and their summed value.
    func purchases(_ person: Int32, campaign: Int32?) -> Purchases {
        guard let campaign else { return anyPurchases[Int(person)] }
        return named[Int64(campaign) << 32 | Int64(person)] ?? Purchases()
    }
}
