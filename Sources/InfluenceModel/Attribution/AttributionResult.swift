import Foundation

/// Who (or which channel) earned the conversions under one model, with what stayed organic.
///
/// Credit is conserved: the rows plus the organic credit add up to the total, for conversions
/// and for value, within 1e-9 relative; `init` checks it and throws otherwise.
public struct AttributionResult: Sendable {
    /// One line of the answer.
    public struct Row: Sendable, Equatable {
        /// The campaign (grouping by campaign only).
        public var campaign: String?
        /// A person's id or a channel's name.
        public var id: String
        /// Credit: fractional conversions and value.
        public var credit: Credit
        /// `markov`: the channel's removal effect.
        public var removalEffect: Double?
        /// Sampled `shapley`: the standard errors of the credit.
        public var standardError: Credit?

        public init(
            campaign: String? = nil, id: String, credit: Credit, removalEffect: Double? = nil,
            standardError: Credit? = nil
        ) {
            self.campaign = campaign
            self.id = id
            self.credit = credit
            self.removalEffect = removalEffect
            self.standardError = standardError
        }
    }

    /// Why conversions were left to organic, by count.
    public struct OrganicCounts: Sendable, Equatable {
        public var unknownConverter = 0
        public var notReferred = 0
        public var referredAfterConverting = 0

        public init(unknownConverter: Int = 0, notReferred: Int = 0, referredAfterConverting: Int = 0) {
            self.unknownConverter = unknownConverter
            self.notReferred = notReferred
            self.referredAfterConverting = referredAfterConverting
        }
    }

    public let model: AttributionModel
    public let grouping: AttributionGrouping
    /// Sorted: by campaign, then value descending, then id (byte order).
    public let rows: [Row]
    /// Everything there was to credit.
    public let total: Credit
    /// What no referrer or channel earned.
    public let organic: Credit
    /// Organic credit per campaign (grouping by campaign only), by campaign name.
    public let organicByCampaign: [(campaign: String, credit: Credit)]
    /// How many conversions are organic for each reason.
    public let organicCounts: OrganicCounts
    /// The model's parameters, as they appear in JSON.
    public var parameters: [(String, JSONValue)] = []
    /// `influence-flow`: how the block iteration ended.
    public var report: IterationReport?
    /// `markov`: P(conversion) from the start state.
    public var conversionProbability: Double?
    /// `shapley`: exact (all subsets), or the number of sampled permutations.
    public var shapleySamples: Int?
    /// Input counts: rows read, skipped, merged, unknown converters.
    public var quality: DataQuality
    /// Conversions-file counts, when there is one.
    public var conversionsQuality: DataQuality?
    /// The number of conversion rows (or journeys of a path table).
    public var conversionRows: Int = 0
    /// Path tables: the number of distinct paths.
    public var pathCount: Int?

    /// The relative tolerance of the conservation check.
    public static let conservationTolerance = 1e-9

    /// Collects rows and checks that credit is conserved.
    /// - Throws: `AttributionError.notConserved` when rows plus organic miss the total by more
    ///   than 1e-9 relative (conversions or value), or a credit is not finite.
    public init(
        model: AttributionModel, grouping: AttributionGrouping, rows: consuming [Row], total: Credit, organic: Credit,
        organicByCampaign: [(campaign: String, credit: Credit)] = [], organicCounts: OrganicCounts = OrganicCounts(),
        quality: DataQuality, hint: String = "This is a bug; please report it with the input."
    ) throws(AttributionError) {
        var credited = organic
        rows.withUnsafeBufferPointer { rows in
            for i in rows.indices { credited += rows[i].credit }  // no row copied (its strings retained)
        }
        for (quantity, want, got) in [("conversions", total.conversions, credited.conversions), ("values", total.value, credited.value)] {
            let scale = max(abs(want), Double.leastNormalMagnitude)
            guard got.isFinite, abs(got - want) <= Self.conservationTolerance * scale || abs(got - want) <= 1e-300 else {
                throw .notConserved(model: model, quantity: quantity, total: want, credited: got, hint: hint)
            }
        }
        self.model = model
        self.grouping = grouping
        self.rows = Self.inOutputOrder(rows)
        self.total = total
        self.organic = organic
        self.organicByCampaign = organicByCampaign.sorted { $0.campaign.utf8.lexicographicallyPrecedes($1.campaign.utf8) }
        self.organicCounts = organicCounts
        self.quality = quality
    }

    /// The credit given to referrers or channels (the total less organic).
    public var credited: Credit {
        rows.reduce(Credit()) { $0 + $1.credit }
    }

