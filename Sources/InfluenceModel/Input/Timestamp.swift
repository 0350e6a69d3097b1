/// Parses the timestamps found in exports into seconds since 1970-01-01T00:00:00Z.
///
/// Accepted: ISO 8601 dates (`2025-03-04`), date-times with `T` or a space
/// (`2025-03-04T09:15`, `2025-03-04 09:15:00.250`), an optional zone (`Z`, `+02:00`, `+0200`,
/// `-05`; none means UTC), and Unix seconds (`1741079700`, `1741079700.5`). Years run from
/// 1900 to 2199; anything outside is refused rather than guessed (a 13-digit number is
/// usually milliseconds).
public enum Timestamp {
    /// Why a timestamp was refused.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unparsable
        case outOfRange
        case milliseconds

        public var description: String {
            switch self {
            case .unparsable: return "is not a date or time"
            case .outOfRange: return "is outside the years 1900–2199"
            case .milliseconds: return "looks like Unix milliseconds; divide by 1000"
            }
        }
    }

    static let earliest = -2_208_988_800.0  // 1900-01-01
    static let latest = 7_258_118_400.0  // 2200-01-01

    /// Parses `text`.
    /// - Returns: seconds since the Unix epoch, UTC.
    /// - Throws: `Failure`.
    public static func parse(_ text: String) throws(Failure) -> Double {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b in Result { () throws(Failure) in try parse(b) } }.get()
    }

    /// Parses the bytes of one field.
    /// - Returns: seconds since the Unix epoch, UTC.
    /// - Throws: `Failure`.
    /// - Complexity: O(n) in the field's length.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Double {
        var scanner = Scanner(bytes: bytes)
        if bytes.count >= 5, bytes[4] == 0x2D {  // "YYYY-"
            return try parseISO(&scanner)
        }
        return try parseUnix(&scanner)
    }

    static func parseUnix(_ s: inout Scanner) throws(Failure) -> Double {
        var negative = false
        if s.peek == 0x2D { negative = true; s.index += 1 }
        let intStart = s.index
        var whole = 0.0
        while let d = s.digit() { whole = whole * 10 + Double(d) }
        let intDigits = s.index - intStart
        guard intDigits > 0, intDigits <= 15 else { throw intDigits > 15 ? .outOfRange : .unparsable }
        var fraction = 0.0
        if s.peek == 0x2E {
            s.index += 1
            var scale = 0.1
            var any = false
            while let d = s.digit() { fraction += Double(d) * scale; scale /= 10; any = true }
            guard any else { throw .unparsable }
        }
        guard s.atEnd else { throw .unparsable }
        let value = (negative ? -1 : 1) * (whole + fraction)
        if !negative, intDigits == 13 || intDigits == 12, value / 1000 < latest { throw .milliseconds }
        guard value >= earliest, value < latest else { throw .outOfRange }
        return value
    }

    static func parseISO(_ s: inout Scanner) throws(Failure) -> Double {
        guard let year = s.number(digits: 4), s.expect(0x2D),
              let month = s.number(digits: 2), s.expect(0x2D),
              let day = s.number(digits: 2) else { throw .unparsable }
        guard (1 ... 12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { throw .unparsable }
        guard (1900 ... 2199).contains(year) else { throw .outOfRange }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if s.atEnd { return seconds }
        guard s.peek == 0x54 || s.peek == 0x20 || s.peek == 0x74 else { throw .unparsable }
        s.index += 1
        guard let hour = s.number(digits: 2), s.expect(0x3A), let minute = s.number(digits: 2),
              hour < 24, minute < 60 else { throw .unparsable }
        seconds += Double(hour * 3600 + minute * 60)
        if s.peek == 0x3A {
            s.index += 1
            guard let second = s.number(digits: 2), second <= 60 else { throw .unparsable }
            seconds += Double(second)
            if s.peek == 0x2E || s.peek == 0x2C {
                s.index += 1
                var scale = 0.1
                var any = false
                while let d = s.digit() { seconds += Double(d) * scale; scale /= 10; any = true }
                guard any else { throw .unparsable }
            }
        }
        if s.atEnd { return seconds }
        switch s.peek {
        case 0x5A, 0x7A:  // Z
            s.index += 1
        case 0x2B, 0x2D:  // + or -
            let sign = s.peek == 0x2B ? 1 : -1
            s.index += 1
            guard let zh = s.number(digits: 2), zh <= 23 else { throw .unparsable }
            var zm = 0
            if !s.atEnd {
                _ = s.expect(0x3A)
                guard let m = s.number(digits: 2), m < 60 else { throw .unparsable }
                zm = m
            }
            seconds -= Double(sign * (zh * 3600 + zm * 60))
        default:
            throw .unparsable
        }
        guard s.atEnd else { throw .unparsable }
        // A zone can carry the first or last hours of the range across its edge.
        guard seconds >= earliest, seconds < latest else { throw .outOfRange }
        return seconds
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (fractions dropped).
    public static func iso8601(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        // civil_from_days, the inverse of daysFromCivil.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))Z"
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8 { index < bytes.count ? bytes[index] : 0 }

        mutating func digit() -> Int? {
            guard index < bytes.count, bytes[index] &- 0x30 < 10 else { return nil }
            defer { index += 1 }
            return Int(bytes[index] &- 0x30)
        }

        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0 ..< digits {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard peek == byte, index < bytes.count else { return false }
            index += 1
            return true
        }
    }
}
