// Temporary stand-ins with the signatures of the timestamp formats being written alongside.
public enum TimeFormat: Sendable, Equatable {
    case auto, unixSeconds, unixMilliseconds, excel
    public init?(argument: String) {
        switch argument { case "auto": self = .auto; case "unix": self = .unixSeconds; case "ms": self = .unixMilliseconds; case "excel": self = .excel; default: return nil }
    }
}
public enum DateOrder: String, Sendable, CaseIterable { case auto, dayFirst = "day-first", monthFirst = "month-first" }
public enum TimeReading: Sendable, Equatable {
    case exact(Double)
    case eitherOrder(monthFirst: Double?, dayFirst: Double?)
}
extension Timestamp {
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, format: TimeFormat, order: DateOrder) throws(Failure) -> TimeReading {
        .exact(try parse(bytes))
    }
}
