import Testing
@testable import InfluenceModel

/// Gregorian leap-year rule, written out.
private func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

private func monthLengths(_ y: Int) -> [Int] { [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] }

/// Days since 1970-01-01 by counting whole years and months: slow, but obviously right, and
/// independent of the closed form the library uses.
private func naiveDays(_ year: Int, _ month: Int, _ day: Int) -> Int {
    var days = 0
    if year >= 1970 {
        for y in 1970..<year { days += isLeapYear(y) ? 366 : 365 }
    } else {
        for y in year..<1970 { days -= isLeapYear(y) ? 366 : 365 }
    }
    let lengths = monthLengths(year)
    for m in 0..<(month - 1) { days += lengths[m] }
    return days + day - 1
}

/// Seconds since the epoch of a UTC civil time.
private func naiveSeconds(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Double {
    Double(naiveDays(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// The civil UTC time of whole seconds since the epoch, by walking years and months.
private func naiveCivil(_ seconds: Int) -> (y: Int, mo: Int, d: Int, h: Int, mi: Int, s: Int) {
    var days = seconds / 86_400
    var rest = seconds % 86_400
    if rest < 0 { rest += 86_400; days -= 1 }
    var year = 1970
    while days < 0 { year -= 1; days += isLeapYear(year) ? 366 : 365 }
    while days >= (isLeapYear(year) ? 366 : 365) { days -= isLeapYear(year) ? 366 : 365; year += 1 }
    var month = 1
    for length in monthLengths(year) {
        if days < length { break }
        days -= length
        month += 1
    }
    return (year, month, days + 1, rest / 3600, rest / 60 % 60, rest % 60)
}

private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

private func three(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }

/// Seconds since the epoch of a UTC civil time with milliseconds, as the parser is specified to
/// round: a whole number of milliseconds divided by 1000.
private func naiveMillis(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ ms: Int = 0) -> Double {
    let seconds: Int = naiveDays(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    let millis: Int = seconds * 1000 + ms
    return Double(millis) / 1000
}

/// Reads `text` through the byte entry point.
private func read(_ text: String, _ format: TimeFormat = .auto, _ order: DateOrder = .auto) throws(Timestamp.Failure) -> TimeReading {
    var text = text
    return try text.withUTF8 { b in Result { () throws(Timestamp.Failure) in try Timestamp.read(b, format: format, order: order) } }.get()
}

private func pattern(_ text: String) -> TimeFormat {
    guard let format = TimeFormat(argument: text) else { Issue.record("pattern \(text) refused"); return .auto }
    return format
}

private let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
private let monthFullNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
private let weekdayAbbreviations = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

/// Monday = 0; 1970-01-01 was a Thursday.
private func naiveWeekday(_ y: Int, _ mo: Int, _ d: Int) -> Int { ((naiveDays(y, mo, d) % 7) + 7 + 3) % 7 }

/// A text and the instant it names, worked out by hand in UTC and computed with the naive calendar.
struct TimeCase: Sendable, CustomTestStringConvertible {
    let text: String
    let expected: Double
    init(_ text: String, _ expected: Double) { self.text = text; self.expected = expected }
    var testDescription: String { "\"\(text)\"" }
}

struct TimestampTests {
    // The anchor the documentation uses, and two well-known instants.
    static let anchor = 1_741_079_700.0  // 2025-03-04T09:15:00Z

    @Test func independentCalendarAgreesWithKnownInstants() {
        #expect(naiveSeconds(2025, 3, 4, 9, 15) == Self.anchor)
        #expect(naiveSeconds(2000, 1, 1) == 946_684_800)
        #expect(naiveSeconds(1900, 1, 1) == -2_208_988_800)
        #expect(naiveSeconds(2038, 1, 19, 3, 14, 8) == 2_147_483_648)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` is read at fixed places; the same instant written with `+00:00`
    /// takes the general path. Both give the same value, or the same refusal, for fields in
    /// and out of range (month 13, February 30, hour 24, second 60 and 61, years out of range,
    /// a letter among the digits) and against the independent calendar.
    @Test func fixedPlaceISOAgreesWithTheGeneralPath() {
        var rng = SplitMix64(seed: 17)
        func pick(_ values: [Int]) -> Int { values[Int(rng.next() % UInt64(values.count))] }
        for _ in 0..<4000 {
            let year = pick([1899, 1900, 1970, 1999, 2000, 2024, 2100, 2199, 2200, Int(1900 + rng.next() % 300)])
            let month = pick([0, 1, 2, 6, 12, 13, Int(1 + rng.next() % 12)])
            let day = pick([0, 1, 28, 29, 30, 31, 32, Int(1 + rng.next() % 28)])
            let hour = pick([0, 9, 23, 24, Int(rng.next() % 24)])
            let minute = pick([0, 59, 60, Int(rng.next() % 60)])
            let second = pick([0, 59, 60, 61, Int(rng.next() % 60)])
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            var body = "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
            if rng.next() % 50 == 0 { body = body.replacingOccurrences(of: "1", with: "l") }
            let fixed = Result { () throws(Timestamp.Failure) in try Timestamp.parse(body + "Z") }
            let general = Result { () throws(Timestamp.Failure) in try Timestamp.parse(body + "+00:00") }
            #expect(fixed == general, "\(body)")
            if case .success(let value) = fixed, (1...12).contains(month), day >= 1, day <= 28, second < 60 {
                #expect(value == naiveSeconds(year, month, day, hour, minute, second), "\(body)")
            }
        }
    }

    /// The word-at-a-time reading of `YYYY-MM-DDTHH:MM:SSZ` (`Timestamp.utcISOSeconds`) takes
    /// a field only where the general path reads the same instant written with `+00:00`, for
    /// any one byte of a valid field replaced by any other (a digit out of range, a separator
    /// moved, a byte above 0x7F), and takes every field of the form that path reads.
    @Test func wordReadISOTakesOnlyWhatTheGeneralPathReads() {
        var rng = SplitMix64(seed: 23)
        for round in 0..<20_000 {
            let year = Int(1899 + rng.next() % 302), month = Int(1 + rng.next() % 12), day = Int(1 + rng.next() % 31)
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            var body = Array(
                "\(year)-\(two(month))-\(two(day))T\(two(Int(rng.next() % 24))):\(two(Int(rng.next() % 60))):\(two(Int(rng.next() % 61)))"
                    .utf8)
            if round % 2 == 0 { body[Int(rng.next() % 19)] = UInt8(truncatingIfNeeded: rng.next()) }
            let fast = (body + [0x5A]).withUnsafeBufferPointer { Timestamp.utcISOSeconds($0) }
            let general = (body + Array("+00:00".utf8)).withUnsafeBufferPointer { b in
                Result { () throws(Timestamp.Failure) in try Timestamp.read(b, format: .auto, order: .auto) }
            }
            switch (fast, general) {
            case (let v?, .success(.exact(let w))): #expect(v == w, "\(body)")
            case (nil, .success(.exact)) where round % 2 == 1:
                Issue.record("\(body): the general path reads it, the word reading does not")
            case (nil, _): break
            default: Issue.record("\(body): the word reading gives \(String(describing: fast)), the general path \(general)")
            }
        }
    }

    /// Fields read one after the other with the day of the one before kept
    /// (`Timestamp.DayCache`) give what each gives read alone: runs of one day with clocks in
    /// and out of range, a day that does not exist after one that does and before it again,
    /// any one byte of a field replaced, other forms between.
    @Test func cachedDayReadsAsEachFieldAlone() {
        var rng = SplitMix64(seed: 31)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var day = "2024-03-01"
        var cache = Timestamp.DayCache()
        for round in 0..<30_000 {
            switch rng.next() % 40 {
            case 0: day = "2024-02-30"  // no such day
            case 1: day = "\(1899 + rng.next() % 302)-\(two(Int(rng.next() % 14)))-\(two(Int(rng.next() % 33)))"
            case 2, 3: day = "2024-03-\(two(Int(1 + rng.next() % 31)))"
            default: break
            }
            let clock = "\(two(Int(rng.next() % 25))):\(two(Int(rng.next() % 61))):\(two(Int(rng.next() % 62)))"
            var field = Array("\(day)\(rng.next() % 9 == 0 ? "t" : "T")\(clock)Z".utf8)
            if rng.next() % 10 == 0 { field[Int(rng.next() % 20)] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 50 == 0 { field = Array("2024-03-01 10:00:00".utf8) }
            let alone = field.withUnsafeBufferPointer { b in
                Result { () throws(Timestamp.Failure) in try Timestamp.read(b, format: .auto, order: .auto) }
            }
            let cached = field.withUnsafeBufferPointer { b in
                Result { () throws(Timestamp.Failure) in try Timestamp.read(b, format: .auto, order: .auto, cache: &cache) }
            }
            #expect(cached == alone, "round \(round): \(String(decoding: field, as: UTF8.self))")
        }
    }

    @Test func isoDates() throws {
        #expect(try Timestamp.parse("2025-03-04") == Self.anchor - (9 * 3600 + 15 * 60))
        #expect(try Timestamp.parse("1970-01-01") == 0)
        #expect(try Timestamp.parse("1969-12-31") == -86_400)
        #expect(try Timestamp.parse("2000-03-01") == naiveSeconds(2000, 3, 1))
        #expect(try Timestamp.parse("1900-01-01") == naiveSeconds(1900, 1, 1))
        #expect(try Timestamp.parse("2199-12-31") == naiveSeconds(2199, 12, 31))
        #expect(try Timestamp.parse("1999-12-31") == 946_684_800 - 86_400)
    }

    @Test(arguments: [
        "2025-03-04T09:15:00Z", "2025-03-04T09:15:00", "2025-03-04 09:15:00", "2025-03-04T09:15",
        "2025-03-04 09:15", "2025-03-04t09:15:00z", "2025-03-04T09:15:00+00:00", "2025-03-04T09:15:00-0000",
        "2025-03-04T11:15:00+02:00", "2025-03-04T11:15:00+0200", "2025-03-04T11:15+02", "2025-03-04T04:15:00-05",
        "2025-03-04T04:15:00-05:00", "2025-03-04T03:45:00-05:30", "2025-03-04T14:45:00+05:30",
        "2025-03-04T09:15:00.000Z",
    ])
    func dateTimesOfTheAnchor(text: String) throws {
        #expect(try Timestamp.parse(text) == Self.anchor)
    }

    @Test func zoneCrossesMidnight() throws {
        // 00:30 at +02:00 is 22:30 UTC the day before.
        #expect(try Timestamp.parse("2025-03-05T00:30:00+02:00") == naiveSeconds(2025, 3, 4, 22, 30))
        // 21:00 at -05 is 02:00 UTC the day after.
        #expect(try Timestamp.parse("2024-12-31T21:00:00-05") == naiveSeconds(2025, 1, 1, 2, 0))
    }

    @Test func fractionalSeconds() throws {
        let half = try Timestamp.parse("2025-03-04T09:15:00.5Z")
        #expect(half == Self.anchor + 0.5)
        #expect(try Timestamp.parse("2025-03-04 09:15:00.250") == Self.anchor + 0.25)
        #expect(try Timestamp.parse("2025-03-04T09:15:00,75") == Self.anchor + 0.75)
        // Rounded to the millisecond: .123456 is .123, .9996 carries into the next second.
        #expect(try Timestamp.parse("2025-03-04T09:15:07.123456+01:00") == naiveMillis(2025, 3, 4, 8, 15, 7, 123))
        #expect(try Timestamp.parse("2025-03-04T09:15:07.9996Z") == naiveMillis(2025, 3, 4, 9, 15, 8))
        #expect(try Timestamp.parse("2025-03-04T09:15:07.0005Z") == naiveMillis(2025, 3, 4, 9, 15, 7, 1))
    }

    @Test func unixSeconds() throws {
        #expect(try Timestamp.parse("1741079700") == Self.anchor)
        #expect(try Timestamp.parse("1741079700.5") == Self.anchor + 0.5)
        #expect(try Timestamp.parse("1741079700.25") == Self.anchor + 0.25)
        #expect(try Timestamp.parse("946684800") == naiveSeconds(2000, 1, 1))
        #expect(try Timestamp.parse("100000000") == naiveSeconds(1973, 3, 3, 9, 46, 40))
        // Small and negative numbers are Unix seconds only when asked for.
        for (text, value) in [
            ("0", 0.0), ("86400", 86_400), ("-86400", -86_400), ("-2208988800", naiveSeconds(1900, 1, 1)),
            ("99999999", 99_999_999), ("12.5", 12.5), ("000000001", 1),
        ] {
            #expect(throws: Timestamp.Failure.plainNumber, "\(text)") { try Timestamp.parse(text) }
            #expect(try read(text, .unixSeconds) == .exact(value), "\(text)")
        }
        #expect(throws: Timestamp.Failure.outOfRange) { try read("-2208988801", .unixSeconds) }
        #expect(throws: Timestamp.Failure.outOfRange) { try read("7258118400", .unixSeconds) }
        #expect(try read(" 12 ", .unixSeconds) == .exact(12))
        #expect(try read("1741079700.0004", .unixSeconds) == .exact(Self.anchor))
        for bad in ["1e9", "", "1.", ".5", "+1", "0x10", "1,5", "--1"] {
            #expect(throws: Timestamp.Failure.unparsable, "\(bad)") { try read(bad, .unixSeconds) }
        }
    }

    @Test func leapDays() throws {
        #expect(try Timestamp.parse("2024-02-29") == naiveSeconds(2024, 2, 29))
        #expect(try Timestamp.parse("2024-02-29") == naiveSeconds(2024, 2, 28) + 86_400)
        #expect(try Timestamp.parse("2024-03-01") == naiveSeconds(2024, 2, 29) + 86_400)
        #expect(try Timestamp.parse("2000-02-29") == naiveSeconds(2000, 2, 29))
        #expect(try Timestamp.parse("2023-03-01") == naiveSeconds(2023, 2, 28) + 86_400)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2100-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
        "2025-04-31", "2025-06-31", "2025-03-04T24:00", "2025-03-04T09:60", "2025-03-04T09:15:61",
        "2025-03-04T09:15:00+24:00", "2025-03-04T09:15:00+02:60", "2025-03-04T09:15:00+2", "2025-03-04T09:15:00Z+01",
        "2025-03-04T09:15:00.", "2025-03-04T09:15:00.Z", "2025-03-04T09", "2025-03-04T",
        "2025-03-04Z", "2025-03-04TT09:15", "2025-03-04 09:15 junk", "", "   ", "abc", "12.", "1e9", "0x10", "1,5", "+5",
        "20240230", "20240231T0933", "2024-13-01", "13/13/2024", "00/00/2024", "2024-03-04 25:00", "2024-03-04 09:15 PMX",
        "3/4/2024 13:00 PM", "3/4/2024 0:30 AM", "09:33", "Mar 2024", "Foo 4, 2024", "Mon, 32 Mar 2024 09:33:00 GMT",
        "Wed Jun 01 00:08:02 +0000", "Wed Jun 01 00:08:02 +0000 16", "1.2.3.4", "3/4-2024", "3/4/202", "2024-03/04",
        "2024-03-04 09:33 XYZ", "2024-03-04 09:33:00 UTC+", "4 Mar", "Mar 4", "04-Mar 2024", "Thursday",
    ])
    func unparsable(text: String) {
        #expect(throws: Timestamp.Failure.unparsable) { try Timestamp.parse(text) }
    }

    @Test(arguments: [
        "1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31", "1899-12-31T23:59:59Z", "2199-12-31T23:00:00-05:00",
        "1900-01-01T01:00:00+02:00", "7258118400", "9999999999", "99999999999", "1234567890123456", "31/12/1899", "Mar 4, 1899",
        "1 Jan 2200", "31.12.1899", "9999999999999",
    ])
    func outOfRange(text: String) {
        #expect(throws: Timestamp.Failure.outOfRange) { try Timestamp.parse(text) }
    }

    @Test func rangeEdgesInside() throws {
        #expect(try Timestamp.parse("7258118399") == naiveSeconds(2199, 12, 31, 23, 59, 59))
        #expect(try Timestamp.parse("2199-12-31T23:59:59Z") == 7_258_118_399)
        #expect(try Timestamp.parse("1900-01-01T00:00:00Z") == -2_208_988_800)
    }

    @Test(arguments: ["1741079700000", "1741079700123", "1741079700000.5", "1000000000000", "174107970000"])
    func milliseconds(text: String) {
        #expect(throws: Timestamp.Failure.milliseconds) { try Timestamp.parse(text) }
    }

    @Test func failureDescriptions() {
        #expect(Timestamp.Failure.milliseconds.description.hasSuffix("--time-format ms"))
        #expect(Timestamp.Failure.outOfRange.description.contains("1900"))
        let plain = Timestamp.Failure.plainNumber.description
        #expect(plain.contains("spreadsheet") && plain.contains("Unix seconds"))
        #expect(plain.contains("--time-format excel") && plain.contains("--time-format unix"))
        #expect(Timestamp.Failure.ambiguousOrder.description.contains("--date-order day-first"))
        #expect(Timestamp.Failure.patternMismatch("%d.%m.%Y").description.contains("\"%d.%m.%Y\""))
        for failure in [Timestamp.Failure.unparsable, .outOfRange, .milliseconds, .plainNumber, .ambiguousOrder, .patternMismatch("%Y")] {
            let text = failure.description
            #expect(text.first?.isLowercase == true, "\(text)")
            #expect(text.contains("--"), "\(text) names no flag")
        }
    }

    @Test func iso8601OfKnownInstants() {
        #expect(Timestamp.iso8601(Self.anchor) == "2025-03-04T09:15:00Z")
        #expect(Timestamp.iso8601(Self.anchor + 0.999) == "2025-03-04T09:15:00Z")
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(-0.5) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(-2_208_988_800) == "1900-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(7_258_118_399) == "2199-12-31T23:59:59Z")
        #expect(Timestamp.iso8601(naiveSeconds(2024, 2, 29, 23, 59, 59)) == "2024-02-29T23:59:59Z")
    }

    /// Random instants from 1900 to 2199: the text matches an independent calendar, and parsing
    /// it gives the instant back (to the whole second, since fractions are dropped).
    @Test func iso8601RoundTripsOverRandomInstants() throws {
        var rng = SplitMix64(seed: 0x5EED_1900_2199)
        let earliest = -2_208_988_800.0, latest = 7_258_118_400.0
        var failures = 0
        for k in 0..<3000 {
            var seconds = Double.random(in: earliest..<latest, using: &rng)
            if k % 3 == 0 { seconds = seconds.rounded(.down) }  // whole seconds too
            let text = Timestamp.iso8601(seconds)
            let whole = Int(seconds.rounded(.down))
            let c = naiveCivil(whole)
            let expected = "\(c.y)-\(two(c.mo))-\(two(c.d))T\(two(c.h)):\(two(c.mi)):\(two(c.s))Z"
            let back = try Timestamp.parse(text)
            if text != expected || back != Double(whole) {
                failures += 1
                if failures <= 5 { Issue.record("\(seconds): \(text), expected \(expected); parsed back \(back)") }
            }
        }
        #expect(failures == 0)
    }

    /// Random civil date-times with a random zone parse to the independently computed instant.
    @Test func randomDateTimesWithZones() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let y = Int.random(in: 1901...2198, using: &rng)
            let mo = Int.random(in: 1...12, using: &rng)
            let d = Int.random(in: 1...monthLengths(y)[mo - 1], using: &rng)
            let h = Int.random(in: 0...23, using: &rng), mi = Int.random(in: 0...59, using: &rng)
            let s = Int.random(in: 0...59, using: &rng)
            let zh = Int.random(in: 0...14, using: &rng), zm = [0, 30, 45].randomElement(using: &rng)!
            let east = Bool.random(using: &rng)
            let style = Int.random(in: 0..<3, using: &rng)
            let zone: String
            switch style {
            case 0: zone = "\(east ? "+" : "-")\(two(zh)):\(two(zm))"
            case 1: zone = "\(east ? "+" : "-")\(two(zh))\(two(zm))"
            default: zone = "Z"
            }
            let separator = Bool.random(using: &rng) ? "T" : " "
            let text = "\(y)-\(two(mo))-\(two(d))\(separator)\(two(h)):\(two(mi)):\(two(s))\(zone)"
            let offset = style == 2 ? 0 : (east ? 1 : -1) * (zh * 3600 + zm * 60)
            let expected = naiveSeconds(y, mo, d, h, mi, s) - Double(offset)
            let parsed = try Timestamp.parse(text)
            #expect(parsed == expected, "\(text)")
            if parsed != expected { return }
        }
    }
}

// MARK: - The forms `.auto` accepts

extension TimestampTests {
    /// 2024-03-04T09:33:00Z, the instant most rows below name, and with milliseconds.
    static let t = naiveMillis(2024, 3, 4, 9, 33)

    static let autoForms: [TimeCase] = [
        // ISO 8601 and variants
        TimeCase("2024-03-04", naiveMillis(2024, 3, 4)),
        TimeCase("2024-03-04T09:33:00", t),
        TimeCase("2024-03-04 09:33:00", t),
        TimeCase("2024-03-04 9:33:00", t),
        TimeCase("2024-3-4 9:33", t),
        TimeCase("2024-03-04T09:33", t),
        TimeCase("2024-03-04 9:5:7", naiveMillis(2024, 3, 4, 9, 5, 7)),
        TimeCase("2024-03-04T09:33:00Z", t),
        TimeCase("2024-03-04t09:33:00z", t),
        TimeCase("2024-03-04T09:33:00.123Z", naiveMillis(2024, 3, 4, 9, 33, 0, 123)),
        TimeCase("2024-03-04T09:33:00,5", naiveMillis(2024, 3, 4, 9, 33, 0, 500)),
        TimeCase("2024-03-04T09:33:00.1234567", naiveMillis(2024, 3, 4, 9, 33, 0, 123)),
        TimeCase("2024-03-04T09:33:00.9996Z", naiveMillis(2024, 3, 4, 9, 33, 1)),
        TimeCase("2024-03-04T09:33:00 UTC", t),
        TimeCase("2024-03-04 09:33:00UTC", t),
        TimeCase("2024-03-04 09:33:00 GMT", t),
        TimeCase("2024-03-04 09:33:00 Z", t),
        TimeCase("2024-03-04T11:33:00+02:00", t),
        TimeCase("2024-03-04T11:33:00+0200", t),
        TimeCase("2024-03-04T11:33:00+02", t),
        TimeCase("2024-03-04 11:33:00 +02:00", t),
        TimeCase("2024-03-04T04:03:00-05:30", t),
        TimeCase("2024-03-04T11:33:00 UTC+2", t),
        TimeCase("2024-03-04T04:03:00 GMT-05:30", t),
        TimeCase("2024-03-04T04:33:00UTC-0500", t),
        TimeCase("2024-03-04 09:33 PM", naiveMillis(2024, 3, 4, 21, 33)),
        TimeCase("2024-03-04 09:33AM", t),
        TimeCase("2024-03-04 12:05 am", naiveMillis(2024, 3, 4, 0, 5)),
        TimeCase("2024-03-04 12:05 PM", naiveMillis(2024, 3, 4, 12, 5)),
        TimeCase("2024-03-04 11:33 AM +02:00", t),
        TimeCase("2024-03-04 9:33:00 PM UTC", naiveMillis(2024, 3, 4, 21, 33)),
        TimeCase("20240304", naiveMillis(2024, 3, 4)),
        TimeCase("20240304T093300", t),
        TimeCase("20240304T093300Z", t),
        TimeCase("20240304t0933", t),
        TimeCase("20240304T113300+0200", t),
        TimeCase("20240304T093300.250Z", naiveMillis(2024, 3, 4, 9, 33, 0, 250)),
        TimeCase("2024/03/04", naiveMillis(2024, 3, 4)),
        TimeCase("2024/3/4 09:33", t),
        TimeCase("  2024-03-04T09:33:00Z\t", t),
        TimeCase("1900-01-01", naiveMillis(1900, 1, 1)),
        TimeCase("2199-12-31T23:59:59.999Z", naiveMillis(2199, 12, 31, 23, 59, 59, 999)),
        // RFC 2822
        TimeCase("Mon, 04 Mar 2024 09:33:00 +0000", t),
        TimeCase("04 Mar 2024 09:33:00 +0000", t),
        TimeCase("Mon, 4 Mar 2024 09:33 GMT", t),
        TimeCase("Mon, 04 Mar 2024 09:33:00 UT", t),
        TimeCase("Mon, 04 Mar 2024 09:33:00 UTC", t),
        TimeCase("Mon, 04 Mar 2024 09:33:00 Z", t),
        TimeCase("Mon, 04 Mar 2024 11:33:00 +0200", t),
        TimeCase("Mon, 04 Mar 2024 04:03:00 -0530", t),
        TimeCase("Mon, 04 Mar 2024 04:33:00 EST", t),
        TimeCase("Mon, 04 Mar 2024 05:33:00 EDT", t),
        TimeCase("Mon, 04 Mar 2024 03:33:00 CST", t),
        TimeCase("Mon, 04 Mar 2024 04:33:00 CDT", t),
        TimeCase("Mon, 04 Mar 2024 02:33:00 MST", t),
        TimeCase("Mon, 04 Mar 2024 03:33:00 MDT", t),
        TimeCase("Mon, 04 Mar 2024 01:33:00 PST", t),
        TimeCase("Mon, 04 Mar 2024 02:33:00 pdt", t),
        TimeCase("Monday, 04 March 2024 09:33:00 -0000", t),
        TimeCase("Sun, 03 Mar 2024 23:33:00 -1000", t),
        // Twitter and ctime
        TimeCase("Wed Jun 01 00:08:02 +0000 2016", naiveMillis(2016, 6, 1, 0, 8, 2)),
        TimeCase("Wed Jun 01 02:08:02 +0200 2016", naiveMillis(2016, 6, 1, 0, 8, 2)),
        TimeCase("Tue May 31 19:08:02 -0500 2016", naiveMillis(2016, 6, 1, 0, 8, 2)),
        TimeCase("Wed Jun  1 00:08:02 2016", naiveMillis(2016, 6, 1, 0, 8, 2)),
        TimeCase("Jun 01 00:08:02 +0000 2016", naiveMillis(2016, 6, 1, 0, 8, 2)),
        // Month names
        TimeCase("Mar 4, 2024", naiveMillis(2024, 3, 4)),
        TimeCase("March 4, 2024 9:33 AM", t),
        TimeCase("March 4, 2024 9:33 PM", naiveMillis(2024, 3, 4, 21, 33)),
        TimeCase("MARCH 4, 2024, 9:33 AM", t),
        TimeCase("mar 04 2024", naiveMillis(2024, 3, 4)),
        TimeCase("Mar. 4, 2024", naiveMillis(2024, 3, 4)),
        TimeCase("Sept 4, 2024", naiveMillis(2024, 9, 4)),
        TimeCase("Mon, Mar 4, 2024", naiveMillis(2024, 3, 4)),
        TimeCase("Monday, March 4, 2024 09:33", t),
        TimeCase("Mar 4, 24", naiveMillis(2024, 3, 4)),
        TimeCase("4 Mar 2024", naiveMillis(2024, 3, 4)),
        TimeCase("4 March 2024 09:33:00", t),
        TimeCase("04-Mar-2024 09:33", t),
        TimeCase("04-Mar-24", naiveMillis(2024, 3, 4)),
        TimeCase("4-mar-99", naiveMillis(1999, 3, 4)),
        TimeCase("04/Mar/2024:11:33:00 +0200", t),
        TimeCase("29 Feb 2000", naiveMillis(2000, 2, 29)),
        // Dot dates: day first
        TimeCase("04.03.2024", naiveMillis(2024, 3, 4)),
        TimeCase("4.3.2024 9:33", t),
        TimeCase("04.03.24 09:33:00", t),
        TimeCase("13.03.2024", naiveMillis(2024, 3, 13)),
        // Unix seconds
        TimeCase("1709544780", t),
        TimeCase("1709544780.5", naiveMillis(2024, 3, 4, 9, 33, 0, 500)),
        TimeCase("1709544780.1234", naiveMillis(2024, 3, 4, 9, 33, 0, 123)),
        TimeCase("100000000", naiveMillis(1973, 3, 3, 9, 46, 40)),
        TimeCase("7258118399", naiveMillis(2199, 12, 31, 23, 59, 59)),
    ]

    @Test(arguments: autoForms)
    func autoForm(_ c: TimeCase) throws {
        #expect(try read(c.text) == .exact(c.expected))
        // The same under either explicit order, and through the String convenience.
        #expect(try read(c.text, .auto, .dayFirst) == .exact(c.expected))
        #expect(try read(c.text, .auto, .monthFirst) == .exact(c.expected))
        #expect(try Timestamp.parse(c.text) == c.expected)
    }

    @Test func dotDatesIgnoreTheMonthFirstOrder() throws {
        #expect(try read("04.03.2024", .auto, .monthFirst) == .exact(naiveMillis(2024, 3, 4)))
    }

    @Test(arguments: [
        ("45355.604", Timestamp.Failure.plainNumber), ("0", .plainNumber), ("45355", .plainNumber), ("86400", .plainNumber),
        ("1234567", .plainNumber), ("-86400", .plainNumber), ("-1709544780", .plainNumber), ("99999999", .plainNumber),
        ("20240304.5", .plainNumber), ("000000001", .plainNumber), ("2024", .plainNumber),
        ("20240230", .unparsable), ("2024-13-01", .unparsable), ("13/13/2024", .unparsable), ("garbage", .unparsable),
        ("1741079700000", .milliseconds), ("174107970000", .milliseconds), ("2200-01-01", .outOfRange),
    ])
    func autoRefusals(text: String, failure: Timestamp.Failure) {
        #expect(throws: failure) { try read(text) }
    }

    /// A misread number never becomes a date in 1970.
    @Test func smallNumbersAreNeverDatesIn1970() {
        for n in [0, 1, 59, 60, 86_400, 45_355, 1_000_000, 9_999_999, 12_345_678, 99_999_999] {
            #expect(throws: Timestamp.Failure.plainNumber, "\(n)") { try read(String(n)) }
        }
    }
}

// MARK: - Day and month order

extension TimestampTests {
    @Test func eitherOrder() throws {
        #expect(try read("03/04/2024") == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4), dayFirst: naiveMillis(2024, 4, 3)))
        #expect(try read("13/03/2024") == .eitherOrder(monthFirst: nil, dayFirst: naiveMillis(2024, 3, 13)))
        #expect(try read("03/13/2024") == .eitherOrder(monthFirst: naiveMillis(2024, 3, 13), dayFirst: nil))
        #expect(try read("04/04/2024") == .eitherOrder(monthFirst: naiveMillis(2024, 4, 4), dayFirst: naiveMillis(2024, 4, 4)))
        #expect(try read("03-04-2024") == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4), dayFirst: naiveMillis(2024, 4, 3)))
        #expect(
            try read("3/4/2024 9:33") == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4, 9, 33), dayFirst: naiveMillis(2024, 4, 3, 9, 33)))
        #expect(
            try read("3/4/2024 9:33:00 PM")
                == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4, 21, 33), dayFirst: naiveMillis(2024, 4, 3, 21, 33)))
        #expect(
            try read("3/4/2024, 9:33 AM")
                == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4, 9, 33), dayFirst: naiveMillis(2024, 4, 3, 9, 33)))
        #expect(
            try read("3/4/2024 11:33 +02:00")
                == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4, 9, 33), dayFirst: naiveMillis(2024, 4, 3, 9, 33)))
        // Two-digit years pivot as strptime's %y does.
        #expect(try read("3/4/24") == .eitherOrder(monthFirst: naiveMillis(2024, 3, 4), dayFirst: naiveMillis(2024, 4, 3)))
        #expect(try read("3/4/69") == .eitherOrder(monthFirst: naiveMillis(1969, 3, 4), dayFirst: naiveMillis(1969, 4, 3)))
        #expect(try read("3/4/68") == .eitherOrder(monthFirst: naiveMillis(2068, 3, 4), dayFirst: naiveMillis(2068, 4, 3)))
        // A two-digit year after dashes could be year-first: refused (twoDigitYearsAfterDashesAreRefused).
        #expect(throws: Timestamp.Failure.unparsable) { try read("25-03-04") }
        // February 29 exists only in leap years.
        #expect(throws: Timestamp.Failure.unparsable) { try read("02/29/2023") }
        #expect(throws: Timestamp.Failure.unparsable) { try read("29/02/2023") }
        #expect(try read("02/29/2024") == .eitherOrder(monthFirst: naiveMillis(2024, 2, 29), dayFirst: nil))
    }

    @Test func explicitOrderIsExact() throws {
        #expect(try read("03/04/2024", .auto, .dayFirst) == .exact(naiveMillis(2024, 4, 3)))
        #expect(try read("03/04/2024", .auto, .monthFirst) == .exact(naiveMillis(2024, 3, 4)))
        #expect(try read("13/03/2024", .auto, .dayFirst) == .exact(naiveMillis(2024, 3, 13)))
        #expect(try read("04/04/2024", .auto, .monthFirst) == .exact(naiveMillis(2024, 4, 4)))
        #expect(throws: Timestamp.Failure.unparsable) { try read("13/03/2024", .auto, .monthFirst) }
        #expect(throws: Timestamp.Failure.unparsable) { try read("03/13/2024", .auto, .dayFirst) }
    }

    @Test func parseSettlesOnlyUnambiguousOrders() throws {
        #expect(throws: Timestamp.Failure.ambiguousOrder) { try Timestamp.parse("03/04/2024") }
        #expect(try Timestamp.parse("13/03/2024") == naiveMillis(2024, 3, 13))
        #expect(try Timestamp.parse("03/13/2024") == naiveMillis(2024, 3, 13))
        #expect(try Timestamp.parse("04/04/2024") == naiveMillis(2024, 4, 4))
    }

    @Test func dateOrderArguments() {
        #expect(DateOrder(rawValue: "day-first") == .dayFirst)
        #expect(DateOrder(rawValue: "month-first") == .monthFirst)
        #expect(DateOrder.allCases.map(\.rawValue) == ["auto", "day-first", "month-first"])
    }
}

