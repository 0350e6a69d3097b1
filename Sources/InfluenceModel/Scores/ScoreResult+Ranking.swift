extension ScoreResult {
    /// People in rank order, as `ranking()` defines it, by a radix sort on the scores.
    ///
    /// Scores are mapped to integers that sort as the numbers do (−0 as 0), sorted by a stable
    /// least-significant-digit radix sort, and only runs of equal scores are then ordered by
    /// authority and id with `ranking()`'s own comparison. The order is a total one (ids are
    /// distinct), so this is exactly the order `ranking()` returns.
    /// - Complexity: O(n) plus a comparison sort of each run of tied scores.
    func radixRanking() -> [Int32] {
        let n = score.count
        var keys = [UInt64](repeating: 0, count: n)
        var order = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            keys[i] = ~Self.orderKey(score[i])  // descending
            order[i] = Int32(i)
        }
        RadixSort.sort(keys: &keys, payload: &order)
        let people = self.people
        let authority = self.authority
        var start = 0
        while start < n {
            var end = start + 1
            while end < n, keys[end] == keys[start] { end += 1 }
            if end - start > 64, authority == nil {
                // A large tie (a forest's leaves often share one score): by the names' first
                // eight bytes with a radix sort, then by whole names where those are equal.
                Self.sortByName(&order[start..<end], people: people)
            } else if end - start > 1 {
                order[start..<end].sort { a, b in
                    if let authority, authority[Int(a)] != authority[Int(b)] { return authority[Int(a)] > authority[Int(b)] }
                    return people.precedes(a, b)
                }
            }
            start = end
        }
        return order
    }

    /// Sorts people by name, as `Interner.precedes` orders them.
    static func sortByName(_ group: inout ArraySlice<Int32>, people: Interner) {
        var keys = group.map { p in
            people.withKey(p) { bytes in
                // Big-endian and zero-padded: orders as the bytes do, shorter first; equal
                // keys are settled by the whole name below.
                var key: UInt64 = 0
                for k in 0..<8 { key = key << 8 | UInt64(k < bytes.count ? bytes[k] : 0) }
                return key
            }
        }
        var members = Array(group)
        RadixSort.sort(keys: &keys, payload: &members)
        var start = 0
        while start < members.count {
            var end = start + 1
            while end < members.count, keys[end] == keys[start] { end += 1 }
            if end - start > 1 { members[start..<end].sort { people.precedes($0, $1) } }
            start = end
        }
        group.replaceSubrange(group.startIndex..<group.endIndex, with: members)
    }

    /// An unsigned integer that orders as `value` does among finite numbers, with −0 equal to 0.
    @inline(__always)
    static func orderKey(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}

/// Stable least-significant-digit radix sort of 64-bit keys carrying a payload.
enum RadixSort {
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
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherPayload = [Int32](repeating: 0, count: n)
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
