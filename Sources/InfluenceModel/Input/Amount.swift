#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which mark separates decimals in a file's amounts (`--decimal` flag).
public enum DecimalMark: String, Sendable, CaseIterable {
    /// Not settled: decided from the file's rows.
    case auto
    /// `1,234.50`
    case dot
    /// `1.234,50`
    case comma
}

/// One field's reading: its value under each convention, nil where the text is not a valid
/// amount under it.
///
/// A nil under one convention proves the other for the whole file, so a caller settles the
/// mark from all rows: `1,234.50` proves `.dot`, `72,26` proves `.comma`, `1,234` proves nothing.
public struct AmountReading: Sendable, Equatable {
    /// The value when `.` separates decimals (and `,` `'` or a space groups thousands).
    public var dotDecimal: Double?
    /// The value when `,` separates decimals (and `.` `'` or a space groups thousands).
    public var commaDecimal: Double?

    public init(dotDecimal: Double?, commaDecimal: Double?) {
        self.dotDecimal = dotDecimal
        self.commaDecimal = commaDecimal
    }
}

/// Money values as spreadsheet and platform exports write them.
///
/// Grammar, after trimming spaces (ASCII space, tab, U+00A0, U+2009, U+202F):
/// - at most one sign: a leading `-` (or U+2212) or `+`, or parentheses around the amount,
///   before or after a prefix currency (`-$5`, `$-5`, `($5)`);
/// - at most one currency, before or after the number, with or without a space: `$`;
///   one to three capitals then `$` (`R$`, `US$`, `NZ$`); a three-capital ISO code (`USD`,
///   `CHF`); `¢ £ ¤ ¥`; any sign of the Unicode Currency Symbols block (`€ ₹ ₩ ₽ ₺ ₪` …).
///   Lower-case or letter codes such as `kr`, `zł`, `Rs.` are refused;
/// - ASCII digits, one decimal mark, and thousands groups of exactly three digits after a
///   first group of one to three, all joined by the same separator: `,` or `.` (whichever is
///   not the decimal mark), `'` (or U+2019), a space, U+00A0, U+2009 or U+202F;
/// - Indian grouping (`1,00,000.50`: two-digit groups, then a last group of three) only
///   when the currency is `₹` or `INR`, since without it `1,23,456` is more likely a typo;
/// - an exponent (`1e3`, `1,5E+03`) only on a number without thousands separators.
///
/// A trailing mark (`5.`), a trailing minus (`5-`), `nan` and `inf` are refused.
/// Values are correctly rounded: equal, bit for bit, to `Double("1234.50")`.
public enum Amount {
    /// Reads an amount under both conventions.
    /// - Parameter bytes: one field's UTF-8 bytes.
    /// - Returns: the value under each convention, or nil when the text is not an amount
    ///   under any convention.
    /// - Complexity: O(*n*), allocation-free unless the number has more than 19 significant
    ///   digits or its scaled exponent leaves ±22 (then `strtod` reads a stack copy).
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> AmountReading? {
        if let plain = plainDecimal(bytes) { return plain }
        return readAnyForm(bytes)
    }

    /// `read` of the form most exports write, digits and then, or not, a dot and one or two
    /// digits, fifteen digits at most in all (`46`, `46.5`, `46.53`): the value under a decimal
    /// point, and under a decimal comma the same value without a dot and none with one (a dot
    /// there groups thousands, three digits at a time). `nil` for any other text, which
    /// `readAnyForm` reads. Fifteen digits are an exact `Double`, and so are 10 and 100: their
    /// quotient is correctly rounded, as `read` promises. (Through the general grammar, about
    /// 850 instructions a value.)
    @inline(__always)
    static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> AmountReading? {
        let n = bytes.count
        guard n >= 1, n <= 18, let base = bytes.baseAddress else { return nil }
        var mantissa = 0
        var dot = -1
        for i in 0..<n {
            let d = base[i] &- 0x30
            if d < 10 {
                mantissa = mantissa &* 10 &+ Int(d)
            } else if base[i] == 0x2E, dot < 0 {
                dot = i
            } else {
                return nil
            }
        }
        let fraction = dot < 0 ? 0 : n &- 1 &- dot
        guard dot != 0, dot < 0 || (fraction >= 1 && fraction <= 2), (dot < 0 ? n : n &- 1) <= 15 else { return nil }
        if fraction == 0 {
            let value = Double(mantissa)
            return AmountReading(dotDecimal: value, commaDecimal: value)
        }
        return AmountReading(dotDecimal: Double(mantissa) / (fraction == 1 ? 10 : 100), commaDecimal: nil)
    }