// MARK: - Explicit formats

extension TimestampTests {
    @Test func formatArguments() {
        #expect(TimeFormat(argument: "auto") == .auto)
        #expect(TimeFormat(argument: "unix") == .unixSeconds)
        #expect(TimeFormat(argument: "ms") == .unixMilliseconds)
        #expect(TimeFormat(argument: "excel") == .excel)
        for text in [
            "auto", "unix", "ms", "excel", "%d/%m/%Y %H:%M", "%Y%m%d", "%s", "%s.%f", "%Y-%j", "%e %b %y",
            "%Y-%m-%dT%H:%M:%S.%f%z", "%a, %d %b %Y %H:%M:%S %Z", "%m/%d/%Y %I:%M %p", "100%% %Y-%m-%d",
        ] {
            #expect(TimeFormat(argument: text)?.description == text, "\(text)")
        }
        for bad in [
            "", "seconds", "Excel", "%", "%Q", "%d/%m", "%Y-%m", "%Y-%m-%d %I:%M", "%Y-%m-%d %H:%M %p",
            "%Y %Y %m %d", "%Y-%m-%d %M", "%Y-%m-%d %H:%S", "%Y-%m-%d %H:%M.%f", "%Y %y %m %d", "%Y %m %b %d",
            "%Y %j %m", "%s %Y", "%Y-%m-%d %z %Z", "%Y-%m-%d %H %H",
        ] {
            #expect(TimeFormat(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func unixMilliseconds() throws {
        #expect(try read("1741079700000", .unixMilliseconds) == .exact(Self.anchor))
        #expect(try read("1741079700123", .unixMilliseconds) == .exact(Self.anchor + 0.123))
        #expect(try read("1741079700000.5", .unixMilliseconds) == .exact(Self.anchor + 0.001))
        #expect(try read("-1000", .unixMilliseconds) == .exact(-1))
        #expect(try read("0", .unixMilliseconds) == .exact(0))
        #expect(throws: Timestamp.Failure.outOfRange) { try read("7258118400000", .unixMilliseconds) }
        #expect(throws: Timestamp.Failure.unparsable) { try read("2024-03-04", .unixMilliseconds) }
    }

    @Test func excelSerialDays() throws {
        #expect(try read("45355.604", .excel) == .exact(naiveMillis(2024, 3, 4, 14, 29, 45, 600)))
        #expect(try read("45355", .excel) == .exact(naiveMillis(2024, 3, 4)))
        #expect(try read("45355.5", .excel) == .exact(naiveMillis(2024, 3, 4, 12)))
        #expect(try read("25569", .excel) == .exact(0))
        #expect(try read("1", .excel) == .exact(naiveMillis(1900, 1, 1)))
        #expect(try read("59", .excel) == .exact(naiveMillis(1900, 2, 28)))
        #expect(try read("61", .excel) == .exact(naiveMillis(1900, 3, 1)))
        #expect(try read("109574.5", .excel) == .exact(naiveMillis(2199, 12, 31, 12)))
        #expect(throws: Timestamp.Failure.unparsable) { try read("60", .excel) }  // 1900-02-29 never was
        #expect(throws: Timestamp.Failure.unparsable) { try read("60.5", .excel) }
        for low in ["0", "0.5", "-1", "109575"] {
            #expect(throws: Timestamp.Failure.outOfRange, "\(low)") { try read(low, .excel) }
        }
        #expect(throws: Timestamp.Failure.unparsable) { try read("3/4/2024", .excel) }
    }

    @Test(
        arguments: [
            ("%d.%m.%Y %H:%M", "04.03.2024 09:33", naiveMillis(2024, 3, 4, 9, 33)),
            ("%d.%m.%Y %H:%M", "4.3.2024   9:33", naiveMillis(2024, 3, 4, 9, 33)),
            ("%d.%m.%Y %H:%M", " 04.03.2024 09:33 ", naiveMillis(2024, 3, 4, 9, 33)),
            ("%Y%m%d", "20240304", naiveMillis(2024, 3, 4)),
            ("%Y%m%d", "18991231", nil),
            ("%b %d %Y %I:%M %p", "Mar 04 2024 09:33 PM", naiveMillis(2024, 3, 4, 21, 33)),
            ("%b %d %Y %I:%M %p", "march 4 2024 12:00 am", naiveMillis(2024, 3, 4)),
            ("%Y-%j", "2024-064", naiveMillis(2024, 3, 4)),
            ("%Y-%j", "2023-365", naiveMillis(2023, 12, 31)),
            ("%Y-%j", "2024-366", naiveMillis(2024, 12, 31)),
            ("%Y-%m-%dT%H:%M:%S.%f%z", "2024-03-04T11:33:00.25+02:00", naiveMillis(2024, 3, 4, 9, 33, 0, 250)),
            ("%Y-%m-%dT%H:%M:%S%z", "2024-03-04t09:33:00Z", naiveMillis(2024, 3, 4, 9, 33)),
            ("%Y-%m-%d %H:%M:%S %z", "2024-03-04 04:33:00 -0500", naiveMillis(2024, 3, 4, 9, 33)),
            ("%s", "1709544780", naiveMillis(2024, 3, 4, 9, 33)),
            ("%s.%f", "-1.5", -1.5),
            ("%d/%m/%y %Z", "04/03/24 UTC", naiveMillis(2024, 3, 4)),
            ("%a %e %B %Y", "Mon  4 March 2024", naiveMillis(2024, 3, 4)),
            ("%A, %d %h %Y", "monday, 04 mar 2024", naiveMillis(2024, 3, 4)),
            ("100%% %Y-%m-%d", "100% 2024-03-04", naiveMillis(2024, 3, 4)),
        ] as [(String, String, Double?)])
    func patterns(format: String, text: String, expected: Double?) throws {
        let f = pattern(format)
        if let expected {
            #expect(try read(text, f) == .exact(expected))
            #expect(try read(text, f, .monthFirst) == .exact(expected))
        } else {
            #expect(throws: Timestamp.Failure.outOfRange) { try read(text, f) }
        }
    }

    @Test(arguments: [
        ("%d.%m.%Y %H:%M", "2024-03-04 09:33"), ("%d.%m.%Y %H:%M", "31.02.2024 00:00"), ("%d.%m.%Y %H:%M", "04.13.2024 09:33"),
        ("%d.%m.%Y %H:%M", "04.03.2024 24:00"), ("%d.%m.%Y %H:%M", "04.03.202409:33"),
        ("%Y%m%d", "202403"), ("%Y%m%d", "20240304x"), ("%b %d %Y %I:%M %p", "Mar 04 2024 13:33 PM"),
        ("%b %d %Y %I:%M %p", "Mrz 04 2024 09:33 PM"), ("%Y-%j", "2023-366"), ("%Y-%j", "2024-000"), ("%Y-%m-%d %z", "2024-03-04 +2"),
        ("%d/%m/%y %Z", "04/03/24 CET"), ("%s", "abc"), ("%a %e %B %Y", "Xyz 4 March 2024"),
    ])
    func patternMismatch(format: String, text: String) {
        #expect(throws: Timestamp.Failure.patternMismatch(format)) { try read(text, pattern(format)) }
    }
}

// MARK: - Round trips

extension TimestampTests {
    /// Random instants from 1900 to 2199, written by this test in each textual form, read back to the millisecond.
    @Test func textualFormsRoundTripOverRandomInstants() throws {
        var rng = SplitMix64(seed: 0x7135_2024)
        let day = 86_400_000
        let earliest = naiveDays(1900, 1, 1) * day + 2 * day, latest = naiveDays(2200, 1, 1) * day - 2 * day
        var failures = 0
        func check(_ text: String, _ reading: TimeReading?, _ expected: TimeReading) {
            if reading != expected {
                failures += 1
                if failures <= 10 { Issue.record("\(text): read \(String(describing: reading)), expected \(expected)") }
            }
        }
        for k in 0..<3000 {
            var ms = Int.random(in: earliest..<latest, using: &rng)
            if k % 4 == 0 { ms -= ((ms % 1000) + 1000) % 1000 }  // whole seconds too
            let instant = Double(ms) / 1000
            let whole = Int((Double(ms) / 1000).rounded(.down))
            let fraction = ms - whole * 1000
            // A zone from -12:00 to +14:00 in quarter hours; the text shows the local time.
            let offset = Int.random(in: -48...56, using: &rng) * 900
            let local = naiveCivil(whole + offset)
            let utc = naiveCivil(whole)
            let sign = offset < 0 ? "-" : "+"
            let zh = two(abs(offset) / 3600), zm = two(abs(offset) / 60 % 60)
            let frac = "." + three(fraction)

            let iso =
                "\(local.y)-\(two(local.mo))-\(two(local.d))T\(two(local.h)):\(two(local.mi)):\(two(local.s))\(frac)\(sign)\(zh):\(zm)"
            check(iso, try? read(iso), .exact(instant))
            let isoUTC = "\(utc.y)-\(two(utc.mo))-\(two(utc.d)) \(utc.h):\(two(utc.mi)):\(two(utc.s))\(frac)Z"
            check(isoUTC, try? read(isoUTC), .exact(instant))

            // The forms below carry whole seconds.
            let second = Double(whole)
            let wd = weekdayAbbreviations[naiveWeekday(local.y, local.mo, local.d)]
            let mon = monthAbbreviations[local.mo - 1]
            let clock = "\(two(local.h)):\(two(local.mi)):\(two(local.s))"
            let rfc = "\(wd), \(two(local.d)) \(mon) \(local.y) \(clock) \(sign)\(zh)\(zm)"
            check(rfc, try? read(rfc), .exact(second))
            let twitter = "\(wd) \(mon) \(two(local.d)) \(clock) \(sign)\(zh)\(zm) \(local.y)"
            check(twitter, try? read(twitter), .exact(second))

            let h12 = utc.h % 12 == 0 ? 12 : utc.h % 12
            let named = "\(monthFullNames[utc.mo - 1]) \(utc.d), \(utc.y) \(h12):\(two(utc.mi)):\(two(utc.s)) \(utc.h < 12 ? "AM" : "PM")"
            check(named, try? read(named), .exact(second))

            let time = "\(utc.h):\(two(utc.mi)):\(two(utc.s))\(frac)"
            let dayFirst = "\(two(utc.d))/\(two(utc.mo))/\(utc.y) \(time)"
            check(dayFirst, try? read(dayFirst, .auto, .dayFirst), .exact(instant))
            let monthFirst = "\(utc.mo)/\(utc.d)/\(utc.y) \(time)"
            check(monthFirst, try? read(monthFirst, .auto, .monthFirst), .exact(instant))
            // Under the automatic order the true reading is in its slot.
            switch try? read(monthFirst) {
            case .eitherOrder(let m, _)?: check(monthFirst, .exact(m ?? .nan), .exact(instant))
            default: check(monthFirst, nil, .exact(instant))
            }
            let dotted = "\(utc.d).\(utc.mo).\(utc.y) \(time)"
            check(dotted, try? read(dotted), .exact(instant))

            let pattern = pattern("%d %b %Y %H:%M:%S.%f %z")
            let patterned = "\(two(local.d)) \(mon) \(local.y) \(clock)\(frac) \(sign)\(zh)\(zm)"
            check(patterned, try? read(patterned, pattern), .exact(instant))
        }
        #expect(failures == 0)
    }

