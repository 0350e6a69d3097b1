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
    ///
    /// From `parallelFrom` keys on, each pass is shared among the threads: every thread counts
    /// the digits of its own contiguous part of the keys, and a digit's slots are given to the
    /// parts in their order, so each part scatters its keys to its own slots and the pass is
    /// as stable as one made by a single thread (the same result for any thread count).
    /// - Parameter threads: how many parts a pass of `parallelFrom` keys or more is cut into.
    static func sort(keys: inout [UInt64], payload: inout [Int32], threads: Int = Parallel.threads) {
        let n = keys.count
        precondition(payload.count == n, "RadixSort.sort: \(payload.count) payloads for \(n) keys")
        guard n > 1 else { return }
        let bits = n < 1 << 16 ? 8 : 11
        let radix = 1 << bits
        let mask = UInt64(radix - 1)
        // Each pass scatters to 2,048 places at once: with 4 KB pages nearly every write of a
        // large sort missed the TLB (ranking 10M people took 616 ms).
        var otherKeys = HugePages.zeroed(UInt64.self, count: n)
        var otherPayload = HugePages.zeroed(Int32.self, count: n)
        let parts = Parallel.ranges(n, parts: n < parallelFrom ? 1 : threads)
        // Part p's counters, then cursors, at p·radix ..< (p + 1)·radix.
        var counts = [Int](repeating: 0, count: parts.count * radix)
        let all = keys.reduce(UInt64(0)) { $0 | $1 }
        let none = keys.reduce(UInt64.max) { $0 & $1 }
        for shift in stride(from: 0, to: 64, by: bits) {
            let varying = ((all ^ none) >> UInt64(shift)) & mask
            if varying == 0 { continue }
            let s = UInt64(shift)
            keys.withUnsafeBufferPointer { k in
                payload.withUnsafeBufferPointer { p in
                    otherKeys.withUnsafeMutableBufferPointer { ok in
                        otherPayload.withUnsafeMutableBufferPointer { op in
                            counts.withUnsafeMutableBufferPointer { c in
                                let (input, payloadIn) = (UncheckedSendable(k), UncheckedSendable(p))
                                let (keysOut, payloadOut, cursors) = (SharedBuffer(ok), SharedBuffer(op), SharedBuffer(c))
                                // Each part counts its keys' digits into its own counters.
                                Parallel.forEach(parts.count) { part in
                                    let mine = cursors.base + part * radix
                                    mine.initialize(repeating: 0, count: radix)
                                    for i in parts[part] { mine[Int((input.value[i] >> s) & mask)] &+= 1 }
                                }
                                // Digit by digit, the parts in order: each part's first slot.
                                var sum = 0
                                for d in 0..<radix {
                                    for part in parts.indices {
                                        let t = cursors[part * radix + d]
                                        cursors[part * radix + d] = sum
                                        sum &+= t
                                    }
                                }
                                // Every slot is written once: each part's cursors run through
                                // the slots counted for it alone.
                                Parallel.forEach(parts.count) { part in
                                    let next = cursors.base + part * radix
                                    for i in parts[part] {
                                        let key = input.value[i]
                                        let d = Int((key >> s) & mask)
                                        let at = next[d]
                                        next[d] = at &+ 1
                                        keysOut[at] = key
                                        payloadOut[at] = payloadIn.value[i]
                                    }
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

    /// Sorts of this many keys or more share each pass among the threads.
    static let parallelFrom = 1 << 17
}
