import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads a report page with Foundation's XML parser (the page is XHTML-compatible markup):
/// whether it is well-formed, its text, its charts and the cells of its tables by section.
final class PageReader: NSObject, XMLParserDelegate {
    /// The table rows (cell texts) of each section, by the section's id, tables in order.
    private(set) var tables: [String: [[[String]]]] = [:]
    /// The `<svg>` elements of each section, by id.
    private(set) var charts: [String: Int] = [:]
    /// Section ids in page order.
    private(set) var sections: [String] = []
    /// All text, elements' and attributes' alike, as the parser unescaped it.
    private(set) var text = ""
    /// Texts of `<text>` elements inside charts.
    private(set) var chartTexts: [String] = []
    private(set) var error: String?

    private var section = ""
    private var row: [String]?
    private var cell: String?
    private var inChartText = false
    private var chartText = ""

    /// Parses `page`; `nil` when it is not well-formed XML.
    static func read(_ page: String) -> PageReader? {
        let reader = PageReader()
        let parser = XMLParser(data: Data(page.utf8))
        parser.delegate = reader
        guard parser.parse() else {
            Issue.record("not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
            return nil
        }
        return reader
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        for value in attributes.values { text += value + "\n" }
        switch name {
        case "section":
            section = attributes["id"] ?? ""
            sections.append(section)
        case "table": tables[section, default: []].append([])
        case "tr": row = []
        case "td", "th": cell = ""
        case "svg": charts[section, default: 0] += 1
        case "text":
            inChartText = true
            chartText = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "td", "th":
            if let c = cell { row?.append(c) }
            cell = nil
        case "tr":
            if let r = row, var list = tables[section], !list.isEmpty {
                list[list.count - 1].append(r)
                tables[section] = list
            }
            row = nil
        case "text":
            inChartText = false
            chartTexts.append(chartText)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
        cell? += string
        if inChartText { chartText += string }
    }
}
