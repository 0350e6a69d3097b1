import Foundation

/// A referral export and its conversions, read, filtered and matched as one: what every
/// command that reads both starts from.
public struct Export: Sendable {
    public var events: ReferralEvents
    public var conversions: Conversions?

    /// Reads the referral files and the conversions, and applies the filter to both.
    ///
    /// A conversion passes `--campaign` when its row names a kept campaign, or names none and
    /// the referral that brought its person in (their parent in the forest of all rows) is in
    /// a kept campaign; it passes `--since`/`--until` by its own time (untimed ones are left
    /// out, and counted). Conversions by people the export does not know are counted, with a
    /// few examples and, where one exists, a known id that differs only in case or punctuation.
    /// - Throws: `InputError`.
    public static func read(
        events paths: [String], conversions conversionPaths: [String]? = nil,
        options: ReadOptions = ReadOptions(), conversionOptions: ReadOptions = ReadOptions(),
        filter: RowFilter = RowFilter(), timings: PhaseTimings? = nil
    ) throws(InputError) -> Export {
        try read(
            events: paths, conversions: conversionPaths, options: options, conversionOptions: conversionOptions, filter: filter,
            timings: timings, beside: nil as ((ReferralEvents) -> Void, (ReferralEvents) -> Void)?
        ).export
    }

    /// `read(…)`, with `beside.alone` run on the referral rows as read, while the conversions
    /// are still being read, when they are and no filter changes the rows after, then
    /// `beside.after` on the thread of whichever of the two ends first; their results are
    /// `nil` otherwise (or without `beside`). For work on the rows that would leave a thread idle (a
    /// union–find): the reading fills it. Also returned: each of the conversions' users'
    /// person in the events' people (−1: none; `nil` without conversions), found once for the
    /// count of conversions by people not in the export, which the conversions' chains start
    /// from; it is valid for the tables returned, as long as neither changes.
    ///
    /// With more than one thread the conversions are read on a thread of their own
    /// (`Background`), from the moment the first referral file's chunks are parsed and joined
    /// (started with the referrals, their tables added 82 MB to the join's peak; see
    /// `ReadOptions.parsed`). On the
    /// 10M-row program export, whose 52 MB of conversions took 0.5–0.9 s after the referrals,
    /// `attribute --model last-touch` took 3.09 → 2.76 s at 942 → 994 MiB (medians of six
    /// runs each, alternating); `spread`, which waits for them, 6.07 → 6.19 s (three runs, within
    /// the noise).
    package static func read<Beside, After>(
        events paths: [String], conversions conversionPaths: [String]?, options: ReadOptions, conversionOptions: ReadOptions,
        filter: RowFilter, timings: PhaseTimings?,
        beside: (alone: (ReferralEvents) -> Beside, after: (ReferralEvents) -> After)?
    ) throws(InputError) -> (export: Export, beside: (Beside, After)?, converters: [Int32]?) {
        @Sendable func readConversions(_ label: String, options: ReadOptions) -> Result<Conversions?, InputError> {
            Result { () throws(InputError) in
                try timings.measure(label) { () throws(InputError) in
                    try conversionPaths.map { p throws(InputError) in try Conversions.read(paths: p, options: options) }
                }
            }
        }
        var alone = conversionOptions
        alone.oneThread = true
        let parsed = Gate()
        let pending =
            conversionPaths != nil && Parallel.threads > 1
            ? Background(after: parsed, calledOff: .success(nil)) { [alone] in
                readConversions("read conversions (beside the referrals)", options: alone)
            } : nil
        var referralOptions = options
        if pending != nil { referralOptions.parsed = parsed }
        var events: ReferralEvents
        do throws(InputError) {
            events = try timings.measure("read") { () throws(InputError) in
                try ReferralEvents.read(paths: paths, options: referralOptions)
            }
        } catch {
            // A referral file's error comes first, as when the files were read one after the
            // other: the conversions are not read if they have not started (a missing referral
            // file is reported at once), and their thread is waited for either way.
            parsed.callOff()
            _ = pending?.wait()
            throw error
        }
        parsed.open()
        var conversions: Conversions?
        var besideResult: (Beside, After)?
        if let beside, filter.isEmpty, let pending {
            // The union–find on this thread while the conversions are read on theirs; then
            // `after` on the side that is done first, and the conversions' check against the
            // people (below) on every thread. (On the 10M program export the parents take
            // 140-200 ms and the merge count 85 ms; the conversions, which start once the
            // referrals are joined, 200-420 ms, and their check 80 ms on one thread: either side
            // may be the longer.)
            let rows = events
            let next = JobCounter()
            let (done, (result, theirs)) = Parallel.both(
                { () -> (Beside, After?) in
                    let done = beside.alone(rows)
                    return (done, next.take(below: 1) == nil ? nil : beside.after(rows))
                },
                { () -> (Result<Conversions?, InputError>, After?) in
                    let result = pending.wait()
                    return (result, next.take(below: 1) == nil ? nil : beside.after(rows))
                })
            // Exactly one side took the one job.
            besideResult = (done.0, (done.1 ?? theirs)!)
            conversions = try result.get()
        } else {
            conversions = try (pending?.wait() ?? readConversions("read conversions", options: conversionOptions)).get()
        }
        if !filter.isEmpty, conversions != nil {
            conversions!.apply(filter, events: events)
        }
        try events.apply(filter)
        if let c = conversions, c.count == 0 {
            var detail = "no conversion is left to count"
            if c.quality.rowsWithoutValue > 0 { detail += " (\(c.quality.rowsWithoutValue) rows with an empty value)" }
            if c.quality.skippedRows > 0 { detail += " (\(c.quality.skippedRows) bad rows skipped)" }
            if c.quality.filteredRows > 0 { detail += " (\(c.quality.filteredRows) left out by the filter)" }
            throw .noReferrals(
                file: c.file, detail: detail + ". Check the user and value columns, or name them with --user-column and --value-column.")
        }
        var converters: [Int32]?
        if let c = conversions {
            // After the filter, on the tables it leaves.
            let matched = c.matched(to: events.people, timings: timings)
            var q = c.quality
            (q.unknownConverters, q.unknownExamples) = matched.unknown
            conversions!.quality = q
            converters = matched.people
        }
        return (Export(events: events, conversions: conversions), besideResult, converters)
    }
}

