/// The report's charts, each one inline `<svg>` drawn from computed results: titled axes
/// with units, tick labels, a legend wherever colour tells series apart, the Okabe–Ito palette.
enum Charts {
    /// A named series of points.
    struct Series {
        var label: String
        var color: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    static let width = 800.0
    /// The most series or categories a chart draws; tables list them all.
    static let maxSeries = 6
    static let maxCategories = 12

    /// A label cut to `limit` characters with an ellipsis (charts have fixed room; the full
    /// text is in the tables and the shapes' tooltips).
    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Where each legend entry goes: rows of coloured swatches from (x, y), wrapped before `right`.
    static func legendLayout(_ entries: [(label: String, color: String)], x: Double, y: Double, right: Double) -> [(
        label: String, color: String, x: Double, y: Double
    )] {
        var at = x, row = y
        var placed: [(label: String, color: String, x: Double, y: Double)] = []
        for entry in entries {
            let label = clip(entry.label, 24)
            let width = 19 + Double(label.count) * 7 + 18
            if at > x, at + width - 18 > right {
                at = x
                row += 20
            }
            placed.append((label, entry.color, at, row))
            at += width
        }
        return placed
    }

    /// The height a legend takes (0 without one).
    static func legendHeight(_ entries: [(label: String, color: String)], x: Double, right: Double) -> Double {
        guard let last = legendLayout(entries, x: x, y: 0, right: right).last else { return 0 }
        return last.y + 20
    }

    /// A legend of coloured swatches, wrapped into rows before `right`.
    static func legend(
        _ canvas: inout SVGCanvas, _ entries: [(label: String, color: String)], x: Double, y: Double, right: Double = width - 24
    ) {
        for entry in legendLayout(entries, x: x, y: y, right: right) {
            canvas.rect(entry.x, entry.y - 9, 14, 10, fill: entry.color)
            canvas.text(entry.x + 19, entry.y, entry.label, cls: "legend")
        }
    }

    // MARK: Reach over time

    /// Cumulative people reached per day, one line per series.
    /// - Parameter series: points of (day since the epoch, cumulative people).
    static func reach(_ series: [Series], title: String) -> String {
        let left = 72.0, right = width - 24
        let entries = series.count > 1 ? series.map { ($0.label, $0.color) } : []
        let top = 16 + legendHeight(entries, x: left, right: right) + (entries.isEmpty ? 0 : 8)
        let height = 296.0 + top
        let bottom = height - 56
        var c = SVGCanvas(width: width, height: height)
        let days = series.flatMap { $0.points.map(\.x) }
        let lowDay = days.min() ?? 0, highDay = max(days.max() ?? 1, lowDay + 1)
        let maxY = Scale.niceMax(series.flatMap { $0.points.map(\.y) }.max() ?? 1, integer: true)
        let x = Scale(domain: lowDay, highDay, range: left, right)
        let y = Scale(domain: 0, maxY, range: bottom, top)
        for t in Scale.niceTicks(low: 0, high: maxY, integer: true) {
            c.line(left, y(t), right, y(t), cls: "grid")
            c.text(left - 8, y(t) + 4, HumanNumber.compact(t), anchor: "end", cls: "tick")
        }
        let span = Int(highDay - lowDay)
        let step = [1, 2, 7, 14, 28, 56, 91, 182, 365].first { span / $0 <= 8 } ?? 365
        var d = Int(lowDay)
        while Double(d) <= highDay {
            c.line(x(Double(d)), bottom, x(Double(d)), bottom + 5, cls: "axis")
            c.text(x(Double(d)), bottom + 20, dayLabel(d, withYear: d == Int(lowDay)), anchor: "middle", cls: "tick")
            d += step
        }
        c.line(left, bottom, right, bottom, cls: "axis")
        c.line(left, top, left, bottom, cls: "axis")
        for s in series {
            c.polyline(s.points.map { (x($0.x), y($0.y)) }, stroke: s.color, width: s.dashed ? 2 : 2.5, dashed: s.dashed)
        }
        c.text((left + right) / 2, height - 12, "date (UTC)", anchor: "middle", cls: "axis-title")
        c.text(18, (top + bottom) / 2, "people reached, cumulative", anchor: "middle", cls: "axis-title", rotate: true)
        legend(&c, entries, x: left, y: 20)
        return c.svg(label: title)
    }

