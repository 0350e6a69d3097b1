import Testing
@testable import InfluenceModel

/// One field and what each convention should read; expected values are written as the plain
/// decimal they denote and converted by the standard library's `Double(String)`, an oracle
/// independent of `Amount`.
struct AmountCase: CustomTestStringConvertible, Sendable {
    var text: String
    var dot: String?
    var comma: String?
    init(_ text: String, dot: String?, comma: String?) { (self.text, self.dot, self.comma) = (text, dot, comma) }
    var testDescription: String { "\(text.debugDescription) → dot \(dot ?? "nil"), comma \(comma ?? "nil")" }
}

/// Bit patterns, so that 0.0 and -0.0 or two nearby doubles never compare equal by accident.
private func bits(_ value: Double?) -> UInt64? { value?.bitPattern }
private func bits(_ text: String?) -> UInt64? { text.map { Double($0)!.bitPattern } }

struct AmountTests {
    static let readings: [AmountCase] = [
        // The value under a decimal point and under a decimal comma (nil: not an amount that way).
        AmountCase("72", dot: "72", comma: "72"),
        AmountCase("1,234.50", dot: "1234.50", comma: nil),
        AmountCase("1.234,50", dot: nil, comma: "1234.50"),
        AmountCase("72,26", dot: nil, comma: "72.26"),
        AmountCase("1,234", dot: "1234", comma: "1.234"),
        AmountCase("1.500", dot: "1.5", comma: "1500"),
        AmountCase("1,234,567", dot: "1234567", comma: nil),
        AmountCase("1.234.567", dot: nil, comma: "1234567"),
        AmountCase("0,5", dot: nil, comma: "0.5"),
        AmountCase(",5", dot: nil, comma: "0.5"),
        AmountCase(".5", dot: "0.5", comma: nil),
        AmountCase("0.1", dot: "0.1", comma: nil),
        AmountCase("1234.50", dot: "1234.50", comma: nil),
        // Currencies before and after, with and without a space.
        AmountCase("$72.26", dot: "72.26", comma: nil),
        AmountCase("72.26 $", dot: "72.26", comma: nil),
        AmountCase("€1.234,50", dot: nil, comma: "1234.50"),
        AmountCase("1 234,50 €", dot: nil, comma: "1234.50"),
        AmountCase("1\u{A0}234,50\u{A0}€", dot: nil, comma: "1234.50"),
        AmountCase("1\u{202F}234,50 €", dot: nil, comma: "1234.50"),
        AmountCase("1\u{2009}234.50", dot: "1234.50", comma: nil),
        AmountCase("£5", dot: "5", comma: "5"),
        AmountCase("USD 1,234.50", dot: "1234.50", comma: nil),
        AmountCase("1234.50 EUR", dot: "1234.50", comma: nil),
        AmountCase("1234.50EUR", dot: "1234.50", comma: nil),
        AmountCase("R$ 10,00", dot: nil, comma: "10"),
        AmountCase("US$10", dot: "10", comma: "10"),
        AmountCase("CHF 1'234.50", dot: "1234.50", comma: nil),
        AmountCase("1\u{2019}234.50 CHF", dot: "1234.50", comma: nil),
        AmountCase("¥500", dot: "500", comma: "500"),
        AmountCase("₩1,000", dot: "1000", comma: "1"),
        // Indian grouping only with the rupee.
        AmountCase("₹1,00,000", dot: "100000", comma: nil),
        AmountCase("INR 12,34,567.89", dot: "1234567.89", comma: nil),
        AmountCase("₹1,234,567", dot: "1234567", comma: nil),
        // Signs.
        AmountCase("-72.26", dot: "-72.26", comma: nil),
        AmountCase("+72.26", dot: "72.26", comma: nil),
        AmountCase("(72.26)", dot: "-72.26", comma: nil),
        AmountCase("($1,234.50)", dot: "-1234.50", comma: nil),
        AmountCase("(72,26 €)", dot: nil, comma: "-72.26"),
        AmountCase("-$5", dot: "-5", comma: "-5"),
        AmountCase("$-5", dot: "-5", comma: "-5"),
        AmountCase("\u{2212}5", dot: "-5", comma: "-5"),
        AmountCase("-0", dot: "-0", comma: "-0"),
        // Spaces around, groups of spaces, exponents.
        AmountCase("  72 ", dot: "72", comma: "72"),
        AmountCase("\t1 234 567\t", dot: "1234567", comma: "1234567"),
        AmountCase("1e3", dot: "1e3", comma: "1e3"),
        AmountCase("1.5e-3", dot: "1.5e-3", comma: nil),
        AmountCase("1,5E+03", dot: nil, comma: "1.5e3"),
        AmountCase("1,234e3", dot: nil, comma: "1.234e3"),
        AmountCase("2E308", dot: nil, comma: nil),
        // More than 19 digits and exponents beyond 1e22 go through strtod.
        AmountCase("12345678901234567890123.45", dot: "12345678901234567890123.45", comma: nil),
        AmountCase("9007199254740993", dot: "9007199254740993", comma: "9007199254740993"),
        AmountCase("0.000000000000000000000000123", dot: "1.23e-25", comma: nil),
        AmountCase("123456789012345678901234567890", dot: "123456789012345678901234567890", comma: "123456789012345678901234567890"),
    ]

