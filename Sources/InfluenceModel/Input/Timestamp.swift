/// Parses the timestamps found in exports into seconds since 1970-01-01T00:00:00Z.
///
/// `read(_:format:order:)` is the entry point: `TimeFormat.auto` recognises ISO 8601, RFC 2822,
/// Twitter, month-name, numeric (`03/04/2024`) dates and Unix seconds (the grammar is in
/// `Timestamp+Formats.swift`); the explicit formats read Unix seconds or milliseconds,
/// spreadsheet serial days, or a strftime pattern (`TimePattern`). Years run from 1900 to
/// 2199; anything outside is refused rather than guessed, and so is a bare number that could
/// be read more than one way (`45355`, `0`). Every reading is rounded to the millisecond.
public enum Timestamp {
    /// Why a timestamp was refused. Each description follows the value seen, as in
    /// `timestamp "45355.604" is a plain number: …`, and ends with the flag that fixes it.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// No format this reader knows matches.
        case unparsable
        /// A date outside 1900-01-01 ..< 2200-01-01.
        case outOfRange
        /// A 12- or 13-digit number: Unix milliseconds.
        case milliseconds
        /// A number that could be spreadsheet serial days or Unix seconds.
        case plainNumber
        /// A numeric date such as 03/04/2024 that reads as a date either day-first or month-first.
        case ambiguousOrder
        /// The value does not match the `--time-format` pattern carried.
        case patternMismatch(String)

