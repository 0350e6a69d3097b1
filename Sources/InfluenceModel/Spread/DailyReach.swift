import CPrefetch

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
        // The first and last days are those of the earliest and latest times (a day is a
        // rising function of the time).
        var earliest = Double.infinity, latest = -Double.infinity
        for t in time where t.isFinite {
            earliest = min(earliest, t)
            latest = max(latest, t)
        }
        guard earliest <= latest else { return [] }
        let low = day(of: earliest), high = day(of: latest)
        // Each person's first day (the day of their earliest time, the day being a rising
        // function of the time), counted from `low` (times are read within the years
        // 1900–2199, so it fits); `none` for people never seen at a time.
        // Four bytes a person rather than a time's eight, read at random: the rows' people
        // are asked for `ahead` rows early (hints only), so that the misses overlap.
        let none = Int32.max
        var first = [Int32](repeating: none, count: scope.peopleCount)
        let ahead = 16
        first.withUnsafeMutableBufferPointer { first in
            scope.source.withUnsafeBufferPointer { source in
                scope.target.withUnsafeBufferPointer { target in
                    precondition(time.count == scope.count && target.count == scope.count, "DailyReach.series: columns differ in length")
                    for k in 0..<scope.count {
                        if k &+ ahead < scope.count, UInt(bitPattern: Int(source[k &+ ahead])) < UInt(first.count),
                            UInt(bitPattern: Int(target[k &+ ahead])) < UInt(first.count)
                        {
                            influence_prefetch(first.baseAddress! + Int(source[k &+ ahead]))
                            influence_prefetch(first.baseAddress! + Int(target[k &+ ahead]))
                        }
                        let t = time[k]
                        guard t.isFinite else { continue }
                        let d = Int32(truncatingIfNeeded: day(of: t) - low)
                        let (s, r) = (Int(source[k]), Int(target[k]))
                        // The writes below are unchecked: a scope's people are checked here.
                        precondition(
                            UInt(bitPattern: s) < UInt(first.count) && UInt(bitPattern: r) < UInt(first.count),
                            "DailyReach.series: row \(k) names a person outside the scope")
                        first[s] = min(first[s], d)
                        first[r] = min(first[r], d)
                    }
                }
            }
        }
        var fresh = [Int](repeating: 0, count: high - low + 1)
        for d in first where d != none { fresh[Int(d)] += 1 }
        var total = 0
        return fresh.enumerated().map { k, count in
            total += count
            return DailyReach(day: low + k, newPeople: count, cumulativePeople: total)
        }
    }

    /// The UTC day of a time in seconds since the epoch.
    static func day(of seconds: Double) -> Int { Int((seconds / 86_400).rounded(.down)) }
}
