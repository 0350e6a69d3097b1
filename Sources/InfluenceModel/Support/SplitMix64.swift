/// SplitMix64 (Steele, Lea, Flood 2014): the toolkit's one seeded generator.
///
/// Its stream depends only on the seed, not on the Swift version or platform (unlike
/// `SystemRandomNumberGenerator` or the standard library's helpers' internals), so the same
/// seed gives the same bytes out everywhere. Sampling, simulation, benchmark data and the
/// randomized tests all draw from it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0 ..< bound` (Lemire's multiply-and-reject), the same on every platform.
    /// - Complexity: O(1) expected.
    public mutating func below(_ bound: Int) -> Int {
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }
}
