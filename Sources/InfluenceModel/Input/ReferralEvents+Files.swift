extension ReferralEvents {
    /// Appends another file's rows: its people, channels and campaigns are renumbered into
    /// these tables (new ones after the existing ones, in their order), its rows follow these.
    /// A column only one side has is filled with "none" (NaN, -1) on the other.
    mutating func append(_ other: ReferralEvents) {
        let first = count
        let people = self.people.absorb(other.people)
        let channels = self.channels.absorb(other.channels, threads: 1)
        let campaigns = self.campaigns.absorb(other.campaigns, threads: 1)
        source += other.source.map { people[Int($0)] }
        target += other.target.map { people[Int($0)] }
        if weighted || other.weighted {
            // `count` already counts the other file's rows: this file's are the first `first`.
            weights = (weighted ? weights : [Double](repeating: 1, count: first)) + other.weight
            weighted = true
        }
        line += other.line
        func merge(_ mine: inout [Int32]?, _ theirs: [Int32]?, _ map: [Int32]) {
            guard mine != nil || theirs != nil else { return }
            if mine == nil { mine = [Int32](repeating: -1, count: first) }
            mine! += theirs.map { $0.map { $0 < 0 ? -1 : map[Int($0)] } } ?? [Int32](repeating: -1, count: other.count)
        }
        merge(&channel, other.channel, channels)
        merge(&campaign, other.campaign, campaigns)
        if timestamp != nil || other.timestamp != nil {
            if timestamp == nil { timestamp = [Double](repeating: .nan, count: first) }
            timestamp! += other.timestamp ?? [Double](repeating: .nan, count: other.count)
        }
        sources += other.sources.map { ($0.file, $0.firstRow + first) }
        quality.add(other.quality)
        internalCheck(
            target.count == count && (!weighted || weights.count == count) && line.count == count
                && (timestamp?.count ?? count) == count && (channel?.count ?? count) == count
                && (campaign?.count ?? count) == count, "referral columns of different lengths")
    }

    /// Labels every row with `campaign` (`--campaign-from-file`), replacing a campaign column.
    mutating func label(campaign name: String) {
        campaigns = Interner(capacity: 16)
        var key = name
        let index = key.withUTF8 { campaigns.intern($0).index }
        campaign = [Int32](repeating: index, count: count)
        quality.decisions.append("\(file): rows labelled campaign \"\(name)\" (--campaign-from-file)")
    }
}
