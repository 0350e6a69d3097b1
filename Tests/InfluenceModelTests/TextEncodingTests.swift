import Foundation
import Testing
import InfluenceModel

private func transcode(_ bytes: [UInt8], _ encoding: TextEncoding) -> [UInt8] {
    bytes.withUnsafeBufferPointer { encoding.transcode($0) }
}

private func looksLike(_ bytes: [UInt8], limit: Int = 1 << 20) -> Bool {
    bytes.withUnsafeBufferPointer { TextEncoding.looksLikeWindows1252($0, limit: limit) }
}

struct TextEncodingTests {
    /// The Windows-1252 bytes with no character; Foundation's decoder refuses them.
    static let undefined: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]

    @Test(arguments: 0...255)
    func latin1ByteMatchesFoundation(_ value: Int) {
        let byte = UInt8(value)
        let oracle = String(data: Data([byte]), encoding: .isoLatin1).map { Array($0.utf8) }
        #expect(transcode([byte], .latin1) == oracle)
        #expect(transcode([0x41, byte, 0x42], .latin1) == oracle.map { [0x41] + $0 + [0x42] })
    }

    @Test(arguments: 0...255)
    func windows1252ByteMatchesFoundation(_ value: Int) {
        let byte = UInt8(value)
        let oracle = String(data: Data([byte]), encoding: .windowsCP1252).map { Array($0.utf8) }
        if Self.undefined.contains(byte) {
            // Foundation returns nil; we keep the byte as the C1 control U+0080 + (byte - 0x80).
            #expect(oracle == nil)
            #expect(transcode([byte], .windows1252) == [0xC2, byte])
        } else {
            #expect(transcode([byte], .windows1252) == oracle)
        }
    }

    @Test func wholeRangeInOneBuffer() {
        let all = (0...255).map { UInt8($0) }
        #expect(transcode(all, .latin1) == Array(String(data: Data(all), encoding: .isoLatin1)!.utf8))
        let defined = all.filter { !Self.undefined.contains($0) }
        #expect(transcode(defined, .windows1252) == Array(String(data: Data(defined), encoding: .windowsCP1252)!.utf8))
        #expect(transcode(all, .utf8) == all)
        #expect(transcode([], .windows1252) == [])
        // A few characters written out: € (E2 82 AC), ™ (E2 84 A2), Ÿ (C5 B8), é (C3 A9).
        #expect(transcode([0x80, 0x99, 0x9F, 0xE9], .windows1252) == [0xE2, 0x82, 0xAC, 0xE2, 0x84, 0xA2, 0xC5, 0xB8, 0xC3, 0xA9])
    }

    @Test(arguments: [
        ("utf8", TextEncoding.utf8), ("UTF-8", .utf8), ("latin1", .latin1), ("Latin-1", .latin1),
        ("ISO-8859-1", .latin1), ("cp1252", .windows1252), ("Windows-1252", .windows1252), ("WIN1252", .windows1252),
    ])
    func arguments(_ text: String, _ encoding: TextEncoding) {
        #expect(TextEncoding(argument: text) == encoding)
    }

    @Test(arguments: ["", "utf16", "latin2", "1252", "ascii"])
    func unknownArguments(_ text: String) {
        #expect(TextEncoding(argument: text) == nil)
    }

    @Test func latinNamesLookLikeWindows1252() {
        #expect(looksLike(Array("referrer,referee\nJos".utf8) + [0xE9] + Array(",Ana\n".utf8)))
        #expect(looksLike(Array("name;amount\nM".utf8) + [0xFC] + Array("ller;".utf8) + [0x80] + Array(" 10\r\n".utf8)))
        #expect(looksLike(Array("Fran".utf8) + [0xE7] + Array("ois,Ren".utf8) + [0xE9] + Array(",".utf8) + [0x93, 0x71, 0x94]))
        #expect(looksLike([0xC9] + Array("lodie".utf8)))
    }

    @Test func utf8DoesNotLookLikeWindows1252() {
        #expect(!looksLike(Array("Jos\u{E9},M\u{FC}ller,\u{20AC} 10\n".utf8)))
        #expect(!looksLike(Array("plain ascii,1\n".utf8)))
        #expect(!looksLike([]))
        // A UTF-8 sequence cut by the limit is still UTF-8.
        let text = Array("ab\u{20AC}".utf8)
        #expect(!looksLike(text, limit: 3))
        // Latin-1 beyond the limit is not looked at.
        #expect(!looksLike(Array("abc".utf8) + [0xE9], limit: 3))
        #expect(looksLike(Array("abc".utf8) + [0xE9], limit: 4))
    }

    @Test(arguments: 0..<8)
    func randomBinaryDoesNotLookLikeWindows1252(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for length in [16, 64, 512, 4096] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(!looksLike(bytes), "seed \(seed), length \(length)")
        }
    }
}
