import Testing
import InfluenceModel
import Foundation

private let eventsFile = "events.csv"
private let weightRule = "weights must be finite numbers >= 0"
private let valueRule = "conversion values must be finite amounts >= 0 (such as 72.26, $1,234.50 or 1.234,50 €)"

private func parseEvents(_ text: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
    try ReferralEvents.parse(bytes: Array(text.utf8), file: eventsFile, options: options)
}

private func parseEvents(bytes: [UInt8], options: ReadOptions = ReadOptions()) throws(InputError) -> ReferralEvents {
    try ReferralEvents.parse(bytes: bytes, file: eventsFile, options: options)
}

private func parseConversions(_ text: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Conversions {
    try Conversions.parse(bytes: Array(text.utf8), file: "conversions.csv", options: options)
}

/// Names of the sources and targets of the kept rows.
private func pairs(_ events: ReferralEvents) -> [String] {
    zip(events.source, events.target).map { "\(events.people.name($0))>\(events.people.name($1))" }
}

/// Both arrays hold the same numbers, NaN matching NaN.
private func sameWithNaN(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

private let anchor = 1_741_079_700.0  // 2025-03-04T09:15:00Z
private let anchorDay = anchor - 9 * 3600 - 15 * 60  // 2025-03-04T00:00:00Z

// MARK: - Column layout

struct ColumnLayoutTests {
    let all: [ColumnRole] = [.timestamp, .channel, .campaign, .weight]

    @Test func canonicalNames() throws {
        let layout = try ColumnLayout(
            header: ["timestamp", "source", "target", "other"], required: [.source, .target],
            optional: all, file: "f.csv")
        #expect(layout[.source] == 1)
        #expect(layout[.target] == 2)
        #expect(layout[.timestamp] == 0)
        #expect(layout[.channel] == nil)
        #expect(layout[.weight] == nil)
        #expect(layout.header == ["timestamp", "source", "target", "other"])
    }

    @Test(arguments: [
        (["referrer", "referred"], 0, 1), (["sharer", "invitee"], 0, 1), (["inviter", "recipient"], 0, 1),
        (["friend", "advocate"], 1, 0), (["from", "to"], 0, 1), (["x", "to", "y", "from"], 3, 1),
    ])
    func sourceAndTargetAliases(header: [String], source: Int, target: Int) throws {
        let layout = try ColumnLayout(header: header, required: [.source, .target], optional: [], file: "f.csv")
        #expect(layout[.source] == source)
        #expect(layout[.target] == target)
    }

    @Test func optionalAliases() throws {
        let header = ["Referrer", "INVITEE", "Created_At", "Medium", "campaign_name", "Count"]
        let layout = try ColumnLayout(header: header, required: [.source, .target], optional: all, file: "f.csv")
        let found = [ColumnRole.source, .target, .timestamp, .channel, .campaign, .weight].map { layout[$0] }
        #expect(found == [0, 1, 2, 3, 4, 5])
    }

    @Test func conversionAliases() throws {
        let layout = try ColumnLayout(
            header: ["amount", "Customer_ID", "date", "campaign_id"], required: [.user],
            optional: [.conversionTimestamp, .value, .conversionCampaign], file: "c.csv")
        #expect(layout[.user] == 1)
        #expect(layout[.value] == 0)
        #expect(layout[.conversionTimestamp] == 2)
        #expect(layout[.conversionCampaign] == 3)
    }

    /// The canonical generic name beats another generic one; two referral-specific names for
    /// one role are a tie, refused with the flag that settles it.
    @Test func canonicalNameBeatsGenericAndTiesAreRefused() throws {
        let a = try ColumnLayout(header: ["from", "source", "target"], required: [.source, .target], optional: [], file: "f.csv")
        #expect(a[.source] == 1)
        #expect(
            throws: InputError.ambiguousColumn(file: "f.csv", role: "source", first: "sharer", second: "referrer", flag: "--source-column")
        ) {
            _ = try ColumnLayout(header: ["sharer", "referrer", "to"], required: [.source, .target], optional: [], file: "f.csv")
        }
        let b = try ColumnLayout(
            header: ["sharer", "referrer", "to"], required: [.source, .target], optional: [],
            overrides: [.source: "referrer"], file: "f.csv")
        #expect(b[.source] == 1)
        #expect(b[.target] == 2)
    }

    /// Real export headers, each with the roles it must give (nil: the role must not be found).
    @Test(arguments: [
        (["Referrer Email", "Friend Email", "Source", "Date Created", "Campaign Name", "Share Channel"], [0, 1, 3, 5, 4]),
        (["Advocate ID", "Referee", "Created On", "utm_source", "utm_medium", "utm_campaign"], [0, 1, 2, -1, -1]),
        (["Referred By Customer Email", "Customer Email", "Referral Date", "Order Date"], [0, 1, 2, -1, -1]),
        (["referrerEmail", "referredEmail", "createdAt", "medium"], [0, 1, 2, 3, -1]),
        (
            ["Referrer Name", "Referrer Email", "Friend Name", "Friend Email", "Share Method", "Campaign ID", "Campaign Name"],
            [1, 3, -1, 4, 6]
        ),
        (["source", "target", "Referrer Reward Amount", "Shared At"], [0, 1, 3, -1, -1]),
        // A per-customer feed: the customer's e-mail is the referred person.
        (["Email", "Referred By", "Signup Date"], [1, 0, 2, -1, -1]),
        (["user_id", "referrer_id", "created_at", "utm_campaign"], [1, 0, 2, -1, -1]),
        // A subscriber list: "Referral Count" counts a person's referrals, it is not a weight.
        (["Name", "Email", "Referred By", "Referral Count", "Source", "Date Joined"], [2, 1, 5, -1, -1]),
    ])
    func realExportHeaders(header: [String], expected: [Int]) throws {
        let layout = try ColumnLayout(
            header: header, required: [.source, .target], optional: [.timestamp, .channel, .campaign, .weight],
            file: "f.csv")
        // Only a column named for it is a weight (a referral count is not).
        #expect(layout[.weight].map { header[$0].lowercased() } == nil, "\(header)")
        let found = [ColumnRole.source, .target, .timestamp, .channel, .campaign].map { layout[$0] ?? -1 }
        #expect(found == expected, "\(header)")
    }

    /// Conversion headers: the order's date beats the referral's, `Referrer Email` is never the buyer.
    @Test func conversionHeadersOfAReferralExport() throws {
        let header = ["Referrer Email", "Friend Email", "Date Created", "Order Date", "Order Total", "Referrer Reward Amount"]
        let layout = try ColumnLayout(
            header: header, required: [.user], optional: [.conversionTimestamp, .value, .conversionCampaign],
            file: "c.csv")
        #expect(layout[.user] == 1)
        #expect(layout[.conversionTimestamp] == 3)
        #expect(layout[.value] == 4)
        #expect(layout.unused == ["Referrer Email", "Date Created", "Referrer Reward Amount"])
    }

    @Test func caseInsensitiveAndSpacesIgnored() throws {
        let layout = try ColumnLayout(
            header: ["  SOURCE ", "\tTarget", "TimeStamp"], required: [.source, .target],
            optional: all, file: "f.csv")
        #expect(layout[.source] == 0)
        #expect(layout[.target] == 1)
        #expect(layout[.timestamp] == 2)
    }

    @Test func overrideTakesTheNamedColumn() throws {
        let layout = try ColumnLayout(
            header: ["source", "Giver", "taker", "target"], required: [.source, .target],
            optional: all, overrides: [.source: " giver ", .target: "TAKER"], file: "f.csv")
        #expect(layout[.source] == 1)
        #expect(layout[.target] == 2)
    }

    /// DESIGN.md: "`--source-column NAME` and friends override"; the doc comment: "A role takes the
    /// column named by its override". An override must win even when another role would have
    /// claimed that column by one of its aliases ("medium" is an alias of channel).
    @Test func overrideWinsOverAnotherRolesAlias() throws {
        let layout = try ColumnLayout(
            header: ["sharer", "recipient", "medium"], required: [.source, .target],
            optional: [.channel, .campaign], overrides: [.campaign: "medium"], file: "f.csv")
        #expect(layout[.campaign] == 2)
        #expect(layout[.channel] == nil)
    }

    @Test func unknownOverride() {
        let header = ["source", "target"]
        #expect(throws: InputError.unknownColumn(file: "f.csv", name: "nope", header: header, flag: "--weight-column")) {
            _ = try ColumnLayout(
                header: header, required: [.source, .target], optional: all,
                overrides: [.weight: "nope"], file: "f.csv")
        }
    }

    @Test func missingRequiredColumn() {
        let header = ["who", "target", "when"]
        #expect(throws: InputError.missingColumn(file: "f.csv", role: "source", header: header, flag: "--source-column")) {
            _ = try ColumnLayout(header: header, required: [.source, .target], optional: all, file: "f.csv")
        }
        let header2 = ["source", "whom"]
        #expect(throws: InputError.missingColumn(file: "f.csv", role: "target", header: header2, flag: "--target-column")) {
            _ = try ColumnLayout(header: header2, required: [.source, .target], optional: all, file: "f.csv")
        }
    }

    @Test func duplicateColumn() {
        let header = ["source", "target", "SOURCE"]
        #expect(throws: InputError.duplicateColumn(file: "f.csv", name: "SOURCE", column: 3)) {
            _ = try ColumnLayout(header: header, required: [.source, .target], optional: all, file: "f.csv")
        }
        let aliases = ["referrer", "Referrer", "target"]
        #expect(throws: InputError.duplicateColumn(file: "f.csv", name: "Referrer", column: 2)) {
            _ = try ColumnLayout(header: aliases, required: [.source, .target], optional: all, file: "f.csv")
        }
    }

    @Test func duplicateColumnThroughParse() {
        #expect(throws: InputError.duplicateColumn(file: eventsFile, name: "Target", column: 3)) {
            _ = try parseEvents("source,target,Target\na,b,c\n")
        }
    }

    @Test func missingColumnThroughParse() {
        #expect(throws: InputError.missingColumn(file: eventsFile, role: "target", header: ["source", "weight"], flag: "--target-column")) {
            _ = try parseEvents("source,weight\na,1\n")
        }
    }
}

