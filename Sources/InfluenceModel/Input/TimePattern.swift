/// A strftime-style pattern for `TimeFormat.pattern`, checked and split into directives once.
///
/// Directives: `%Y` (4-digit year), `%y` (2 digits, 69–99 → 19xx, else 20xx), `%m`, `%d`,
/// `%e` (day, may be space-padded), `%H`, `%I` (12-hour, needs `%p`), `%M`, `%S` (each 1 or 2
/// digits), `%f` (fraction digits of the second, rounded to the millisecond), `%p` (AM/PM),
/// `%b`/`%B`/`%h` (English month name, abbreviated or full), `%a`/`%A` (weekday name,
/// not checked), `%z` (`+hhmm`, `+hh:mm`, `+hh`, `Z`), `%Z` (`UTC`, `GMT`, `UT`, `Z`),
/// `%j` (day of the year), `%s` (Unix seconds, with only `%f` beside it) and `%%`. A run of
/// spaces in the pattern matches one or more spaces; any other character matches itself,
/// letters in either case. No zone means UTC.
public struct TimePattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    let items: [Item]

    enum Item: Sendable, Hashable {
        case literal(UInt8), space
        case year4, year2, month, monthName, day, spacePaddedDay, dayOfYear, weekday
        case hour24, hour12, meridiem, minute, second, fraction, zoneOffset, zoneName, unixSeconds
    }

    /// Parses and checks a pattern.
    /// - Returns: nil for an unknown or repeated directive, or a set that does not name one
    ///   instant: a year with a month and day or `%j` (or `%s` alone), `%I` with `%p`, no `%M`
    ///   without an hour, no `%S` without `%M`, no `%f` without `%S` or `%s`.
    /// - Complexity: O(n) in the length of `text`.
    public init?(_ text: String) {
        var items: [Item] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if Timestamp.Scanner.isSpace(byte) {
                if items.last != .space { items.append(.space) }
                continue
            }
            guard byte == 0x25 else { items.append(.literal(byte)); continue }
            guard let code = iterator.next() else { return nil }
            switch code {
            case UInt8(ascii: "Y"): items.append(.year4)
            case UInt8(ascii: "y"): items.append(.year2)
            case UInt8(ascii: "m"): items.append(.month)
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): items.append(.monthName)
            case UInt8(ascii: "d"): items.append(.day)
            case UInt8(ascii: "e"): items.append(.spacePaddedDay)
            case UInt8(ascii: "j"): items.append(.dayOfYear)
            case UInt8(ascii: "a"), UInt8(ascii: "A"): items.append(.weekday)
            case UInt8(ascii: "H"): items.append(.hour24)
            case UInt8(ascii: "I"): items.append(.hour12)
            case UInt8(ascii: "p"): items.append(.meridiem)
            case UInt8(ascii: "M"): items.append(.minute)
            case UInt8(ascii: "S"): items.append(.second)
            case UInt8(ascii: "f"): items.append(.fraction)
            case UInt8(ascii: "z"): items.append(.zoneOffset)
            case UInt8(ascii: "Z"): items.append(.zoneName)
            case UInt8(ascii: "s"): items.append(.unixSeconds)
            case UInt8(ascii: "%"): items.append(.literal(0x25))
            default: return nil
            }
        }
        let fields = items.filter { if case .literal = $0 { return false } else { return $0 != .space } }
        guard Set(fields).count == fields.count else { return nil }
        func has(_ item: Item) -> Bool { fields.contains(item) }
        if has(.unixSeconds) {
            guard fields.allSatisfy({ $0 == .unixSeconds || $0 == .fraction }) else { return nil }
        } else {
            let months = (has(.month) ? 1 : 0) + (has(.monthName) ? 1 : 0)
            let days = (has(.day) ? 1 : 0) + (has(.spacePaddedDay) ? 1 : 0)
            guard has(.year4) != has(.year2),
                has(.dayOfYear) ? months + days == 0 : months == 1 && days == 1,
                !(has(.hour24) && has(.hour12)), has(.hour12) == has(.meridiem),
                !has(.minute) || has(.hour24) || has(.hour12), !has(.second) || has(.minute),
                !has(.fraction) || has(.second), !(has(.zoneOffset) && has(.zoneName))
            else { return nil }
        }
        self.text = text
        self.items = items
    }

    public var description: String { text }

    static let utcNames: [StaticString] = ["utc", "gmt", "ut", "z"]

    public static func == (a: TimePattern, b: TimePattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Matches the whole field.
    /// - Returns: milliseconds since the epoch.
    /// - Throws: `.patternMismatch` if the field does not match or names no real date,
    ///   `.outOfRange` outside 1900–2199.
    func read(_ s: inout Timestamp.Scanner) throws(Timestamp.Failure) -> Int {
        var year = 1970, month = 1, day = 1, dayOfYear = 0, hour = 0, minute = 0, second = 0
        var millis = 0, offset = 0, pm: Bool?, unix: Int?, unixNegative = false
        let mismatch = Timestamp.Failure.patternMismatch(text)
        for item in items {
            switch item {
            case .literal(let byte):
                guard !s.atEnd, s.peek == byte || (Timestamp.Scanner.isLetter(byte) && s.peek | 0x20 == byte | 0x20) else { throw mismatch }
                s.index += 1
            case .space:
                guard s.skipSpaces() else { throw mismatch }
            case .year4:
                guard let y = s.number(digits: 4) else { throw mismatch }
                year = y
            case .year2:
                guard let yy = s.number(digits: 2) else { throw mismatch }
                year = yy >= 69 ? 1900 + yy : 2000 + yy
            case .month, .day, .spacePaddedDay, .hour24, .hour12, .minute, .second, .dayOfYear:
                if item == .spacePaddedDay { s.skipSpaces() }
                guard let v = s.number(upTo: item == .dayOfYear ? 3 : 2) else { throw mismatch }
                switch item {
                case .month: month = v
                case .day, .spacePaddedDay: day = v
                case .hour24, .hour12: hour = v
                case .minute: minute = v
                case .second: second = v
                default: dayOfYear = v
                }
            case .fraction:
                guard let ms = s.fractionMillis() else { throw mismatch }
                millis = ms
            case .meridiem:
                let word = s.letters()
                guard s.word(word, is: "am") || s.word(word, is: "pm") else { throw mismatch }
                pm = s.word(word, is: "pm")
            case .monthName:
                guard let m = Timestamp.month(s, s.letters()) else { throw mismatch }
                month = m
            case .weekday:
                guard Timestamp.isWeekday(s, s.letters()) else { throw mismatch }
            case .zoneOffset:
                if s.peek | 0x20 == 0x7A {
                    s.index += 1
                } else {
                    guard s.peek == 0x2B || s.peek == 0x2D, let o = Timestamp.numericOffset(&s, hourDigits: 2...2) else { throw mismatch }
                    offset = o
                }
            case .zoneName:
                let word = s.letters()
                guard Self.utcNames.contains(where: { s.word(word, is: $0) }) else { throw mismatch }
            case .unixSeconds:
                unixNegative = s.expect(0x2D)
                let run = s.digitRun()
                guard run > 0 else { throw mismatch }
                guard run <= Timestamp.PlainNumber.maximumDigits else { throw .outOfRange }
                let v = s.number(digits: run)!
                unix = v
            }
        }
        guard s.atEnd else { throw mismatch }
        if let unix {
            let ms = unix * 1000 + millis
            return unixNegative ? -ms : ms
        }
        if let pm {
            guard (1...12).contains(hour) else { throw mismatch }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard hour <= 23, minute <= 59, second <= 60 else { throw mismatch }
        if dayOfYear > 0 {
            guard dayOfYear <= (Timestamp.daysIn(month: 2, year: year) == 29 ? 366 : 365) else { throw mismatch }
            day = dayOfYear
            while day > Timestamp.daysIn(month: month, year: year) { day -= Timestamp.daysIn(month: month, year: year); month += 1 }
        } else if items.contains(.dayOfYear) {
            throw mismatch  // %j of 0
        }
        do {
            return try Timestamp.civilMillis(
                year: year, month: month, day: day, secondOfDay: hour * 3600 + minute * 60 + second,
                millis: millis, offset: offset)
        } catch .unparsable {
            throw mismatch
        }
    }
}
