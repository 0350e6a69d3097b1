// The grammar of `TimeFormat.auto`. Each form is told apart by its first few bytes (a letter,
// or the length of the first run of digits and the byte after it), so a field is scanned left
// to right; the only look-backs are a failed bare-number read and optional AM/PM and zone suffixes.

extension Timestamp {
    /// Reads a field in any of the forms `TimeFormat.auto` lists.
    static func readAuto(_ s: inout Scanner, order: DateOrder) throws(Failure) -> TimeReading {
        if let (year, month, day, secondOfDay) = utcISO(s) {
            return .exact(try seconds(try civilMillis(year: year, month: month, day: day, secondOfDay: secondOfDay, millis: 0, offset: 0)))
        }
        let start = s.index
        if let n = s.plainNumber(), s.atEnd { return try autoNumber(n) }
        s.index = start
        let first = s.peek
        if Scanner.isLetter(first) { return .exact(try seconds(try namedDate(&s))) }
        guard Scanner.isDigit(first) else { throw .unparsable }
        let run = s.digitRun()
        let next = s.peek(run), afterNext = s.peek(run + 1)
        switch run {
        case 4 where next == 0x2D || next == 0x2F:  // 2024-03-04, 2024/03/04
            return .exact(try seconds(try yearFirst(&s)))
        case 8 where next | 0x20 == 0x74:  // 20240304T093300
            return .exact(try seconds(try basicISO(&s)))
        case 1...2 where (next == 0x2F || next == 0x2D || next == 0x2E) && Scanner.isDigit(afterNext):
            return try yearLast(&s, order: order)
        case 1...2 where (next == 0x2D || next == 0x2F || Scanner.isSpace(next)) && Scanner.isLetter(afterNext):
            return .exact(try seconds(try dayMonthName(&s)))  // 4 Mar 2024, 04-Mar-2024
        default:
            throw .unparsable
        }
    }

    /// The fields of `YYYY-MM-DDTHH:MM:SSZ`, the form most exports write, read at fixed places
    /// with the hour, minute and second in range: the value `yearFirst` then `clock` and `zone`
    /// give it, without their scanning. `nil` for anything else, which takes the general path
    /// (and gets its messages).
    ///
    /// The twenty bytes are three loads (bytes 0–7, 8–15 and 12–19, little-endian): the
    /// separators are tested under a mask, and the fourteen digits at once, as
    /// `NumberedKeys.decimal` tests eight (byte by byte, with a test per digit, this was about
    /// 150 instructions a field).
    @inline(__always)
    static func utcISO(_ s: Scanner) -> (year: Int, month: Int, day: Int, secondOfDay: Int)? {
        guard s.end &- s.index == 20, let start = s.bytes.baseAddress else { return nil }
        return utcISO(UnsafeRawPointer(start + s.index))
    }

    /// `utcISO` of the twenty bytes at `p`.
    @inline(__always)
    static func utcISO(_ p: UnsafeRawPointer) -> (year: Int, month: Int, day: Int, secondOfDay: Int)? {
        let w0 = p.loadUnaligned(as: UInt64.self)  // YYYY-MM-
        let w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)  // DDTHH:MM
        let w2 = p.loadUnaligned(fromByteOffset: 12, as: UInt64.self)  // H:MM:SSZ
        // `-` at 4 and 7; `T` or `t` at 10 and `:` at 13; `:` at 16 and `Z` at 19.
        guard w0 & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000,
            (w1 | 0x20_0000) & 0x0000_FF00_00FF_0000 == 0x0000_3A00_0074_0000,
            w2 & 0xFF00_00FF_0000_0000 == 0x5A00_003A_0000_0000
        else { return nil }
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let x0 = (w0 ^ zeros) & 0x00FF_FF00_FFFF_FFFF
        let x1 = (w1 ^ zeros) & 0xFFFF_00FF_FF00_FFFF
        let x2 = (w2 ^ zeros) & 0x00FF_FF00_0000_0000
        // A byte of 10 or more sets its top bit once 0x76 is added; a byte of 0x80 or more has it.
        @inline(__always) func bad(_ x: UInt64) -> UInt64 { (x &+ 0x7676_7676_7676_7676) | x }
        guard (bad(x0) | bad(x1) | bad(x2)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        @inline(__always) func digit(_ x: UInt64, _ k: UInt64) -> Int { Int(truncatingIfNeeded: (x &>> (k &* 8)) & 0xFF) }
        @inline(__always) func two(_ x: UInt64, _ k: UInt64) -> Int { digit(x, k) &* 10 &+ digit(x, k &+ 1) }
        let year = two(x0, 0) &* 100 &+ two(x0, 2), month = two(x0, 5)
        let day = two(x1, 0), hour = two(x1, 3), minute = two(x1, 6), second = two(x2, 5)
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        return (year, month, day, hour &* 3600 &+ minute &* 60 &+ second)
    }

