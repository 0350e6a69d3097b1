/// Text made safe for HTML and SVG, inside elements and attribute values alike.
///
/// Everything from the input (ids, names, campaigns, channels, the title) goes through
/// `escape`, so `<script>alert(1)</script>` is shown as text. The page is also well-formed
/// XML (XHTML-compatible markup), which the tests check with an XML parser.
public enum Markup {
    /// `&`, `<`, `>`, `"` and `'` as character references; control characters other than
    /// tab and line breaks (which XML cannot hold) dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 allows no C0 controls but these, and no U+FFFE/U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