/// Each of the conversions' users' person (−1: none), and the count and first few ids of the
/// conversions by people not in the export (`Conversions.unknownReport`).
typealias Matched = (people: [Int32], unknown: (count: Int, examples: [String]))

extension Conversions {
    /// Conversions by people not in `people`: how many, and the first few ids, each with a
    /// known id it nearly matches where there is one.
    public func unknownReport(over people: Interner, timings: PhaseTimings? = nil) -> (count: Int, examples: [String]) {
        matched(to: people, timings: timings).unknown
    }

    /// `unknownReport(over:timings:)`, with the users' people it was found from.
    func matched(to people: Interner, timings: PhaseTimings?) -> Matched {
        timings.measure("unknown converters") {
            let known = people.indices(of: users)
            let found = unknown(known: known)
            return (known, (found.count, NearMatch.describe(found.examples, among: people)))
        }
    }

    /// Keeps the conversions `filter` selects (see `Export.read`), counting the rest.
    mutating func apply(_ filter: RowFilter, events: ReferralEvents) {
        var keepNames: Set<String>?
        var bringer: [Int32]?
        if !filter.campaigns.isEmpty {
            keepNames = Set(filter.campaigns)
            if let eventCampaign = events.campaign {
                let forest = ReferralParents(events: events)
                bringer = events.people.indices(of: users).map { p in
                    guard p >= 0 else { return -1 }
                    let r = forest.parentRow[Int(p)]
                    return r >= 0 ? eventCampaign[Int(r)] : -1
                }
            }
        }
        var keep: [Int] = []
        for k in 0..<count {
            if let keepNames {
                var name: String?
                if let c = campaign?[k], c >= 0 {
                    name = campaigns.name(c)
                } else if let b = bringer?[Int(user[k])], b >= 0 {
                    name = events.campaigns.name(b)
                }
                guard let name, keepNames.contains(name) else { continue }
            }
            if filter.usesTime {
                guard let t = timestamp?[k], filter.keeps(time: t) else { continue }
            }
            keep.append(k)
        }
        quality.filteredRows += count - keep.count
        if keep.count < count {
            quality.decisions.append("\(file): \(count - keep.count) of \(count) conversions left out by the filter (\(filter.summary))")
        }
        user = keep.map { user[$0] }
        value = keep.map { value[$0] }
        line = keep.map { line[$0] }
        if let t = timestamp { timestamp = keep.map { t[$0] } }
        if let c = campaign { campaign = keep.map { c[$0] } }
    }
}

