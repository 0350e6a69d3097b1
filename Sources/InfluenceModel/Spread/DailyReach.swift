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
    /// - Parameter scope: the scope's rows.
    /// - Returns: the days in order; empty without a timestamp column or timed row.
    /// - Complexity: O(r + n + d) for r rows, n people of the scope and d days.
    public static func series(scope: ScopeRows) -> [DailyReach] {
        guard let time = scope.time else { return [] }
        var first = [Double](repeating: .infinity, count: scope.peopleCount)
        var seen: [Int32] = []
        // The first and last days are those of the earliest and latest times (a day is a
        // rising function of the time): one division for each, not one for each row.
        var earliest = Double.infinity, latest = -Double.infinity
        for k in 0..<scope.count where time[k].isFinite {
            let t = time[k]
            earliest = min(earliest, t)
            latest = max(latest, t)
            // Written out for both ends: a local function over `first` and `seen` had its
            // accesses to them checked at run time, at every row.
            let (s, d) = (scope.source[k], scope.target[k])
            if first[Int(s)] == .infinity { seen.append(s) }
            first[Int(s)] = min(first[Int(s)], t)
            if first[Int(d)] == .infinity { seen.append(d) }
            first[Int(d)] = min(first[Int(d)], t)
        }
        guard earliest <= latest else { return [] }
        let low = day(of: earliest), high = day(of: latest)
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
