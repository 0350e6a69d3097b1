import CPrefetch

extension SpreadReport {
    /// The listing per cascade (`csv(per: .cascade)`) as bytes: the header, then the rows in
    /// pieces each formatted when it is wanted (`OutputPieces`), to be written one after the other.
    ///
    /// Ids are copied from the people's arena and numbers and times written straight into
    /// bytes: no row of `String`s is made. On a 10M-row program export (3.1M cascades) the
    /// rows as `[[String]]` joined into one `String` took 12.7 s.
    /// - Complexity: O(cascades + the bytes written).
    public func cascadeCSVPieces() -> OutputPieces {
        let header = Array((Self.header(.cascade).joined(separator: ",") + "\n").utf8)
        let guarding = CSVText.guardFormulas
        let positions = CascadePositions(scopes)
        let campaigns = scopes.map { Array($0.campaign.utf8) }
        // Bytes a row may take besides its id and campaign: three counts, the virality, two
        // times, their commas and the line feed.
        let fixed = 3 * CSVText.decimalRoom + Format.shortestRoom + 2 * Timestamp.iso8601Room + 8
        let peopleCount = people.count
        let (arena, offsets) = (people.arena, people.offsets)
        return OutputPieces(header: header, rows: positions.count, perPiece: OutputPieces.rowsPerPiece) { range, bytes in
            arena.withUnsafeBufferPointer { arena in
                offsets.withUnsafeBufferPointer { offsets in
                    // Roots are people at random: each batch's offsets, then its keys' first
                    // bytes, are read in tight loops first, so that the cache misses overlap
                    // (one after another they were most of the listing's time).
                    var touched = 0
                    positions.forEachBatch(range, batch: 64) { s, batch in
                        for c in batch {
                            // The report's fields are public: a root is checked before it is read.
                            precondition(UInt(bitPattern: Int(c.root)) < UInt(peopleCount), "cascade root \(c.root) is not a person")
                            touched &+= offsets[Int(c.root)]
                        }
                        for c in batch {
                            let at = offsets[Int(c.root)]
                            if at < arena.count { touched &+= Int(arena[at]) }
                        }
                        for c in batch {
                            let root = Int(c.root)
                            let key = UnsafeBufferPointer(rebasing: arena[offsets[root]..<offsets[root + 1]])
                            let room = CSVText.fieldRoom(key.count) + CSVText.fieldRoom(campaigns[s].count) + fixed
                            bytes.appendWritten(room: room) { out in
                                var at = CSVText.writeField(bytes: key, to: out, guarding: guarding)
                                out[at] = 0x2C
                                at += 1
                                at += campaigns[s].withUnsafeBufferPointer {
                                    CSVText.writeField(bytes: $0, to: out + at, guarding: guarding)
                                }
                                // Each field after a comma (no array of them made per row).
                                func count(_ value: Int) {
                                    out[at] = 0x2C
                                    at += 1 + CSVText.writeDecimal(value, to: out + at + 1)
                                }
                                func time(_ value: Double?) {
                                    out[at] = 0x2C
                                    at += 1
                                    if let value { at += Timestamp.writeISO8601(value, to: out + at) }
                                }
                                count(c.size)
                                count(c.depth)
                                count(c.maxBreadth)
                                out[at] = 0x2C
                                at += 1
                                if let virality = c.structuralVirality { at += Format.writeShortest(virality, to: out + at) }
                                time(c.firstTimestamp)
                                time(c.lastTimestamp)
                                out[at] = 0x0A
                                return at + 1
                            }
                        }
                    }
                    if touched == 42 { bytes.reserveCapacity(bytes.count) }  // keeps the reads
                }
            }
        }
    }

