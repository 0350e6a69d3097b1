import Synchronization

/// CSV fields for output (RFC 4180), made to survive a round trip and a spreadsheet.
///
/// A field is quoted when it holds a comma, quote, CR or LF, or starts or ends with a space
/// or tab (readers, ours included, trim unquoted surrounding spaces). A *text* cell (an id,
/// a name, a campaign; never a number) that starts with `=`, `+`, `-`, `@`, tab or CR is
/// what spreadsheets run as a formula, so it gets a leading `'` (OWASP's advice for CSV
/// injection) while `guardFormulas` is on: `=HYPERLINK("x")` is written `"'=HYPERLINK(""x"")"`.
public enum CSVText {
    private static let guarding = Atomic<Bool>(true)

    /// Whether text cells that a spreadsheet would run as a formula get a leading `'`
    /// (default `true`; a raw-CSV option turns it off for every later write).
    public static var guardFormulas: Bool {
        get { guarding.load(ordering: .relaxed) }
        set { guarding.store(newValue, ordering: .relaxed) }
    }

    /// A text cell: quoted when needed, formula-guarded.
    public static func field(_ field: String) -> String {
        var out = ""
        appendField(field, to: &out)
        return out
    }

    /// Appends a text cell: quoted when needed, formula-guarded.
    public static func appendField(_ field: String, to out: inout String) {
        let guarded = guardFormulas && field.utf8.first.map(startsFormula) == true
        if guarded || needsQuotes(field.utf8) {
            out.append("\"")
            if guarded { out.append("'") }
            out.append(field.replacing("\"", with: "\"\""))
            out.append("\"")
        } else {
            out.append(field)
        }
    }

    /// Appends a cell that holds a number or a time we wrote: quoted only if needed, never guarded.
    static func appendPlain(_ field: String, to out: inout String) {
        if needsQuotes(field.utf8) {
            out.append("\"")
            out.append(field.replacing("\"", with: "\"\""))
            out.append("\"")
        } else {
            out.append(field)
        }
    }

    /// Appends a text cell's UTF-8 bytes, as `appendField(_:to:)` writes it.
    static func appendField(bytes field: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let guarded = field.first.map { guardFormulas && startsFormula($0) } ?? false
        guard guarded || needsQuotes(field) else {
            out.append(contentsOf: field)
            return
        }
        out.append(0x22)
        if guarded { out.append(0x27) }
        for b in field {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }

    /// A comma, quote or line break inside, or a space or tab at either end.
    static func needsQuotes<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first else { return false }
        if first == 0x20 || first == 0x09 { return true }
        var last = first
        for b in bytes {
            if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return true }
            last = b
        }
        return last == 0x20 || last == 0x09
    }

    /// `=`, `+`, `-`, `@`, tab or CR: what a spreadsheet takes for the start of a formula.
    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }

    /// Appends an integer in decimal.
    ///
    /// The digits are written from the end of a small buffer, then appended at once (not a
    /// byte at a time, each with its own check of the array's room).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value.magnitude, at = d.count
            repeat {
                at -= 1
                d[at] = UInt8(truncatingIfNeeded: 0x30 &+ v % 10)
                v /= 10
            } while v > 0
            if value < 0 {
                at -= 1
                d[at] = 0x2D
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[at...]))
        }
    }
}