    /// `read` by the whole grammar.
    static func readAnyForm(_ bytes: UnsafeBufferPointer<UInt8>) -> AmountReading? {
        guard let frame = AmountFrame(stripping: bytes), let body = AmountBody(bytes, frame.lo..<frame.hi) else { return nil }
        let dot = body.dot.fractionDigits(body, indianAllowed: frame.indianAllowed)
        let comma = body.comma.fractionDigits(body, indianAllowed: false)
        if dot == nil && comma == nil { return nil }
        let negative = frame.negative
        let dotValue = dot.flatMap { body.value(bytes, fractionDigits: $0, negative: negative) }
        let commaValue = comma == dot ? dotValue : comma.flatMap { body.value(bytes, fractionDigits: $0, negative: negative) }
        if dotValue == nil && commaValue == nil { return nil }
        return AmountReading(dotDecimal: dotValue, commaDecimal: commaValue)
    }

    /// The value under a settled mark.
    /// - Parameters:
    ///   - bytes: one field's UTF-8 bytes.
    ///   - mark: `.dot` or `.comma`; `.auto` gives the value only when both conventions
    ///     read the text and agree (`72`, `1 234`), so `1,234.50` is nil under `.auto`.
    /// - Returns: the value, or nil when the text is not an amount under `mark`.
    /// - Complexity: O(*n*), as `read(_:)`.
    public static func value(_ bytes: UnsafeBufferPointer<UInt8>, mark: DecimalMark) -> Double? {
        guard let reading = read(bytes) else { return nil }
        switch mark {
        case .dot: return reading.dotDecimal
        case .comma: return reading.commaDecimal
        case .auto:
            guard let dot = reading.dotDecimal, let comma = reading.commaDecimal, dot == comma else { return nil }
            return dot
        }
    }

    /// `read(_:)` for text (tests and one-off callers).
    public static func read(_ text: String) -> AmountReading? {
        var text = text
        return text.withUTF8 { read($0) }
    }

    /// `value(_:mark:)` for text (tests and one-off callers).
    public static func value(_ text: String, mark: DecimalMark) -> Double? {
        var text = text
        return text.withUTF8 { value($0, mark: mark) }
    }
}

/// Where the number sits in a field once the sign and currency around it are peeled off.
struct AmountFrame {
    var lo: Int
    var hi: Int
    var negative = false
    var indianAllowed = false

    /// Peels spaces, one sign or pair of parentheses and one currency from both ends.
    /// - Returns: nil when what surrounds the number is not a sign or a currency, or nothing is left.
    init?(stripping bytes: UnsafeBufferPointer<UInt8>) {
        (lo, hi) = (0, bytes.count)
        var signed = false, open = false, currency = false
        while lo < hi {
            let space = Amount.spaceLength(bytes, at: lo, tab: true)
            if space > 0 { lo += space; continue }
            let byte = bytes[lo]
            if !signed, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
                (signed, negative, open) = (true, byte != UInt8(ascii: "+"), byte == UInt8(ascii: "("))
                lo += 1
            } else if !signed, hi - lo >= 3, byte == 0xE2, bytes[lo + 1] == 0x88, bytes[lo + 2] == 0x92 {
                (signed, negative) = (true, true)  // U+2212 MINUS SIGN
                lo += 3
            } else if !currency, let length = Amount.currencyPrefix(bytes, lo, hi) {
                (currency, indianAllowed) = (true, Amount.isRupee(bytes, lo, length))
                lo += length
            } else {
                break
            }
        }
        while lo < hi {
            let space = Amount.spaceLengthBefore(bytes, hi, lo)
            if space > 0 { hi -= space; continue }
            if open, bytes[hi - 1] == UInt8(ascii: ")") {
                open = false
                hi -= 1
            } else if !currency, let length = Amount.currencySuffix(bytes, lo, hi) {
                (currency, indianAllowed) = (true, Amount.isRupee(bytes, hi - length, length))
                hi -= length
            } else {
                break
            }
        }
        if open || lo == hi { return nil }
    }
}

