import Foundation
import Testing
import InfluenceModel

/// Normalizes through the byte API with a scratch buffer pre-filled with a sentinel, so a
/// test can see whether `.unchanged` left it alone.
private func normalizeBytes(_ text: String, exact: Bool = false) -> (outcome: PersonId.Outcome, bytes: [UInt8], scratchTouched: Bool) {
    let input = Array(text.utf8)
    let sentinel: [UInt8] = [0xFF, 0xFE]
    var scratch = sentinel
    let outcome = input.withUnsafeBufferPointer { PersonId.normalize($0, exact: exact, into: &scratch) }
    switch outcome {
    case .unchanged: return (outcome, input, scratch != sentinel)
    case .changed: return (outcome, scratch, true)
    case .empty: return (outcome, [], scratch != sentinel)
    }
}

struct PersonIdTests {
    /// (field, normal form): expected forms are written out by hand, with escapes where
    /// the bytes matter (composed vs decomposed).
    @Test(arguments: [
        ("Ana.Silva@Example.com", "ana.silva@example.com"),
        (" u1 ", "u1"),
        ("\tu1\r\n", "u1"),
        ("\u{0B}u1\u{0C}", "u1"),
        ("\u{A0}u1\u{A0}", "u1"),
        ("\u{200B}\u{FEFF}u1\u{2003}\u{3000}", "u1"),
        ("\u{202F}u1\u{85}", "u1"),
        ("e\u{301}", "\u{E9}"),
        ("Jose\u{301}", "Jos\u{E9}"),
        ("User42", "User42"),
        ("USER 42", "USER 42"),
        ("\u{C9}LODIE@EXAMPLE.FR", "\u{E9}lodie@example.fr"),
        ("E\u{301}LODIE@EXAMPLE.FR", "\u{E9}lodie@example.fr"),
        ("\u{130}@X.COM", "i\u{307}@x.com"),
        ("STRASSE@\u{C4}RZTE.DE", "strasse@\u{E4}rzte.de"),
        ("a@b@C", "a@b@C"),
        ("@Foo", "@Foo"),
        ("Foo@", "Foo@"),
        ("Ana Silva@Example.com", "Ana Silva@Example.com"),
        ("\u{C4}na Silva@Example.com", "\u{C4}na Silva@Example.com"),
        (" \u{C4}B@C.DE ", "\u{E4}b@c.de"),
        ("M\u{DC}LLER", "M\u{DC}LLER"),
    ])
    func normalForm(_ field: String, _ normal: String) {
        let result = normalizeBytes(field)
        #expect(result.bytes == Array(normal.utf8))
        #expect(PersonId.normalize(field) == normal)
        #expect(result.outcome == (Array(field.utf8) == Array(normal.utf8) ? .unchanged : .changed))
    }

    @Test func unchangedLeavesScratchAlone() {
        for id in ["user42", "ana@example.com", "A-B_C", "a@b@C", "Jos\u{E9}", "\u{E9}lodie@example.fr"] {
            let result = normalizeBytes(id)
            #expect(result.outcome == .unchanged, "\(id)")
            #expect(!result.scratchTouched, "\(id)")
        }
    }

    @Test(arguments: ["", " ", "\t\r\n", "\u{A0}", "\u{200B}\u{FEFF}", " \u{2028}\u{3000} "])
    func onlyWhitespaceIsEmpty(_ field: String) {
        #expect(normalizeBytes(field).outcome == .empty)
        #expect(PersonId.normalize(field) == "")
    }

    @Test func exactKeepsEverythingButReportsEmpty() {
        #expect(normalizeBytes("", exact: true).outcome == .empty)
        for id in [" ", " u1 ", "Ana@Example.com", "e\u{301}", "\u{A0}"] {
            let result = normalizeBytes(id, exact: true)
            #expect(result.outcome == .unchanged, "\(id.debugDescription)")
            #expect(!result.scratchTouched)
            #expect(PersonId.normalize(id, exact: true) == id)
        }
    }

    @Test func invalidUTF8IsLeftAlone() {
        let bytes: [UInt8] = [0x4A, 0x6F, 0x73, 0xE9, 0x20]  // "Jos\xE9 " in Latin-1
        var scratch: [UInt8] = []
        #expect(bytes.withUnsafeBufferPointer { PersonId.normalize($0, exact: false, into: &scratch) } == .unchanged)
    }

    /// Random ids from an alphabet of the hard cases: normalizing is idempotent, `.unchanged`
    /// means the bytes are the normal form, and the normal form has the promised shape.
    @Test(arguments: 0..<4)
    func randomIdsNormalizeOnce(seed: UInt64) {
        let alphabet = [
            "a", "Z", "7", "@", ".", " ", "\t", "\u{A0}", "\u{200B}", "\u{FEFF}", "\u{2003}",
            "\u{C9}", "e", "\u{301}", "\u{130}", "\u{DF}", "\u{3A3}", "\u{1E9E}", "\u{212B}", "A\u{30A}",
        ]
        var rng = SplitMix64(seed: seed)
        for _ in 0..<1_000 {
            let id = (0..<rng.below(8)).map { _ in alphabet[rng.below(alphabet.count)] }.joined()
            let first = normalizeBytes(id)
            let normal = String(decoding: first.bytes, as: UTF8.self)
            let second = normalizeBytes(normal)
            #expect(second.outcome == (first.outcome == .empty ? .empty : .unchanged), "\(id.debugDescription)")
            #expect(second.bytes == first.bytes, "\(id.debugDescription)")
            #expect(Array(PersonId.normalize(id).utf8) == first.bytes)
            if first.outcome == .unchanged { #expect(Array(id.utf8) == first.bytes) }
            // The shape, checked with Foundation's own trimming set plus the two extras.
            let trim = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{200B}\u{FEFF}"))
            #expect(normal.trimmingCharacters(in: trim) == normal, "\(id.debugDescription)")
            #expect(Array(normal.precomposedStringWithCanonicalMapping.utf8) == first.bytes)
        }
    }
}