    /// The numeric formats over random values: Unix seconds and milliseconds, spreadsheet days.
    @Test func numericFormatsRoundTripOverRandomInstants() throws {
        var rng = SplitMix64(seed: 25_569)
        for _ in 0..<2000 {
            let ms = Int.random(in: naiveDays(1900, 3, 1) * 86_400_000..<naiveDays(2200, 1, 1) * 86_400_000, using: &rng)
            let instant = Double(ms) / 1000
            let whole = Int((Double(ms) / 1000).rounded(.down)), fraction = ms - whole * 1000
            let negative = ms < 0
            let magnitude = abs(ms)
            let seconds = "\(negative ? "-" : "")\(magnitude / 1000).\(three(magnitude % 1000))"
            #expect(try read(seconds, .unixSeconds) == .exact(instant), "\(seconds)")
            #expect(try read(String(ms), .unixMilliseconds) == .exact(instant), "\(ms)")
            // A spreadsheet serial day with its time of day as a fraction written to 10 digits.
            let days = Int((Double(whole) / 86_400).rounded(.down))
            let msOfDay = ms - days * 86_400_000
            let serial = days + 25_569
            var digits = String(msOfDay * 100_000 / 864)  // msOfDay / 86_400_000 to 10 places, truncated
            digits = String(repeating: "0", count: 10 - digits.count) + digits
            let text = "\(serial).\(digits)"
            let read = try read(text, .excel)
            guard case .exact(let value) = read else { Issue.record("\(text): \(read)"); return }
            // 10 decimal places of a day are 8.64 µs apart, so the millisecond is recovered.
            #expect(value == instant, "\(text) for \(instant) (fraction \(fraction))")
        }
    }

