/// The fields of a JSON object written as `JSONValue` renders them, each on its own line at
/// `indent` + 2 spaces.
struct JSONObjectText {
    let indent: Int
    var out: [UInt8] = []
    /// Whether the next field is the object's first (no comma before it).
    var first = true

    init(indent: Int) { self.indent = indent }

    mutating func key(_ name: String) {
        JSONValue.appendKey(name, first: first, indent: indent, into: &out)
        first = false
    }

    mutating func string(_ value: String, named name: String) {
        key(name)
        JSONValue.quote(value, into: &out)
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

extension JSONValue {
    /// An array of `count` objects as the JSON text `.array` of `.object`s renders at `indent`
    /// (`rendered`), written straight into bytes, on several threads for long arrays:
    /// `object(k, &fields)` writes object k's fields, in order, with `fields`' methods. No
    /// `JSONValue` is made per object (an enum box, its fields and their strings, each made,
    /// rendered and freed), and placed at `indent` (a document's results are at 2) the text is
    /// copied as it is.
    /// - Complexity: O(count) calls of `object`.
    static func objects(_ count: Int, indent: Int = 2, _ object: (Int, inout JSONObjectText) -> Void) -> JSONValue {
        guard count > 0 else { return .array([]) }
        let item = [UInt8](repeating: 0x20, count: indent + 2)
        let parts = Parallel.ranges(count, parts: count < parallelItems ? 1 : 2 * Parallel.threads)
        let pieces = Parallel.pieces(parts) { range in
            var fields = JSONObjectText(indent: indent + 2)
            fields.out.reserveCapacity(range.count * 96)
            for k in range {
                fields.out.append(k == 0 ? 0x5B : 0x2C)  // [ ,
                fields.out.append(0x0A)
                fields.out.append(contentsOf: item)
                fields.out.append(0x7B)  // {
                fields.first = true
                object(k, &fields)
                fields.out.append(0x0A)
                fields.out.append(contentsOf: item)
                fields.out.append(0x7D)  // }
            }
            return fields.out
        }
        let closing = [0x0A] + [UInt8](repeating: 0x20, count: indent) + [0x5D]  // ]
        return .rendered(pieces: pieces + [closing], indent: indent)
    }
}
