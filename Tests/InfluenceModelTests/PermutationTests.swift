import Testing
@testable import InfluenceModel

/// `Array.permuted(by:)`, which moves elements in place, against the copy it replaces.
struct PermutationTests {
    /// The live instances of one test case's elements (cases run in parallel).
    final class Count: @unchecked Sendable {
        var live = 0
    }

    /// An element that counts its live instances, so that an element lost, copied twice or
    /// destroyed twice by the moves shows in the count.
    final class Tracked {
        let value: Int
        let count: Count
        init(_ value: Int, _ count: Count) {
            self.value = value
            self.count = count
            count.live += 1
        }
        deinit { count.live -= 1 }
    }

    /// Random permutations (fixed points, one long cycle, many short ones, sizes 0 to 5,000)
    /// give what gathering by index gives, with every element alive exactly once.
    @Test(arguments: 0..<30)
    func movesMatchTheGather(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 31)
        let n = seed < 3 ? seed : 1 + rng.below(5_000)
        var order = (0..<Int32(n)).map { $0 }
        switch seed % 3 {
        case 0:  // a shuffle: cycles of every length
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
        case 1:  // one cycle through everything
            order = (0..<Int32(n)).map { n == 0 ? 0 : ($0 + 1) % Int32(n) }
        default:  // pairs swapped here and there, the rest in place
            for i in stride(from: 0, to: n - 1, by: 2) where rng.below(3) == 0 { order.swapAt(i, i + 1) }
        }
        let count = Count()
        do {
            let items = (0..<n).map { Tracked($0 * 7, count) }
            let names = (0..<n).map { "name \($0)" }
            let want = order.map { items[Int($0)].value }
            let wantNames = order.map { names[Int($0)] }
            let got = items.permuted(by: order)
            let gotNames = names.permuted(by: order)
            #expect(got.map(\.value) == want)
            #expect(gotNames == wantNames)
            #expect(count.live == n)
        }
        #expect(count.live == 0)
    }
}