    static func dayLabel(_ day: Int, withYear: Bool) -> String { HumanNumber.day(day, withYear: withYear) }

    // MARK: Generation funnel

    /// People per generation as horizontal bars, with R_g beside each.
    static func funnel(sizes: [Int], title: String) -> String {
        let shown = Array(sizes.prefix(16))
        let row = 26.0
        let left = 150.0, right = width - 150, top = 16.0
        let bottom = top + row * Double(shown.count)
        let height = bottom + 52
        var c = SVGCanvas(width: width, height: height)
        let maxX = Scale.niceMax(Double(shown.max() ?? 1), integer: true)
        let x = Scale(domain: 0, maxX, range: left, right)
        for t in Scale.niceTicks(low: 0, high: maxX, integer: true) {
            c.line(x(t), top, x(t), bottom, cls: "grid")
            c.text(x(t), bottom + 18, HumanNumber.compact(t), anchor: "middle", cls: "tick")
        }
        for (g, n) in shown.enumerated() {
            let y0 = top + Double(g) * row
            let label = g == 0 ? "0 (seeds)" : String(g)
            c.text(left - 10, y0 + row / 2 + 4, "generation " + label, anchor: "end", cls: "tick")
            c.rect(
                left, y0 + 4, x(Double(n)) - left, row - 8, fill: Palette.color(0), title: "generation \(g): \(HumanNumber.count(n)) people"
            )
            var note = HumanNumber.count(n)
            if g > 0, sizes[g - 1] > 0 { note += "  (×" + HumanNumber.decimal(Double(n) / Double(sizes[g - 1])) + ")" }
            c.text(x(Double(n)) + 6, y0 + row / 2 + 4, note, cls: "value")
        }
        c.line(left, bottom, right, bottom, cls: "axis")
        c.text(
            (left + right) / 2, height - 10, "people in the generation (×: R, people per person of the generation before)",
            anchor: "middle", cls: "axis-title")
        return c.svg(label: title)
    }

    // MARK: Cascade sizes

    /// The share of cascades of at least each size, log–log, one line per series.
    /// - Parameter series: points of (size, share of cascades at least that size).
    static func ccdf(_ series: [Series], title: String) -> String {
        let left = 72.0, right = width - 24
        let entries = series.count > 1 ? series.map { ($0.label, $0.color) } : []
        let top = 16 + legendHeight(entries, x: left, right: right) + (entries.isEmpty ? 0 : 8)
        let height = 316.0 + top
        let bottom = height - 56
        var c = SVGCanvas(width: width, height: height)
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let maxX = max(xs.max() ?? 10, 10)
        let minY = min(ys.filter { $0 > 0 }.min() ?? 0.1, 0.1)
        let lowY = Scale.logTicks(low: minY / 10, high: 1).last { $0 <= minY } ?? minY
        let highX = Scale.logTicks(low: 1, high: maxX * 10).first { $0 >= maxX } ?? maxX
        let x = Scale(domain: 1, highX, range: left, right, log: true)
        let y = Scale(domain: lowY, 1, range: bottom, top, log: true)
        for t in Scale.logTicks(low: lowY, high: 1) {
            c.line(left, y(t), right, y(t), cls: "grid")
            c.text(left - 8, y(t) + 4, HumanNumber.shortPercent(t), anchor: "end", cls: "tick")
        }
        for t in Scale.logTicks(low: 1, high: highX) {
            c.line(x(t), top, x(t), bottom, cls: "grid")
            c.text(x(t), bottom + 20, HumanNumber.compact(t), anchor: "middle", cls: "tick")
        }
        c.line(left, bottom, right, bottom, cls: "axis")
        c.line(left, top, left, bottom, cls: "axis")
        for s in series {
            // A step line: the share stays until the next size.
            var steps: [(Double, Double)] = []
            for (k, p) in s.points.enumerated() {
                if k > 0 { steps.append((x(p.x), y(s.points[k - 1].y))) }
                steps.append((x(p.x), y(p.y)))
            }
            c.polyline(steps, stroke: s.color, width: s.dashed ? 1.5 : 2, dashed: s.dashed)
            for p in s.points {
                c.circle(
                    x(p.x), y(p.y), r: 3, fill: s.color,
                    title: "\(s.label): \(HumanNumber.percent(p.y)) of cascades have \(HumanNumber.count(Int(p.x))) or more people")
            }
        }
        c.text((left + right) / 2, height - 12, "cascade size, people (log scale)", anchor: "middle", cls: "axis-title")
        c.text(18, (top + bottom) / 2, "share of cascades ≥ size (log)", anchor: "middle", cls: "axis-title", rotate: true)
        legend(&c, entries, x: left, y: 20)
        return c.svg(label: title)
    }