extension Amount {
    /// The length of the space at `i`: ASCII space (or tab when `tab`), U+00A0, U+2009, U+202F.
    @inline(__always)
    static func spaceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int, tab: Bool) -> Int {
        switch b[i] {
        case 0x20: return 1
        case 0x09: return tab ? 1 : 0
        case 0xC2: return i + 1 < b.count && b[i + 1] == 0xA0 ? 2 : 0
        case 0xE2:
            guard i + 2 < b.count, b[i + 1] == 0x80 else { return 0 }
            return b[i + 2] == 0x89 || b[i + 2] == 0xAF ? 3 : 0
        default: return 0
        }
    }

    /// The length of the space (tab included) that ends just before `hi`, not reaching below `lo`.
    static func spaceLengthBefore(_ b: UnsafeBufferPointer<UInt8>, _ hi: Int, _ lo: Int) -> Int {
        let last = b[hi - 1]
        if last == 0x20 || last == 0x09 { return 1 }
        if last == 0xA0, hi - 2 >= lo, b[hi - 2] == 0xC2 { return 2 }
        if last == 0x89 || last == 0xAF, hi - 3 >= lo, b[hi - 3] == 0xE2, b[hi - 2] == 0x80 { return 3 }
        return 0
    }

    @inline(__always) static func isCapital(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    /// The length of a currency sign of two or three UTF-8 bytes starting at `i`: `¢ £ ¤ ¥`
    /// (U+00A2–U+00A5) or the Currency Symbols block U+20A0–U+20CF.
    static func currencySymbol(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ hi: Int) -> Int? {
        if hi - i >= 2, b[i] == 0xC2, b[i + 1] &- 0xA2 < 4 { return 2 }
        if hi - i >= 3, b[i] == 0xE2,
            (b[i + 1] == 0x82 && b[i + 2] &- 0xA0 < 0x20) || (b[i + 1] == 0x83 && b[i + 2] &- 0x80 < 0x10)
        {
            return 3
        }
        return nil
    }

    /// The length of the currency that starts `lo..<hi`, if one does.
    static func currencyPrefix(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int? {
        if let symbol = currencySymbol(b, lo, hi) { return symbol }
        var capitals = 0
        while capitals < 4, lo + capitals < hi, isCapital(b[lo + capitals]) { capitals += 1 }
        if capitals <= 3, lo + capitals < hi, b[lo + capitals] == UInt8(ascii: "$") { return capitals + 1 }
        if capitals == 3, lo + 3 == hi || !isLetter(b[lo + 3]) { return 3 }
        return nil
    }

    /// The length of the currency that ends `lo..<hi`, if one does.
    static func currencySuffix(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int? {
        if hi - lo >= 2, let symbol = currencySymbol(b, hi - 2, hi), symbol == 2 { return 2 }
        if hi - lo >= 3, let symbol = currencySymbol(b, hi - 3, hi), symbol == 3 { return 3 }
        var end = hi
        let dollar = b[hi - 1] == UInt8(ascii: "$")
        if dollar { end -= 1 }
        var capitals = 0
        while capitals < 4, end - capitals > lo, isCapital(b[end - capitals - 1]) { capitals += 1 }
        let start = end - capitals
        let separated = start == lo || !isLetter(b[start - 1])
        if dollar { return capitals <= 3 && separated ? capitals + 1 : nil }
        return capitals == 3 && separated ? 3 : nil
    }

    /// Whether the currency at `i` is `₹` (U+20B9) or `INR`, the ones that allow Indian grouping.
    static func isRupee(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ length: Int) -> Bool {
        if length == 3, b[i] == 0xE2 { return b[i + 1] == 0x82 && b[i + 2] == 0xB9 }
        return length == 3 && b[i] == UInt8(ascii: "I") && b[i + 1] == UInt8(ascii: "N") && b[i + 2] == UInt8(ascii: "R")
    }
}

/// What separates two digit groups of a number.
enum AmountSeparator: UInt8 { case dot, comma, apostrophe, space }

/// One convention's check of a number's separators, fed one separator at a time.
struct AmountConvention {
    let decimal: AmountSeparator
    var valid = true
    var decimalSeen = false
    var integerTail = 0
    var grouping: AmountSeparator? = nil
    var groups = 0
    var firstGroup = 0
    var middlesOf3 = true
    var middlesOf2 = true

    /// Takes the separator that ends a group of `length` digits.
    @inline(__always)
    mutating func separator(_ kind: AmountSeparator, after length: Int) {
        if decimalSeen { valid = false; return }  // nothing separates the decimals
        if kind == decimal {
            decimalSeen = true
            integerTail = length
        } else if let grouping {
            if grouping != kind { valid = false }
            middlesOf3 = middlesOf3 && length == 3
            middlesOf2 = middlesOf2 && length == 2
            groups += 1
        } else {
            grouping = kind
            firstGroup = length
            groups = 1
        }
    }

    /// Whether the number read under this convention, given its last group.
    /// - Returns: how many digits follow the decimal mark, or nil when the number is invalid.
    func fractionDigits(_ body: AmountBody, indianAllowed: Bool) -> Int? {
        guard valid else { return nil }
        let tail = decimalSeen ? integerTail : body.lastGroup
        if decimalSeen && body.lastGroup == 0 { return nil }  // `5.` and a lone mark
        if groups > 0 {
            guard !body.hasExponent, tail == 3 else { return nil }
            let western = (1...3).contains(firstGroup) && middlesOf3
            let indian = indianAllowed && grouping == .comma && (1...2).contains(firstGroup) && middlesOf2
            guard western || indian else { return nil }
        } else if tail == 0 && !decimalSeen {
            return nil
        }
        return decimalSeen ? body.lastGroup : 0
    }
}

/// The digits of a number and both conventions' view of its separators, from one pass.
struct AmountBody {
    let range: Range<Int>
    var dot = AmountConvention(decimal: .dot)
    var comma = AmountConvention(decimal: .comma)
    var lastGroup = 0
    var hasExponent = false
    var exponent = 0
    /// The first 19 significant digits, and whether more followed.
    var mantissa: UInt64 = 0
    var significant = 0
    var long = false

    /// Scans `range` of `bytes`; nil when it holds anything but digits, separators and an exponent.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.range = range
        var i = range.lowerBound
        let hi = range.upperBound
        while i < hi {
            let byte = bytes[i]
            let digit = byte &- 0x30
            if digit < 10 {
                lastGroup += 1
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    if mantissa != 0 { significant += 1 }
                } else {
                    long = true
                }
                i += 1
                continue
            }
            let kind: AmountSeparator
            var length = 1
            switch byte {
            case UInt8(ascii: "."): kind = .dot
            case UInt8(ascii: ","): kind = .comma
            case UInt8(ascii: "'"): kind = .apostrophe
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard lastGroup > 0, let value = AmountBody.exponent(bytes, i + 1, hi) else { return nil }
                (hasExponent, exponent) = (true, value)
                i = hi
                continue
            case 0xE2 where i + 2 < hi && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99:
                (kind, length) = (.apostrophe, 3)  // U+2019, the Swiss apostrophe as typed on a Mac
            default:
                length = Amount.spaceLength(bytes, at: i, tab: false)
                guard length > 0 else { return nil }
                kind = .space
            }
            dot.separator(kind, after: lastGroup)
            comma.separator(kind, after: lastGroup)
            lastGroup = 0
            i += length
        }
    }

    /// Reads `[+-]digits` in `i..<hi`, clamped to ±100_000 (far beyond any finite Double).
    static func exponent(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ hi: Int) -> Int? {
        var i = start
        var negative = false
        if i < hi, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < hi else { return nil }
        var value = 0
        while i < hi {
            let digit = bytes[i] &- 0x30
            guard digit < 10 else { return nil }
            value = min(value * 10 + Int(digit), 100_000)
            i += 1
        }
        return negative ? -value : value
    }

    /// Exact powers of ten: every one up to 1e22 is a Double.
    static let powers: [Double] = (0...22).reduce(into: []) { table, n in table.append(n == 0 ? 1 : table[n - 1] * 10) }

    /// The correctly rounded value when `fractionDigits` digits follow the decimal mark.
    ///
    /// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately",
    /// PLDI 1990): a mantissa below 2^53 and a power of ten up to 1e22 are both exact, so one
    /// IEEE multiplication or division rounds correctly. Otherwise `strtod` reads the digits
    /// with an integer exponent, which no locale's decimal point can change.
    /// - Returns: the value, or nil when it overflows.
    func value(_ bytes: UnsafeBufferPointer<UInt8>, fractionDigits: Int, negative: Bool) -> Double? {
        let scale = exponent - fractionDigits
        var result: Double
        if mantissa == 0 && !long {
            result = 0
        } else if !long, mantissa <= 1 << 53, abs(scale) <= 22 {
            result = scale >= 0 ? Double(mantissa) * AmountBody.powers[scale] : Double(mantissa) / AmountBody.powers[-scale]
        } else {
            result = strtodDigits(bytes, scale: scale)
        }
        guard result.isFinite else { return nil }
        return negative ? -result : result
    }

    /// Copies the digits and `e<scale>` to a NUL-terminated stack buffer and calls `strtod`.
    func strtodDigits(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 24) { buffer in
            var n = 0
            for i in range {
                let byte = bytes[i]
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
                if byte &- 0x30 < 10 { buffer[n] = CChar(bitPattern: byte); n += 1 }
            }
            buffer[n] = CChar(bitPattern: UInt8(ascii: "e"))
            n += 1
            var magnitude = abs(scale)
            if scale < 0 { buffer[n] = CChar(bitPattern: UInt8(ascii: "-")); n += 1 }
            let start = n
            repeat {
                buffer[n] = CChar(bitPattern: UInt8(truncatingIfNeeded: 0x30 + magnitude % 10))
                n += 1
                magnitude /= 10
            } while magnitude > 0
            var (a, b) = (start, n - 1)
            while a < b { buffer.swapAt(a, b); a += 1; b -= 1 }
            buffer[n] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
