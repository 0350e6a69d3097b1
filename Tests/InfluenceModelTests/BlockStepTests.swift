import Testing

@testable import InfluenceModel

/// The block iteration's step on a long column (`PowerIteration.steps`) is cut into a fixed
/// number of ranges, not one per thread, so its sums are the same bits on any machine.
struct BlockStepTests {
    @Test func longStepsSumTheFixedRangesInOrder() {
        var rng = SplitMix64(seed: 3)
        for n in [1_000, (1 << 17) - 1, 1 << 17, 300_001] {
            let b = (0..<n).map { _ in Double(rng.next() % 1_000_000) / 7_919 }
            let x = (0..<n).map { _ in Double(rng.next() % 1_000_000) / 104_729 }
            let start = (0..<n).map { _ in Double(rng.next() % 1_000_000) / 3_571 }
            var y = start
            let got = b.withUnsafeBufferPointer { b in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        PowerIteration.steps(n, alpha: 0.7, b: b.baseAddress!, x: x.baseAddress!, y: y.baseAddress!)
                    }
                }
            }
            // The definition: each fixed range stepped alone, the ranges' sums added in order.
            var z = start
            var change = 0.0, norm = 0.0
            let ranges = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : PowerIteration.blockParts)
            #expect(ranges.count == (n < 1 << 17 ? 1 : 16))
            for r in ranges {
                let part = b.withUnsafeBufferPointer { b in
                    x.withUnsafeBufferPointer { x in
                        z.withUnsafeMutableBufferPointer { z in
                            PowerIteration.step(
                                r.count, alpha: 0.7, b: b.baseAddress! + r.lowerBound, x: x.baseAddress! + r.lowerBound,
                                y: z.baseAddress! + r.lowerBound)
                        }
                    }
                }
                change += part.change
                norm += part.norm
            }
            let sameY = y == z
            #expect(sameY, "\(n)")
            #expect(got.change.bitPattern == change.bitPattern && got.norm.bitPattern == norm.bitPattern, "\(n)")
            // And each entry is 0.7·yᵢ + bᵢ.
            let entries = (0..<n).allSatisfy { y[$0] == 0.7 * start[$0] + b[$0] }
            #expect(entries, "\(n)")
        }
    }
}
