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

    /// Appends a text cell as UTF-8 bytes, as `appendField(_:to:)` writes it.
    static func appendField(_ field: String, to out: inout [UInt8]) {
        var field = field
        field.withUTF8 { appendField(bytes: $0, to: &out) }
    }

    /// Appends a text cell's UTF-8 bytes, as `appendField(_:to:)` writes it.
    static func appendField(bytes field: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.appendWritten(room: fieldRoom(field.count)) { writeField(bytes: field, to: $0, guarding: guardFormulas) }
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
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        out.appendWritten(room: decimalRoom) { writeDecimal(value, to: $0) }
    }

    /// Bytes that `writeDecimal` may write: `-9223372036854775808` is 20.
    static let decimalRoom = 20

    /// Writes an integer in decimal at `out`, which has room for `decimalRoom` bytes, and
    /// returns how many bytes it wrote: the digits from the last into a small buffer, then
    /// copied in order.
    @inline(__always)
    static func writeDecimal(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { d in
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
            let count = d.count - at
            out.update(from: d.baseAddress!.assumingMemoryBound(to: UInt8.self) + at, count: count)
            return count
        }
    }

    /// Bytes that `writeField(bytes:to:guarding:)` may write for a field of `count` bytes.
    static func fieldRoom(_ count: Int) -> Int { 2 * count + 3 }

    /// Writes a text cell's UTF-8 bytes at `out` (room for `fieldRoom(field.count)` bytes), as
    /// `appendField(bytes:to:)` writes it, with `guarding` for `guardFormulas` (read once by
    /// the caller rather than once a cell); returns how many bytes it wrote.
    @inline(__always)
    static func writeField(bytes field: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, guarding: Bool) -> Int {
        let guarded = field.first.map { guarding && startsFormula($0) } ?? false
        guard guarded || needsQuotes(field) else {
            if let from = field.baseAddress { out.update(from: from, count: field.count) }
            return field.count
        }
        var at = 0
        out[at] = 0x22
        at += 1
        if guarded {
            out[at] = 0x27
            at += 1
        }
        for b in field {
            out[at] = b
            at += 1
            if b == 0x22 {
                out[at] = 0x22
                at += 1
            }
        }
        out[at] = 0x22
        return at + 1
    }
}

extension [UInt8] {
    /// Appends what `write` writes into `room` bytes of scratch memory (it returns how many):
    /// the append form of the writers that take a pointer.
    @inline(__always)
    mutating func appendWritten(room: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { scratch in
            let count = write(scratch.baseAddress!)
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }
}
