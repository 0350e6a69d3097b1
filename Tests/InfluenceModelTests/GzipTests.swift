import CDeflate
import Testing

@testable import InfluenceModel

/// gzip exports inflated whole (`Gzip.inflate`): single and concatenated members, padding,
/// members larger than the room first set aside, and damaged or cut-short data refused.
struct GzipTests {
    /// CRC-32 (IEEE, reflected), bit by bit: the checksum a gzip trailer holds.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }

    /// A gzip member written by hand with stored (uncompressed) deflate blocks (RFC 1951 §3.2.4,
    /// RFC 1952), independent of any library.
    private static func storedMember(_ data: [UInt8], size: UInt32? = nil, crc: UInt32? = nil) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        var at = 0
        repeat {
            let n = min(65_535, data.count - at)
            let last = at + n == data.count
            out.append(last ? 1 : 0)  // BFINAL, BTYPE 00, then aligned to the byte
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[at..<at + n]
            at += n
        } while at < data.count
        out += littleEndian(crc ?? crc32(data))
        out += littleEndian(size ?? UInt32(truncatingIfNeeded: data.count))
        return out
    }

    /// A member compressed by libdeflate at level 9 (repetitive text shrinks a hundredfold).
    private static func compressedMember(_ data: [UInt8]) -> [UInt8] {
        let compressor = libdeflate_alloc_compressor(9)!
        defer { libdeflate_free_compressor(compressor) }
        let room = libdeflate_gzip_compress_bound(compressor, data.count)
        var out = [UInt8](repeating: 0, count: room)
        let made = data.withUnsafeBytes { d in
            out.withUnsafeMutableBytes { o in libdeflate_gzip_compress(compressor, d.baseAddress, d.count, o.baseAddress, o.count) }
        }
        return Array(out[..<made])
    }

    private func inflate(_ bytes: [UInt8]) throws(InputError) -> [UInt8] {
        try bytes.withUnsafeBufferPointer { b throws(InputError) in try Gzip.inflate(b, file: "t.csv.gz") }
    }

    private static func text(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(0x30 + rng.next() % 10) }
    }

    @Test func oneMemberInflatesToItsBytes() throws {
        for count in [0, 1, 100, 65_535, 65_536, 200_001] {
            let data = Self.text(count, seed: UInt64(count))
            let same = try inflate(Self.storedMember(data)) == data
            #expect(same, "\(count) bytes")
        }
    }

    /// A member of more than `populateFrom` bytes whose recorded size is exact: its room is
    /// faulted in on another thread while it inflates.
    @Test func largeMemberInflatesBesideItsRoomFaultedIn() throws {
        var rng = SplitMix64(seed: 21)
        var text: [UInt8] = []
        text.reserveCapacity(Gzip.populateFrom + 1_000_000)
        while text.count < Gzip.populateFrom + 999_000 { text += Array("u\(rng.next() % 1_000_000),u\(rng.next() % 1_000_000)\n".utf8) }
        let member = Self.compressedMember(text)
        let room = member.withUnsafeBufferPointer { Gzip.initialCapacity($0) }
        #expect(room == text.count && room == member.withUnsafeBufferPointer { Gzip.recordedSize($0) })
        let same = try inflate(member) == text
        #expect(same)
    }

    @Test func membersAreConcatenatedAndPaddingSkipped() throws {
        let a = Self.text(70_000, seed: 1), b = Self.text(10, seed: 2), c = Self.text(0, seed: 3)
        let file = Self.storedMember(a) + Self.storedMember(b) + [0, 0, 0] + Self.storedMember(c) + [0]
        let same = try inflate(file) == a + b + c
        #expect(same)
    }

    /// The last member records 1 byte, so the first room is small: the output grows, keeping
    /// the members inflated before, and the member that did not fit is inflated again, many
    /// times over.
    @Test func outputGrowsPastTheRecordedSize() throws {
        let head = Self.text(1_000, seed: 4)
        let big = [UInt8]([UInt8]("source,target\nu1,u2\n".utf8).repeated(200_000))
        let compressed = Self.compressedMember(big)
        #expect(compressed.count * 4 < big.count)
        let tail: [UInt8] = [0x0A]
        let file = Self.storedMember(head) + compressed + Self.storedMember(tail)
        #expect(file.withUnsafeBufferPointer { Gzip.initialCapacity($0) } < big.count)
        let back = try inflate(file)
        #expect(back.count == head.count + big.count + 1)
        let same = back == head + big + tail
        #expect(same)
    }

    @Test func damagedOrShortDataIsRefused() {
        let data = Self.text(5_000, seed: 9)
        let good = Self.storedMember(data)
        var flipped = good
        flipped[100] ^= 0x01  // a data byte: the checksum no longer matches
        let cases: [(String, [UInt8], String?)] = [
            ("checksum", Self.storedMember(data, crc: Self.crc32(data) ^ 1), nil),
            ("size", Self.storedMember(data, size: 4_999), nil),
            ("flipped byte", flipped, nil),
            ("cut short", Array(good.dropLast(3)), nil),
            ("only the magic", [0x1F, 0x8B], nil),
            ("second member cut short", good + Array(good.prefix(40)), "byte \(good.count)"),
            ("garbage after a member", good + [0x41, 0x42, 0x43], "byte \(good.count)"),
        ]
        for (name, bytes, mention) in cases {
            do {
                _ = try inflate(bytes)
                Issue.record("\(name): inflated")
            } catch {
                guard case .compressedDataCorrupt(let file, let reason) = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
                #expect(file == "t.csv.gz", "\(name)")
                if let mention { #expect(reason.contains(mention), "\(name): \(reason)") }
            }
        }
    }
}

extension Array {
    fileprivate func repeated(_ times: Int) -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(count * times)
        for _ in 0..<times { out += self }
        return out
    }
}