    /// Every reading the oracle sees lies in range: random bytes and mutated real timestamps.
    @Test func fuzzOracleHoldsOnRandomInputs() {
        var rng = SplitMix64(seed: 0xF022)
        let seeds = Self.autoForms.map(\.text) + ["03/04/2024", "45355.604", "1741079700000", "20240304T093300Z"]
        let alphabet = Array("0123456789:/-.+ TZ,APMapmJanMarWedUTCGMT%".utf8)
        for k in 0..<3000 {
            var bytes = Array(seeds[k % seeds.count].utf8)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let i = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where i < bytes.count: bytes[i] = alphabet.randomElement(using: &rng)!
                case 1 where i < bytes.count: bytes.remove(at: i)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: i)
                }
            }
            bytes.withUnsafeBufferPointer { Timestamp.fuzzCheck($0) }
        }
    }

    /// `25-03-04` may be year-month-day as well as day-month-year: never guessed. Slashes and
    /// four-digit years stay readable.
    @Test func twoDigitYearsAfterDashesAreRefused() throws {
        for text in ["25-03-04", "04-03-24", "12-12-12 09:30"] {
            #expect(throws: Timestamp.Failure.unparsable, "\(text)") { try Timestamp.parse(text) }
        }
        #expect(try Timestamp.parse("13/03/24") == 1_710_288_000)  // 2024-03-13
        #expect(try Timestamp.parse("13-03-2024") == 1_710_288_000)
    }
}
