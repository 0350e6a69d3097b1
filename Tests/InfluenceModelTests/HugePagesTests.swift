import Foundation
import Testing

@testable import InfluenceModel

struct HugePagesZeroTests {
    /// Every byte is zeroed, whatever the length and the start's alignment, also when the
    /// buffer is cut into pieces for several threads (from `HugePages.threshold` up).
    @Test(arguments: [0, 1, 4095, HugePages.threshold - 1, HugePages.threshold, 3 * HugePages.pageSize + 13, 9_000_001])
    func zeroesEveryByte(count: Int) {
        for offset in [0, 1, 8] {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count + offset, alignment: 64)
            defer { raw.deallocate() }
            memset(raw, 0xA5, count + offset)
            HugePages.zero(UnsafeMutableRawBufferPointer(start: raw + offset, count: count))
            let bytes = UnsafeRawBufferPointer(start: raw, count: count + offset)
            let left = (offset..<offset + count).first { bytes[$0] != 0 }
            #expect(left == nil, "offset \(offset), \(count) bytes: byte \(left ?? -1) not zeroed")
            // The bytes before the buffer are not touched.
            #expect(bytes[0..<offset].allSatisfy { $0 == 0xA5 })
        }
    }

    /// A vector made for the sparse product is all zeros, large or small.
    @Test func alignedVectorsStartAtZero() {
        for count in [1, 1000, 600_000] {
            let vector = AlignedVector(count: count)
            #expect(vector.buffer.allSatisfy { $0 == 0 })
            #expect(Int(bitPattern: vector.base) % 64 == 0)
        }
    }
}