    /// Output order: campaign (byte order, none as the empty name), value descending, id (byte
    /// order), then input order.
    static func precedes(_ a: Row, _ b: Row) -> Bool {
        let (ca, cb) = ((a.campaign ?? "").utf8, (b.campaign ?? "").utf8)
        if !ca.elementsEqual(cb) { return ca.lexicographicallyPrecedes(cb) }
        if a.credit.value != b.credit.value { return a.credit.value > b.credit.value }
        return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }

    /// `rows` in output order (`precedes`, ties in input order), sorted as indices.
    ///
    /// Sorting the rows themselves moved each one (two strings, retained and released at every
    /// move) about twenty times: for the 559,647 people credited by last-touch on a 10M-referral
    /// export, 1 s of one thread. Here the indices are sorted with a stable radix sort by each
    /// id's first eight bytes, then by value (descending), so that they are in order of value,
    /// then of those bytes; each run of rows equal in both is then sorted by the ids' bytes
    /// (`memcmp` on one buffer of every id); then by campaign rank with the same stable radix
    /// sort; each row then moves once. (Sorting each run of equal values by `memcmp` alone took
    /// 215–321 ms there: values repeat, about 56 people to a value, and every comparison read
    /// two ids at random.)
    /// - Complexity: O(n) plus a comparison sort of each run of rows equal in value and in
    ///   their ids' first eight bytes.
    static func inOutputOrder(_ rows: consuming [Row]) -> [Row] {
        let n = rows.count
        guard n > 1 else { return rows }
        var bytes: [UInt8] = []
        var start = [Int](repeating: 0, count: n + 1)
        rows.withUnsafeBufferPointer { r in
            for i in 0..<n {
                bytes.append(contentsOf: r[i].id.utf8)
                start[i + 1] = bytes.count
            }
        }
        // Each id's first eight bytes, big-endian, zeros after a shorter id: ids that differ
        // there are in byte order by it (a shorter id that the other starts with is padded with
        // the lowest byte); ids equal there are compared in full below.
        let prefix = bytes.withUnsafeBufferPointer { bytes in
            (0..<n).map { i -> UInt64 in
                let length = min(8, start[i + 1] - start[i])
                var key: UInt64 = 0
                for k in 0..<length { key = key << 8 | UInt64(bytes[start[i] + k]) }
                return key << UInt64(8 * (8 - length))  // 0 for an empty id (a shift of 64)
            }
        }
        var order = (0..<Int32(n)).map { $0 }
        var keys = prefix
        RadixSort.sort(keys: &keys, payload: &order)
        // Fields read through the buffer, so that no row's strings are retained to read them.
        keys = rows.withUnsafeBufferPointer { r in order.map { ~RadixSort.orderKey(r[Int($0)].credit.value) } }
        RadixSort.sort(keys: &keys, payload: &order)
        bytes.withUnsafeBufferPointer { bytes in
            start.withUnsafeBufferPointer { start in
                var from = 0
                while from < n {
                    var end = from + 1
                    while end < n, keys[end] == keys[from], prefix[Int(order[end])] == prefix[Int(order[from])] { end += 1 }
                    if end - from > 1 {
                        order[from..<end].sort { x, y in
                            let (a, b) = (Int(x), Int(y))
                            let (la, lb) = (start[a + 1] - start[a], start[b + 1] - start[b])
                            let common = min(la, lb)
                            if common > 0, let base = bytes.baseAddress {
                                let c = memcmp(base + start[a], base + start[b], common)
                                if c != 0 { return c < 0 }
                            }
                            return la != lb ? la < lb : a < b
                        }
                    }
                    from = end
                }
            }
        }
        if rows.withUnsafeBufferPointer({ r in r.indices.contains { r[$0].campaign != nil } }) {
            // Campaigns ranked by their bytes (none as the empty name), then a stable pass.
            var index: [String: UInt64] = [:]
            var names: [String] = []
            var rank = [UInt64](repeating: 0, count: n)
            rows.withUnsafeBufferPointer { r in
                for i in 0..<n {
                    let name = r[i].campaign ?? ""
                    if let k = index[name] {
                        rank[i] = k
                    } else {
                        index[name] = UInt64(names.count)
                        rank[i] = UInt64(names.count)
                        names.append(name)
                    }
                }
            }
            let byName = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
            var place = [UInt64](repeating: 0, count: names.count)
            for (r, k) in byName.enumerated() { place[k] = UInt64(r) }
            keys = order.map { place[Int(rank[Int($0)])] }
            RadixSort.sort(keys: &keys, payload: &order)
        }
        return rows.permuted(by: order)
    }
}