        public var description: String {
            switch self {
            case .unparsable:
                return "is not a date or time in a known format; pass --time-format with a strftime pattern such as \"%d/%m/%Y %H:%M\""
            case .outOfRange:
                return "is outside the years 1900–2199; check the column, or pass --time-format if the values are in another unit"
            case .milliseconds:
                return "looks like Unix milliseconds (seconds × 1000); pass --time-format ms"
            case .plainNumber:
                return
                    "is a plain number: it could be a spreadsheet serial date or Unix seconds; pass --time-format excel or --time-format unix"
            case .ambiguousOrder:
                return "reads as a date both day-first and month-first; pass --date-order day-first or --date-order month-first"
            case .patternMismatch(let pattern):
                return "does not match the pattern \"\(pattern)\"; check --time-format"
            }
        }
    }

    static let earliest = -2_208_988_800.0  // 1900-01-01
    static let latest = 7_258_118_400.0  // 2200-01-01
    static let earliestMillis = -2_208_988_800_000
    static let latestMillis = 7_258_118_400_000

    /// Reads one field.
    ///
    /// With `format: .auto` and `order: .auto`, a numeric day-month date (`03/04/2024`,
    /// `03-04-2024`) comes back as `.eitherOrder`, for the caller to settle the order over a
    /// whole file; everything else, and every reading under an explicit order or format, is
    /// `.exact`. Surrounding spaces and tabs are ignored.
    /// - Parameters:
    ///   - bytes: the field's bytes (UTF-8).
    ///   - format: how to read it; `.auto` recognises the forms listed in `TimeFormat.auto`.
    ///   - order: the day and month order of numeric dates; dot-separated dates are always day-first.
    /// - Returns: seconds since the Unix epoch, UTC, rounded to the millisecond.
    /// - Throws: `Failure`: `.unparsable`, `.outOfRange`, `.milliseconds` and `.plainNumber`
    ///   (`.auto` on a bare number), `.patternMismatch` (`.pattern`).
    /// - Complexity: O(n) in the field's length, plus the pattern's length for `.pattern`.
    ///   Nothing is allocated, on any path (a malloc-counting run of the ISO, Unix, RFC 2822
    ///   and pattern paths counted none), so it can run once per row.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, format: TimeFormat, order: DateOrder) throws(Failure) -> TimeReading {
        if case .auto = format, let seconds = utcISOSeconds(bytes) { return .exact(seconds) }
        return try readOther(bytes, format: format, order: order)
    }

    /// `read(_:format:order:)`, a field of the form most exports write read with the day of the
    /// field before it kept in `cache` (`utcISOSeconds(_:cache:)`): the same values.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, format: TimeFormat, order: DateOrder, cache: inout DayCache) throws(Failure)
        -> TimeReading
    {
        if case .auto = format, let seconds = utcISOSeconds(bytes, cache: &cache) { return .exact(seconds) }
        return try readOther(bytes, format: format, order: order)
    }

    /// `read(_:format:order:)` past its fast path.
    private static func readOther(_ bytes: UnsafeBufferPointer<UInt8>, format: TimeFormat, order: DateOrder) throws(Failure)
        -> TimeReading
    {
        var s = Scanner(bytes: bytes)
        switch format {
        case .auto:
            return try readAuto(&s, order: order)
        case .unixSeconds:
            let n = try explicitNumber(&s)
            let ms = n.whole * 1000 + n.fractionMillis
            return .exact(try seconds(n.negative ? -ms : ms))
        case .unixMilliseconds:
            let n = try explicitNumber(&s)
            let ms = n.whole + (n.fractionHalf ? 1 : 0)
            return .exact(try seconds(n.negative ? -ms : ms))
        case .excel:
            return .exact(try excelSerial(try explicitNumber(&s)))
        case .pattern(let pattern):
            return .exact(try seconds(try pattern.read(&s)))
        }
    }

    /// Parses `text` with `format: .auto, order: .auto`, settling the order when only one is a date.
    /// - Returns: seconds since the Unix epoch, UTC.
    /// - Throws: `Failure`; `.ambiguousOrder` for a date such as 03/04/2024.
    /// - Complexity: O(n) in the length of `text`.
    public static func parse(_ text: String) throws(Failure) -> Double {
        var text = text
        return try text.withUTF8 { b in Result { () throws(Failure) in try parse(b) } }.get()
    }

    /// Parses the bytes of one field with `format: .auto, order: .auto`, settling the order of a
    /// numeric date when only one order gives a date (13/03/2024) or both give the same (04/04/2024).
    /// - Returns: seconds since the Unix epoch, UTC.
    /// - Throws: `Failure`; `.ambiguousOrder` for a date such as 03/04/2024.
    /// - Complexity: O(n) in the field's length.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Double {
        switch try read(bytes, format: .auto, order: .auto) {
        case .exact(let value):
            return value
        case .eitherOrder(let monthFirst, let dayFirst):
            switch (monthFirst, dayFirst) {
            case (let m?, let d?): if m == d { return m } else { throw .ambiguousOrder }
            case (let m?, nil): return m
            case (nil, let d?): return d
            case (nil, nil): throw .unparsable
            }
        }
    }

    /// Seconds of a millisecond count, refused outside the supported years.
    static func seconds(_ millis: Int) throws(Failure) -> Double {
        guard millis >= earliestMillis, millis < latestMillis else { throw .outOfRange }
        return Double(millis) / 1000
    }

    /// Spreadsheet serial days in the 1900 date system to seconds.
    ///
    /// Lotus 1-2-3, and Excel after it, count 1900-02-29, which never was: serial 60 is that day
    /// and is refused as `.unparsable`; serials 1 ..< 60 are mapped to the real 1900-01-01 ... 02-28
    /// and serials from 61 on to 1900-03-01 onwards (day 25569 is 1970-01-01). Below 1 is
    /// `.outOfRange`; the fraction is the time of day, rounded to the millisecond.
    static func excelSerial(_ n: PlainNumber) throws(Failure) -> Double {
        guard !n.negative, n.whole >= 1 else { throw .outOfRange }
        guard n.whole != 60 else { throw .unparsable }
        let days = n.whole < 60 ? n.whole - 25_568 : n.whole - 25_569
        let (dayMillis, overflow) = days.multipliedReportingOverflow(by: 86_400_000)
        guard !overflow else { throw .outOfRange }
        return try seconds(dayMillis + Int((n.fraction * 86_400_000).rounded()))
    }

    /// A plain number, the whole field, for the explicit numeric formats.
    static func explicitNumber(_ s: inout Scanner) throws(Failure) -> PlainNumber {
        guard let n = s.plainNumber(), s.atEnd else { throw .unparsable }
        guard n.wholeDigits <= PlainNumber.maximumDigits else { throw .outOfRange }
        return n
    }

    /// Milliseconds since the epoch of a civil date and time, checked.
    /// - Throws: `.unparsable` for a day that does not exist, `.outOfRange` outside 1900–2199.
    static func civilMillis(year: Int, month: Int, day: Int, secondOfDay: Int = 0, millis: Int = 0, offset: Int = 0) throws(Failure) -> Int
    {
        guard isDate(year: year, month: month, day: day) else { throw .unparsable }
        guard (1900...2199).contains(year) else { throw .outOfRange }
        let ms = (daysFromCivil(year: year, month: month, day: day) * 86_400 + secondOfDay - offset) * 1000 + millis
        // A zone can carry the first or last hours of the range across its edge.
        guard ms >= earliestMillis, ms < latestMillis else { throw .outOfRange }
        return ms
    }

    static func isDate(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
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

    /// Year, month, day of a day count since 1970-01-01 (Hinnant's `civil_from_days`, the
    /// inverse of `daysFromCivil`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The civil date of `seconds` since the epoch and its second of the day (fractions dropped).
    static func civilTime(_ seconds: Double) -> (year: Int, month: Int, day: Int, second: Int) {
        let total = Int(seconds.rounded(.down))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        return (year, month, day, rest)
    }

    /// Bytes that `writeISO8601` may write (a year of up to 12 digits and its sign).
    static let iso8601Room = 32

    /// Writes `iso8601(seconds)` at `out` (room for `iso8601Room` bytes) and returns how many
    /// bytes it wrote: years 0 to 9999 digit by digit, any other through `iso8601`.
    @inline(__always)
    static func writeISO8601(_ seconds: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day, rest) = civilTime(seconds)
        guard year >= 0, year <= 9999 else {
            var text = iso8601(seconds)
            return text.withUTF8 { bytes in
                out.update(from: bytes.baseAddress!, count: bytes.count)
                return bytes.count
            }
        }
        func put(_ value: Int, _ width: Int, at: Int) {
            var v = value
            for k in stride(from: width - 1, through: 0, by: -1) {
                out[at + k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
            }
        }
        put(year, 4, at: 0)
        out[4] = 0x2D  // -
        put(month, 2, at: 5)
        out[7] = 0x2D
        put(day, 2, at: 8)
        out[10] = 0x54  // T
        put(rest / 3600, 2, at: 11)
        out[13] = 0x3A  // :
        put(rest / 60 % 60, 2, at: 14)
        out[16] = 0x3A
        put(rest % 60, 2, at: 17)
        out[19] = 0x5A  // Z
        return 20
    }

    /// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (fractions dropped).
    public static func iso8601(_ seconds: Double) -> String {
        let (year, month, day, rest) = civilTime(seconds)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))Z"
    }

    /// A fuzzing oracle, not for use on data: reads `bytes` with every format and order and
    /// traps (`fatalError`) if a reading is not finite, lies outside 1900-01-01 ..< 2200-01-01,
    /// is not a whole number of milliseconds, breaks the `TimeReading` contract, or does not
    /// come back from its own `iso8601` text. Thrown failures are the expected outcome for bad input.
    /// - Parameter bytes: any bytes.
    /// - Complexity: O(n) in the length of `bytes`, times the number of formats tried.
    public static func fuzzCheck(_ bytes: UnsafeBufferPointer<UInt8>) {
        func check(_ value: Double, _ format: TimeFormat, _ order: DateOrder) {
            guard value.isFinite, value >= earliest, value < latest, (value * 1000).rounded() / 1000 == value else {
                fatalError("timestamp \(value) out of range or not in milliseconds, read as \(format) \(order.rawValue)")
            }
            guard (try? parse(iso8601(value))) == value.rounded(.down) else {
                fatalError("timestamp \(value) does not come back from \(iso8601(value))")
            }
        }
        for format in fuzzFormats {
            for order in DateOrder.allCases {
                guard let reading = try? read(bytes, format: format, order: order) else { continue }
                switch reading {
                case .exact(let value):
                    check(value, format, order)
                case .eitherOrder(let monthFirst, let dayFirst):
                    guard format == .auto, order == .auto, monthFirst != nil || dayFirst != nil else {
                        fatalError(
                            "eitherOrder(\(String(describing: monthFirst)), \(String(describing: dayFirst))) read as \(format) \(order.rawValue)"
                        )
                    }
                    monthFirst.map { check($0, format, order) }
                    dayFirst.map { check($0, format, order) }
                }
            }
        }
    }

    /// The formats `fuzzCheck` tries: every kind, and patterns using every directive.
    static let fuzzFormats: [TimeFormat] =
        [.auto, .unixSeconds, .unixMilliseconds, .excel]
        + [
            "%d/%m/%Y %H:%M", "%Y%m%d", "%b %d %Y %I:%M %p", "%a %e %B %y %H:%M:%S.%f %z", "%Y-%j %Z", "%s.%f", "%%%Y %h %d",
        ].map { TimeFormat(argument: $0)! }
}
