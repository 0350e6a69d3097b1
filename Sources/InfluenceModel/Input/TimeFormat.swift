/// How to read a time column (the `--time-format` flag).
public enum TimeFormat: Sendable, Equatable, CustomStringConvertible {
    /// Recognise the form (`"auto"`):
    /// - ISO 8601 and its common variants: `2024-03-04`, `2024-3-4`, `2024/03/04`,
    ///   `2024-03-04T09:33:00`, a space for the `T`, 1- or 2-digit hour, minute and second,
    ///   a fraction after `.` or `,`, a zone (`Z`, `UTC`, `GMT`, `+02:00`, `+0200`, `+02`,
    ///   `UTC+2`, with or without a space before), ` AM`/` PM`; the basic form `20240304`,
    ///   `20240304T093300Z`.
    /// - RFC 2822: `Mon, 04 Mar 2024 09:33:00 +0000`, weekday and seconds optional, zone
    ///   `+0000`, `GMT`, `UT`, `UTC`, `Z` or `EST` … `PDT`.
    /// - Twitter and ctime: `Wed Jun 01 00:08:02 +0000 2016`, `Wed Jun  1 00:08:02 2016`.
    /// - Month names: `Mar 4, 2024`, `March 4, 2024 9:33 AM`, `4 Mar 2024`, `04-Mar-2024 09:33`,
    ///   `04/Mar/2024:09:33:00 +0000`.
    /// - Numeric dates with the year last (4 digits, or 2 read as strptime's `%y`):
    ///   `03/04/2024`, `3-4-24 9:33`, day and month in the order `DateOrder` says; `04.03.2024`
    ///   is always day-first.
    /// - Unix seconds with 9 or 10 digits (1973-03-03 onwards), fraction allowed.
    ///
    /// Refused: 12- and 13-digit numbers (`Failure.milliseconds`) and other plain numbers
    /// (`Failure.plainNumber`), which are more often spreadsheet serial days or milliseconds
    /// than dates in 1970.
    case auto
    /// Any number, seconds since 1970 (`"unix"`).
    case unixSeconds
    /// Any number, milliseconds since 1970 (`"ms"`).
    case unixMilliseconds
    /// Spreadsheet serial days in the 1900 date system, the fraction being the time of day
    /// (`"excel"`); day 25569 is 1970-01-01, day 60 (the fictitious 1900-02-29) is refused and
    /// days 1–59 are the real 1900-01-01 … 02-28.
    case excel
    /// A strftime pattern such as `%d/%m/%Y %H:%M`, parsed once when the format is made.
    case pattern(TimePattern)

    /// The format a `--time-format` value names: `auto`, `unix`, `ms`, `excel`, or a pattern
    /// (anything containing `%`).
    /// - Returns: nil for another word or a pattern `TimePattern` refuses.
    public init?(argument: String) {
        switch argument {
        case "auto": self = .auto
        case "unix": self = .unixSeconds
        case "ms": self = .unixMilliseconds
        case "excel": self = .excel
        default:
            guard argument.contains("%"), let pattern = TimePattern(argument) else { return nil }
            self = .pattern(pattern)
        }
    }

    /// The `--time-format` value that gives this format back through `init(argument:)`.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .unixSeconds: return "unix"
        case .unixMilliseconds: return "ms"
        case .excel: return "excel"
        case .pattern(let pattern): return pattern.description
        }
    }
}

/// Day and month order for slash and dash dates like 03/04/2024 (the `--date-order` flag).
public enum DateOrder: String, Sendable, CaseIterable {
    /// Report both readings (`TimeReading.eitherOrder`) for the caller to settle per file.
    case auto
    /// 03/04/2024 is 3 April.
    case dayFirst = "day-first"
    /// 03/04/2024 is March 4.
    case monthFirst = "month-first"
}

/// One field's reading.
public enum TimeReading: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z.
    case exact(Double)
    /// A numeric date read with `DateOrder.auto`: its value in seconds under each order, nil
    /// where that order gives no date (13/03/2024 has no month-first reading). At least one is
    /// non-nil; they are equal when day and month are.
    case eitherOrder(monthFirst: Double?, dayFirst: Double?)
}
