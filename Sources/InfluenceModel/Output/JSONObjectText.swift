/// The fields of a JSON object written as `JSONValue` renders them, each on its own line at
/// `indent` + 2 spaces.
struct JSONObjectText {
    let indent: Int
    var out: [UInt8] = []
    /// Whether the next field is the object's first (no comma before it).
    private var first = true
    /// Each field's key as written (a line break, the indent, the quoted name and `: `), by
    /// its place in the object: objects of a listing repeat their keys, which are then copied
    /// rather than quoted again (a third of the time of 3.1M cascades' objects).
    private var keys: [(name: String, text: [UInt8])] = []
    /// The place of the next field in the object.
    private var field = 0

    init(indent: Int) { self.indent = indent }

    /// Starts the next object: its first field gets no comma, and its keys are matched from
    /// the first again.
    mutating func beginObject() {
        first = true
        field = 0
    }

    mutating func key(_ name: String) {
        if !first { out.append(0x2C) }
        first = false
        if field == keys.count || keys[field].name != name {
            var text: [UInt8] = []
            JSONValue.appendKey(name, first: true, indent: indent, into: &text)
            if field == keys.count { keys.append((name, text)) } else { keys[field] = (name, text) }
        }
        out.append(contentsOf: keys[field].text)
        field += 1
    }

    mutating func string(_ value: String, named name: String) {
        key(name)
        JSONValue.quote(value, into: &out)
    }

    /// A string given as UTF-8 bytes, escaped as `JSONValue.quote` escapes a `String`.
    mutating func string(bytes value: UnsafeBufferPointer<UInt8>, named name: String) {
        key(name)
        JSONValue.quote(bytes: value, into: &out)
    }

    /// A number, or `null` for none.
    mutating func optionalNumber(_ value: Double?, named name: String) {
        key(name)
        if let value { JSONValue.appendNumber(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// An array of integers on one line, as `.array` of `.int`s renders.
    mutating func ints(_ values: [Int], named name: String) {
        key(name)
        out.append(0x5B)
        for (k, value) in values.enumerated() {
            if k > 0 { out.append(contentsOf: [0x2C, 0x20]) }
            JSONValue.appendInteger(value, to: &out)
        }
        out.append(0x5D)
    }

    mutating func number(_ value: Double, named name: String) {
        key(name)
        JSONValue.appendNumber(value, to: &out)
    }

    mutating func int(_ value: Int, named name: String) {
        key(name)
        JSONValue.appendInteger(value, to: &out)
    }
}

/// A run of a listing's objects written as `JSONValue.objects` places them: each after its
/// separator (`[` for the first of all, `,` for the others) and a line break, in braces, its
/// fields written by `JSONObjectText`.
struct JSONObjectList {
    var fields: JSONObjectText
    /// A line break's indent before each brace.
    private let item: [UInt8]

    init(indent: Int) {
        fields = JSONObjectText(indent: indent + 2)
        item = [UInt8](repeating: 0x20, count: indent + 2)
    }

    /// Writes objects `range`, object k's fields by `object(k, &fields)`.
    mutating func each(_ range: Range<Int>, _ object: (Int, inout JSONObjectText) -> Void) {
        for k in range {
            fields.out.append(k == 0 ? 0x5B : 0x2C)  // [ ,
            fields.out.append(0x0A)
            fields.out.append(contentsOf: item)
            fields.out.append(0x7B)  // {
            fields.beginObject()
            object(k, &fields)
            fields.out.append(0x0A)
            fields.out.append(contentsOf: item)
            fields.out.append(0x7D)  // }
        }
    }
}

extension JSONValue {
    /// Objects a piece of a long listing holds (`objects`): a few megabytes of text.
    static let objectsPerPiece = 16_384

    /// An array of `count` objects as the JSON text `.array` of `.object`s renders at `indent`
    /// (`rendered`), written straight into bytes piece by piece when the text is wanted
    /// (`OutputPieces`): `render(range, &list)` writes objects `range` in order with
    /// `list.each`. No `JSONValue` is made per object (an enum box, its fields and their
    /// strings, each made, rendered and freed), and placed at `indent` (a document's results
    /// are at 2) the text is copied as it is. `render` may be called for different ranges on
    /// several threads at once, and after this returns: it must only read what it shares.
    /// - Complexity: O(count) object writes, when rendered.
    static func objects(
        _ count: Int, indent: Int = 2, _ render: @escaping @Sendable (Range<Int>, inout JSONObjectList) -> Void
    ) -> JSONValue {
        guard count > 0 else { return .array([]) }
        let parts = Parallel.ranges(count, parts: (count + objectsPerPiece - 1) / objectsPerPiece)
        let closing = [0x0A] + [UInt8](repeating: 0x20, count: indent) + [0x5D]  // ]
        let pieces = OutputPieces(count: parts.count + 1) { k, out in
            guard k < parts.count else { return out.append(contentsOf: closing) }
            // The piece is written into `out` itself (swapped in and out, never copied).
            var list = JSONObjectList(indent: indent)
            swap(&list.fields.out, &out)
            render(parts[k], &list)
            swap(&list.fields.out, &out)
        }
        return .rendered(pieces, indent: indent)
    }
}
