/// How money is written: an ISO 4217 code and the symbol people expect before the amount.
public struct Currency: Sendable, Equatable {
    /// The code, upper-cased, such as `USD`.
    public var code: String
    /// What goes before an amount, such as `$` or `CHF `.
    public var prefix: String

    /// - Parameter code: an ISO 4217 code; common ones get their symbol, the rest are
    ///   written before the amount (`SEK 1,200`).
    public init(code: String) {
        let upper = code.uppercased()
        self.code = upper
        switch upper {
        case "USD": prefix = "$"
        case "EUR": prefix = "€"
        case "GBP": prefix = "£"
        case "JPY", "CNY": prefix = "¥"
        case "INR": prefix = "₹"
        case "KRW": prefix = "₩"
        case "BRL": prefix = "R$"
        case "CAD": prefix = "CA$"
        case "AUD": prefix = "A$"
        case "NZD": prefix = "NZ$"
        case "MXN": prefix = "MX$"
        default: prefix = upper + " "
        }
    }

    /// Whether `code` looks like an ISO 4217 code: three ASCII letters.
    public static func isValid(_ code: String) -> Bool {
        code.count == 3 && code.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) }
    }
}
