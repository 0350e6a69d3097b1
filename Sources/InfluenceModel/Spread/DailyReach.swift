/// People reached on one UTC day, and up to it.
public struct DailyReach: Sendable, Equatable {
    /// Days since 1970-01-01, UTC.
    public var day: Int
    /// People first seen that day.
    public var newPeople: Int
    /// People first seen that day or before.
    public var cumulativePeople: Int

    public init(day: Int, newPeople: Int, cumulativePeople: Int) {
        self.day = day
        self.newPeople = newPeople
        self.cumulativePeople = cumulativePeople
    }

    /// The day as `YYYY-MM-DD`.
    public var date: String { String(Timestamp.iso8601(Double(day) * 86_400).prefix(10)) }

    /// Reach over time of some referral rows.
    ///
    /// A person is reached at the earliest time they appear in the rows, as sharer or as
    /// referred; rows without a time are left out, so someone seen only in untimed rows is
    /// never counted. There is one entry for every day from the first timed row's day to the
    /// last's, days without anyone new included.
    /// - Parameters:
    ///   - events: the referral export.
    ///   - rows: the rows of the scope.
    /// - Returns: the days in order; empty without a timestamp column or timed row.
    /// - Complexity: O(r + N + d) for r rows, N people and d days.
    public static func series(events: ReferralEvents, rows: [Int]) -> [DailyReach] {
        guard let time = events.timestamp else { return [] }
        var first = [Double](repeating: .infinity, count: events.people.count)
        var seen: [Int32] = []
        var low = Int.max, high = Int.min
        for r in rows where time[r].isFinite {
            let t = time[r]
            let d = day(of: t)
            low = min(low, d)
            high = max(high, d)
            for p in [events.source[r], events.target[r]] {
                if first[Int(p)] == .infinity { seen.append(p) }
                first[Int(p)] = min(first[Int(p)], t)
            }
        }
        guard low <= high else { return [] }
        var fresh = [Int](repeating: 0, count: high - low + 1)
        for p in seen { fresh[day(of: first[Int(p)]) - low] += 1 }
        var total = 0
        return fresh.enumerated().map { k, count in
            total += count
            return DailyReach(day: low + k, newPeople: count, cumulativePeople: total)
        }
    }

    /// The UTC day of a time in seconds since the epoch.
    static func day(of seconds: Double) -> Int { Int((seconds / 86_400).rounded(.down)) }
}
