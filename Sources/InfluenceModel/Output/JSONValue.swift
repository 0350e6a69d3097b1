/// A JSON document with keys kept in the order they were given, so output is byte-stable.
///
/// Numbers are written as the shortest decimal that reads back exactly (`Format.shortest`:
/// `0.85`, `1`, `6.704730393385268e-11`); non-finite numbers, which JSON cannot hold, are
/// written as `null`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A value as JSON text (a long listing's own fast path), in pieces made when wanted
    /// (`OutputPieces`) to be placed one after the other, as it renders at `indent`; placed at
    /// another indent, every line after the first is shifted by the difference. Its line breaks
    /// must all lie between tokens, as in text this type renders (`quote` escapes a string's).
    case rendered(OutputPieces, indent: Int)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The document as text, indented by two spaces, ending in a newline.
    public func rendered() -> String {
        String(decoding: renderedBytes(), as: UTF8.self)
    }

    /// `rendered()` as UTF-8 bytes, written straight into one buffer.
    public func renderedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    /// `renderedBytes()` in pieces to be written one after the other: a long listing's pieces
    /// (`.rendered` placed at the indent they were rendered at) are handed over to be made as
    /// they are written, and long arrays rendered on several threads handed over as they are,
    /// rather than all copied into one buffer (at 3.1M cascades, 960 MB).
    public func renderedPieces() -> OutputPieces {
        let chunks = Chunks()
        var out: [UInt8] = []
        write(into: &out, indent: 0, chunks: chunks)
        out.append(0x0A)
        chunks.hand(&out)
        return OutputPieces(concatenating: chunks.list)
    }

    /// The parts of `renderedPieces`, in order.
    final class Chunks {
        var list: [OutputPieces] = []

        /// Ends the current piece: `out` goes to the list and starts again empty.
        func hand(_ out: inout [UInt8]) {
            if !out.isEmpty { list.append(OutputPieces([out])) }
            out = []
        }
    }

    func write(into out: inout [UInt8], indent: Int, chunks: Chunks? = nil) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): Self.appendInteger(i, to: &out)
        case .number(let d):
            Self.appendNumber(d, to: &out)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .rendered(let pieces, let at):
            if let chunks, indent == at {
                chunks.hand(&out)
                chunks.list.append(pieces)
                return
            }
            var piece: [UInt8] = []
            for k in 0..<pieces.count {
                piece.removeAll(keepingCapacity: true)
                pieces.append(k, to: &piece)
                Self.appendShifted(piece, by: indent - at, into: &out)
            }
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            // Arrays of scalars stay on one line; arrays of objects get a line each.
            let flat = items.allSatisfy {
                if case .object = $0 { return false }; if case .array = $0 { return false }
                if case .rendered = $0 { return false }  // an array of objects
                return true
            }
            out.append(0x5B)
            if !flat, items.count >= Self.parallelItems, Parallel.threads > 1 {
                // A long listing (a cascade per item): runs of items rendered on their own
                // threads, then joined in order, so the bytes are those of one pass.
                let parts = Parallel.ranges(items.count, parts: Parallel.threads * 2)
                let pieces = Parallel.pieces(parts) { range in
                    var bytes: [UInt8] = []
                    Self.appendItems(items, range, flat: false, indent: indent, into: &bytes)
                    return bytes
                }
                if let chunks {
                    chunks.hand(&out)
                    chunks.list.append(OutputPieces(pieces))
                } else {
                    for piece in pieces { out.append(contentsOf: piece) }
                }
            } else {
                Self.appendItems(items, items.indices, flat: flat, indent: indent, into: &out, chunks: chunks)
            }
            if !flat { Self.newline(indent, &out) }
            out.append(0x5D)
        case .object(let fields):
            if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(0x7B)
            // Read through the buffer: no field (a key and a value) is copied and retained.
            fields.withUnsafeBufferPointer { fields in
                for k in fields.indices {
                    Self.appendKey(fields[k].0, first: k == 0, indent: indent, into: &out)
                    fields[k].1.write(into: &out, indent: indent + 2, chunks: chunks)
                }
            }
            Self.newline(indent, &out)
            out.append(0x7D)
        }
    }

    /// Items `range` of an array, each after its separator (`, ` on one line when `flat`,
    /// else `,` and a new line indented one level deeper than `indent`).
    private static func appendItems(
        _ items: [JSONValue], _ range: Range<Int>, flat: Bool, indent: Int, into out: inout [UInt8], chunks: Chunks? = nil
    ) {
        items.withUnsafeBufferPointer { items in
            for k in range {
                if k > 0 {
                    out.append(0x2C)
                    if flat { out.append(0x20) }
                }
                if !flat { newline(indent + 2, &out) }
                items[k].write(into: &out, indent: indent + 2, chunks: chunks)
            }
        }
    }

    /// `text` with each of its lines after a line break shifted by `shift` spaces: that many
    /// added, or for a negative shift as many of its leading spaces as there are removed.
    static func appendShifted(_ text: [UInt8], by shift: Int, into out: inout [UInt8]) {
        guard shift != 0 else { return out.append(contentsOf: text) }
        text.withUnsafeBufferPointer { text in
            var from = 0
            while let at = text[from...].firstIndex(of: 0x0A) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[from...at]))
                from = at + 1
                if shift > 0 {
                    out.append(contentsOf: repeatElement(0x20, count: shift))
                } else {
                    var dropped = 0
                    while dropped < -shift, from < text.count, text[from] == 0x20 {
                        from += 1
                        dropped += 1
                    }
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[from...]))
        }
    }

    /// A finite number as `Format.shortest` writes it, anything else as `null`.
    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        if value.isFinite { Format.appendShortest(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// A field's key inside an object at `indent`: a comma unless `first`, a new line indented
    /// one level deeper, the key in quotes, then `: `.
    static func appendKey(_ key: String, first: Bool, indent: Int, into out: inout [UInt8]) {
        if !first { out.append(0x2C) }
        newline(indent + 2, &out)
        quote(key, into: &out)
        out.append(0x3A)
        out.append(0x20)
    }

    /// Arrays of objects at least this long are rendered on several threads.
    static let parallelItems = 4096

    private static func newline(_ indent: Int, _ out: inout [UInt8]) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent))
    }

    /// Decimal digits of `value`, with a minus sign when negative.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value.magnitude, count = 0
            repeat { d[count] = UInt8(truncatingIfNeeded: 0x30 + v % 10); v /= 10; count += 1 } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// `s` in quotes, with `"`, backslash and control characters escaped; the rest as its UTF-8.
    static func quote(_ s: String, into out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ quote(bytes: $0, into: &out) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { quote(bytes: $0, into: &out) }
        }
    }

    /// UTF-8 `bytes` in quotes, escaped as `quote(_:into:)` escapes a string.
    static func quote(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(0x22)
        // Most text (ids, names) has nothing to escape: copied at once.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: bytes)
            out.append(0x22)
            return
        }
        for b in bytes {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = { (d: UInt8) in d < 10 ? 0x30 + d : 0x57 + d }  // 0–9, a–f
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex(b >> 4), hex(b & 15)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