    @Test(arguments: readings)
    func reading(_ c: AmountCase) {
        let reading = Amount.read(c.text)
        if c.dot == nil && c.comma == nil {
            #expect(reading == nil)
        } else {
            #expect(bits(reading?.dotDecimal) == bits(c.dot))
            #expect(bits(reading?.commaDecimal) == bits(c.comma))
        }
    }

    @Test(arguments: [
        "", " ", "$", "EUR", "-", "()", "abc", "12abc", "nan", "NaN", "inf", "INF", "-inf", "Infinity",
        "1.2.3,4,5", "1,2,3", "1.2.3", "1,23,456", "12,34,567", "1,234.5,6", "1.234,5.6", "1,,234", "1, 234",
        "5.", "5,", ".", ",", "1 234,5 6", "1,234 567", "1'234,567.8", "1e", "1e+", "e5",
        "1.234.5e3", "--5", "-(5)", "(-5)", "(5", "5)", "5-", "$$5", "$5 €", "USD5USD", "5 usd", "5 kr",
        "USDX 5", "0x1A", "١٢٣", "1\u{3000}234", "1_000", "12 34", "1234 567", ",234,567",
    ])
    func refusal(_ text: String) {
        #expect(Amount.read(text) == nil)
    }

    @Test func settledMarks() {
        #expect(Amount.value("1,234", mark: .dot) == 1234)
        #expect(Amount.value("1,234", mark: .comma) == 1.234)
        #expect(Amount.value("1,234", mark: .auto) == nil)
        #expect(Amount.value("1,234.50", mark: .auto) == nil)
        #expect(Amount.value("1,234.50", mark: .comma) == nil)
        #expect(Amount.value("72", mark: .auto) == 72)
        #expect(Amount.value("1 234", mark: .auto) == 1234)
        #expect(Amount.value("€ 3", mark: .auto) == 3)
        #expect(Amount.value("nan", mark: .dot) == nil)
    }

    @Test func readsBytesInPlace() {
        let bytes: [UInt8] = Array("x€1.234,50y".utf8)
        let reading = bytes.withUnsafeBufferPointer { Amount.read(UnsafeBufferPointer(rebasing: $0[1..<bytes.count - 1])) }
        #expect(reading == AmountReading(dotDecimal: nil, commaDecimal: 1234.5))
    }

