import Foundation

/// Number formatting shared by messages and outputs.
public enum Format {
    /// `value` printed by C's `vsnprintf` with one `%g`-style conversion.
    static func cFormat(_ format: StaticString, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
            let length = withVaList([value]) {
                vsnprintf(buffer.baseAddress!, 40, UnsafeRawPointer(format.utf8Start).assumingMemoryBound(to: CChar.self), $0)
            }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(min(length, 39))), as: UTF8.self)
        }
    }

    /// A short human form of a number (up to 6 significant digits).
    public static func short(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        guard value.isFinite else { return value > 0 ? "infinity" : "-infinity" }
        var s = cFormat("%.6g", value)
        if s.contains("."), !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A number with 17 significant digits: it reads back as exactly the same `Double`.
    public static func exact(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendExact17(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
