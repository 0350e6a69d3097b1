import Foundation
import Testing
@testable import InfluenceModel

/// How numbers and text cells are written: shortest round-trip numbers in CSV and JSON,
/// compact numbers in tables, CSV cells that read back unchanged and never run as formulas.
@Suite struct FormatTests {
    // MARK: Shortest round-trip numbers

    @Test(arguments: [
        (0.85, "0.85"), (1e-10, "1e-10"), (6.7047303933852678e-11, "6.704730393385268e-11"),
        (1, "1"), (100, "100"), (-2, "-2"), (0, "0"), (-0.0, "0"), (0.1 + 0.2, "0.30000000000000004"),
        (123456789012, "123456789012"), (1e15, "1000000000000000"), (1e16, "1e+16"), (9007199254740992, "9007199254740992"),
        (9007199254740994, "9.007199254740994e+15"), (1e-5, "1e-05"),
        (0.0001, "0.0001"), (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (8.5540114901963572e-06, "8.554011490196357e-06"), (0.5, "0.5"), (1e40, "1e+40"),
    ])
    func shortestExamples(value: Double, text: String) {
        #expect(Format.shortest(value) == text)
    }

    /// Every finite number written reads back as exactly itself, and is as short as Swift's
    /// own shortest printer makes it (less a whole number's `.0`).
    @Test func shortestReadsBackExactly() {
        var rng = SplitMix64(seed: 2027)
        var checked = 0
        func check(_ v: Double) {
            let text = Format.shortest(v)
            checked += 1
            guard v.isFinite else { return }
            guard Double(text) == v else { Issue.record("\(v.bitPattern): \(text) reads back as \(Double(text) ?? .nan)"); return }
            var swift = v == 0 ? "0" : v.description
            if swift.hasSuffix(".0") { swift.removeLast(2) }
            if text != swift { Issue.record("\(v.bitPattern): \(text), Swift prints \(swift)") }
        }
        for _ in 0..<200_000 { check(Double(bitPattern: rng.next())) }  // every exponent, NaN and infinities
        for _ in 0..<50_000 { check(Double(bitPattern: rng.next() >> 12)) }  // subnormals
        for _ in 0..<200_000 { check(pow(10, Double(rng.next() % 40_000) / 1000 - 20) * (rng.next() % 2 == 0 ? 1 : -1)) }
        for _ in 0..<200_000 { check(Double(rng.next() >> 11) * 0x1p-53 / Double(1 + rng.next() % 1_000_000)) }  // PageRank-sized
        for _ in 0..<20_000 { check(Double(rng.next() % 1_000_000) / 100) }  // money
        for e in -20...20 {
            let p = pow(10, Double(e))
            for v in [p, p.nextUp, p.nextDown, p * 9.999999999999999, 5 * p] { check(v); check(-v) }
        }
        for e in -1074...1023 {  // powers of two: the rounding interval is narrower below
            let v = Double(sign: .plus, exponent: e, significand: 1)
            check(v); check(v.nextUp); check(v.nextDown)
        }
        for k in 1...60 {  // ties at the 18th digit: odd multiples of 2^-k
            for _ in 0..<1000 { check(Double(rng.next() % (1 << 20) | 1) * pow(2, -Double(k))) }
        }
        #expect(checked > 700_000)
    }

    /// Integers as `String(_:)` writes them, signs and the widest included.
    @Test func decimalsAreWritten() {
        var rng = SplitMix64(seed: 5)
        var values: [Int] = [0, 1, 9, 10, 99, 100, -1, -10, Int.max, Int.min, 999_999, 1_000_000]
        for _ in 0..<10_000 { values.append(Int(truncatingIfNeeded: rng.next()) >> Int(rng.next() % 64)) }
        for v in values {
            var bytes: [UInt8] = [0x41]
            CSVText.appendDecimal(v, to: &bytes)
            #expect(bytes == [0x41] + Array(String(v).utf8), "\(v)")
        }
    }

    @Test func jsonAndCSVWriteShortestNumbers() {
        #expect(JSONValue.number(0.85).rendered() == "0.85\n")
        #expect(JSONValue.array([.number(1), .number(1e-10), .number(.infinity)]).rendered() == "[1, 1e-10, null]\n")
        let result = Self.scores(["a": 0.85, "b": 0.15])
        #expect(result.csv() == "node,score,rank\na,0.85,1\nb,0.15,2\n")
        #expect(String(decoding: result.csvBytes(), as: UTF8.self) == result.csv())
    }

    /// The layout and escapes of the JSON writer, spelled out: nested objects indented by two,
    /// arrays of scalars on one line, arrays of objects a line per item, negative and extreme
    /// integers, and every escape a string can need (quote, backslash, newline, return, tab,
    /// other control characters as \u00XX) with non-ASCII text left as it is.
    @Test func jsonLayoutAndEscapes() {
        let value = JSONValue.object([
            ("name", .string("a\"b\\c\nd\re\tf\u{01}g\u{1F}é😀")),
            ("counts", .array([.int(-7), .int(0), .int(Int.min), .int(Int.max), .bool(true), .null])),
            ("rows", .array([.object([("x", .number(-0.5))]), .object([])])),
            ("empty", .array([])),
        ])
        let want = """
            {
              "name": "a\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fé😀",
              "counts": [-7, 0, -9223372036854775808, 9223372036854775807, true, null],
              "rows": [
                {
                  "x": -0.5
                },
                {}
              ],
              "empty": []
            }

            """
        #expect(value.rendered() == want)
        #expect(value.renderedBytes() == Array(want.utf8))
    }

    /// Long listings (a cascade per item) are rendered in parts on several threads:
    /// the text is still the one layout, item after item, spelled out here line by line.
    @Test(arguments: [JSONValue.parallelItems - 1, JSONValue.parallelItems, 3 * JSONValue.parallelItems + 5])
    func longListingsKeepTheLayout(count: Int) {
        let items: [JSONValue] = (0..<count).map { i in
            .object([("id", .string("p\(i)")), ("sizes", .array([.int(i), .int(-i)]))])
        }
        let value = JSONValue.object([("list", .array(items)), ("n", .int(count))])
        var want = "{\n  \"list\": ["
        for i in 0..<count {
            want += (i > 0 ? "," : "") + "\n    {\n      \"id\": \"p\(i)\",\n      \"sizes\": [\(i), \(-i)]\n    }"
        }
        want += "\n  ],\n  \"n\": \(count)\n}\n"
        #expect(value.rendered() == want)
        // Handed to a file in pieces, the same text.
        #expect(value.renderedPieces().joined() == Array(want.utf8))
    }

    // MARK: Tables

    @Test(arguments: [
        (1e40, "1e+40"), (1e-12, "1e-12"), (123456789012, "1.23457e+11"), (0.1 + 0.2, "0.3"),
    ])
    func shortFormIsCompact(value: Double, text: String) {
        #expect(Format.short(value) == text)
    }

    @Test(arguments: [
        (1e40, "1e+40"), (1e-12, "0.00"), (-1e-12, "0.00"), (123456789012, "123456789012.00"), (0.1 + 0.2, "0.30"),
        (999_999_999_999_999, "999999999999999.00"), (1e15, "1e+15"), (12.345, "12.35"),
    ])
    func moneyIsCompact(value: Double, text: String) {
        #expect(AttributionResult.money(value) == text)
    }

    /// The scores' JSON, written straight into text, is what the array of one object per
    /// person renders (the form it replaced): PageRank and HITS, on a graph large enough to be
    /// written on several threads, with ids that need escapes, and `top` cutting the listing.
    @Test(arguments: [ScoreAlgorithm.pagerank, .hits])
    func scoresJSONIsTheObjectsRendered(algorithm: ScoreAlgorithm) throws {
        var rng = SplitMix64(seed: 77)
        var lines = ["source,target"]
        for _ in 0..<30_000 {
            let (s, t) = (rng.below(6_000), rng.below(6_000))
            lines.append("\(s == 5 ? "\"a \"\"q\"\"\"" : "u\(s)"),\(t == 7 ? "back\\slash" : "u\(t)")")
        }
        let events = try ReferralEvents.parse(bytes: Array(lines.joined(separator: "\n").utf8), file: "r.csv")
        let result = try ReferralGraph(events: events).score(ScoreOptions(algorithm: algorithm))
        for top in [nil, 0, 5] as [Int?] {
            let objects: [JSONValue] = result.ranking().prefix(top ?? .max).enumerated().map { k, p in
                var fields: [(String, JSONValue)] = [("node", .string(result.people.name(p)))]
                if let authority = result.authority {
                    fields += [("hub", .number(result.score[Int(p)])), ("authority", .number(authority[Int(p)]))]
                } else {
                    fields.append(("score", .number(result.score[Int(p)])))
                }
                fields.append(("rank", .int(k + 1)))
                return .object(fields)
            }
            guard case .object(let document) = result.json(top: top),
                let scores = document.first(where: { $0.0 == "scores" })?.1
            else {
                Issue.record("no scores in the document")
                return
            }
            let want = JSONValue.object([("scores", .array(objects))]).renderedBytes()
            let got = JSONValue.object([("scores", scores)]).renderedBytes()
            #expect(objects.count == min(top ?? .max, result.people.count))
            #expect(got == want, "top \(String(describing: top))")
        }
    }

    /// A huge value is shown in exponent form, not as 40 digits cut at 39.
    @Test func attributionTableShowsHugeValuesCompactly() throws {
        let huge = try AttributionResult(
            model: .lastTouch, grouping: .person,
            rows: [.init(id: "a", credit: Credit(conversions: 1, value: 1e40))],
            total: Credit(conversions: 1, value: 1e40), organic: Credit(), quality: DataQuality())
        let table = huge.table()
        #expect(table.contains("1e+40"))
        #expect(!table.contains("100000000000000003037860284270036668907"))
        #expect(huge.csv() == "node,conversions,value\na,1,1e+40\n")
    }

    // MARK: CSV cells

    @Test(arguments: [
        ("plain", "plain"), (" a ", "\" a \""), ("a ", "\"a \""), ("\tb", "\"'\tb\""), ("b\t", "\"b\t\""),
        ("x,y", "\"x,y\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""), ("+1", "\"'+1\""), ("-5", "\"'-5\""),
        ("@SUM(A1)", "\"'@SUM(A1)\""), ("\rx", "\"'\rx\""), ("a=b", "a=b"), ("", ""),
    ])
    func textCells(field: String, written: String) {
        #expect(CSVText.field(field) == written)
        var bytes: [UInt8] = []
        Array(field.utf8).withUnsafeBufferPointer { CSVText.appendField(bytes: $0, to: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == written)
    }

    /// Ids are text and guarded; scores are numbers and never are.
    @Test func scoreCSVGuardsIdsNotNumbers() {
        let result = Self.scores(["=HYPERLINK(\"x\")": 2, " spaced ": 1, "b": -5])
        #expect(result.csv() == "node,score,rank\n\"'=HYPERLINK(\"\"x\"\")\",2,1\n\" spaced \",1,2\nb,-5,3\n")
        #expect(String(decoding: result.csvBytes(), as: UTF8.self) == result.csv())
    }

    /// Quoted cells read back unchanged: spaces kept, quotes undone.
    @Test func quotedCellsReadBack() throws {
        let ids = [" lead", "trail ", "\ttab", "x,y", "q\"q"]
        var text = "source,target\n"
        for id in ids { text += CSVText.field(id) + ",t\n" }
        var options = ReadOptions()
        options.exactIds = true
        let events = try ReferralEvents.parse(bytes: Array(text.utf8), file: "ids.csv", options: options)
        let read = Set((0..<events.people.count).map { events.people.name(Int32($0)) })
        for id in ids where !id.hasPrefix("\t") { #expect(read.contains(id), "\(id)") }
        #expect(read.contains("'\ttab"), "a leading tab is guarded as a formula start")
    }

    /// With the guard off (a raw-CSV option), text is written as it is, still quoted where needed.
    @Test func formulaGuardCanBeTurnedOff() {
        CSVText.guardFormulas = false
        defer { CSVText.guardFormulas = true }
        #expect(CSVText.field("=1+1") == "=1+1")
        #expect(CSVText.field("-5 ") == "\"-5 \"")
    }

    /// A score result over `scores` (people in the order given by their ids).
    static func scores(_ scores: KeyValuePairs<String, Double>) -> ScoreResult {
        var people = Interner()
        for (id, _) in scores { var key = id; _ = key.withUTF8 { people.intern($0) } }
        return ScoreResult(
            options: ScoreOptions(), people: people, score: scores.map(\.value), authority: nil,
            report: IterationReport(iterations: 1, residual: 0, converged: true), operatorKind: .sparse,
            edgeCount: 0, quality: DataQuality())
    }
}
