import Foundation
import Testing

@testable import InfluenceModel

/// The per-cascade listings written straight into bytes (CSV and the JSON document's
/// `cascades`) against the same listings made field by field from the report's cascades with
/// the general writers (`CSVText.appendField`, `JSONValue` values): the same bytes, on an
/// export with ids that need quoting, escaping or a formula guard, two campaigns and rows
/// without one, times missing on some rows, and enough cascades to be written on several
/// threads.
struct SpreadListingTextTests {
    /// About 72,000 cascades of one to four people: each root's referrals get their own
    /// campaign (or none), time (or an empty cell) and ids from a few awkward forms.
    static func awkwardExport() throws -> ReferralEvents {
        var rows = "source,target,timestamp,campaign\n"
        var random = SplitMix64(seed: 11)
        let forms = ["p%d@example.com", "=cmd%d", "a,b %d", "say \"%d\"", "tab\t%d", "é%d", "-%d", "line\\%d"]
        func id(_ k: Int) -> String {
            let form = forms[k % forms.count]
            let text = form.replacingOccurrences(of: "%d", with: String(k))
            return text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var next = 0
        for root in 0..<36_000 {
            let rootId = next
            next += 1
            let campaign = ["spring", "summer", ""][root % 3]
            var parent = rootId
            for _ in 0..<Int(random.next() % 3 + 1) {
                let child = next
                next += 1
                let time = random.next() % 5 == 0 ? "" : Timestamp.iso8601(1_700_000_000 + Double(random.next() % 10_000_000))
                rows += "\(id(parent)),\(id(child)),\(time),\(campaign)\n"
                if random.next() % 2 == 0 { parent = child }
            }
        }
        return try ReferralEvents.parse(bytes: Array(rows.utf8), file: "awkward.csv")
    }

    @Test func cascadeCSVIsTheListingFieldByField() throws {
        let report = SpreadReport(events: try Self.awkwardExport())
        var expected = SpreadReport.header(.cascade).joined(separator: ",") + "\n"
        var listed = 0
        for scope in report.scopes {
            for c in scope.cascades {
                CSVText.appendField(report.people.name(c.root), to: &expected)
                expected += ","
                CSVText.appendField(scope.campaign, to: &expected)
                expected += ",\(c.size),\(c.depth),\(c.maxBreadth),"
                expected += c.structuralVirality.map(Format.shortest) ?? ""
                expected += "," + (c.firstTimestamp.map(Timestamp.iso8601) ?? "")
                expected += "," + (c.lastTimestamp.map(Timestamp.iso8601) ?? "") + "\n"
                listed += 1
            }
        }
        #expect(listed > 50_000, "enough cascades for the threads' pieces")
        #expect(report.scopes.count == 3)
        let pieces = SpreadListing(report, per: .cascade).csvPieces()
        #expect(pieces.count > 2, "the rows in several pieces")
        let bytes = pieces.joined()
        #expect(bytes == Array(expected.utf8))
        #expect(report.csv(per: .cascade) == expected)
    }

    @Test func cascadeJSONIsTheValuesRendered() throws {
        let report = SpreadReport(events: try Self.awkwardExport())
        var objects: [JSONValue] = []
        for scope in report.scopes {
            for c in scope.cascades {
                func time(_ value: Double?) -> JSONValue { value.map { .string(Timestamp.iso8601($0)) } ?? .null }
                objects.append(
                    .object([
                        ("root", .string(report.people.name(c.root))),
                        ("campaign", .string(scope.campaign)),
                        ("size", .int(c.size)),
                        ("depth", .int(c.depth)),
                        ("max_breadth", .int(c.maxBreadth)),
                        ("structural_virality", c.structuralVirality.map(JSONValue.number) ?? .null),
                        ("first_timestamp", time(c.firstTimestamp)),
                        ("last_timestamp", time(c.lastTimestamp)),
                        ("generation_sizes", .array(c.generationSizes.map(JSONValue.int))),
                    ]))
            }
        }
        let expected: JSONValue = .array(objects)
        let made = report.cascadeObjects()
        #expect(made.rendered() == expected.rendered())
        // In the document, handed over in pieces: the same bytes as rendered in one buffer,
        // and what a JSON reader reads.
        let document = report.json()
        let pieces = document.renderedPieces()
        #expect(pieces.count > 2)
        let joined = pieces.joined()
        #expect(joined == document.renderedBytes())
        let read = try #require(try JSONSerialization.jsonObject(with: Data(joined)) as? [String: Any])
        let cascades = try #require(read["cascades"] as? [[String: Any]])
        #expect(cascades.count == objects.count)
        #expect(cascades.first?["root"] as? String == report.people.name(report.scopes[0].cascades[0].root))
    }

    /// The byte writer of times against the `String` one, years 0–9999 written digit by digit
    /// and the others through it.
    @Test func timesWrittenAsBytesAreTheText() {
        var random = SplitMix64(seed: 5)
        var samples: [Double] = [0, -1, 86_399.5, -86_400, 253_402_300_799, 253_402_300_800, -62_167_219_200, -62_167_219_201]
        for _ in 0..<20_000 { samples.append(Double(Int64(bitPattern: random.next()) % 400_000_000_000) + 0.25) }
        for seconds in samples {
            let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.iso8601Room) { buffer in
                let count = Timestamp.writeISO8601(seconds, to: buffer.baseAddress!)
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
            }
            #expect(text == Timestamp.iso8601(seconds), "\(seconds)")
        }
    }
}