    /// The JSON document's `cascades`: an object per cascade, as `.array` of `.object`s renders
    /// them (`JSONValue.objects`), written straight into text piece by piece as it is written
    /// out. Made as values, the 3.1M cascades of a 10M-row program export took 20 s to render
    /// and 6 GB at the peak.
    func cascadeObjects() -> JSONValue {
        let positions = CascadePositions(scopes)
        let names = scopes.map(\.campaign)
        let ahead = 16
        let (arena, offsets) = (people.arena, people.offsets)
        let peopleCount = people.count
        /// The root at `position`, if it is a person (the report's fields are public).
        @Sendable func root(_ position: Int) -> Int? {
            let (s, i) = positions.locate(position)
            let root = Int(positions.lists[s][i].root)
            return UInt(bitPattern: root) < UInt(peopleCount) ? root : nil
        }
        return JSONValue.objects(positions.count) { range, list in
            offsets.withUnsafeBufferPointer { offsets in
                arena.withUnsafeBufferPointer { arena in
                    list.each(range) { k, fields in
                        // Roots are people at random: the offset of the root `ahead` objects on,
                        // and the key of the one half as far, are asked for early (hints only).
                        if k + ahead < positions.count, let next = root(k + ahead) { influence_prefetch(offsets.baseAddress! + next) }
                        if k + ahead / 2 < positions.count, let next = root(k + ahead / 2), offsets[next] < arena.count {
                            influence_prefetch(arena.baseAddress! + offsets[next])
                        }
                        let (s, i) = positions.locate(k)
                        let c = positions.lists[s][i]
                        guard let root = root(k) else { preconditionFailure("cascade root \(c.root) is not a person") }
                        fields.string(bytes: UnsafeBufferPointer(rebasing: arena[offsets[root]..<offsets[root + 1]]), named: "root")
                        fields.string(names[s], named: "campaign")
                        fields.int(c.size, named: "size")
                        fields.int(c.depth, named: "depth")
                        fields.int(c.maxBreadth, named: "max_breadth")
                        fields.optionalNumber(c.structuralVirality, named: "structural_virality")
                        fields.time(c.firstTimestamp, named: "first_timestamp")
                        fields.time(c.lastTimestamp, named: "last_timestamp")
                        fields.ints(c.generationSizes, named: "generation_sizes")
                    }
                }
            }
        }
    }
}

/// Every scope's cascades in listing order (campaigns, then `all`; within a scope, its own
/// order), addressed by position, without a list of them all.
struct CascadePositions {
    /// Each scope's cascades.
    let lists: [[Cascade]]
    /// Scope s holds positions `starts[s] ..< starts[s + 1]`.
    let starts: [Int]

    init(_ scopes: [ScopeSpread]) {
        lists = scopes.map(\.cascades)
        var starts = [0]
        for list in lists { starts.append(starts[starts.count - 1] + list.count) }
        self.starts = starts
    }

    var count: Int { starts[starts.count - 1] }

    /// The scope and the index within it of `position` (below `count`).
    func locate(_ position: Int) -> (scope: Int, index: Int) {
        // The last scope starting at or before the position: scopes without cascades start
        // where the next one does, so the last of equal starts is the one holding it.
        var (low, high) = (0, lists.count - 1)
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= position { low = middle } else { high = middle - 1 }
        }
        return (low, position - starts[low])
    }

    /// Calls `body` with runs of at most `batch` cascades of one scope, in order, and the
    /// scope's index: the positions `range`.
    func forEachBatch(_ range: Range<Int>, batch: Int, _ body: (Int, UnsafeBufferPointer<Cascade>) -> Void) {
        guard !range.isEmpty else { return }
        var (s, _) = locate(range.lowerBound)
        var k = range.lowerBound
        while k < range.upperBound {
            while starts[s + 1] <= k { s += 1 }
            let end = min(range.upperBound, starts[s + 1], k + batch)
            lists[s].withUnsafeBufferPointer { body(s, UnsafeBufferPointer(rebasing: $0[(k - starts[s])..<(end - starts[s])])) }
            k = end
        }
    }
}

extension JSONObjectText {
    /// A time as `Timestamp.iso8601` writes it, in quotes, or `null` for none.
    mutating func time(_ seconds: Double?, named name: String) {
        key(name)
        guard let seconds else { return out.append(contentsOf: "null".utf8) }
        out.append(0x22)
        out.appendWritten(room: Timestamp.iso8601Room) { Timestamp.writeISO8601(seconds, to: $0) }
        out.append(0x22)
    }
}