// MARK: - Referral events

struct ReferralEventsTests {
    @Test func allColumns() throws {
        let text = """
            source,target,timestamp,channel,campaign,weight
            a,b,2025-03-04,email,spring,2
            b,c,,,,
            c,a,1741079700,sms,spring,0.5
            d,b,2025-03-04T09:15:00+01:00,email,fall,3

            """
        let events = try parseEvents(text)
        #expect(events.count == 4)
        #expect(events.people.names == ["a", "b", "c", "d"])
        #expect(events.source == [0, 1, 2, 3])
        #expect(events.target == [1, 2, 0, 1])
        #expect(events.weight == [2, 1, 0.5, 3])
        let times = try #require(events.timestamp)
        #expect(sameWithNaN(times, [anchorDay, .nan, anchor, anchor - 3600]))
        #expect(events.channel == [0, -1, 1, 0])
        #expect(events.channels.names == ["email", "sms"])
        #expect(events.campaign == [0, -1, 0, 1])
        #expect(events.campaigns.names == ["spring", "fall"])
        #expect(events.line == [2, 3, 4, 5])
        #expect(events.quality.rows == 4)
        #expect(events.quality.skippedRows == 0)
        #expect(events.file == eventsFile)
    }

    @Test func minimalColumnsDefaultWeightOne() throws {
        let events = try parseEvents("referrer,friend\nb,a\na,c\n")
        #expect(events.people.names == ["b", "a", "c"])  // source before target within a row
        #expect(pairs(events) == ["b>a", "a>c"])
        #expect(events.weight == [1, 1])
        #expect(events.timestamp == nil)
        #expect(events.channel == nil)
        #expect(events.campaign == nil)
    }

