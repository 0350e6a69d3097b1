/// Markdown text helpers.
public enum MarkdownText {
    /// Text safe in a table cell or list item: pipes, backslashes and Markdown punctuation
    /// escaped, line breaks as spaces, and HTML's `<` and `&` as entities.
    public static func cell(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "|", "\\", "`", "*", "_", "[", "]", "#": out += "\\" + String(ch)
            case "<": out += "&lt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