/// Credit summed by key in order of first use: people, channels or (campaign, person) pairs.
///
/// Keys are `Int`s of −1 or more chosen by the caller; the map only finds a key's slot, and
/// slots keep first-use order, so results never depend on hashing order. The map is an
/// `IntegerMap` rather than a `Dictionary`, whose SipHash and uniqueness check came at every
/// referrer's credit.
struct CreditLedger {
    private var slot = IntegerMap()
    private(set) var keys: [Int] = []
    private(set) var credit: [Credit] = []

    @inline(__always)
    mutating func add(_ key: Int, _ amount: Credit) {
        precondition(key >= -1 && key < Int(Int64.max), "CreditLedger: key \(key)")
        precondition(keys.count < Int(Int32.max), "CreditLedger: more than \(Int32.max) keys")
        let (s, inserted) = slot.value(of: Int64(key) + 1, insertingIfAbsent: Int32(keys.count))
        if inserted {
            keys.append(key)
            credit.append(amount)
        } else {
            credit[Int(s)] += amount
        }
    }

    /// Asks the processor to fetch where `key`'s slot is looked for: a hint, which changes nothing.
    @inline(__always)
    func prefetch(_ key: Int) {
        guard key >= -1, key < Int(Int64.max) else { return }
        slot.prefetch(Int64(key) + 1)
    }

    /// Every key with its credit, first use first.
    var entries: Zip2Sequence<[Int], [Credit]> { zip(keys, credit) }

    /// `make(key, credit)` for every key, first use first: on several threads for many keys,
    /// as each row copies an id read at random from the people's arena into a new string
    /// (244 ms of one thread for 559,647 people on a 10M-referral export).
    /// - Parameter people: when the keys are people, whose ids `make` reads: where each id
    ///   starts is asked for 16 keys ahead, and its bytes 8 keys ahead, so that the misses of
    ///   the keys between overlap.
    func rows(people: Interner? = nil, _ make: (Int, Credit) -> AttributionResult.Row) -> [AttributionResult.Row] {
        Self.rows(keys: keys, credit: credit, people: people, make)
    }

    /// `rows(people:_:)` for keys each given once, with their credit, in the order they are
    /// listed: no ledger is needed to find them (influence-flow credits every person once; on
    /// the 10.9M-person program export, 1.26M of them, each looked for in the ledger's map
    /// as it grew).
    static func rows(keys: [Int], credit: [Credit], people: Interner? = nil, _ make: (Int, Credit) -> AttributionResult.Row)
        -> [AttributionResult.Row]
    {
        precondition(keys.count == credit.count, "CreditLedger.rows: \(keys.count) keys, \(credit.count) credits")
        let count = keys.count
        return Parallel.map(count, parts: count < 50_000 ? 1 : 4 * Parallel.threads) { i in
            if let people {
                if i + 16 < count { people.prefetchName(Int32(truncatingIfNeeded: keys[i + 16]), bytes: false) }
                if i + 8 < count { people.prefetchName(Int32(truncatingIfNeeded: keys[i + 8]), bytes: true) }
            }
            return make(keys[i], credit[i])
        }
    }
}

/// The campaign label of each conversion, for grouping by campaign.
struct CampaignLabels {
    /// Label names, index = label.
    var names: [String] = []
    private var index: [String: Int] = [:]
    /// The label of each conversion.
    var ofConversion: [Int] = []

    /// The label shown for a conversion without a campaign.
    static let none = "(none)"

    /// The conversion's own campaign, else the campaign of the converter's first referral.
    /// - Throws: `AttributionError.needsColumn` when neither file has a campaign column.
    init(
        events: ReferralEvents, forest: ReferralParents, conversions: Conversions, chains: ConversionChains,
        model: AttributionModel
    ) throws(AttributionError) {
        guard conversions.campaign != nil || events.campaign != nil else {
            throw .needsColumn(model: "--by campaign", column: "campaign", file: conversions.file, flag: "--campaign-column (events)")
        }
        for i in 0..<conversions.count {
            var name: String?
            if let c = conversions.campaign?[i], c >= 0 { name = conversions.campaigns.name(c) }
            let u = chains.converter[i]
            if name == nil, let campaign = events.campaign, u >= 0 {
                let r = forest.parentRow[Int(u)]
                if r >= 0, campaign[Int(r)] >= 0 { name = events.campaigns.name(campaign[Int(r)]) }
            }
            ofConversion.append(label(name ?? Self.none))
        }
    }

    private mutating func label(_ name: String) -> Int {
        if let i = index[name] { return i }
        index[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