    @Test func blankWeightDefaultsToOne() throws {
        let events = try parseEvents("source,target,weight\na,b,\nb,c,  \nc,d,4\n")
        #expect(events.weight == [1, 1, 4])
    }

    @Test func selfReferralsSkippedCountedAndNotInterned() throws {
        let events = try parseEvents("source,target\nzed,zed\na,b\n b ,\"b\"\nb,c\n")
        #expect(pairs(events) == ["a>b", "b>c"])
        #expect(events.quality.selfReferrals == 2)
        #expect(events.quality.rows == 4)
        #expect(events.people.count == 3)
        #expect(events.people.index(of: "zed") == nil)
        #expect(events.line == [3, 5])
    }

    /// A self-referral is the same id twice, whatever the length: ids of one length sharing
    /// their first eight bytes (or all but the last byte) are different people.
    @Test func selfReferralsOfLongIds() throws {
        let rows = [
            "p1234567@example.com,p1234567@example.com", "p1234567@example.com,p1234567@example.org",
            "abcdefgh,abcdefgh", "abcdefgh,abcdefgi", "abcdefghi,abcdefghj", "abcdefghi,abcdefghi", "a,b",
        ]
        let events = try parseEvents("source,target\n" + rows.joined(separator: "\n") + "\n")
        #expect(pairs(events) == ["p1234567@example.com>p1234567@example.org", "abcdefgh>abcdefgi", "abcdefghi>abcdefghj", "a>b"])
        #expect(events.quality.selfReferrals == 3)
        #expect(events.line == [3, 5, 6, 8])
    }

    @Test func onlySelfReferralsHasNoEdges() throws {
        let events = try parseEvents("source,target\nx,x\n")
        #expect(events.count == 0)
        #expect(events.people.count == 0)
        #expect(events.quality.selfReferrals == 1)
        #expect(throws: InputError.self) { _ = try ReferralGraph(checking: events) }
    }