/// Suggestions for ids that match nobody.
enum NearMatch {
    /// Each id, with a known id equal to it but for case and punctuation where there is one:
    /// `ana_silva@example.com (did you mean "ana.silva@example.com"?)`.
    static func describe(_ ids: [String], among people: Interner) -> [String] {
        guard !ids.isEmpty else { return [] }
        let wanted = ids.map { Array(key($0).utf8) }
        let prefixes = wanted.map { KeyPrefix(key: $0) }
        // Every known id is compared with each wanted key, on several threads, each part
        // keeping the first id that matches. An id's leading ASCII letters and digits (up to
        // eight) are its key's first bytes: they are lowercased and compared with each wanted
        // key's a word at a time, and an id none of them admits is passed over (nearly every
        // one: on the 1M program export three comparisons an id, each stopping a byte or two
        // in, were 223 million instructions). The others are compared from their bytes,
        // stopping at the first difference, and through a String only for an id that is not
        // ASCII up to where it differs.
        let n = people.count
        let parts = Parallel.ranges(n, parts: n < 65_536 ? 1 : Parallel.threads)
        let firsts = Parallel.pieces(parts) { range -> [Int32?] in
            var first = [Int32?](repeating: nil, count: wanted.count)
            // The prefixes of the keys not matched yet in this part.
            var open = prefixes
            people.arena.withUnsafeBufferPointer { arena in
                people.offsets.withUnsafeBufferPointer { offsets in
                    for i in range {
                        let bytes = UnsafeBufferPointer(rebasing: arena[offsets[i]..<offsets[i + 1]])
                        let (lowered, leading) = leadingAlphanumerics(bytes)
                        if leading > 0, !open.withUnsafeBufferPointer({ $0.contains { $0.admits(lowered: lowered, leading: leading) } }) {
                            continue
                        }
                        let index = Int32(i)
                        var general: [UInt8]?  // the key through a String, made once if needed
                        for w in wanted.indices where first[w] == nil {
                            let same =
                                keyMatches(bytes, wanted[w])
                                ?? {
                                    if general == nil { general = Array(key(people.name(index)).utf8) }
                                    return general! == wanted[w]
                                }()
                            if same {
                                first[w] = index
                                open = prefixes.indices.filter { first[$0] == nil }.map { prefixes[$0] }
                            }
                        }
                    }
                }
            }
            return first
        }
        return ids.indices.map { w in
            let match = firsts.lazy.compactMap { $0[w] }.first
            return match.map { "\(ids[w]) (did you mean \"\(people.name($0))\"?)" } ?? ids[w]
        }
    }

    /// Whether `key(_:)` of the id whose bytes are `bytes` equals `wanted`, decided from its
    /// ASCII bytes before the first difference; `nil` when a byte of a non-ASCII character
    /// comes first (its key needs `key(_:)`: such a character may lowercase to ASCII). An
    /// ASCII byte's part of the key does not depend on the characters around it.
    static func keyMatches(_ bytes: UnsafeBufferPointer<UInt8>, _ wanted: [UInt8]) -> Bool? {
        var at = 0
        for b in bytes {
            guard b < 0x80 else { return nil }
            let folded: UInt8
            switch b {
            case 0x30...0x39, 0x61...0x7A: folded = b
            case 0x41...0x5A: folded = b | 0x20
            default: continue
            }
            guard at < wanted.count, wanted[at] == folded else { return false }
            at += 1
        }
        return at == wanted.count
    }

    static func key(_ id: String) -> String {
        String(id.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The first bytes of a wanted key, against which an id's leading letters and digits are
    /// compared a word at a time.
    struct KeyPrefix {
        /// Up to the key's first eight bytes, the first in the lowest byte.
        var word: UInt64 = 0
        /// The key's length in bytes.
        var count: Int

        init(key: [UInt8]) {
            count = key.count
            for (k, b) in key.prefix(8).enumerated() { word |= UInt64(b) << UInt64(8 * k) }
        }

        /// Whether an id whose first `leading` bytes are ASCII letters and digits (1 to 8 of
        /// them), `lowered` once lowercased, can have this key: its key starts with those
        /// bytes, so the key must be at least as long and start with them too.
        @inline(__always) func admits(lowered: UInt64, leading: Int) -> Bool {
            guard count >= leading else { return false }
            let mask = leading == 8 ? UInt64.max : (1 << UInt64(8 * leading)) &- 1
            return (lowered ^ word) & mask == 0
        }
    }

    /// The id's first eight bytes (zero-padded) lowercased where ASCII, and how many of them
    /// lead as ASCII letters and digits (0 when the first is not one).
    @inline(__always) static func leadingAlphanumerics(_ bytes: UnsafeBufferPointer<UInt8>) -> (lowered: UInt64, leading: Int) {
        let x = ByteWords.padded(bytes)
        let (high, ones) = (UInt64(0x8080_8080_8080_8080), UInt64(0x0101_0101_0101_0101))
        let ascii = ~x & high
        // Bit 7 of a byte is set in `atLeast(c)` when the byte (below 0x80) is at least c.
        @inline(__always) func atLeast(_ c: UInt64) -> UInt64 { ((x | high) &- c &* ones) & high }
        let digit = atLeast(0x30) & ~atLeast(0x3A)
        let upper = atLeast(0x41) & ~atLeast(0x5B)
        let lower = atLeast(0x61) & ~atLeast(0x7B)
        let alphanumeric = (digit | upper | lower) & ascii
        let first = ~alphanumeric & high
        let leading = first == 0 ? 8 : first.trailingZeroBitCount >> 3
        return (x | (upper & ascii) >> 2, leading)
    }
}