    /// Groups `digits` in threes from the right with `separator`.
    private static func grouped(_ digits: String, _ separator: String) -> String {
        var groups: [String] = []
        var rest = Substring(digits)
        while rest.count > 3 { groups.insert(String(rest.suffix(3)), at: 0); rest = rest.dropLast(3) }
        groups.insert(String(rest), at: 0)
        return groups.joined(separator: separator)
    }

    /// The reading of plain decimals (`46`, `46.5`, `46.53`) without the grammar gives what the
    /// grammar gives, for text of digits and dots with now and then a comma, space, sign or
    /// letter, and takes every plain decimal of up to fifteen digits in all.
    @Test func plainDecimalsReadAsTheWholeGrammar() {
        var rng = SplitMix64(seed: 71)
        let pool = Array("0123456789012345678901234567890123456789....,- e".utf8)
        var taken = 0
        for round in 0..<40_000 {
            var text = (0..<(1 + rng.below(20))).map { _ in pool[rng.below(pool.count)] }
            if round % 2 == 0 {
                // A plain decimal: 1-17 integer digits, and none, one, two or three after a dot.
                text = (0..<(1 + rng.below(17))).map { _ in UInt8(0x30 + rng.below(10)) }
                let fraction = rng.below(4)
                if fraction > 0 { text += [0x2E] + (0..<fraction).map { _ in UInt8(0x30 + rng.below(10)) } }
            }
            let (fast, general) = text.withUnsafeBufferPointer { (Amount.plainDecimal($0), Amount.readAnyForm($0)) }
            if let fast {
                taken += 1
                if fast != general {
                    Issue.record("\(String(decoding: text, as: UTF8.self)): \(fast), the grammar \(String(describing: general))")
                }
            }
            let integer = text.firstIndex(of: 0x2E) ?? text.count
            let plain = text.allSatisfy { $0 != 0x2E && $0 &- 0x30 < 10 } || (text.filter { $0 == 0x2E }.count == 1 && integer > 0)
            let digitsOnly = text.allSatisfy { $0 == 0x2E || $0 &- 0x30 < 10 }
            let digits = text.count - (integer < text.count ? 1 : 0)
            if round % 2 == 0, plain, digitsOnly, digits <= 15, text.count - integer <= 3, text.count - integer != 1, fast == nil {
                Issue.record("\(String(decoding: text, as: UTF8.self)) not taken")
            }
        }
        #expect(taken > 10_000)
    }

    /// Random amounts written the ways exports write them read back as the plain decimal
    /// does, bit for bit: the fast path and the `strtod` path against `Double(String)`.
    @Test(arguments: 0..<4)
    func randomAmountsMatchDoubleParsing(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let integerLength = 1 + rng.below(seed == 3 ? 24 : 12)
            var integer = String(1 + rng.below(9))
            for _ in 1..<integerLength { integer.append(String(rng.below(10))) }
            var fraction = ""
            for _ in 0..<rng.below(seed == 3 ? 12 : 5) { fraction.append(String(rng.below(10))) }
            let plain = fraction.isEmpty ? integer : "\(integer).\(fraction)"
            let expected = Double(plain)!.bitPattern
            let negative = rng.below(4) == 0
            let sign = negative ? "-" : ""
            let expectedSigned = negative ? (-Double(plain)!).bitPattern : expected
            let dotText = sign + "$" + Self.grouped(integer, [",", " ", "'"][rng.below(3)]) + (fraction.isEmpty ? "" : "." + fraction)
            let commaText =
                sign + Self.grouped(integer, [".", "\u{A0}", "\u{202F}"][rng.below(3)]) + (fraction.isEmpty ? "" : "," + fraction) + " €"
            #expect(bits(Amount.value(dotText, mark: .dot)) == expectedSigned, "\(dotText)")
            #expect(bits(Amount.value(commaText, mark: .comma)) == expectedSigned, "\(commaText)")
            #expect(bits(Amount.value(sign + plain, mark: .dot)) == expectedSigned, "\(plain)")
        }
    }
}