    @Test(arguments: ["abc", "-1", "-0.5", "NaN", "nan", "inf", "-inf", "Infinity", "1e999", "0x10", "1.2.3", "2 3", "1e", "--1"])
    func badWeight(seen: String) {
        let text = "source,target,weight\na,b,1\nc,d,\(seen)\n"
        #expect(throws: InputError.badNumber(file: eventsFile, line: 3, column: 3, name: "weight", seen: seen, rule: weightRule)) {
            _ = try parseEvents(text)
        }
    }

    @Test func badWeightInOtherColumnPosition() {
        // The weight is the first column here; the row is on line 4 after a blank line.
        let text = "count,from,to\n1,a,b\n\n-3,c,d\n"
        #expect(throws: InputError.badNumber(file: eventsFile, line: 4, column: 1, name: "weight", seen: "-3", rule: weightRule)) {
            _ = try parseEvents(text)
        }
    }

    @Test(arguments: [("0", 0.0), ("2.5", 2.5), ("1e3", 1000.0), ("+4", 4.0), (" 7 ", 7.0), (".5", 0.5)])
    func goodWeights(text: String, expected: Double) throws {
        let events = try parseEvents("source,target,weight\na,b,\(text)\n")
        #expect(events.weight == [expected])
    }

    @Test func decimalCommaWithSemicolonDelimiter() throws {
        let events = try parseEvents("source;target;weight\na;b;1,5\nb;c;2\nc;d;0,25\n")
        #expect(events.weight == [1.5, 2, 0.25])
    }

    @Test func decimalCommaWithTabDelimiter() throws {
        let events = try parseEvents("source\ttarget\tweight\na\tb\t3,75\n")
        #expect(events.weight == [3.75])
    }

    /// A decimal comma is read whatever the delimiter when the file proves it ("1,5" cannot
    /// be a thousands group); the decision is noted.
    @Test func decimalCommaProvedInACommaFile() throws {
        let events = try parseEvents("source,target,weight\na,b,\"1,5\"\nb,c,2\n")
        #expect(events.weight == [1.5, 2])
        #expect(events.quality.decisions.count == 1)
    }

    /// "1,234.5" has both marks, so it proves a decimal point; "1,234" alone could be either
    /// and is refused with the flag that settles it.
    @Test func thousandsSeparators() throws {
        let proved = try parseEvents("source;target;weight\na;b;1,234.5\nb;c;1,000\n")
        #expect(proved.weight == [1234.5, 1000])
        #expect(throws: InputError.ambiguousDecimal(file: eventsFile, column: "weight", seen: "1,000")) {
            _ = try parseEvents("source;target;weight\na;b;1,000\nb;c;2\n")
        }
        let settled = try parseEvents(
            "source;target;weight\na;b;1,000\n",
            options: {
                var o = ReadOptions(); o.decimal = .comma; return o
            }())
        #expect(settled.weight == [1])
        #expect(
            throws: InputError.mixedDecimal(
                file: eventsFile, column: "weight", dotLine: 2, dotSeen: "1,234.5", commaLine: 3, commaSeen: "2,5")
        ) {
            _ = try parseEvents("source;target;weight\na;b;1,234.5\nb;c;2,5\n")
        }
    }

    /// In a comma-separated file a decimal comma would have to be quoted, so an amount that
    /// reads either way (`1.001`) takes the decimal point, and the decision is said.
    @Test func commaFilesSettleAmbiguousAmountsWithAPoint() throws {
        let events = try parseEvents("source,target,weight\na,b,1.001\nb,c,1\n")
        #expect(events.weight == [1.001, 1])
        #expect(events.quality.decisions.contains { $0.contains("comma-separated") && $0.contains("--decimal comma") })
        var options = ReadOptions()
        options.decimal = .comma
        #expect(try parseEvents("source,target,weight\na,b,1.001\n", options: options).weight == [1001])
    }

    /// An empty referrer is a customer nobody referred (counted), an empty target is an error.
    @Test func emptyIds() throws {
        let events = try parseEvents("source,target\na,b\n,c\nx,\"  \"\n", options: ReadOptions(onError: .skip))
        #expect(events.count == 1)
        #expect(events.quality.unreferredRows == 1)
        #expect(events.quality.skippedRows == 1)
        #expect(throws: InputError.emptyValue(file: eventsFile, line: 2, column: 2, name: "target")) {
            _ = try parseEvents("source,target\na,\"\"\n")
        }
        let spaces = try parseEvents("x,target,source\n1,b,   \n2,c,d\n")
        #expect(spaces.quality.unreferredRows == 1)
        #expect(spaces.count == 1)
    }

    @Test func raggedRows() {
        #expect(throws: InputError.raggedRow(file: eventsFile, line: 3, expected: 3, found: 2)) {
            _ = try parseEvents("source,target,weight\na,b,1\nc,d\n")
        }
        #expect(throws: InputError.raggedRow(file: eventsFile, line: 2, expected: 3, found: 4)) {
            _ = try parseEvents("source,target,weight\na,b,1,extra\n")
        }
        #expect(throws: InputError.raggedRow(file: eventsFile, line: 2, expected: 2, found: 4)) {
            _ = try parseEvents("source,target\na,b,,x\n")
        }
    }

    @Test func trailingEmptyExtraFieldsForgiven() throws {
        let events = try parseEvents("source,target\na,b,\nb,c,,\nc,d, ,\"\"\n")
        #expect(pairs(events) == ["a>b", "b>c", "c>d"])
    }

    @Test func invalidUTF8Ids() {
        let bad: [UInt8] = [0xC3, 0x28]  // a lead byte followed by a non-continuation byte
        let head = Array("source,target\na,b\n".utf8)
        #expect(throws: InputError.invalidUTF8(file: eventsFile, line: 3, column: 1)) {
            _ = try parseEvents(bytes: head + bad + Array(",c\n".utf8))
        }
        #expect(throws: InputError.invalidUTF8(file: eventsFile, line: 3, column: 2)) {
            _ = try parseEvents(bytes: head + Array("c,".utf8) + [0xFF] + Array("\n".utf8))
        }
    }

    @Test func invalidUTF8InChannelAndHeader() {
        let channel = Array("source,target,channel\na,b,".utf8) + [0xE2, 0x82] + Array("\n".utf8)
        #expect(throws: InputError.invalidUTF8(file: eventsFile, line: 2, column: 3)) {
            _ = try parseEvents(bytes: channel)
        }
        let header = Array("source,target,".utf8) + [0xFF] + Array("\na,b,c\n".utf8)
        #expect(throws: InputError.invalidUTF8(file: eventsFile, line: 1, column: 3)) {
            _ = try parseEvents(bytes: header)
        }
    }

    @Test func idLengthLimit() throws {
        let limit = InputError.maximumIdLength
        let atLimit = String(repeating: "a", count: limit)
        let events = try parseEvents("source,target\n\(atLimit),b\n")
        #expect(events.people.names == [atLimit, "b"])
        let over = String(repeating: "é", count: limit / 2 + 1)  // two bytes each: limit + 2 bytes
        #expect(throws: InputError.idTooLong(file: eventsFile, line: 3, column: 2, name: "target", length: limit + 2)) {
            _ = try parseEvents("source,target\na,b\nc,\(over)\n")
        }
    }

    @Test func nonASCIIIds() throws {
        let events = try parseEvents("source,target\nZoë,日本\n日本,Zoë\n")
        #expect(events.people.names == ["Zoë", "日本"])
        #expect(pairs(events) == ["Zoë>日本", "日本>Zoë"])
    }

    @Test func badTimestamp() {
        #expect(
            throws: InputError.badTimestamp(
                file: eventsFile, line: 3, column: 3, name: "timestamp", seen: "2023-02-29",
                reason: Timestamp.Failure.unparsable.description)
        ) {
            _ = try parseEvents("source,target,date\na,b,2024-02-29\nb,c,2023-02-29\n")
        }
        #expect(
            throws: InputError.badTimestamp(
                file: eventsFile, line: 2, column: 1, name: "timestamp", seen: "1741079700000",
                reason: Timestamp.Failure.milliseconds.description)
        ) {
            _ = try parseEvents("time,source,target\n1741079700000,a,b\n")
        }
    }

    @Test func headerOnly() {
        #expect(throws: InputError.headerOnly(file: eventsFile)) { _ = try parseEvents("source,target\n") }
        #expect(throws: InputError.headerOnly(file: eventsFile)) { _ = try parseEvents("source,target\n\n\r\n") }
        #expect(throws: InputError.emptyFile(file: eventsFile)) { _ = try parseEvents("") }
    }

    @Test func blankLinesAndMultiLineIds() throws {
        let events = try parseEvents("source,target\n\na,b\n\"multi\nline\",c\n\nd,e\n")
        #expect(events.line == [3, 4, 7])
        #expect(events.quality.blankLines == 2)
        #expect(events.quality.rows == 3)
        #expect(events.people.names == ["a", "b", "multi\nline", "c", "d", "e"])
    }

    @Test func explicitColumnsAndDelimiter() throws {
        let options = ReadOptions(delimiter: .semicolon, columns: [.source: "Giver", .target: "taker"])
        let events = try parseEvents("source,x;giver;taker\n1;a;b\n", options: options)
        #expect(pairs(events) == ["a>b"])
    }

    @Test func unknownOverrideThroughParse() {
        let options = ReadOptions(columns: [.timestamp: "when"])
        #expect(throws: InputError.unknownColumn(file: eventsFile, name: "when", header: ["source", "target"], flag: "--timestamp-column"))
        {
            _ = try parseEvents("source,target\na,b\n", options: options)
        }
    }

    @Test func stopPolicyThrowsFirstBadRow() {
        let text = "source,target,weight\na,b,1\nc,d,x\ne,,1\n"
        #expect(throws: InputError.badNumber(file: eventsFile, line: 3, column: 3, name: "weight", seen: "x", rule: weightRule)) {
            _ = try parseEvents(text)
        }
    }

    @Test func skipPolicyCountsBadRowsAndAddsNobody() throws {
        let text = """
            source,target,weight,timestamp
            a,b,1,2025-03-04
            c,d,-1,
            e,f,1,2025-02-30
            ,g,1,
            h,i
            j,k,2,
            l,l,1,
            m,n,1,2025-03-04,junk

            """
        let events = try parseEvents(text, options: ReadOptions(onError: .skip))
        #expect(pairs(events) == ["a>b", "j>k"])
        #expect(events.people.names == ["a", "b", "j", "k"])
        for nobody in ["c", "d", "e", "f", "g", "h", "i", "l", "m", "n"] {
            #expect(events.people.index(of: nobody) == nil, "\(nobody) was interned")
        }
        #expect(events.weight == [1, 2])
        #expect(events.line == [2, 7])
        let q = events.quality
        #expect(q.rows == 8)
        #expect(q.skippedRows == 4)
        #expect(q.unreferredRows == 1)
        #expect(q.selfReferrals == 1)
        let expectedReasons: [InputError] = [
            .badNumber(file: eventsFile, line: 3, column: 3, name: "weight", seen: "-1", rule: weightRule),
            .badTimestamp(
                file: eventsFile, line: 4, column: 4, name: "timestamp", seen: "2025-02-30",
                reason: Timestamp.Failure.unparsable.description),
            .raggedRow(file: eventsFile, line: 6, expected: 4, found: 2),
            .raggedRow(file: eventsFile, line: 9, expected: 4, found: 5),
        ]
        #expect(q.skipReasons == expectedReasons.map(\.description))
    }

    @Test func skipPolicyKeepsOnlyTheFirstReasons() throws {
        var text = "source,target,weight\n"
        for k in 0..<8 { text += "s\(k),t\(k),bad\(k)\n" }
        text += "a,b,1\n"
        let events = try parseEvents(text, options: ReadOptions(onError: .skip))
        #expect(events.count == 1)
        #expect(events.quality.skippedRows == 8)
        #expect(events.quality.skipReasons.count == DataQuality.reasonLimit)
        let expected = (0..<DataQuality.reasonLimit).map {
            InputError.badNumber(file: eventsFile, line: $0 + 2, column: 3, name: "weight", seen: "bad\($0)", rule: weightRule).description
        }
        #expect(events.quality.skipReasons == expected)
        #expect(events.people.names == ["a", "b"])
    }

    @Test func skipPolicyDoesNotSkipFileLevelErrors() {
        let skip = ReadOptions(onError: .skip)
        #expect(throws: InputError.unbalancedQuote(file: eventsFile, line: 3, column: 1)) {
            _ = try parseEvents("source,target\na,b\n\"c,d\n", options: skip)
        }
        #expect(throws: InputError.missingColumn(file: eventsFile, role: "source", header: ["a", "b"], flag: "--source-column")) {
            _ = try parseEvents("a,b\n1,2\n", options: skip)
        }
    }

    @Test func skipPolicyWithEveryRowBad() throws {
        let events = try parseEvents("source,target,weight\na,b,x\n", options: ReadOptions(onError: .skip))
        #expect(events.count == 0)
        #expect(events.people.count == 0)
        #expect(events.quality.skippedRows == 1)
        #expect(throws: InputError.self) { _ = try ReferralGraph(checking: events) }
    }

    @Test func missingFile() {
        #expect(throws: InputError.fileNotFound(path: "/nonexistent-dir-for-tests/events.csv")) {
            _ = try ReferralEvents.read(path: "/nonexistent-dir-for-tests/events.csv")
        }
        // A folder is read as the CSV files inside it; one without any is refused.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("influence-empty-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: InputError.self) { _ = try ReferralEvents.read(path: empty) }
    }
}

