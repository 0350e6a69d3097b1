import Foundation
import InfluenceModel
import InfluenceReport
import Testing

/// Input text is shown as text: never markup, in HTML, SVG and Markdown alike.
struct ReportSafetyTests {
    static let hostile = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "a&b", "it's"]

    static func report() throws -> ReferralReport {
        let (s, i, a, q) = (hostile[0], hostile[1], hostile[2], hostile[3])
        let events = """
            source,target,timestamp,channel,campaign
            "\(s.replacing("\"", with: "\"\""))",b,2025-01-01T10:00:00Z,</svg>,<b>bold</b>
            "\(s.replacing("\"", with: "\"\""))","\(i.replacing("\"", with: "\"\""))",2025-01-02T10:00:00Z,email,<b>bold</b>
            b,"\(a)",2025-01-03T10:00:00Z,</svg>,plain
            "\(i.replacing("\"", with: "\"\""))","\(q)",2025-01-04T10:00:00Z,email,plain
            "\(a)",c,2025-01-05T10:00:00Z,email,plain
            "\(q)",d,2025-01-06T10:00:00Z,</svg>,plain

            """
        let conversions = "user,value\nb,10\n\"\(i.replacing("\"", with: "\"\""))\",20\n"
        return try ReportFixture.report(events: events, conversions: conversions, title: "<script>alert('title')</script>")
    }

    @Test func htmlShowsHostileTextAsText() throws {
        let page = try Self.report().page()
        let reader = try #require(PageReader.read(page))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>"))
        #expect(!page.contains("</svg>,"))
        for id in Self.hostile {
            #expect(reader.text.contains(id), "\(id) is shown as text")
        }
        #expect(reader.text.contains("<script>alert('title')</script>"))
        #expect(reader.text.contains("<b>bold</b>"), "the campaign name is shown as text")
        // The channel `</svg>` is a label inside the charts: the charts still parse and count.
        #expect(reader.chartTexts.contains("</svg>"))
        #expect(page.components(separatedBy: "<svg").count - 1 == reader.charts.values.reduce(0, +))
    }

    @Test func markdownEscapesHostileText() throws {
        let markdown = try Self.report().markdown()
        #expect(!markdown.contains("<script"))
        #expect(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!markdown.contains("<b>"))
    }

    @Test(arguments: ["<", ">", "&", "\"", "'", "\u{01}"])
    func escapeLeavesNoMarkup(character: String) {
        var escaped = Markup.escape("x" + character + "y")
        for entity in ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"] { escaped = escaped.replacing(entity, with: "") }
        #expect(!escaped.contains(character), "\(escaped)")
    }

    @Test func jsonKeepsTheTextAsRead() throws {
        let json = try Self.report().json().rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        let parameters = try #require(object["parameters"] as? [String: Any])
        #expect(parameters["title"] as? String == "<script>alert('title')</script>")
    }
}