    /// The seconds `read(_:format: .auto, order:)` gives a field of exactly twenty bytes that
    /// `utcISO` reads as a day that exists, from 1900 to 2199; `nil` for any other field (which
    /// `read` then reads, and refuses, as before).
    ///
    /// The day count is `daysFromCivil`'s, from the days before the month and the leap days
    /// before the year, without its eras. (From the
    /// field to the value through `readAuto` cost about 250 instructions.)
    @inline(__always)
    static func utcISOSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.count == 20, let base = bytes.baseAddress, let (days, second) = utcISODay(UnsafeRawPointer(base)) else {
            return nil
        }
        return utcSeconds(days: days, second: second)
    }

    /// The days from 1970 and the second of the day of the twenty bytes at `p` when `utcISO`
    /// reads them as a day that exists, from 1900 to 2199.
    @inline(__always)
    static func utcISODay(_ p: UnsafeRawPointer) -> (days: Int, second: Int)? {
        guard let (year, month, day, second) = utcISO(p), year >= 1900, year <= 2199, month >= 1, month <= 12, day >= 1 else {
            return nil
        }
        let leap = year & 3 == 0 && (year % 100 != 0 || year % 400 == 0)
        // Thirty days, and one more in January, March, May, July, August, October, December.
        let length = month == 2 ? (leap ? 29 : 28) : 30 &+ ((month &+ month &>> 3) & 1)
        guard day <= length else { return nil }
        // The days before the month in a common year, and the leap days before the year,
        // counted from 1970 (477 of them before it).
        let before = (367 &* month &- 362) / 12 &- (month > 2 ? (leap ? 1 : 2) : 0)
        let y = year &- 1
        let leapDays = y / 4 &- y / 100 &+ y / 400 &- 477
        return ((year &- 1970) &* 365 &+ leapDays &+ before &+ day &- 1, second)
    }

    /// The seconds of `second` into day `days` from 1970, within the range of times read.
    @inline(__always)
    static func utcSeconds(days: Int, second: Int) -> Double? {
        let millis = (days &* 86_400 &+ second) &* 1000
        guard millis >= earliestMillis, millis < latestMillis else { return nil }
        return Double(millis) / 1000
    }

    /// The day of the last field `utcISOSeconds(_:cache:)` found to be a day that exists: its
    /// first ten bytes (`YYYY-MM-DD`) and the days from 1970 they name.
    struct DayCache: Sendable {
        var head: UInt64 = 0
        var tail: UInt16 = 0
        var days = 0
        var valid = false
    }

    /// `utcISOSeconds(_:)`, the day of a field whose first ten bytes are the cached day's
    /// taken from `cache` (only the clock read and checked), any other day cached. Exports are
    /// in time order or nearly, so most rows share the day of the row before: reading and
    /// checking the date and counting its days was about half of the field's instructions.
    @inline(__always)
    static func utcISOSeconds(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout DayCache) -> Double? {
        guard bytes.count == 20, let base = bytes.baseAddress else { return nil }
        let p = UnsafeRawPointer(base)
        let head = p.loadUnaligned(as: UInt64.self)
        let tail = p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        if cache.valid, head == cache.head, tail == cache.tail {
            guard let second = utcClock(p) else { return nil }
            return utcSeconds(days: cache.days, second: second)
        }
        guard let (days, second) = utcISODay(p) else { return nil }
        cache = DayCache(head: head, tail: tail, days: days, valid: true)
        return utcSeconds(days: days, second: second)
    }

    /// The second of the day of the twenty bytes at `p`, from `THH:MM:SSZ` at bytes 10–19 as
    /// `utcISO` reads and checks them; `nil` where `utcISO` would refuse those bytes.
    @inline(__always)
    static func utcClock(_ p: UnsafeRawPointer) -> Int? {
        let w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)  // DDTHH:MM
        let w2 = p.loadUnaligned(fromByteOffset: 12, as: UInt64.self)  // H:MM:SSZ
        guard (w1 | 0x20_0000) & 0x0000_FF00_00FF_0000 == 0x0000_3A00_0074_0000,
            w2 & 0xFF00_00FF_0000_0000 == 0x5A00_003A_0000_0000
        else { return nil }
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let x1 = (w1 ^ zeros) & 0xFFFF_00FF_FF00_0000
        let x2 = (w2 ^ zeros) & 0x00FF_FF00_0000_0000
        @inline(__always) func bad(_ x: UInt64) -> UInt64 { (x &+ 0x7676_7676_7676_7676) | x }
        guard (bad(x1) | bad(x2)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        @inline(__always) func digit(_ x: UInt64, _ k: UInt64) -> Int { Int(truncatingIfNeeded: (x &>> (k &* 8)) & 0xFF) }
        @inline(__always) func two(_ x: UInt64, _ k: UInt64) -> Int { digit(x, k) &* 10 &+ digit(x, k &+ 1) }
        let hour = two(x1, 3), minute = two(x1, 6), second = two(x2, 5)
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        return hour &* 3600 &+ minute &* 60 &+ second
    }

    /// A whole field that is a plain number: Unix seconds (9 or 10 digits), a basic ISO date
    /// (8 digits that are one), and otherwise a refusal naming the likely unit.
    static func autoNumber(_ n: PlainNumber) throws(Failure) -> TimeReading {
        if n.negative { throw .plainNumber }
        switch n.wholeDigits {
        case 8 where !n.hasFraction:
            let year = n.whole / 10_000, month = n.whole / 100 % 100
            guard (1900...2199).contains(year), (1...12).contains(month) else { throw .plainNumber }
            return .exact(try seconds(try civilMillis(year: year, month: month, day: n.whole % 100)))
        case 9...10 where n.whole >= 100_000_000:
            return .exact(try seconds(n.whole * 1000 + n.fractionMillis))
        case 12...13:
            throw Double(n.whole) / 1000 < latest ? .milliseconds : .outOfRange
        case 11, 14...:
            throw .outOfRange
        default:
            throw .plainNumber
        }
    }

    /// `YYYY-M-D` or `YYYY/M/D`, then nothing or a time after `T` or spaces.
    static func yearFirst(_ s: inout Scanner) throws(Failure) -> Int {
        guard let year = s.number(digits: 4) else { throw .unparsable }
        let separator = s.peek
        s.index += 1
        guard let month = s.number(upTo: 2), s.expect(separator), let day = s.number(upTo: 2) else { throw .unparsable }
        if s.atEnd { return try civilMillis(year: year, month: month, day: day) }
        if s.peek | 0x20 == 0x74 { s.index += 1 } else if !s.skipSpaces() { throw .unparsable }
        let clock = try self.clock(&s)
        guard s.atEnd else { throw .unparsable }
        return try clock.millis(year: year, month: month, day: day)
    }

    /// `YYYYMMDDTHHMM[SS[.fff]][zone]`.
    static func basicISO(_ s: inout Scanner) throws(Failure) -> Int {
        guard let year = s.number(digits: 4), let month = s.number(digits: 2), let day = s.number(digits: 2) else { throw .unparsable }
        s.index += 1  // T
        guard let hour = s.number(digits: 2), let minute = s.number(digits: 2) else { throw .unparsable }
        var clock = Clock()
        var second = 0
        if let sec = s.number(digits: 2) {
            second = sec
            if s.peek == 0x2E || s.peek == 0x2C {
                s.index += 1
                guard let ms = s.fractionMillis() else { throw .unparsable }
                clock.millis = ms
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { throw .unparsable }
        clock.secondOfDay = hour * 3600 + minute * 60 + second
        clock.offset = zone(&s) ?? 0
        guard s.atEnd else { throw .unparsable }
        return try clock.millis(year: year, month: month, day: day)
    }

    /// `D/M/Y`, `M/D/Y` with `/` or `-` (order per `order`), or `D.M.Y` (always day-first);
    /// the year has 4 digits or 2 (69–99 → 19xx, else 20xx, as strptime's `%y`); then an optional time.
    static func yearLast(_ s: inout Scanner, order: DateOrder) throws(Failure) -> TimeReading {
        guard let a = s.number(upTo: 2) else { throw .unparsable }
        let separator = s.peek
        s.index += 1
        guard let b = s.number(upTo: 2), s.expect(separator) else { throw .unparsable }
        // `25-03-04` could as well be year-month-day: a two-digit year after dashes is not guessed.
        if separator == 0x2D, s.digitRun() == 2 { throw .unparsable }
        let year = try self.year(&s)
        let clock = try optionalTime(&s)
        let order: DateOrder = separator == 0x2E ? .dayFirst : order
        switch order {
        case .dayFirst: return .exact(try seconds(try clock.millis(year: year, month: b, day: a)))
        case .monthFirst: return .exact(try seconds(try clock.millis(year: year, month: a, day: b)))
        case .auto:
            guard (1900...2199).contains(year) else { throw .outOfRange }
            var monthFirst: Double?, dayFirst: Double?
            if isDate(year: year, month: a, day: b) { monthFirst = try seconds(try clock.millis(year: year, month: a, day: b)) }
            if isDate(year: year, month: b, day: a) { dayFirst = try seconds(try clock.millis(year: year, month: b, day: a)) }
            guard monthFirst != nil || dayFirst != nil else { throw .unparsable }
            return .eitherOrder(monthFirst: monthFirst, dayFirst: dayFirst)
        }
    }

    /// `D Mon Y`, `D-Mon-Y` or `D/Mon/Y` (also RFC 2822's date after its weekday), then an
    /// optional time: after spaces, or after `:` as web server logs write `04/Mar/2024:09:33:00 +0000`.
    static func dayMonthName(_ s: inout Scanner) throws(Failure) -> Int {
        guard let day = s.number(upTo: 2) else { throw .unparsable }
        let separator = s.peek
        if Scanner.isSpace(separator) { s.skipSpaces() } else { s.index += 1 }
        guard let month = month(s, s.letters()) else { throw .unparsable }
        _ = s.expect(0x2E)  // "Mar."
        if Scanner.isSpace(separator) {
            guard s.skipSpaces() else { throw .unparsable }
        } else {
            guard s.expect(separator) else { throw .unparsable }
        }
        let year = try self.year(&s)
        let clock: Clock
        if separator == 0x2F, s.expect(0x3A) { clock = try self.clock(&s) } else { clock = try optionalTime(&s) }
        guard s.atEnd else { throw .unparsable }
        return try clock.millis(year: year, month: month, day: day)
    }

    /// Forms that open with a word: an optional weekday, then RFC 2822 (`Mon, 04 Mar 2024 09:33:00 +0000`),
    /// month first (`Mar 4, 2024`, `March 4, 2024 9:33 AM`), or Twitter and ctime
    /// (`Wed Jun 01 00:08:02 +0000 2016`, `Wed Jun  1 00:08:02 2016`). The weekday is not checked against the date.
    static func namedDate(_ s: inout Scanner) throws(Failure) -> Int {
        var word = s.letters()
        if isWeekday(s, word) {
            _ = s.expect(0x2E)
            _ = s.expect(0x2C)
            guard s.skipSpaces() else { throw .unparsable }
            if Scanner.isDigit(s.peek) { return try dayMonthName(&s) }
            word = s.letters()
        }
        guard let month = month(s, word) else { throw .unparsable }
        _ = s.expect(0x2E)
        guard s.skipSpaces(), let day = s.number(upTo: 2) else { throw .unparsable }
        _ = s.expect(0x2C)
        guard s.skipSpaces() else { throw .unparsable }
        if s.peek(s.digitRun()) == 0x3A {  // a time before the year: Twitter, ctime
            let clock = try self.clock(&s)
            guard s.skipSpaces(), let year = s.number(digits: 4), s.atEnd else { throw .unparsable }
            return try clock.millis(year: year, month: month, day: day)
        }
        let year = try self.year(&s)
        let clock = try optionalTime(&s)
        guard s.atEnd else { throw .unparsable }
        return try clock.millis(year: year, month: month, day: day)
    }

    /// A year of exactly 4 digits, or 2 (69–99 → 19xx, else 20xx).
    static func year(_ s: inout Scanner) throws(Failure) -> Int {
        switch s.digitRun() {
        case 4: return s.number(digits: 4)!
        case 2: let yy = s.number(digits: 2)!; return yy >= 69 ? 1900 + yy : 2000 + yy
        default: throw .unparsable
        }
    }

    /// Nothing, or `[,] spaces time` (or `T time`) to the end of the field.
    static func optionalTime(_ s: inout Scanner) throws(Failure) -> Clock {
        if s.atEnd { return Clock() }
        if s.peek | 0x20 == 0x74 {
            s.index += 1
        } else {
            _ = s.expect(0x2C)
            guard s.skipSpaces() else { throw .unparsable }
        }
        let clock = try self.clock(&s)
        guard s.atEnd else { throw .unparsable }
        return clock
    }

    /// A time of day and what may follow it.
    struct Clock {
        var secondOfDay = 0
        var millis = 0
        /// The zone's offset east of UTC, in seconds.
        var offset = 0

        func millis(year: Int, month: Int, day: Int) throws(Failure) -> Int {
            try civilMillis(year: year, month: month, day: day, secondOfDay: secondOfDay, millis: millis, offset: offset)
        }
    }

    /// `H:M[:S[.fff]]` with 1- or 2-digit fields, then an optional ` AM`/` PM` and an optional zone.
    static func clock(_ s: inout Scanner) throws(Failure) -> Clock {
        guard var hour = s.number(upTo: 2), s.expect(0x3A), let minute = s.number(upTo: 2) else { throw .unparsable }
        var clock = Clock()
        var second = 0
        if s.peek == 0x3A {
            s.index += 1
            guard let sec = s.number(upTo: 2) else { throw .unparsable }
            second = sec
            if s.peek == 0x2E || s.peek == 0x2C {
                s.index += 1
                guard let ms = s.fractionMillis() else { throw .unparsable }
                clock.millis = ms
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { throw .unparsable }
        let beforeMeridiem = s.index
        s.skipSpaces()
        let word = s.letters()
        let pm = s.word(word, is: "pm")
        if pm || s.word(word, is: "am") {
            guard (1...12).contains(hour) else { throw .unparsable }
            hour = hour % 12 + (pm ? 12 : 0)
        } else {
            s.index = beforeMeridiem
        }
        clock.secondOfDay = hour * 3600 + minute * 60 + second
        clock.offset = zone(&s) ?? 0
        return clock
    }

    /// A zone after optional spaces: `Z`, `+hh[[:]mm]`, `UTC`, `GMT`, `UT` (each optionally
    /// followed by `+h[h][[:]mm]`) or a North American abbreviation (`EST` … `PDT`).
    /// - Returns: the offset east of UTC in seconds, or nil, with nothing consumed, if there is no zone.
    static func zone(_ s: inout Scanner) -> Int? {
        let start = s.index
        s.skipSpaces()
        if s.peek == 0x2B || s.peek == 0x2D, let offset = numericOffset(&s, hourDigits: 2...2) { return offset }
        let word = s.letters()
        switch word.count {
        case 1 where s.word(word, is: "z"):
            return 0
        case 2...3 where s.word(word, is: "utc") || s.word(word, is: "gmt") || s.word(word, is: "ut"):
            if s.peek == 0x2B || s.peek == 0x2D, let offset = numericOffset(&s, hourDigits: 1...2) { return offset }
            return 0
        case 3:
            for (name, hours) in northAmericanZones where s.word(word, is: name) { return hours * 3600 }
        default:
            break
        }
        s.index = start
        return nil
    }

    /// RFC 2822's zone names other than UT and GMT, with their offsets in hours.
    static let northAmericanZones: [(StaticString, Int)] = [
        ("est", -5), ("edt", -4), ("cst", -6), ("cdt", -5), ("mst", -7), ("mdt", -6), ("pst", -8), ("pdt", -7),
    ]

    /// `±hh`, `±hhmm` or `±hh:mm` (hours 0–23, minutes 0–59); nil, with nothing consumed, otherwise.
    static func numericOffset(_ s: inout Scanner, hourDigits: ClosedRange<Int>) -> Int? {
        let start = s.index
        let sign = s.peek == 0x2D ? -1 : 1
        s.index += 1
        let run = s.digitRun()
        // ±hhmm is told from ±h[h] by the run's length.
        let hourCount = run >= 3 ? 2 : run
        guard hourDigits.contains(hourCount), let hour = s.number(digits: hourCount), hour <= 23 else { s.index = start; return nil }
        var minute = 0
        if run >= 3 || (s.peek == 0x3A && Scanner.isDigit(s.peek(1))) {
            _ = s.expect(0x3A)
            guard s.digitRun() == 2, let m = s.number(digits: 2), m <= 59 else { s.index = start; return nil }
            minute = m
        }
        return sign * (hour * 3600 + minute * 60)
    }
}