// MARK: - Conversions

struct ConversionsTests {
    /// Users read straight from the file (plain ASCII) and users that need normalizing meet
    /// in one table: the same person whichever way the id came in, counted as normalized only
    /// when normalizing changed it.
    @Test func plainAndNormalizedUsersAreOnePerson() throws {
        let text = [
            "user,value", "p1@example.com,1", "P1@Example.com,2", "  u2 ,3", "\"u2\t\",4", "\"u3 \",5", "u3,6",
            "Ana,7", "ana,8", "A@@B,9",
        ].joined(separator: "\n")
        let c = try parseConversions(text)
        let names: [String] = c.user.map { c.users.name($0) }
        let expected: [String] = ["p1@example.com", "p1@example.com", "u2", "u2", "u3", "u3", "Ana", "ana", "A@@B"]
        #expect(names == expected)
        #expect(c.users.count == 6)
        // Changed: the capitalized e-mail, the tab and the trailing space inside quotes.
        #expect(c.quality.normalizedIds == 3)
        var exact = ReadOptions()
        exact.exactIds = true
        let e = try parseConversions(text, options: exact)
        let exactNames: [String] = e.user.map { e.users.name($0) }
        let exactExpected: [String] = ["p1@example.com", "P1@Example.com", "u2", "u2\t", "u3 ", "u3", "Ana", "ana", "A@@B"]
        #expect(exactNames == exactExpected)
        #expect(e.quality.normalizedIds == 0)
    }

