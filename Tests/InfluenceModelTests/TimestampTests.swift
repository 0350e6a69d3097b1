import Testing
import InfluenceModel

/// Gregorian leap-year rule, written out.
private func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

private func monthLengths(_ y: Int) -> [Int] { [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] }

/// Days since 1970-01-01 by counting whole years and months: slow, but obviously right, and
/// independent of the closed form the library uses.
private func naiveDays(_ year: Int, _ month: Int, _ day: Int) -> Int {
    var days = 0
    if year >= 1970 {
        for y in 1970 ..< year { days += isLeapYear(y) ? 366 : 365 }
    } else {
        for y in year ..< 1970 { days -= isLeapYear(y) ? 366 : 365 }
    }
    let lengths = monthLengths(year)
    for m in 0 ..< (month - 1) { days += lengths[m] }
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


struct TimestampTests {
    // The anchor the documentation uses, and two well-known instants.
    static let anchor = 1_741_079_700.0  // 2025-03-04T09:15:00Z

    @Test func independentCalendarAgreesWithKnownInstants() {
        #expect(naiveSeconds(2025, 3, 4, 9, 15) == Self.anchor)
        #expect(naiveSeconds(2000, 1, 1) == 946_684_800)
        #expect(naiveSeconds(1900, 1, 1) == -2_208_988_800)
        #expect(naiveSeconds(2038, 1, 19, 3, 14, 8) == 2_147_483_648)
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
        let quarter = try Timestamp.parse("2025-03-04 09:15:00.250")
        #expect(abs(quarter - (Self.anchor + 0.25)) < 1e-6)
        let comma = try Timestamp.parse("2025-03-04T09:15:00,75")
        #expect(abs(comma - (Self.anchor + 0.75)) < 1e-6)
        let micro = try Timestamp.parse("2025-03-04T09:15:07.123456+01:00")
        #expect(abs(micro - (Self.anchor + 7.123456 - 3600)) < 1e-5)
    }

    @Test func unixSeconds() throws {
        #expect(try Timestamp.parse("1741079700") == Self.anchor)
        #expect(try Timestamp.parse("1741079700.5") == Self.anchor + 0.5)
        #expect(abs(try Timestamp.parse("1741079700.25") - (Self.anchor + 0.25)) < 1e-6)
        #expect(try Timestamp.parse("0") == 0)
        #expect(try Timestamp.parse("86400") == 86_400)
        #expect(try Timestamp.parse("-86400") == -86_400)
        #expect(try Timestamp.parse("946684800") == naiveSeconds(2000, 1, 1))
        #expect(try Timestamp.parse("-2208988800") == naiveSeconds(1900, 1, 1))
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
        "2025-03-04T09:15:00.", "2025-03-04T09:15:00.Z", "2025-03-04T9:15", "2025-03-04T09", "2025-03-04T",
        "2025-03-04Z", "2025-3-4", "25-03-04", "2025/03/04", "", "abc", "12.", "1e9", "0x10", "1,5", "2025-03-04 09:15 ",
    ])
    func unparsable(text: String) {
        #expect(throws: Timestamp.Failure.unparsable) { try Timestamp.parse(text) }
    }

    @Test(arguments: [
        "1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31", "1899-12-31T23:59:59Z",
        "7258118400", "-2208988801", "99999999999", "1234567890123456",
    ])
    func outOfRange(text: String) {
        #expect(throws: Timestamp.Failure.outOfRange) { try Timestamp.parse(text) }
    }

    @Test func rangeEdgesInside() throws {
        #expect(try Timestamp.parse("7258118399") == naiveSeconds(2199, 12, 31, 23, 59, 59))
        #expect(try Timestamp.parse("2199-12-31T23:59:59Z") == 7_258_118_399)
        #expect(try Timestamp.parse("1900-01-01T00:00:00Z") == -2_208_988_800)
    }

    @Test(arguments: ["1741079700000", "1741079700123", "1741079700000.5", "1000000000000"])
    func milliseconds(text: String) {
        #expect(throws: Timestamp.Failure.milliseconds) { try Timestamp.parse(text) }
    }

    @Test func failureDescriptions() {
        #expect(Timestamp.Failure.milliseconds.description.contains("1000"))
        #expect(Timestamp.Failure.outOfRange.description.contains("1900"))
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
        for k in 0 ..< 3000 {
            var seconds = Double.random(in: earliest ..< latest, using: &rng)
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
        for _ in 0 ..< 2000 {
            let y = Int.random(in: 1901 ... 2198, using: &rng)
            let mo = Int.random(in: 1 ... 12, using: &rng)
            let d = Int.random(in: 1 ... monthLengths(y)[mo - 1], using: &rng)
            let h = Int.random(in: 0 ... 23, using: &rng), mi = Int.random(in: 0 ... 59, using: &rng)
            let s = Int.random(in: 0 ... 59, using: &rng)
            let zh = Int.random(in: 0 ... 14, using: &rng), zm = [0, 30, 45].randomElement(using: &rng)!
            let east = Bool.random(using: &rng)
            let style = Int.random(in: 0 ..< 3, using: &rng)
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
