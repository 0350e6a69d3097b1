/// Vector operations entry by entry, on several threads for long vectors: each entry is
/// rounded once, so the result is the same bits in any order and for any thread count.
enum Elementwise {
    /// z ← x ⊙ v, or with `reciprocalOfV` z ← x ⊙ (1/v), 1/v taken as 0 where v ≤ 0 (a person
    /// nobody referred), for callers that keep no vector of reciprocals.
    static func multiply(
        _ x: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>,
        reciprocalOfV: Bool = false
    ) {
        let n = z.count
        precondition(x.count >= n && v.count >= n, "Elementwise.multiply: x or v shorter than z")
        guard n > 0 else { return }
        let parts = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : Parallel.threads)
        let (xs, vs, zs) = (UncheckedSendable(x), UncheckedSendable(v), SharedBuffer(z))
        // Each part writes only its own entries of z.
        Parallel.forEach(parts.count) { p in
            let (x, v, z) = (xs.value.baseAddress!, vs.value.baseAddress!, zs.base)
            if reciprocalOfV {
                for i in parts[p] { z[i] = x[i] * (v[i] > 0 ? 1 / v[i] : 0) }
            } else {
                for i in parts[p] { z[i] = x[i] * v[i] }
            }
        }
    }
}