    @Test func allColumns() throws {
        let c = try parseConversions("user,value,timestamp,campaign\nu1,10,2025-03-04,c\nu2,5,,\nu1,2.5,1741079700,d\n")
        #expect(c.count == 3)
        #expect(c.users.names == ["u1", "u2"])
        #expect(c.user == [0, 1, 0])
        #expect(c.value == [10, 5, 2.5])
        let times = try #require(c.timestamp)
        #expect(sameWithNaN(times, [anchorDay, .nan, anchor]))
        #expect(c.campaign == [0, -1, 1])
        #expect(c.campaigns.names == ["c", "d"])
        #expect(c.line == [2, 3, 4])
    }

    @Test func aliasesAndDecimalComma() throws {
        let c = try parseConversions("Customer_ID;Revenue\nx;1,5\ny;2\n")
        #expect(c.users.names == ["x", "y"])
        #expect(c.value == [1.5, 2])
        #expect(c.timestamp == nil)
        #expect(c.campaign == nil)
    }

    @Test func valueDefaultsToOneWithoutColumn() throws {
        let c = try parseConversions("customer\na\nb\na\n")
        #expect(c.value == [1, 1, 1])
        #expect(c.user == [0, 1, 0])
    }

    @Test func errors() {
        #expect(throws: InputError.emptyValue(file: "conversions.csv", line: 3, column: 1, name: "user")) {
            _ = try parseConversions("user,value\na,1\n,2\n")
        }
        #expect(throws: InputError.badNumber(file: "conversions.csv", line: 2, column: 2, name: "value", seen: "-4", rule: valueRule)) {
            _ = try parseConversions("user,value\na,-4\n")
        }
        #expect(throws: InputError.badNumber(file: "conversions.csv", line: 2, column: 2, name: "value", seen: "NaN", rule: valueRule)) {
            _ = try parseConversions("user,value\na,NaN\n")
        }
        #expect(throws: InputError.missingColumn(file: "conversions.csv", role: "user", header: ["who", "value"], flag: "--user-column")) {
            _ = try parseConversions("who,value\na,1\n")
        }
        #expect(throws: InputError.headerOnly(file: "conversions.csv")) { _ = try parseConversions("user\n") }
    }

    @Test func userIdLengthLimit() {
        let over = String(repeating: "u", count: InputError.maximumIdLength + 1)
        #expect(
            throws: InputError.idTooLong(
                file: "conversions.csv", line: 3, column: 1, name: "user",
                length: InputError.maximumIdLength + 1)
        ) {
            _ = try parseConversions("user,value\na,1\n\(over),2\n")
        }
    }

    @Test func skipPolicy() throws {
        let c = try parseConversions("user,value\na,1\nb,oops\nc,3\n", options: ReadOptions(onError: .skip))
        #expect(c.users.names == ["a", "c"])
        #expect(c.value == [1, 3])
        #expect(c.quality.skippedRows == 1)
        #expect(c.quality.rows == 3)
    }

    @Test func totalsOverPeopleCountUnknownUsers() throws {
        let events = try parseEvents("source,target\na,b\nb,c\n")
        let c = try parseConversions("user,value\nb,1\nzz,2\na,3\nb,4\nyy,5\nzz,6\n")
        let (values, unknown) = c.totals(over: events.people)
        // People are a, b, c: a converted for 3, b for 1 + 4, c never; zz and yy are unknown (3 rows).
        #expect(values == [3, 5, 0])
        #expect(unknown == 3)
    }

    @Test func totalsWithNoOverlap() throws {
        let events = try parseEvents("source,target\na,b\n")
        let c = try parseConversions("user\nq\nr\n")
        let (values, unknown) = c.totals(over: events.people)
        #expect(values == [0, 0])
        #expect(unknown == 2)
    }
}

// MARK: - Large files

/// A referral export written row by row, with what a correct reader must make of it.
private struct GeneratedExport {
    var text = "source,target,weight,channel,timestamp\n"
    var line = 2  // the line the next record starts on
    var kept: [(source: String, target: String, weight: Double, line: Int, channel: String, time: Double)] = []
    var badLines: [Int] = []
    var selfReferrals = 0
    var blankLines = 0
    var rows = 0

