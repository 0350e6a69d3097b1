extension ScoreResult {
    /// The bytes of `csv(top:)`, formatted on several threads for large results.
    ///
    /// Ids are copied from the interner's arena (quoted as `CSVText.appendField` quotes them)
    /// and numbers written by `Format.appendShortest`, so no `String` is made per row.
    /// - Complexity: O(n log n) for the ranking (O(n) without ties), then O(n).
    public func csvBytes(top: Int? = nil) -> [UInt8] {
        csvPieces(top: top).joined()
    }

    /// The bytes of `csvBytes(top:)` as the header, then runs of rows each formatted when it
    /// is wanted (`OutputPieces`): written one after the other, they need not be joined (at 1M
    /// scores a fresh 37 MB array and a copy).
    public func csvPieces(top: Int? = nil) -> OutputPieces {
        let order = ranking().prefix(top ?? .max)
        let header = Array((authority == nil ? "node,score,rank\n" : "node,hub,authority,rank\n").utf8)
        let first = order.startIndex
        let guarding = CSVText.guardFormulas
        // Bytes a row may take besides its id: the numbers, their commas, the rank, a line feed.
        let fixed = (authority == nil ? 1 : 2) * (1 + Format.shortestRoom) + 1 + CSVText.decimalRoom + 1
        return OutputPieces(header: header, rows: order.count, perPiece: OutputPieces.rowsPerPiece) {
            [people, score, authority] range, bytes in
            people.arena.withUnsafeBufferPointer { arena in
                people.offsets.withUnsafeBufferPointer { offsets in
                    score.withUnsafeBufferPointer { score in
                        // Rank order visits people at random: read each batch's offsets and
                        // scores, then its first key bytes, in tight loops, so the cache
                        // misses overlap, then format the batch into scratch memory (no array
                        // checks of room and uniqueness at every byte) and append it at once.
                        var touched = 0
                        // Rank order puts equal scores side by side (a forest's leaves share
                        // a few), so the last score's text is kept and copied when it repeats.
                        var lastBits: UInt64?
                        var lastCount = 0
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Format.shortestRoom) { lastText in
                            let last = lastText.baseAddress!
                            var k = range.lowerBound
                            while k < range.upperBound {
                                let end = min(k + 64, range.upperBound)
                                var room = (end - k) * fixed
                                for j in k..<end {
                                    let person = Int(order[first + j])
                                    room += CSVText.fieldRoom(offsets[person + 1] - offsets[person])
                                    touched &+= Int(truncatingIfNeeded: score[person].bitPattern)
                                }
                                for j in k..<end {
                                    let at = offsets[Int(order[first + j])]
                                    if at < arena.count { touched &+= Int(arena[at]) }
                                }
                                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { scratch in
                                    let out = scratch.baseAddress!
                                    var at = 0
                                    for j in k..<end {
                                        let person = Int(order[first + j])
                                        let key = UnsafeBufferPointer(rebasing: arena[offsets[person]..<offsets[person + 1]])
                                        at += CSVText.writeField(bytes: key, to: out + at, guarding: guarding)
                                        out[at] = 0x2C
                                        at += 1
                                        let value = score[person]
                                        if value.bitPattern != lastBits {
                                            lastCount = Format.writeShortest(value, to: last)
                                            lastBits = value.bitPattern
                                        }
                                        (out + at).update(from: last, count: lastCount)
                                        at += lastCount
                                        if let authority {
                                            out[at] = 0x2C
                                            at += 1
                                            at += Format.writeShortest(authority[person], to: out + at)
                                        }
                                        out[at] = 0x2C
                                        at += 1
                                        at += CSVText.writeDecimal(j + 1, to: out + at)
                                        out[at] = 0x0A
                                        at += 1
                                    }
                                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<at]))
                                }
                                k = end
                            }
                        }
                        if touched == 42 { bytes.reserveCapacity(bytes.count) }  // keeps the reads
                    }
                }
            }
        }
    }
}

extension OutputFile {
    /// Writes `bytes` (UTF-8 text) to `path` as `write(_:to:)` writes text: atomically to a file.
    /// The bytes go out as they are, without the copy and check a `String` would cost (at 1M
    /// scores about 40 MB); text made from checked input is valid UTF-8 already.
    /// - Throws: `OutputError`.
    public static func write(bytes: [UInt8], to path: String?) throws(OutputError) {
        try write(chunks: [bytes], to: path)
    }
}
