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
        var keys = HugePages.zeroed(UInt64.self, count: n)
        var order = HugePages.zeroed(Int32.self, count: n)
        for i in 0..<n {
            keys[i] = ~RadixSort.orderKey(score[i])  // descending
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
}