    /// An id and its CSV spelling, sometimes quoted with a comma, a doubled quote or a line break.
    static func id(_ rng: inout SplitMix64) -> (value: String, field: String, breaks: Int) {
        let k = Int.random(in: 0..<4000, using: &rng)
        switch Int.random(in: 0..<40, using: &rng) {
        case 0: return ("x, \(k)", "\"x, \(k)\"", 0)
        case 1: return ("say \"hi\" \(k)", "\"say \"\"hi\"\" \(k)\"", 0)
        case 2: return ("two\nlines \(k)", "\"two\nlines \(k)\"", 1)
        case 3: return ("cr\r\nlf \(k)", "\"cr\r\nlf \(k)\"", 1)
        case 4: return ("u\(k)", "\"u\(k)\"", 0)
        case 5: return ("u\(k)", "  u\(k) ", 0)
        default: return ("u\(k)", "u\(k)", 0)
        }
    }

    mutating func add(rows count: Int, badRate: Int, using rng: inout SplitMix64) {
        for _ in 0..<count {
            if Int.random(in: 0..<50, using: &rng) == 0 {
                text += Bool.random(using: &rng) ? "\n" : "\r\n"
                blankLines += 1
                line += 1
            }
            let s = Self.id(&rng)
            var t = Self.id(&rng)
            if Int.random(in: 0..<100, using: &rng) == 0 { t = s }
            let isSelf = s.value == t.value  // chosen, or by chance
            let isBad = badRate > 0 && Int.random(in: 0..<badRate, using: &rng) == 0
            let w = Double(Int.random(in: 0...40, using: &rng)) / 4
            let weightField = isBad ? "oops" : Format.exact(w)
            // Common channels, and now and then one first seen this far into the file.
            let channel =
                Int.random(in: 0..<50, using: &rng) == 0 ? "ch\(rows / 1000)" : ["email", "sms", "", "link"].randomElement(using: &rng)!
            let seconds = Int.random(in: 0..<3, using: &rng) == 0 ? nil : 1_741_079_700 + Int.random(in: -100_000...100_000, using: &rng)
            let end = Bool.random(using: &rng) ? "\n" : "\r\n"
            text += "\(s.field),\(t.field),\(weightField),\(channel),\(seconds.map(String.init) ?? "")\(end)"
            rows += 1
            if isBad {
                badLines.append(line)
            } else if isSelf {
                selfReferrals += 1
            } else {
                kept.append((s.value, t.value, w, line, channel, seconds.map(Double.init) ?? .nan))
            }
            line += 1 + s.breaks + t.breaks
        }
    }
}

