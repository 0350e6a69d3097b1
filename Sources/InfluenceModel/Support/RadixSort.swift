/// Stable least-significant-digit radix sort of 64-bit keys carrying a payload.
enum RadixSort {
    /// An unsigned integer that orders as `value` does among finite numbers, with −0 equal to 0.
    @inline(__always)
    static func orderKey(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Sorts `keys` ascending, moving `payload` alongside; equal keys keep their order.
    /// Digits of 11 bits, or of 8 bits below 65,536 keys, where clearing and summing 2,048
    /// counters per digit would cost more than the keys; a digit that is the same in every key
    /// is skipped. With 16-bit digits each pass scattered to 65,536 places at once, which misses
    /// the cache at every key: ranking 1M people took 162 ms.
    static func sort(keys: inout [UInt64], payload: inout [Int32]) {
        let n = keys.count
        guard n > 1 else { return }
        let bits = n < 1 << 16 ? 8 : 11
        let mask = UInt64(1) << UInt64(bits) - 1
        // Each pass scatters to 2,048 places at once: with 4 KB pages nearly every write of a
        // large sort missed the TLB (ranking 10M people took 616 ms).
        var otherKeys = HugePages.zeroed(UInt64.self, count: n)
        var otherPayload = HugePages.zeroed(Int32.self, count: n)
        var counts = [Int](repeating: 0, count: 1 << bits)
        let all = keys.reduce(UInt64(0)) { $0 | $1 }
        let none = keys.reduce(UInt64.max) { $0 & $1 }
        for shift in stride(from: 0, to: 64, by: bits) {
            let varying = ((all ^ none) >> UInt64(shift)) & mask
            if varying == 0 { continue }
            for i in 0..<counts.count { counts[i] = 0 }
            keys.withUnsafeBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { c in
                    for key in k { c[Int((key >> UInt64(shift)) & mask)] += 1 }
                    var sum = 0
                    for d in 0..<c.count { let t = c[d]; c[d] = sum; sum += t }
                    payload.withUnsafeBufferPointer { p in
                        otherKeys.withUnsafeMutableBufferPointer { ok in
                            otherPayload.withUnsafeMutableBufferPointer { op in
                                for i in 0..<n {
                                    let d = Int((k[i] >> UInt64(shift)) & mask)
                                    let at = c[d]
                                    c[d] = at + 1
                                    ok[at] = k[i]
                                    op[at] = p[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&payload, &otherPayload)
        }
    }
}