    // MARK: Channels

    /// One panel of the channel chart: a title and a value (or nil) per channel.
    struct Panel {
        var title: String
        var unit: String
        var values: [Double?]
        var format: (Double) -> String
        /// How the axis ticks are written (default: as the values).
        var tickFormat: ((Double) -> String)? = nil
    }

    /// Four small bar charts side by side, one per measure, channels in the same order in each.
    static func channels(_ names: [String], panels: [Panel], title: String) -> String {
        let columns = 2
        let row = 22.0
        let panelWidth = width / Double(columns)
        let labelWidth = 120.0
        let panelHeight = 48 + row * Double(names.count) + 40
        let rows = (panels.count + columns - 1) / columns
        var c = SVGCanvas(width: width, height: panelHeight * Double(rows))
        for (k, panel) in panels.enumerated() {
            let ox = Double(k % columns) * panelWidth, oy = Double(k / columns) * panelHeight
            let left = ox + labelWidth, right = ox + panelWidth - 70
            let top = oy + 34, bottom = top + row * Double(names.count)
            c.text(ox + 8, oy + 18, panel.title, cls: "panel-title")
            let maxX = Scale.niceMax(panel.values.compactMap { $0 }.max() ?? 1, count: 3)
            let x = Scale(domain: 0, maxX, range: left, right)
            for t in Scale.niceTicks(low: 0, high: maxX, count: 3) {
                c.line(x(t), top, x(t), bottom, cls: "grid")
                c.text(x(t), bottom + 16, (panel.tickFormat ?? panel.format)(t), anchor: "middle", cls: "tick")
            }
            for (i, name) in names.enumerated() {
                let y0 = top + Double(i) * row
                c.text(left - 8, y0 + row / 2 + 4, clip(name, 15), anchor: "end", cls: "tick")
                if let v = panel.values[i] {
                    c.rect(left, y0 + 4, x(v) - left, row - 8, fill: Palette.color(k), title: "\(name): \(panel.format(v))")
                    c.text(x(v) + 5, y0 + row / 2 + 4, panel.format(v), cls: "value")
                } else {
                    c.text(left + 5, y0 + row / 2 + 4, "no data", cls: "value muted")
                }
            }
            c.line(left, bottom, right, bottom, cls: "axis")
            c.text((left + right) / 2, bottom + 34, panel.unit, anchor: "middle", cls: "axis-title")
        }
        return c.svg(label: title)
    }

