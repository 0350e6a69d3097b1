import Foundation
import Testing

@testable import InfluenceModel

/// The number of `key` under the pattern of `first` (`NumberedKeys`).
private func number(_ key: String, after first: String) -> Int {
    var keys = NumberedKeys()
    var first = first
    first.withUTF8 { keys.adopt($0) }
    var key = key
    return key.withUTF8 { keys.number($0) }
}

/// Interns `key` the way the file readers do: its number taken first, then hash and probe.
private func intern(_ key: String, into table: inout Interner) -> (index: Int32, isNew: Bool) {
    var key = key
    return key.withUTF8 { table.intern($0) }
}

/// Ids drawn from several shapes at once: numbered under one pattern or another, numbered
/// with leading zeros or too many digits, sparse 64-bit numbers, no digits at all.
private func mixedIds(_ count: Int, seed: UInt64, span: UInt64) -> [String] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ -> String in
        let n = rng.next() % span
        switch rng.next() % 12 {
        case 0: return "u0\(n)"  // a leading zero: not numbered
        case 1: return "p\(n)@example.com"
        case 2: return "\(n)"
        case 3: return "\(rng.next())"  // sparse, up to 20 digits
        case 4: return "u\(n)x"
        case 5: return ["u", "", "x", "alice", "u-", "0", "00"][Int(n % 7)]
        case 6: return "u" + String(repeating: "9", count: 17 + Int(n % 4))  // 18 to 21 digits
        case 7: return "u\(n)\u{e9}"
        default: return "u\(n)"
        }
    }
}

struct NumberedKeysTests {
    /// A number is read only between the pattern's own bytes, without leading zeros, and up to
    /// 18 digits; the pattern is the bytes around the first key's last run of digits.
    @Test func numbersUnderAPattern() {
        #expect(number("p7@example.com", after: "p124@example.com") == 7)
        #expect(number("p0@example.com", after: "p124@example.com") == 0)
        #expect(number("p00@example.com", after: "p124@example.com") == -1)
        #expect(number("p007@example.com", after: "p124@example.com") == -1)
        #expect(number("p@example.com", after: "p124@example.com") == -1)
        #expect(number("p12a@example.com", after: "p124@example.com") == -1)
        #expect(number("q12@example.com", after: "p124@example.com") == -1)
        #expect(number("p12@example.org", after: "p124@example.com") == -1)
        #expect(number("p12@example.co", after: "p124@example.com") == -1)
        #expect(number("u" + String(repeating: "9", count: 18), after: "u1") == 999_999_999_999_999_999)
        #expect(number("u1" + String(repeating: "0", count: 18), after: "u1") == -1)
        #expect(number("123", after: "9") == 123)
        #expect(number("", after: "9") == -1)
        #expect(number("a1b23", after: "a1b2") == 23)
        #expect(number("a1b23", after: "a2b2") == -1)
        // Affixes past 16 bytes are compared byte by byte rather than as words.
        let long = "https://example.com/users/"
        #expect(number(long + "42/profile-page", after: long + "1/profile-page") == 42)
        #expect(number(long + "42/profile-pagf", after: long + "1/profile-page") == -1)
        #expect(number("https://example.com/usera/42/profile-page", after: long + "1/profile-page") == -1)
        // No digit: no pattern, nothing is numbered.
        #expect(number("12", after: "alice") == -1)
    }

