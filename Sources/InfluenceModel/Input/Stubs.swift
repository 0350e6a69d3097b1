// Temporary stand-ins with the signatures of the field parsers being written alongside.
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
public enum DecimalMark: String, Sendable, CaseIterable { case auto, dot, comma }
public struct AmountReading: Sendable, Equatable { public var dotDecimal: Double?; public var commaDecimal: Double? }
public enum Amount {
    public static func value(_ bytes: UnsafeBufferPointer<UInt8>, mark: DecimalMark) -> Double? {
        FieldValue.number(bytes, decimalComma: mark == .comma)
    }
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> AmountReading? {
        guard let v = FieldValue.number(bytes, decimalComma: false) else {
            if let c = FieldValue.number(bytes, decimalComma: true) { return AmountReading(dotDecimal: nil, commaDecimal: c) }
            return nil
        }
        return AmountReading(dotDecimal: v, commaDecimal: v)
    }
}
public enum PersonId {
    public enum Outcome: Equatable { case unchanged, changed, empty }
    public static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, exact: Bool, into scratch: inout [UInt8]) -> Outcome {
        if bytes.isEmpty { return .empty }
        var lo = 0, hi = bytes.count
        if !exact {
            while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        }
        if lo == hi { return .empty }
        let email = !exact && bytes[lo ..< hi].contains(0x40)
        let upper = email && bytes[lo ..< hi].contains { $0 >= 0x41 && $0 <= 0x5A }
        if lo == 0, hi == bytes.count, !upper { return .unchanged }
        scratch = Array(bytes[lo ..< hi]).map { email && $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        return .changed
    }
}
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8", latin1 = "latin1", windows1252 = "windows-1252"
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public func transcode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes { if b < 0x80 { out.append(b) } else { out.append(0xC0 | (b >> 6)); out.append(0x80 | (b & 0x3F)) } }
        return out
    }
    public static func looksLikeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 1 << 20) -> Bool { true }
}