    /// Grouped horizontal bars: for each channel, one bar per model.
    /// - Parameter values: `values[model][channel]`.
    static func credit(channels: [String], models: [String], values: [[Double]], currency: Currency, title: String) -> String {
        let bar = 9.0, gap = 14.0
        let group = bar * Double(models.count) + gap
        let left = 120.0, right = width - 90
        let entries = models.enumerated().map { ($0.element, Palette.color($0.offset)) }
        let top = 24 + legendHeight(entries, x: left, right: width - 24)
        let bottom = top + group * Double(channels.count)
        let height = bottom + 50
        var c = SVGCanvas(width: width, height: height)
        let maxX = Scale.niceMax(values.flatMap { $0 }.max() ?? 1)
        let x = Scale(domain: 0, maxX, range: left, right)
        for t in Scale.niceTicks(low: 0, high: maxX) {
            c.line(x(t), top, x(t), bottom, cls: "grid")
            c.text(x(t), bottom + 18, currency.prefix + HumanNumber.compact(t), anchor: "middle", cls: "tick")
        }
        for (i, channel) in channels.enumerated() {
            let y0 = top + Double(i) * group
            c.text(left - 8, y0 + group / 2, clip(channel, 16), anchor: "end", cls: "tick")
            for (m, model) in models.enumerated() {
                let v = values[m][i]
                c.rect(
                    left, y0 + Double(m) * bar, x(v) - left, bar - 1.5, fill: Palette.color(m),
                    title: "\(channel), \(model): \(HumanNumber.money(v, currency))")
            }
        }
        c.line(left, bottom, right, bottom, cls: "axis")
        c.text((left + right) / 2, height - 10, "value credited to the channel (\(currency.code))", anchor: "middle", cls: "axis-title")
        legend(&c, entries, x: left, y: 20)
        return c.svg(label: title)
    }

    // MARK: Comparison

    /// Lift over the baseline with its interval, one whisker per group and metric.
    static func whiskers(_ rows: [ReportComparison.Row], baseline: String, title: String) -> String {
        let row = 26.0
        let left = 230.0, right = width - 30, top = 40.0
        let bottom = top + row * Double(rows.count)
        let height = bottom + 52
        var c = SVGCanvas(width: width, height: height)
        var values: [Double] = [0]
        for r in rows { values += [r.lift, r.liftLow, r.liftHigh].compactMap { $0 } }
        let span = max(values.map { Swift.abs($0) }.max() ?? 0.1, 0.05)
        let limit = Scale.niceMax(span, count: 4)
        let x = Scale(domain: -limit, limit, range: left, right)
        for t in Scale.niceTicks(low: -limit, high: limit, count: 6) {
            c.line(x(t), top, x(t), bottom, cls: t == 0 ? "zero" : "grid")
            c.text(x(t), bottom + 18, HumanNumber.signedPercent(t), anchor: "middle", cls: "tick")
        }
        for (i, r) in rows.enumerated() {
            let y0 = top + Double(i) * row + row / 2
            c.text(left - 10, y0 + 4, clip("\(r.metric) · \(r.group)", 34), anchor: "end", cls: "tick")
            let color = r.significant ? Palette.color(0) : "#8C8C8C"
            if let low = r.liftLow, let high = r.liftHigh {
                c.polyline([(x(low), y0), (x(high), y0)], stroke: color, width: 2)
                c.line(x(low), y0 - 6, x(low), y0 + 6, cls: r.significant ? "whisker sig" : "whisker")
                c.line(x(high), y0 - 6, x(high), y0 + 6, cls: r.significant ? "whisker sig" : "whisker")
            }
            if let lift = r.lift {
                c.circle(x(lift), y0, r: 4.5, fill: color, title: "\(r.group), \(r.metric): lift \(HumanNumber.signedPercent(lift))")
            }
        }
        c.line(left, bottom, right, bottom, cls: "axis")
        c.text((left + right) / 2, height - 10, "lift over \(baseline), with its interval", anchor: "middle", cls: "axis-title")
        legend(&c, [("significant", Palette.color(0)), ("not significant", "#8C8C8C")], x: left, y: 20)
        return c.svg(label: title)
    }
}
