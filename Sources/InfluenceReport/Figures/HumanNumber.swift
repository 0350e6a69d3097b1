import Foundation
import InfluenceModel

/// Numbers written for people: `2,923`, `33.5%`, `$26,872`, `1.2k`, `5.3 h`.
///
/// The report's tests compute the text they expect from the library's results with these
/// same functions, so what a page shows is checked against the library, not against itself.
public enum HumanNumber {
    /// A count with thousands separators: `2,923`.
    public static func count(_ n: Int) -> String { DataQuality.count(n) }

    /// A share as a percentage with one decimal: `33.5%` (`<0.1%` for a tiny positive share).
    public static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        if share > 0, share < 0.0005 { return "<0.1%" }
        return fixed(share * 100, digits: 1) + "%"
    }

    /// A percentage for an axis tick: `100%`, `5%`, `0.5%` (whole from 1% on).
    public static func shortPercent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        let p = share * 100
        if p >= 1 || p == 0 { return fixed(p, digits: 0) + "%" }
        return Format.short((p * 1000).rounded() / 1000) + "%"
    }

    /// A signed percentage for a lift: `+12.3%`, `−4.0%`.
    public static func signedPercent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        let text = fixed(abs(share) * 100, digits: 1) + "%"
        return (share < 0 && text != "0.0%" ? "−" : "+") + text
    }

    /// Money: whole units from 1,000 on (`$26,872`), cents below (`$68.99`).
    public static func money(_ value: Double, _ currency: Currency) -> String {
        guard value.isFinite else { return "–" }
        let digits = abs(value) >= 1000 ? 0 : 2
        let text = grouped(fixed(abs(value), digits: digits))
        return (value < 0 && text.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "−" : "") + currency.prefix + text
    }

    /// A compact count for chart ticks and labels: `950`, `1.2k`, `12k`, `3.4M`.
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let a = abs(value)
        let sign = value < 0 ? "−" : ""
        func trimmed(_ x: Double, _ suffix: String) -> String {
            var t = fixed(x, digits: x < 10 ? 1 : 0)
            if t.hasSuffix(".0") { t.removeLast(2) }
            return sign + t + suffix
        }
        if a >= 999_500_000 { return trimmed(a / 1e9, "B") }
        if a >= 999_500 { return trimmed(a / 1e6, "M") }
        if a >= 1000 { return trimmed(a / 1e3, "k") }
        if a == a.rounded() { return sign + String(Int(a)) }
        return sign + decimal(a)
    }

    /// A ratio with two decimals (`0.78`), or three significant digits below 0.1 (`0.0412`).
    public static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value != 0, abs(value) < 0.1 { return String(format: "%.3g", value) }
        return fixed(value, digits: 2)
    }

    /// A duration given in hours: `35 min`, `5.3 h`, `2.4 days`.
    public static func hours(_ h: Double) -> String {
        guard h.isFinite else { return "–" }
        if abs(h) < 1 { return "\(Int((h * 60).rounded())) min" }
        if abs(h) < 48 { return fixed(h, digits: 1) + " h" }
        return fixed(h / 24, digits: 1) + " days"
    }

    /// Durations given in hours, all in one unit so a column compares at a glance: hours, or
    /// days when any is 48 hours or more; `–` for a missing one.
    public static func hours(_ values: [Double?]) -> [String] {
        let days = values.contains { ($0 ?? 0) >= 48 }
        return values.map { h in
            guard let h, h.isFinite else { return "–" }
            return days ? fixed(h / 24, digits: 1) + " days" : fixed(h, digits: 1) + " h"
        }
    }

    /// `value` with `digits` decimals, rounded half away from zero, no locale.
    static func fixed(_ value: Double, digits: Int) -> String {
        let scale = [1.0, 10, 100, 1000][max(0, min(3, digits))]
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return Format.short(value) }
        let whole = Int(scaled)
        var text = String(whole / Int(scale))
        if digits > 0 {
            let frac = String(whole % Int(scale))
            text += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return (value < 0 && scaled > 0 ? "-" : "") + text
    }

    /// Thousands separators in the integer part of a plain decimal.
    static func grouped(_ text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]) ?? 0
        return DataQuality.count(whole) + (parts.count > 1 ? "." + parts[1] : "")
    }
}

extension HumanNumber {
    /// A day since 1970-01-01 as `YYYY-MM-DD`.
    public static func date(day: Int) -> String { DailyReach(day: day, newPeople: 0, cumulativePeople: 0).date }

    /// `3 Mar` or, with the year, `3 Mar 2025`, for a day since 1970-01-01.
    public static func day(_ day: Int, withYear: Bool) -> String {
        let date = date(day: day)
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return date }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(parts[2]) \(months[parts[1] - 1])" + (withYear ? " \(parts[0])" : "")
    }

    /// A span of days: `3 Mar – 11 May 2025` (the year once when both days share it).
    public static func span(_ first: Int, _ last: Int) -> String {
        let sameYear = date(day: first).prefix(4) == date(day: last).prefix(4)
        if first == last { return day(first, withYear: true) }
        return day(first, withYear: !sameYear) + " – " + day(last, withYear: true)
    }
}