    /// Digits are read eight at a time: every run of 1 to 20 bytes, digits or one stray byte
    /// anywhere, reads as a loop over its bytes reads it.
    @Test func numbersEqualADigitLoop() {
        var rng = SplitMix64(seed: 77)
        var keys = NumberedKeys()
        var first = "u1"
        first.withUTF8 { keys.adopt($0) }
        for _ in 0..<200_000 {
            let count = 1 + Int(rng.next() % 20)
            var digits = (0..<count).map { _ in UInt8(0x30 + rng.next() % 10) }
            if rng.next() % 3 == 0 { digits[Int(rng.next() % UInt64(count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 4 == 0 { digits[0] = UInt8(0x31 + rng.next() % 9) }
            var expected = 0
            for d in digits {
                guard d >= 0x30, d <= 0x39 else { expected = -1; break }
                expected = expected &* 10 &+ Int(d - 0x30)  // past 18 digits refused below
            }
            if count > 18 || (digits[0] == 0x30 && count > 1) { expected = -1 }
            let key: [UInt8] = [0x75] + digits
            let got = key.withUnsafeBufferPointer { keys.number($0) }
            if got != expected {
                Issue.record("u\(String(decoding: digits, as: UTF8.self)): \(got), expected \(expected)")
                return
            }
        }
    }

    /// Numbers read from words under a pattern with up to eight bytes before the number and up
    /// to 16 after it (`PlainPattern`, `SuffixPattern`) are those the general reading finds, for keys that differ
    /// from the pattern's prefix or suffix or not, with up to 20 digits, a leading zero or a
    /// stray byte; a longer suffix has no such pattern.
    @Test func plainPatternsReadAsAnyPattern() {
        var rng = SplitMix64(seed: 78)
        let letters = Array("ua-_@9Z".utf8)
        let suffixLetters = Array("@example.cOm_".utf8)
        for round in 0..<3_000 {
            let prefix = (0..<Int(rng.next() % 9)).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
            // No suffix in a third of the rounds; else 1 to 17 bytes (17: no plain pattern).
            let suffixCount = round % 3 == 0 ? 0 : 1 + Int(rng.next() % 17)
            let suffix = (0..<suffixCount).map { _ in suffixLetters[Int(rng.next() % UInt64(suffixLetters.count))] }
            var keys = NumberedKeys()
            (prefix + [0x31] + suffix).withUnsafeBufferPointer { keys.adopt($0) }
            let read: ((PlainId) -> Int?)? = suffixCount == 0 ? keys.plain?.number : keys.suffixed?.number
            guard let read else {
                if suffixCount <= 16 { Issue.record("prefix \(prefix), suffix \(suffix): no pattern read from words") }
                continue
            }
            if suffixCount > 16 { Issue.record("suffix \(suffix): a pattern read from words") }
            if (keys.plain != nil) == (keys.suffixed != nil) { Issue.record("suffix \(suffix): both patterns or neither") }
            for _ in 0..<100 {
                var head = prefix
                if !head.isEmpty, rng.next() % 5 == 0 { head[Int(rng.next() % UInt64(head.count))] ^= 1 }
                if rng.next() % 7 == 0 { head.removeLast(min(head.count, 1)) }
                var tail = suffix
                if !tail.isEmpty, rng.next() % 5 == 0 { tail[Int(rng.next() % UInt64(tail.count))] ^= 1 }
                if rng.next() % 7 == 0 { tail.removeFirst(min(tail.count, 1)) }
                if rng.next() % 9 == 0 { tail += [0x61] }
                var key = head + (0..<Int(rng.next() % 21)).map { _ in UInt8(0x30 + rng.next() % 10) } + tail
                if !key.isEmpty, rng.next() % 6 == 0 { key[Int(rng.next() % UInt64(key.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                let (found, expected) = key.withUnsafeBufferPointer { k in
                    (read(PlainId(k)) ?? keys.patternNumber(k), keys.patternNumber(k))
                }
                if found != expected {
                    Issue.record("key \(key) under prefix \(prefix), suffix \(suffix): \(found), expected \(expected)")
                    return
                }
            }
        }
    }

    /// The reader's batch interns pairs as a dictionary in order of first appearance does,
    /// whether an id is found by its number without a hash or hashed, and when keys hashed
    /// before the array covered them are met again after it does.
    @Test(arguments: 0..<4)
    func pairBatchInternsLikeADictionary(seed: Int) {
        let ids = mixedIds(30_000, seed: UInt64(40 + seed), span: seed == 3 ? 2_000_000 : 20_000)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for id in ids {
            let from = bytes.count
            bytes += Array(id.utf8)
            ranges.append(from..<bytes.count)
        }
        var table = Interner(capacity: 16)
        var batch = PairBatch()
        var source: [Int32] = [], target: [Int32] = []
        bytes.withUnsafeBufferPointer { all in
            for k in stride(from: 0, to: ranges.count - 1, by: 2) {
                let s = UnsafeBufferPointer(rebasing: all[ranges[k]]), t = UnsafeBufferPointer(rebasing: all[ranges[k + 1]])
                batch.append(PlainId(s), PlainId(t), people: &table, source: &source, target: &target)
            }
            batch.flush(people: &table, source: &source, target: &target)
        }
        var dictionary: [String: Int32] = [:]
        var expected: [Int32] = []
        for id in ids.prefix(ranges.count / 2 * 2) {
            if dictionary[id] == nil { dictionary[id] = Int32(dictionary.count) }
            expected.append(dictionary[id]!)
        }
        var interleaved: [Int32] = []
        for (a, b) in zip(source, target) { interleaved += [a, b] }
        #expect(interleaved == expected)
        #expect(table.count == dictionary.count)
        for (id, index) in dictionary.prefix(2000) { #expect(table.index(of: id) == index) }
    }

    /// Interning any mix of ids numbers them as a dictionary in order of first appearance
    /// does, while the numbered array grows past keys first hashed, from tables made small and
    /// large, and every key is found again by `index(of:)`.
    @Test(arguments: [(0, 4), (1, 1024), (2, 1 << 16), (3, 4), (4, 300)])
    func internsAnyMixLikeADictionary(seed: Int, capacity: Int) {
        let keys = mixedIds(40_000, seed: UInt64(seed), span: seed == 3 ? 2_000_000 : 30_000)
        var table = Interner(capacity: capacity)
        var expected: [String: Int32] = [:]
        var order: [String] = []
        for key in keys {
            let got = intern(key, into: &table)
            if let index = expected[key] {
                #expect(got.index == index && !got.isNew, "\(key)")
            } else {
                #expect(got.index == Int32(order.count) && got.isNew, "\(key)")
                expected[key] = Int32(order.count)
                order.append(key)
            }
        }
        #expect(table.count == order.count)
        #expect(table.names == order)
        for (key, index) in expected { #expect(table.index(of: key) == index, "\(key)") }
        for absent in ["u007", "p1@example.comm", "99999999999999999999999", "u-1", "U1"] where expected[absent] == nil {
            #expect(table.index(of: absent) == nil, "\(absent)")
        }
    }

    /// Numbers that start far past what the array may cover (so their keys are hashed) and
    /// come within it as the table fills: each key keeps its index, found in either place.
    @Test func keysHashedBeforeTheArrayCoversThem() {
        var table = Interner(capacity: 16)
        let far = (0..<2000).map { "u\(1_000_000 + 37 * $0)" }
        let near = (0..<200_000).map { "u\($0)" }
        let farIndex = far.map { intern($0, into: &table).index }
        #expect(farIndex == (0..<2000).map(Int32.init))
        let nearIndex = near.map { intern($0, into: &table).index }
        #expect(nearIndex == (0..<200_000).map { Int32(2000 + $0) })
        for (k, key) in far.enumerated() {
            let again = intern(key, into: &table)
            #expect(again.index == Int32(k) && !again.isNew)
        }
        #expect(table.count == 202_000)
        #expect(table.index(of: "u1000037") == 1)
        #expect(table.index(of: "u1000038") == nil)
    }

    /// Interns `keys[cut[c] ..< cut[c + 1]]` into a table of its own for each c, checks each
    /// table with `check` against the one absorbed so far, and absorbs it (on three threads).
    /// - Returns: the absorbed table, and where each key landed in it.
    private func absorbInChunks(
        _ keys: [String], cut: [Int], check: (Interner, Interner) -> Void = { _, _ in }
    ) -> (Interner, [Int32]) {
        var global = Interner(capacity: 8)
        var got: [Int32] = []
        for c in 0..<cut.count - 1 {
            var local = Interner()
            let localIndex = keys[cut[c]..<cut[c + 1]].map { intern($0, into: &local).index }
            check(global, local)
            let map = global.absorb(local, threads: 3)
            got += localIndex.map { map[Int($0)] }
        }
        return (global, got)
    }

    /// Chunks interned on their own tables, whose patterns differ, then absorbed in order,
    /// number keys as one pass does; `indices(of:)` finds each key across patterns.
    @Test(arguments: 0..<4)
    func absorbingAcrossPatterns(seed: Int) {
        var rng = SplitMix64(seed: UInt64(100 + seed))
        let keys = mixedIds(30_000, seed: UInt64(seed), span: 5000)
        var one = Interner()
        let expected = keys.map { intern($0, into: &one).index }
        var cut = [0] + (0..<3).map { _ in Int(rng.next() % 30_000) } + [30_000]
        cut.sort()
        let (global, got) = absorbInChunks(keys, cut: cut) { global, local in
            // Each chunk adopts its first key's pattern, which need not be the global one.
            let seen = global.indices(of: local, threads: 3)
            for i in 0..<local.count {
                let name = local.name(Int32(i))
                #expect(seen[i] == (global.index(of: name) ?? -1), "\(name)")
            }
        }
        #expect(got == expected)
        #expect(global.names == one.names)
    }

    /// Chunks with more than 65,536 new keys each, absorbed on several threads (the keys
    /// copied and the numbered ones entered at once, the rest hashed in order), number keys as
    /// one pass does, and every key is found afterwards. The first chunk's keys have no digit,
    /// so the table takes its pattern from the absorbed keys; wide spans put numbers past the
    /// numbered array, so that it widens while the keys are placed.
    @Test(arguments: 0..<4)
    func absorbingManyNewKeysOnThreads(seed: Int) {
        var rng = SplitMix64(seed: UInt64(300 + seed))
        let span: UInt64 = [400_000, 3_000_000, 50_000, 40_000_000][seed]
        let keys = ["alice", "x", "u", "alice"] + mixedIds(400_000, seed: UInt64(40 + seed), span: span)
        var one = Interner()
        let expected = keys.map { intern($0, into: &one).index }
        var cut = [0, 4] + (0..<2).map { _ in 4 + Int(rng.next() % 400_000) } + [keys.count]
        cut.sort()
        var (global, got) = absorbInChunks(keys, cut: cut)
        #expect(got == expected)
        #expect(global.names == one.names)
        let found = one.names.map { global.index(of: $0) ?? -1 }
        let all = (0..<Int32(one.count)).map { $0 }
        #expect(found == all)
        // The table goes on interning as it would have.
        for name in ["alice", "u123", "p5@example.com", "u99999999", "new-key"] {
            #expect(intern(name, into: &global).index == intern(name, into: &one).index, "\(name)")
        }
    }
}

/// A conversions export read in chunks is the export read in one pass: the first chunk is
/// taken as it is and the others absorbed into it.
struct ConversionsChunkTests {
    /// Parses `bytes` in `chunks` chunks.
    private func parse(_ bytes: [UInt8], chunks: Int) throws -> Conversions {
        var result: Result<Conversions, InputError>!
        bytes.withUnsafeBufferPointer { b in
            result = Result { () throws(InputError) in
                try Conversions.parse(buffer: b, file: "c.csv", options: ReadOptions(), chunks: chunks)
            }
        }
        return try result.get()
    }

    /// Each row as text: the user's name, value, time, campaign's name and line.
    private func rows(_ c: Conversions) -> [String] {
        (0..<c.count).map { r in
            let campaign = c.campaign.map { $0[r] < 0 ? "-" : c.campaigns.name($0[r]) } ?? "none"
            let time = c.timestamp.map { "\($0[r])" } ?? "none"
            return "\(c.users.name(c.user[r]))|\(c.value[r])|\(time)|\(campaign)|\(c.line[r])"
        }
    }

    /// The users are interned in batches (`KeyBatch`): the table and the users' column are
    /// the ones interning each kept row's user on its own gives, across many batches, with
    /// ids the numbered array covers, ids past it (which widen it while queued), hashed ids,
    /// and ids that are normalized first (interned at once, after the queued ones). Rows
    /// without a value are left out before their user is interned.
    @Test(arguments: 0..<4)
    func usersInternedInBatchesAsOneAtATime(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(900 + seed))
        let span: UInt64 = [300, 5000, 2_000_000, 60_000][seed]
        let ids = mixedIds(3000, seed: UInt64(70 + seed), span: span).map { $0.isEmpty ? "nobody" : $0 }
        var text = "user,value\n"
        var expected = Interner()
        var column: [Int32] = []
        for _ in 0..<5000 {
            var user = ids[Int(rng.next() % UInt64(ids.count))]
            // Capitals in an e-mail id are lowered: such an id takes the reader's buffer.
            let shouted = rng.next() % 7 == 0 && user.contains("@")
            if shouted { user = user.uppercased() }
            let kept = rng.next() % 6 != 0
            text += "\(user),\(kept ? "\(rng.next() % 100)" : "")\n"
            if kept { column.append(intern(PersonId.normalize(user), into: &expected).index) }
        }
        let one = try parse(Array(text.utf8), chunks: 1)
        let (names, wanted) = (one.users.names, expected.names)
        let sameUsers = names == wanted, sameRows = one.user == column
        #expect(sameUsers, "first differing user: \(names.indices.first { $0 >= wanted.count || names[$0] != wanted[$0] } ?? names.count)")
        #expect(
            sameRows,
            "first differing row: \(one.user.indices.first { $0 >= column.count || one.user[$0] != column[$0] } ?? one.user.count)")
        #expect(one.count == column.count && one.value.count == column.count && one.line.count == column.count)
    }

    @Test(arguments: 0..<12)
    func chunkedConversionsEqualOnePass(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(500 + seed))
        let ids = mixedIds(400, seed: UInt64(seed), span: 300).map { $0.isEmpty ? "nobody" : $0 }
        var text = seed % 2 == 0 ? "user,value,timestamp,campaign\n" : "user,value\n"
        for r in 0..<(200 + 40 * seed) {
            let user = ids[Int(rng.next() % UInt64(ids.count))].replacingOccurrences(of: ",", with: "")
            let value = rng.next() % 5 == 0 ? "" : "\(rng.next() % 1000).\(rng.next() % 100)"
            if seed % 2 == 0 {
                let campaign = rng.next() % 4 == 0 ? "" : "c\(rng.next() % 3)"
                text += "\"\(user)\",\(value),2024-03-\(10 + r % 9)T10:00:00Z,\(campaign)\n"
            } else {
                text += "\"\(user)\",\(value)\n"
            }
        }
        let bytes = Array(text.utf8)
        let one = try parse(bytes, chunks: 1)
        for chunks in [2, 3, 5, 8] {
            let many = try parse(bytes, chunks: chunks)
            #expect(many.users.names == one.users.names, "\(chunks) chunks")
            #expect(many.campaigns.names == one.campaigns.names, "\(chunks) chunks")
            let (a, b) = (rows(many), rows(one))
            #expect(a == b, "\(chunks) chunks: first differing row \(a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? a.count)")
            #expect(many.quality.rows == one.quality.rows)
        }
    }
}
