/// Which rows a command looks at: `--campaign` (repeatable), `--since`, `--until`.
public struct RowFilter: Sendable, Equatable {
    /// Campaign names to keep; empty keeps all.
    public var campaigns: [String] = []
    /// Keep rows at or after this time (seconds since 1970).
    public var since: Double?
    /// Keep rows before this time.
    public var until: Double?

    public init(campaigns: [String] = [], since: Double? = nil, until: Double? = nil) {
        self.campaigns = campaigns
        self.since = since
        self.until = until
    }

    public var isEmpty: Bool { campaigns.isEmpty && since == nil && until == nil }
    public var usesTime: Bool { since != nil || until != nil }

    /// Reads a `--since`/`--until` value: an ISO 8601 date or date-time. A bare date given to
    /// `--until` includes that whole day.
    /// - Returns: `nil` when it is not such a date.
    public static func instant(_ text: String, endOfDay: Bool) -> Double? {
        var text = text
        let reading = text.withUTF8 { bytes in try? Timestamp.read(bytes, format: .auto, order: .auto) }
        guard case .exact(let t)? = reading else { return nil }
        let dateOnly = text.utf8.count <= 10 && !text.contains(":")
        return endOfDay && dateOnly ? t + 86_400 : t
    }

    func keeps(time t: Double) -> Bool {
        if let since, !(t >= since) { return false }
        if let until, !(t < until) { return false }
        return true
    }
}

/// A filter that cannot apply to the export it was given.
public enum FilterError: Error, CustomStringConvertible, Equatable, Sendable {
    case noCampaignColumn(file: String)
    case unknownCampaign(file: String, name: String, known: [String])
    case noTimeColumn(file: String)

    public var description: String {
        switch self {
        case .noCampaignColumn(let file):
            return
                "\(file): --campaign needs a campaign column, and the export has none. Name it with --campaign-column, or label files with --campaign-from-file."
        case .unknownCampaign(let file, let name, let known):
            let list = known.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ") + (known.count > 10 ? ", …" : "")
            return "\(file): no campaign is called \"\(name)\"; the export has \(list)."
        case .noTimeColumn(let file):
            return
                "\(file): --since and --until need a time column, and the export has none (or --no-time was given). Name it with --timestamp-column."
        }
    }
}

extension ReferralEvents {
    /// Keeps the rows the filter selects; rows left out are counted in `quality.filteredRows`
    /// (rows without a time are left out by `--since`/`--until`).
    /// - Throws: `InputError` wrapping a `FilterError` as `.noReferrals`-style data errors.
    public mutating func apply(_ filter: RowFilter) throws(InputError) {
        guard !filter.isEmpty else { return }
        var keepCampaign: Set<Int32>?
        if !filter.campaigns.isEmpty {
            guard let campaign else { throw .noReferrals(file: file, detail: FilterError.noCampaignColumn(file: file).description) }
            var ids = Set<Int32>()
            for name in filter.campaigns {
                guard let id = campaigns.index(of: name) else {
                    let known = (0..<Int32(campaigns.count)).map { campaigns.name($0) }
                    throw .noReferrals(file: file, detail: FilterError.unknownCampaign(file: file, name: name, known: known).description)
                }
                ids.insert(id)
            }
            keepCampaign = ids
            _ = campaign
        }
        if filter.usesTime, timestamp == nil {
            throw .noReferrals(file: file, detail: FilterError.noTimeColumn(file: file).description)
        }
        let keep = (0..<count).filter { i in
            if let keepCampaign, !keepCampaign.contains(campaign![i]) { return false }
            if filter.usesTime, !filter.keeps(time: timestamp![i]) { return false }
            return true
        }
        quality.filteredRows += count - keep.count
        quality.decisions.append("\(file): \(count - keep.count) of \(count) referral rows left out by the filter (\(filter.summary))")
        select(rows: keep)
    }

    /// Keeps only `rows` (ascending), renumbering nothing: people, channels and campaigns stay.
    mutating func select(rows: [Int]) {
        source = rows.map { source[$0] }
        target = rows.map { target[$0] }
        if weighted { weight = rows.map { weights[$0] } }
        line = rows.map { line[$0] }
        if let t = timestamp { timestamp = rows.map { t[$0] } }
        if let c = channel { channel = rows.map { c[$0] } }
        if let c = campaign { campaign = rows.map { c[$0] } }
        var shifted: [(file: String, firstRow: Int)] = []
        for s in sources { shifted.append((s.file, rows.partitionPoint { $0 >= s.firstRow })) }
        sources = shifted
    }
}

extension RowFilter {
    var summary: String {
        var parts: [String] = []
        if !campaigns.isEmpty { parts.append("campaign " + campaigns.joined(separator: ", ")) }
        if let since { parts.append("since " + Timestamp.iso8601(since)) }
        if let until { parts.append("until " + Timestamp.iso8601(until)) }
        return parts.joined(separator: "; ")
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitionPoint(_ predicate: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
