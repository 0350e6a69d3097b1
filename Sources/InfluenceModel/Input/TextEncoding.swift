/// The encodings an export may be written in (`--encoding` flag).
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is the code point of the same value.
    case latin1 = "latin1"
    /// Windows-1252: Latin-1 with printable characters in place of most C1 controls.
    case windows1252 = "windows-1252"

    /// Parses a user's `--encoding` value, case-insensitively: `utf8`, `utf-8`, `latin1`,
    /// `latin-1`, `iso-8859-1`, `cp1252`, `windows-1252`, `win1252`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf8", "utf-8": self = .utf8
        case "latin1", "latin-1", "iso-8859-1": self = .latin1
        case "cp1252", "windows-1252", "win1252": self = .windows1252
        default: return nil
        }
    }

    /// The characters of Windows-1252 bytes 0x80–0x9F. Its five undefined bytes (0x81, 0x8D,
    /// 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as the WHATWG Encoding
    /// Standard's `index-windows-1252` (what browsers use) does, so no byte is lost and the
    /// result equals the Latin-1 reading there. Foundation's `.windowsCP1252` refuses them
    /// (`String(data:encoding:)` returns nil) and Python's `cp1252` codec raises.
    static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Converts text in this encoding to UTF-8.
    /// - Parameter bytes: the text.
    /// - Returns: its UTF-8 bytes; for `.utf8`, a copy of `bytes`.
    /// - Complexity: O(*n*), one pass; runs of ASCII are copied whole, and the result is
    ///   reserved at 1.1 × *n* (typical exports have under 10 % non-ASCII bytes).
    public func transcode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if self == .utf8 { return Array(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 10)
        let table = self == .windows1252 ? TextEncoding.windows1252High : nil
        var run = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0x80 { i += 1; continue }
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
            let scalar = byte < 0xA0 ? UInt32(table?[Int(byte) - 0x80] ?? UInt16(byte)) : UInt32(byte)
            if scalar < 0x800 {
                out.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
                out.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
            } else {
                out.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
                out.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
                out.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
            }
            i += 1
            run = i
        }
        if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
        return out
    }

    /// Whether text that is not valid UTF-8 looks like Windows-1252 or Latin-1.
    ///
    /// True when the text is invalid UTF-8, holds no NUL, few C0 controls (other than tab,
    /// CR, LF), and most of its high bytes stand alone between printable ASCII, tabs or line
    /// ends, as in `Jos\xE9`, `M\xFCller` or `\x80 10`. Random binary fails on all three
    /// counts: it holds NULs and controls, and only about one high byte in seven
    /// ((98/256)², both neighbours printable ASCII) stands alone.
    /// - Parameters:
    ///   - bytes: the start of a file (or all of it).
    ///   - limit: how many bytes to look at; a UTF-8 sequence cut by the limit (not one cut
    ///     by the end of `bytes`) counts as valid.
    /// - Returns: whether to read the text as Windows-1252.
    /// - Complexity: O(min(*n*, `limit`)).
    public static func looksLikeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 1 << 20) -> Bool {
        let text = UnsafeBufferPointer(rebasing: bytes[0..<min(max(limit, 0), bytes.count)])
        guard !isUTF8(text, cut: text.count < bytes.count) else { return false }
        var high = 0, alone = 0, controls = 0
        func isTextASCII(_ byte: UInt8) -> Bool { byte &- 0x20 < 0x5F || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        for i in text.indices {
            let byte = text[i]
            if byte == 0 { return false }
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { controls += 1 }
            guard byte >= 0x80 else { continue }
            high += 1
            let before = i == 0 || isTextASCII(text[i - 1])
            let after = i == text.count - 1 || isTextASCII(text[i + 1])
            if before && after { alone += 1 }
        }
        return high > 0 && alone * 2 > high && controls * 100 <= text.count
    }

    /// Whether `bytes` is valid UTF-8; when `cut`, a sequence cut short at the very end is allowed.
    static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>, cut: Bool) -> Bool {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int, low: UInt8, high: UInt8  // the range of the second byte
            switch lead {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xE1...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            default: return false
            }
            for k in 1..<length {
                guard i + k < bytes.count else { return cut }
                let byte = bytes[i + k]
                if k == 1 ? !(low...high).contains(byte) : byte & 0xC0 != 0x80 { return false }
            }
            i += length
        }
        return true
    }
}
