extension Interner {
    /// Interns every key of `other`, in `other`'s order, and returns where each one landed.
    ///
    /// The result is the table that interning `other`'s keys one by one would give, so the
    /// tables of consecutive chunks of a file, absorbed in file order, number keys exactly as
    /// one pass over the whole file does. Look-ups (the bulk of the work) run on several
    /// threads against the unchanged table; only the keys that are new here are then added,
    /// in order, on one thread. An empty table becomes `other` as it is, numbering its keys as
    /// it does, without interning them again.
    /// - Returns: `map[i]` = the index here of `other`'s key `i`.
    /// - Complexity: O(total key length of `other`) expected.
    mutating func absorb(_ other: consuming Interner, threads: Int = Parallel.threads) -> [Int32] {
        let n = other.count
        if count == 0 {
            self = other
            return (0..<n).map { Int32($0) }
        }
        // Its keys are read in order from here on, never looked for: its slots go first (a
        // chunk's table of 6M e-mail ids, 256 MiB, sat beside the table taking them in at
        // the read's peak).
        other.keepKeysOnly()
        // The look-ups keep each missing key's number, for the places below; not when the
        // table has no pattern yet, as the loop below may give it one.
        var map = indices(of: other, threads: threads, keepingNumbers: hasPattern)
        if !hasPattern {
            // No key here has a digit (the first would have set the pattern), so every key of
            // `other` with one is missing here: the first of them sets it, as interning the
            // missing keys one by one would.
            other.arena.withUnsafeBufferPointer { arena in
                for i in 0..<n {
                    if hasPattern { break }
                    _ = numberAdopting(UnsafeBufferPointer(rebasing: arena[other.offsets[i]..<other.offsets[i + 1]]))
                }
            }
        }
        // The keys missing here, in order, with their numbers under this table's pattern, on
        // several threads: each part counts its own, then writes them where the parts before
        // it end.
        let parts = Parallel.ranges(n, parts: n < 65_536 ? 1 : threads)
        var before = [Int](repeating: 0, count: parts.count + 1)
        map.withUnsafeBufferPointer { map in
            let counts = Parallel.map(parts.count, parts: parts.count) { p in parts[p].reduce(0) { $0 + (map[$1] < 0 ? 1 : 0) } }
            for p in parts.indices { before[p + 1] = before[p] + counts[p] }
        }
        let m = before[parts.count]
        // Both written whole below (each part writes its own missing keys' places), on every
        // thread: not filled first on this one (at 100M rows, 55M new keys, 660 MB).
        var missing = Parallel.written(Int32.self, count: m) { _ in }
        var numbers = Parallel.written(Int.self, count: m) { _ in }
        var partBytes = [Int](repeating: 0, count: parts.count)
        // In a scope of its own: a copy of the table that outlived it would make the table's
        // arrays shared, and reserving room below would copy them.
        do {
            let table = self
            other.arena.withUnsafeBufferPointer { arena in
                other.offsets.withUnsafeBufferPointer { offsets in
                    map.withUnsafeBufferPointer { map in
                        missing.withUnsafeMutableBufferPointer { missingOut in
                            numbers.withUnsafeMutableBufferPointer { numbersOut in
                                partBytes.withUnsafeMutableBufferPointer { bytesOut in
                                    let (toMissing, toNumbers, toBytes) = (
                                        SharedBuffer(missingOut), SharedBuffer(numbersOut), SharedBuffer(bytesOut)
                                    )
                                    Parallel.forEach(parts.count) { p in
                                        var j = before[p], bytes = 0
                                        for i in parts[p] where map[i] < 0 {
                                            let key = UnsafeBufferPointer(rebasing: arena[offsets[i]..<offsets[i + 1]])
                                            toMissing[j] = Int32(i)
                                            toNumbers[j] = map[i] <= -2 ? -2 - Int(map[i]) : table.number(key)
                                            bytes &+= key.count
                                            j &+= 1
                                        }
                                        toBytes[p] = bytes
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let missingBytes = partBytes.reduce(0, +)
        reserve(adding: missing.count, bytes: missingBytes, numbers: numbers)
        appendAbsent(other, missing: missing, numbers: numbers, map: &map, threads: threads)
        return map
    }

    /// Where each key of `other` is in this table, -1 for keys it lacks: `map[i]` for
    /// `other`'s key `i`. Look-ups run on several threads, straight from `other`'s bytes.
    /// - Complexity: O(total key length of `other`) expected.
    public func indices(of other: Interner, threads: Int = Parallel.threads) -> [Int32] {
        indices(of: other, threads: threads, keepingNumbers: false)
    }

    /// `indices(of:threads:)`; with `keepingNumbers`, a key this table lacks whose number
    /// under its pattern is from 0 to 2³¹ − 2 is given −2 − that number rather than −1 (the
    /// number `absorb` enters it under, taken once).
    func indices(of other: Interner, threads: Int, keepingNumbers: Bool) -> [Int32] {
        precondition(!keysOnly, "Interner: look-ups in a table that gave up its slots")
        let n = other.count
        // Every key's place is written by the look-ups below, -1 included.
        var map = Parallel.written(Int32.self, count: n) { _ in }
        let table = self
        map.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffer(out)
            let parts = Parallel.ranges(n, parts: n < 65_536 ? 1 : threads)
            Parallel.forEach(parts.count) { p in
                other.arena.withUnsafeBufferPointer { arena in
                    other.offsets.withUnsafeBufferPointer { offsets in
                        // Each key's slot is fetched a few keys ahead, then the arena bytes it
                        // points at a few keys later, so the misses overlap.
                        // Each key's number, and its hash when the numbered array does not
                        // cover it (hashes are not stored), are taken once, when its slot is
                        // fetched, and kept in rings until its probe.
                        let ahead = 16
                        let range = parts[p]
                        var numbers = (0..<32).map { _ in -1 }
                        var hashes = [UInt64](repeating: 0, count: 32)
                        func key(_ j: Int) -> UnsafeBufferPointer<UInt8> {
                            UnsafeBufferPointer(rebasing: arena[offsets[j]..<offsets[j + 1]])
                        }
                        func fetch(_ j: Int) {
                            let k = key(j), number = table.number(k)
                            numbers[j & 31] = number
                            hashes[j & 31] = table.covers(number) ? 0 : Interner.hashAndPrefix(k).hash
                            table.prefetch(hashes[j & 31], number: number)
                        }
                        for j in range.prefix(ahead) { fetch(j) }
                        for i in range {
                            if i &+ ahead < range.upperBound { fetch(i &+ ahead) }
                            if i &+ ahead / 2 < range.upperBound {
                                let j = i &+ ahead / 2
                                table.prefetchKey(hashes[j & 31], length: offsets[j + 1] &- offsets[j], number: numbers[j & 31])
                            }
                            let k = key(i)
                            let found = table.probe(k, hash: hashes[i & 31], prefix: ByteWords.padded(k), number: numbers[i & 31])
                            if case .found(let index) = found {
                                shared[i] = index
                            } else if keepingNumbers, numbers[i & 31] >= 0, numbers[i & 31] <= Int(Int32.max) - 2 {
                                shared[i] = Int32(truncatingIfNeeded: -2 - numbers[i & 31])
                            } else {
                                shared[i] = -1
                            }
                        }
                    }
                }
            }
        }
        return map
    }
}
