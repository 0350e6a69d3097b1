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

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// The document as text, indented by two spaces, ending in a newline.
    public func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .number(let d): out.append(d.isFinite ? Format.shortest(d) : "null")
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            // Arrays of scalars stay on one line; arrays of objects get a line each.
            let flat = items.allSatisfy {
                if case .object = $0 { return false }; if case .array = $0 { return false }; return true
            }
            out.append("[")
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(flat ? ", " : ",") }
                if !flat { out.append("\n"); out.append(String(repeating: " ", count: indent + 2)) }
                item.write(into: &out, indent: indent + 2)
            }
            if !flat { out.append("\n"); out.append(String(repeating: " ", count: indent)) }
            out.append("]")
        case .object(let fields):
            if fields.isEmpty { out.append("{}"); return }
            out.append("{")
            for (k, (key, value)) in fields.enumerated() {
                if k > 0 { out.append(",") }
                out.append("\n")
                out.append(String(repeating: " ", count: indent + 2))
                JSONValue.quote(key, into: &out)
                out.append(": ")
                value.write(into: &out, indent: indent + 2)
            }
            out.append("\n")
            out.append(String(repeating: " ", count: indent))
            out.append("}")
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
