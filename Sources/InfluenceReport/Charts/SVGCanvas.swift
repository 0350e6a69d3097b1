/// An SVG drawing built as text, with coordinates rounded to 0.1 for small files.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    mutating func raw(_ text: String) { body += text }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" class=\"\(cls)\"/>"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, title: String? = nil) {
        let shape = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(w, 0)))\" height=\"\(Self.n(max(h, 0)))\" fill=\"\(fill)\""
        if let title {
            body += "<rect \(shape)><title>\(Markup.escape(title))</title></rect>"
        } else {
            body += "<rect \(shape)/>"
        }
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, title: String? = nil) {
        let shape = "cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\""
        if let title {
            body += "<circle \(shape)><title>\(Markup.escape(title))</title></circle>"
        } else {
            body += "<circle \(shape)/>"
        }
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dashed: Bool = false) {
        guard !points.isEmpty else { return }
        let list = points.map { Self.n($0.0) + "," + Self.n($0.1) }.joined(separator: " ")
        body += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
        body += dashed ? " stroke-dasharray=\"6 4\"/>" : "/>"
    }

    /// Text from anywhere (escaped).
    mutating func text(
        _ x: Double, _ y: Double, _ content: String, anchor: String = "start", cls: String = "", rotate: Bool = false
    ) {
        var attributes = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if !cls.isEmpty { attributes += " class=\"\(cls)\"" }
        if rotate { attributes += " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" }
        body += "<text \(attributes)>\(Markup.escape(content))</text>"
    }

    /// The finished `<svg>` element; `label` is its accessible name (escaped).
    func svg(label: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\" aria-label=\"\(Markup.escape(label))\">"
            + "<title>\(Markup.escape(label))</title>" + body + "</svg>"
    }
}