struct LargeReferralFileTests {
    /// Several megabytes with quoted commas, doubled quotes, quoted line breaks, CRLF, blank lines,
    /// self-referrals and bad rows: every kept row, line number and count as the generator wrote it.
    @Test(arguments: [1, 2])
    func largeFileMatchesWhatWasWritten(seed: UInt64) throws {
        var rng = SplitMix64(seed: 0x1A46E &+ seed)
        var export = GeneratedExport()
        export.add(rows: 150_000, badRate: 200, using: &rng)
        let events = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile, options: ReadOptions(onError: .skip))
        #expect(events.count == export.kept.count)
        #expect(events.quality.rows == export.rows)
        #expect(events.quality.skippedRows == export.badLines.count)
        #expect(events.quality.selfReferrals == export.selfReferrals)
        #expect(events.quality.blankLines == export.blankLines)
        let reasons = export.badLines.prefix(DataQuality.reasonLimit).map {
            InputError.badNumber(file: eventsFile, line: $0, column: 3, name: "weight", seen: "oops", rule: weightRule).description
        }
        #expect(events.quality.skipReasons == Array(reasons))
        var order: [String] = []
        var seen = Set<String>()
        for row in export.kept {
            for id in [row.source, row.target] where seen.insert(id).inserted { order.append(id) }
        }
        let names = events.people.names
        #expect(names.count == order.count)
        let firstDifference = zip(names, order).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "people differ first at \(String(describing: firstDifference))")
        guard events.count == export.kept.count else { return }
        var mismatches = 0
        let channel = try #require(events.channel)
        let times = try #require(events.timestamp)
        var channelOrder: [String] = []
        for row in export.kept where !row.channel.isEmpty && !channelOrder.contains(row.channel) { channelOrder.append(row.channel) }
        #expect(events.channels.names == channelOrder)
        for (k, row) in export.kept.enumerated() {
            let ok =
                events.people.name(events.source[k]) == row.source && events.people.name(events.target[k]) == row.target
                && events.weight[k] == row.weight && Int(events.line[k]) == row.line
                && (channel[k] == -1 ? "" : events.channels.name(channel[k])) == row.channel
                && (times[k] == row.time || (times[k].isNaN && row.time.isNaN))
            if !ok {
                mismatches += 1
                if mismatches <= 5 { Issue.record("row \(k) (line \(row.line)): expected \(row)") }
            }
        }
        #expect(mismatches == 0)
    }

    /// One quoted field of megabytes, full of lines that look like rows, so any guess at a record
    /// boundary inside it is wrong: the rows around it and their lines must still come out right.
    @Test func hugeQuotedFieldOfFakeRows() throws {
        var text = "source,target,note\n"
        var expected: [(pair: String, line: Int)] = []
        var line = 2
        for k in 0..<20_000 {
            text += "a\(k),b\(k),plain\n"
            expected.append(("a\(k)>b\(k)", line))
            line += 1
        }
        var note = ""
        for k in 0..<120_000 {
            note += k % 3 == 0 ? "fake\(k),row\(k),\"\"q\"\"\n" : "fake\(k),row\(k),1\r\n"
        }
        text += "big,one,\"" + note + "\"\n"
        expected.append(("big>one", line))
        line += 1 + 120_000
        for k in 0..<20_000 {
            text += "c\(k),d\(k),\"tail\"\n"
            expected.append(("c\(k)>d\(k)", line))
            line += 1
        }
        #expect(text.utf8.count > 3 << 20)
        let events = try parseEvents(text)
        #expect(events.count == expected.count)
        #expect(events.people.count == 2 * expected.count)
        guard events.count == expected.count else { return }
        let got = pairs(events)
        let wrong = (0..<expected.count).filter { got[$0] != expected[$0].pair || Int(events.line[$0]) != expected[$0].line }
        #expect(wrong.isEmpty, "first wrong row: \(wrong.first.map { "\(got[$0])@\(events.line[$0]), expected \(expected[$0])" } ?? "")")
    }

    /// An over-long id deep into a large file is reported at its own line, whichever way the
    /// file is read.
    @Test func idTooLongDeepInALargeFile() throws {
        var rng = SplitMix64(seed: 1234)
        var export = GeneratedExport()
        export.add(rows: 120_000, badRate: 0, using: &rng)
        #expect(export.text.utf8.count > 3 << 20)
        let longLine = export.line
        let long = String(repeating: "x", count: InputError.maximumIdLength + 10)
        export.text += "\(long),b,1,,\n"
        export.line += 1
        export.add(rows: 1000, badRate: 0, using: &rng)
        let expected = InputError.idTooLong(file: eventsFile, line: longLine, column: 1, name: "source", length: long.utf8.count)
        #expect(throws: expected) {
            _ = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile)
        }
        let skipped = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile, options: ReadOptions(onError: .skip))
        #expect(skipped.quality.skippedRows == 1)
        #expect(skipped.quality.skipReasons == [expected.description])
        #expect(skipped.count == export.kept.count)
    }

    /// Skip reasons from rows deep into a large file name their own lines.
    @Test func skipReasonsDeepInALargeFile() throws {
        var rng = SplitMix64(seed: 4321)
        var export = GeneratedExport()
        export.add(rows: 120_000, badRate: 0, using: &rng)
        let badLine = export.line
        export.text += "a,b,-2,,\n"
        export.line += 1
        export.add(rows: 1000, badRate: 0, using: &rng)
        let events = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile, options: ReadOptions(onError: .skip))
        let expected = InputError.badNumber(file: eventsFile, line: badLine, column: 3, name: "weight", seen: "-2", rule: weightRule)
        #expect(events.quality.skipReasons == [expected.description])
    }

    /// Under `--on-error stop` the error is the first bad row in file order, with its line.
    @Test func firstBadRowOfALargeFileIsReported() throws {
        var rng = SplitMix64(seed: 99)
        var export = GeneratedExport()
        export.add(rows: 60_000, badRate: 0, using: &rng)
        let firstBad = export.line
        export.text += "a,b,-1,,\n"
        export.line += 1
        export.add(rows: 60_000, badRate: 0, using: &rng)
        export.text += "c,d,nope,,\n"
        #expect(throws: InputError.badNumber(file: eventsFile, line: firstBad, column: 3, name: "weight", seen: "-1", rule: weightRule)) {
            _ = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile)
        }
    }

    /// A quote left open near the end of a large file is reported where it opened.
    @Test func unbalancedQuoteAtTheEndOfALargeFile() throws {
        var rng = SplitMix64(seed: 7)
        var export = GeneratedExport()
        export.add(rows: 100_000, badRate: 0, using: &rng)
        let openLine = export.line + 1
        export.text += "a,b,1,email,\nc,\"open,1,sms,\nmore\n"
        #expect(throws: InputError.unbalancedQuote(file: eventsFile, line: openLine, column: 2)) {
            _ = try ReferralEvents.parse(bytes: Array(export.text.utf8), file: eventsFile)
        }
    }
}

// MARK: - Weights across files

/// An export without a weight column stores no weights (every row weighs 1); read beside one
/// with weights, in either order, every row gets its own file's weight.
struct WeightColumnTests {
    private func read(_ files: [(name: String, text: String)]) throws -> ReferralEvents {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("influence-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for file in files {
            let url = folder.appendingPathComponent(file.name)
            try Data(file.text.utf8).write(to: url)
            paths.append(url.path)
        }
        return try ReferralEvents.read(paths: paths)
    }

    @Test func unweightedFilesWeighOne() throws {
        let events = try read([("a.csv", "source,target\nu1,u2\nu2,u3\n"), ("b.csv", "source,target\nu3,u4\n")])
        #expect(!events.weighted && events.weights.isEmpty)
        #expect(events.weight == [1, 1, 1])
        #expect((0..<events.count).map { events.weight(ofRow: $0) } == [1, 1, 1])
    }

    @Test func weightedAfterUnweighted() throws {
        let events = try read([("a.csv", "source,target\nu1,u2\nu2,u3\n"), ("b.csv", "source,target,weight\nu3,u4,2.5\n")])
        #expect(events.weighted)
        #expect(events.weight == [1, 1, 2.5])
        #expect((0..<events.count).map { events.weight(ofRow: $0) } == [1, 1, 2.5])
    }

    @Test func unweightedAfterWeighted() throws {
        let events = try read([("a.csv", "source,target,weight\nu1,u2,3\nu2,u3,0.5\n"), ("b.csv", "source,target\nu3,u4\n")])
        #expect(events.weighted)
        #expect(events.weight == [3, 0.5, 1])
        let graph = ReferralGraph(events: events)
        #expect(graph.forward.value.reduce(0, +) == 4.5)
    }
}
