import CPrefetch
import Foundation

/// Interns byte strings to dense `Int32` indices in order of first appearance.
///
/// Written by hand rather than with `[String: Int32]` because ingest is dominated by this
/// table: keys are hashed and compared as raw bytes straight from the file, and a `String`
/// is made only when a name is asked for. Keys live in one byte arena; the table is open
/// addressing with linear probing, kept at most 70% full (`overfull`).
///
/// A slot is two words, so a probe touches one cache line: a tag (24 bits of the hash, the
/// key's length capped at 255, the index) and either the key itself, for keys of up to
/// eight bytes such as `u123456` (matched without reading the arena), or where a longer key
/// starts in the arena (so a hit on an e-mail id costs one cache miss in the arena, not a
/// second one in `offsets` before it).
///
/// Keys that differ only by a number (`NumberedKeys`) are found by that number in an array
/// instead: every key numbered under the table's pattern whose number is below the array's
/// length is there, and is looked for only there; the other keys are in the hash slots. The
/// array grows with the table, up to eight slots a key (`numberedSize(for:)`); each time it
/// grows, the numbered keys it now covers are entered in it (their hash slots stay, unread).
///
/// Keys' hashes are not stored: growing the slots and merging tables compute them again from
/// the keys (from the slot itself for a key of up to eight bytes), which costs no measured time
/// and saves 8 bytes a key.
public struct Interner: Sendable {
    /// All keys, back to back.
    private(set) var arena: ContiguousArray<UInt8> = []
    /// Key `i` is `arena[offsets[i] ..< offsets[i + 1]]`.
    private(set) var offsets: ContiguousArray<Int> = [0]
    /// Slot `s` is `slots[2s]` (tag: hash bits 40–63, length, index + 1; 0 = empty) and
    /// `slots[2s + 1]` (a key of up to eight bytes, little-endian, zero-padded; else the
    /// key's offset in `arena` in its low 40 bits, `offsetBits`, and hash bits 0–23 above
    /// them, from which the slots are placed again when they grow, up to 2²⁴ of them, without
    /// reading the key).
    private var slots: ContiguousArray<UInt64>
    private var mask: Int
    /// Keys held in `slots`.
    private var hashed = 0
    /// Numbered keys that were put in `slots`, their number being past the array then.
    private var hashedNumbered = 0
    /// Numbered keys, by number.
    private var numbered = NumberedKeys()
    /// Whether the table gave up its slots (`keepKeysOnly`).
    private(set) var keysOnly = false
    /// The keys the table may come to hold, which bounds the numbered array from the start.
    private let expected: Int
    /// The hash slots the table was made for, made when the first key is hashed: an export
    /// whose ids are all numbered never needs them (zeroing a chunk table's 32 MB of slots,
    /// page by fresh page, took 140 ms of a 10M-row file's reading, on one thread).
    private var plannedSlots: Int

    public init(capacity: Int = 1024) {
        self.init(capacity: capacity, expecting: capacity)
    }

    /// A table with hash slots for `capacity` keys whose numbered array may cover eight
    /// numbers for each of `expected` keys from the start.
    init(capacity: Int, expecting expected: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        plannedSlots = size
        if size > Self.firstSlots { size = Self.firstSlots }
        slots = HugePages.zeroedContiguous(UInt64.self, count: 2 * size)
        mask = size - 1
        self.expected = max(expected, capacity, 0)
    }

    /// A table for the ids of a chunk of about `rows` rows: sized for one new person per
    /// eight rows, so a chunk of a typical export never rehashes; a table far larger than its
    /// keys costs memory, not time (only the slots of keys that exist are ever touched).
    ///
    /// Its numbered array may cover eight numbers for every four rows from the start (the
    /// reader's row estimate errs high, 2–6× on exports with times and e-mail ids): without
    /// that, the ids of a 100M-row export whose numbers run to 140M were hashed until the
    /// table held 17M keys (growing the hash slots by doubling), then moved; with a bound of
    /// eight for every row, 300,000 ids numbered sparsely up to 10M in a 2M-row file took
    /// 0.59 s and 189 MB to score, against 0.45 s and 146 MB all hashed.
    ///
    /// Room for a key per row is reserved up front (the reader's row estimate errs high), so
    /// that the keys' arrays are not copied to twice their size again and again as they fill;
    /// reserved pages that are never written cost nothing.
    init(chunkOfRows rows: Int) {
        self.init(rows: rows, capacity: min(max(rows / 8, 1024), 1 << 20))
    }

    /// A table for the users of a chunk of about `rows` conversions, as `init(chunkOfRows:)`
    /// but with hash slots for a new user per row (a conversions export lists most users
    /// once), so that it never rehashes as it fills. Sized as the events' tables, the users of
    /// the 10M program export's 980,753 conversions (each a different user) were placed again
    /// at four doublings of the hash slots: 1.9% of the samples of a `perf record` of
    /// `attribute`, on the thread the run waits for.
    init(chunkOfUsers rows: Int) {
        self.init(rows: rows, capacity: min(max(rows * 3 / 4, 1024), 1 << 22))
    }

    /// A chunk's table with hash slots for `capacity` keys, its numbered array bounded and its
    /// keys' room reserved for about `rows` rows (see `init(chunkOfRows:)`).
    private init(rows: Int, capacity: Int) {
        self.init(capacity: capacity, expecting: rows / 4)
        offsets.reserveCapacity(rows + 1)
        arena.reserveCapacity(16 * rows)
    }

    /// The bits of a long key's slot word that hold its offset in the arena (`slots`).
    static let offsetBits: UInt64 = (1 << 40) - 1

    /// Hash slots made before any key is hashed (256 KB); `plannedSlots` at the first.
    static let firstSlots = 1 << 14

    /// The number of distinct keys.
    public var count: Int { offsets.count - 1 }

    /// Gives up the hash slots and the numbered array, keeping the keys (their bytes, offsets
    /// and count): for a table whose keys are only read in order from here on, as `absorb`
    /// reads the table it takes in. The table then finds no key (it holds none in its slots)
    /// and must not be interned into; `index(of:)` and `intern(_:)` refuse to.
    mutating func keepKeysOnly() {
        slots = HugePages.zeroedContiguous(UInt64.self, count: 2 * 16)
        mask = 15
        plannedSlots = 16
        hashed = 0
        hashedNumbered = 0
        numbered = NumberedKeys()
        keysOnly = true
    }

    /// The index of `key`, adding it if it is new.
    /// - Returns: the index, and whether the key was new.
    /// - Complexity: O(key length) expected.
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, isNew: Bool) {
        precondition(!keysOnly, "Interner: interning into a table that gave up its slots")
        let number = numberAdopting(key)
        if covers(number) {
            let before = count
            let index = intern(key, covered: number)
            return (index, count > before)
        }
        let (h, word) = Interner.hashAndPrefix(key)
        let found = probe(key, hash: h, prefix: word, number: number)
        if case .found(let index) = found { return (index, false) }
        return (insert(key, hash: h, prefix: word, number: number, at: found), true)
    }

    /// `intern(_:)` with the key's hash and prefix (`hashAndPrefix`) and number
    /// (`numberAdopting`, called for every key before it is interned) already computed. The
    /// hash and prefix are read only for a key the numbered array does not cover;
    /// `intern(_:covered:)` is the form for the others.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64, number: Int) -> Int32 {
        let found = probe(key, hash: h, prefix: word, number: number)
        if case .found(let index) = found { return index }
        return insert(key, hash: h, prefix: word, number: number, at: found)
    }

    /// `intern(_:hash:prefix:number:)` for a key the numbered array covers (`covers(number)`):
    /// no hash is computed, as a covered key is found and entered by its number alone.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, covered number: Int) -> Int32 {
        let stored = numbered.slots.withUnsafeBufferPointer { $0[number] }
        if stored != 0 { return stored &- 1 }
        return insert(key, hash: 0, prefix: 0, number: number, at: .vacant(number: number))
    }

    /// Whether a key of number `number` is looked for in the numbered array (and is there, when
    /// it is in the table). The array never shrinks: a key covered once stays covered.
    @inline(__always)
    func covers(_ number: Int) -> Bool { number >= 0 && number < numbered.slots.count }

    /// The number of `key` under the table's pattern (-1 if it is not numbered), taking the
    /// key's pattern first when the table has none. Every key on its way into the table must
    /// pass here first, so that the first key with a digit sets the pattern before any other
    /// key's number is taken (a number taken earlier, of a key without digits, is -1 under
    /// any pattern).
    @inline(__always)
    mutating func numberAdopting(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        numbered.adopt(key)
        return numbered.number(key)
    }

    /// `numberAdopting(id.bytes)`, reading the key's first eight bytes from `id.head`.
    @inline(__always)
    mutating func numberAdopting(_ id: PlainId) -> Int {
        numbered.adopt(id.bytes)
        if let plain = numbered.plain, let number = plain.number(id) { return number }
        if let suffixed = numbered.suffixed, let number = suffixed.number(id) { return number }
        return numbered.patternNumber(id.bytes)
    }

    /// Asks the processor to fetch the slot a probe for a key of hash `h` and number `number`
    /// reads first, so that the probe finds it in cache (a hint: it cannot fault and changes
    /// no result).
    @inline(__always)
    func prefetch(_ h: UInt64, number: Int = -1) {
        if covers(number) {
            numbered.slots.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + number) }
            return
        }
        slots.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + 2 &* (Int(truncatingIfNeeded: h) & mask)) }
    }

    /// The index of `key`, or `nil`.
    public func index(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        precondition(!keysOnly, "Interner: a look-up in a table that gave up its slots")
        let (h, word) = Interner.hashAndPrefix(key)
        if case .found(let index) = probe(key, hash: h, prefix: word, number: numbered.number(key)) { return index }
        return nil
    }

    /// The number of `key` under the table's pattern, or -1 (for look-ups, as `probe` takes).
    @inline(__always)
    func number(_ key: UnsafeBufferPointer<UInt8>) -> Int { numbered.number(key) }

    /// The index of `key`, or `nil`.
    public func index(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { index(of: $0) }
    }

    /// Key `index` as text.
    public func name(_ index: Int32) -> String {
        withKey(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All keys as text, by index.
    public var names: [String] { (0..<Int32(count)).map(name) }

    /// Orders two keys by their UTF-8 bytes (which is also Unicode scalar order).
    public func precedes(_ a: Int32, _ b: Int32) -> Bool {
        arena.withUnsafeBufferPointer { buffer in
            let ra = offsets[Int(a)]..<offsets[Int(a) + 1]
            let rb = offsets[Int(b)]..<offsets[Int(b) + 1]
            let common = min(ra.count, rb.count)
            if common > 0 {
                let order = memcmp(buffer.baseAddress! + ra.lowerBound, buffer.baseAddress! + rb.lowerBound, common)
                if order != 0 { return order < 0 }
            }
            return ra.count < rb.count
        }
    }

    /// The first eight bytes of key `index` as a big-endian number, zero-padded: keys whose
    /// numbers differ are ordered as `precedes` orders them; equal numbers need `precedes`.
    func leadingBytes(_ index: Int32) -> UInt64 {
        let i = Int(index)
        let from = offsets[i], count = min(offsets[i + 1] - from, 8)
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(arena[from + k]) << UInt64(56 - 8 * k) }
        return word
    }

    /// Asks the processor to fetch where key `index` starts (`bytes` false) or its first bytes
    /// (`bytes` true, which reads where it starts: ask for that first, some keys earlier), for
    /// names about to be read at random (`name`). Hints only; nothing for an index that is not
    /// a key.
    @inline(__always)
    func prefetchName(_ index: Int32, bytes: Bool) {
        let i = Int(index)
        guard i >= 0, i < count else { return }
        offsets.withUnsafeBufferPointer { offsets in
            guard bytes else { return influence_prefetch(offsets.baseAddress! + i) }
            let at = offsets[i]
            arena.withUnsafeBufferPointer { arena in
                if at < arena.count { influence_prefetch(arena.baseAddress! + at) }
            }
        }
    }

    /// Calls `body` with the bytes of key `index`.
    func withKey<R>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let i = Int(index)
        return try arena.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]]))
        }
    }

    enum Probe {
        case found(Int32)
        /// The empty hash slot where the key would go.
        case empty(slot: Int)
        /// The key is numbered and its number's slot is empty.
        case vacant(number: Int)
    }

    /// Finds `key` (whose number under the table's pattern is `number`), or where it would go.
    @inline(__always)
    func probe(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64, number: Int) -> Probe {
        if covers(number) {
            let stored = numbered.slots.withUnsafeBufferPointer { $0[number] }
            return stored == 0 ? .vacant(number: number) : .found(stored &- 1)
        }
        let want = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(key.count, 255)) << 32)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let meta = slots[2 &* slot]
                if meta == 0 { return .empty(slot: slot) }
                if meta & 0xFFFF_FFFF_0000_0000 == want {
                    let i = Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) &- 1
                    let stored = slots[2 &* slot &+ 1]
                    if key.count <= 8 ? stored == word : sameKey(i, at: Int(truncatingIfNeeded: stored & Self.offsetBits), key) {
                        return .found(Int32(truncatingIfNeeded: i))
                    }
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// Key `i`, which starts at `start` in the arena and whose tag matches `key`'s (so its
    /// length does too, below 255), equals `key`.
    @inline(__always)
    private func sameKey(_ i: Int, at start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if key.count >= 255, offsets[i + 1] - offsets[i] != key.count { return false }
        return arena.withUnsafeBufferPointer { arena in
            guard start >= 0, start <= arena.count &- key.count else { return false }
            return ByteWords.equal(arena.baseAddress! + start, key.baseAddress!, count: key.count)
        }
    }

    /// Asks the processor to fetch the arena bytes of the key in `h`'s home slot, when that
    /// slot holds a long key of `length` bytes whose tag matches (a hint, as `prefetch`): run
    /// once the slot itself is in cache, it overlaps the one miss a hit still costs.
    @inline(__always)
    func prefetchKey(_ h: UInt64, length: Int, number: Int = -1) {
        guard length > 8, !covers(number) else { return }
        let want = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(length, 255)) << 32)
        let slot = Int(truncatingIfNeeded: h) & mask
        slots.withUnsafeBufferPointer { slots in
            guard slots[2 &* slot] & 0xFFFF_FFFF_0000_0000 == want else { return }
            let start = Int(truncatingIfNeeded: slots[2 &* slot &+ 1] & Self.offsetBits)
            arena.withUnsafeBufferPointer { arena in
                if start >= 0, start < arena.count { influence_prefetch(arena.baseAddress! + start) }
            }
        }
    }

    /// Adds a key known to be absent, where `probe` said it would go, and returns its index.
    private mutating func insert(
        _ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, prefix word: UInt64, number: Int, at found: Probe
    ) -> Int32 {
        let index = count
        let word = key.count > 8 ? UInt64(arena.count) : word
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        if case .vacant(let n) = found {
            numbered.slots[n] = Int32(index + 1)
            return Int32(index)
        }
        // A numbered key past the array: the array grows over it if the table may.
        if number >= 0, let size = numberedSize(for: number) {
            growNumbered(to: size)
            numbered.slots[number] = Int32(index + 1)
            return Int32(index)
        }
        if number >= 0 { hashedNumbered += 1 }
        hashed += 1
        var slot: Int
        if case .empty(let s) = found, !Self.overfull(keys: hashed, slots: mask + 1), mask + 1 >= plannedSlots {
            slot = s
        } else {
            var size = max(mask + 1, plannedSlots)
            while Self.overfull(keys: hashed, slots: size) { size <<= 1 }
            rehash(size: size)
            slot = Int(truncatingIfNeeded: h) & mask
            while slots[2 * slot] != 0 { slot = (slot + 1) & mask }
            hashed += 1  // `rehash` counted the keys already placed
        }
        place(index, hash: h, word: word, length: key.count, at: slot)
        return Int32(index)
    }

    /// The hash of key `i` (`hashAndPrefix`), computed from its bytes: hashes are not stored
    /// (8 bytes a key; the 10.9M people of a 10M-row program export held 87 MB of them through
    /// attribution, and each chunk's table as much again while it was read).
    @inline(__always)
    func keyHash(_ i: Int) -> UInt64 {
        withKey(Int32(i)) { Interner.hashAndPrefix($0).hash }
    }

    /// Whether the table has taken a pattern for numbered keys (see `numberAdopting`).
    var hasPattern: Bool { numbered.isSet }

    /// Adds `other`'s keys `missing` (indices there, ascending, none of them here), in that
    /// order, and sets `map[missing[j]]` to the index each one gets: the table that interning
    /// them one by one gives, with the same indices. `numbers[j]` is key `missing[j]`'s number
    /// here (`numberAdopting`), and `reserve` has made room for them all.
    ///
    /// The keys' bytes and offsets are appended at once, and the keys the numbered
    /// array covers are entered in it, on `threads` threads (their numbers differ, as the keys
    /// do); only the others are then placed in the hash slots one by one, in order. Absorbing
    /// the 5.5M new people of a 10M-row program export's second chunk one key at a time took
    /// 210 ms of its reading.
    mutating func appendAbsent(_ other: Interner, missing: [Int32], numbers: [Int], map: inout [Int32], threads: Int) {
        let m = missing.count
        guard m > 0 else { return }
        precondition(numbers.count == m, "Interner.appendAbsent: a number for each key")
        let first = count
        let start = arena.count
        let parts = Parallel.ranges(m, parts: m < 65_536 ? 1 : threads)
        // The new keys' offsets and bytes are written straight into the room the arrays make
        // for them, on every thread (`Parallel.filled`): each part's bytes are counted first.
        let (fromOffsets, fromArena) = (other.offsets, other.arena)
        @Sendable func length(_ j: Int) -> Int {
            let i = Int(missing[j])
            return fromOffsets[i + 1] - fromOffsets[i]
        }
        let partBytes = Parallel.map(parts.count, parts: parts.count) { p in parts[p].reduce(0) { $0 + length($1) } }
        let partStart = partBytes.reduce(into: [start]) { $0.append($0.last! + $1) }
        let end = partStart.last!
        offsets.append(
            contentsOf: Parallel.filled(Int.self, count: m) { room in
                let out = SharedBuffer(room)
                Parallel.forEach(parts.count) { p in
                    var at = partStart[p]
                    for j in parts[p] {
                        at += length(j)
                        out[j] = at
                    }
                }
            })
        let newOffsets = offsets
        precondition(newOffsets[first + m] == end, "Interner.appendAbsent: key lengths")
        arena.append(
            contentsOf: Parallel.filled(UInt8.self, count: end - start) { room in
                let to = SharedBuffer(room)
                fromArena.withUnsafeBufferPointer { from in
                    let source = UncheckedSendable(from)
                    Parallel.forEach(parts.count) { p in
                        let from = source.value
                        for j in parts[p] {
                            let i = Int(missing[j])
                            let length = fromOffsets[i + 1] - fromOffsets[i]
                            if length > 0 {
                                precondition(newOffsets[first + j] - start + length <= to.count, "Interner.appendAbsent: key bytes")
                                (to.base + newOffsets[first + j] - start).update(from: from.baseAddress! + fromOffsets[i], count: length)
                            }
                        }
                    }
                }
            })
        let covered = numbered.slots.count
        /// Whether the numbered array covered number `n` before these keys were added.
        func coveredBefore(_ n: Int) -> Bool { n >= 0 && n < covered }
        numbered.slots.withUnsafeMutableBufferPointer { slots in
            map.withUnsafeMutableBufferPointer { map in
                let (toSlots, toMap) = (SharedBuffer(slots), SharedBuffer(map))
                Parallel.forEach(parts.count) { p in
                    for j in parts[p] {
                        let index = first + j
                        let number = numbers[j]
                        if coveredBefore(number) { toSlots[number] = Int32(index + 1) }
                        toMap[Int(missing[j])] = Int32(index)
                    }
                }
            }
        }
        // The keys past the numbered array, in order: as `insert` places them. The home slot
        // of the key eight ahead, when it has no number (so it is hashed), is asked for (a
        // hint), so that the slots' misses overlap: the new keys of a 10M-row export of
        // e-mail ids, 5.5M of them, are each placed at random.
        for j in 0..<m where !coveredBefore(numbers[j]) {
            if j &+ 8 < m, numbers[j &+ 8] < 0 { prefetch(keyHash(first &+ j &+ 8)) }
            let index = first + j
            let number = numbers[j]
            if covers(number) {
                // Entered by a widening of the array below.
                numbered.slots[number] = Int32(index + 1)
                continue
            }
            if number >= 0, let size = numberedSize(for: number) {
                growNumbered(to: size)
                numbered.slots[number] = Int32(index + 1)
                continue
            }
            let from = offsets[index], length = offsets[index + 1] - from
            let word =
                length > 8
                ? UInt64(from) : arena.withUnsafeBufferPointer { ByteWords.padded(UnsafeBufferPointer(rebasing: $0[from..<from + length])) }
            let h = keyHash(index)
            if number >= 0 { hashedNumbered += 1 }
            hashed += 1
            if Self.overfull(keys: hashed, slots: mask + 1) || mask + 1 < plannedSlots {
                var size = max(mask + 1, plannedSlots)
                while Self.overfull(keys: hashed, slots: size) { size <<= 1 }
                rehash(size: size)
                hashed += 1  // `rehash` counted the keys already placed
            }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[2 * slot] != 0 { slot = (slot + 1) & mask }
            place(index, hash: h, word: word, length: length, at: slot)
        }
    }

    /// The length of a numbered array that covers `number`: a power of two, at least twice the
    /// present one (so that the keys are scanned for it only a few times in all), or `nil`
    /// when that would pass eight slots for each key the table holds or was made for (so that
    /// sparse numbers, such as 64-bit account ids, stay hashed) or 2³⁰ slots.
    private func numberedSize(for number: Int, keys: Int? = nil) -> Int? {
        let limit = numberedLimit(keys: keys ?? count)
        guard number < limit else { return nil }
        var size = max(2 * numbered.slots.count, 1024)
        while size <= number { size <<= 1 }
        return size <= limit ? size : nil
    }

    /// The most slots the numbered array may have while the table holds `keys` keys: eight
    /// for each key it holds or was made for, at least 2¹⁶, at most 2³⁰.
    private func numberedLimit(keys: Int) -> Int { min(1 << 30, max(1 << 16, 8 * max(keys, expected))) }

    /// Enters key `index` at `slot`; `word` is the key itself (up to eight bytes) or its
    /// offset in the arena, beside which hash bits 0–23 are kept (`slots`).
    @inline(__always)
    private mutating func place(_ index: Int, hash h: UInt64, word: UInt64, length: Int, at slot: Int) {
        slots[2 * slot] = (h & 0xFFFF_FF00_0000_0000) | (UInt64(min(length, 255)) << 32) | UInt64(index + 1)
        if length > 8 {
            precondition(word <= Self.offsetBits, "Interner: a key past the arena's 2⁴⁰ bytes")
            slots[2 * slot + 1] = word | (h & 0xFF_FFFF) << 40
        } else {
            slots[2 * slot + 1] = word
        }
    }

    /// Makes room for `extra` more keys, of `bytes` bytes in all, whose numbers here are
    /// `numbers` (`numberAdopting`; empty: none numbered), so that adding them never grows the
    /// tables one doubling at a time (each doubling of the hash slots places every hashed key
    /// again).
    mutating func reserve(adding extra: Int, bytes: Int, numbers: [Int] = []) {
        // The numbered array first, as far as the keys may widen it: then the keys it does
        // not cover are the ones to make hash slots for.
        let widest = numbers.max() ?? -1
        if widest >= numbered.slots.count {
            let limit = numberedLimit(keys: count + extra)
            var size = max(2 * numbered.slots.count, 1024)
            while size <= widest, size * 2 <= limit { size <<= 1 }
            if size <= limit { growNumbered(to: size) }
        }
        let hashedExtra = numbers.isEmpty ? extra : numbers.reduce(0) { $0 + (covers($1) ? 0 : 1) }
        var size = hashedExtra > 0 ? max(mask + 1, plannedSlots) : mask + 1
        while Self.overfull(keys: hashed + hashedExtra, slots: size) { size <<= 1 }
        if size > mask + 1 { rehash(size: size) }
        arena.reserveCapacity(arena.count + bytes)
        offsets.reserveCapacity(offsets.count + extra)
    }

    /// Whether `keys` keys fill more than 70% of `slots` slots, when the table grows. Linear
    /// probing finds a key in about 2 slots at that load (1.5 at half); a table of 10.9M
    /// e-mail ids then needs 2²⁴ slots (256 MiB) rather than 2²⁵, and a chunk's table one
    /// fewer doubling on the way.
    @inline(__always)
    static func overfull(keys: Int, slots: Int) -> Bool { keys * 10 > slots * 7 }

    /// The numbered array grown to `size` slots, with every numbered key it now covers entered.
    /// Room is made at once for as many slots as the table may come to widen to
    /// (`numberedLimit`), so that the widenings after the first copy nothing.
    private mutating func growNumbered(to size: Int) {
        let old = numbered.slots.count
        numbered.slots.widen(to: size, reserving: numberedLimit(keys: count))
        guard hashedNumbered > 0 else { return }
        // Keys whose numbers were past the array are in the hash slots; they are entered here
        // too (the key and its number determine each other), and from now on looked for only
        // here. The scan reads the arena in order.
        var left = 0
        var entered = numbered.slots
        numbered.slots = ZeroedSlots()  // `entered` the one reference, so that writing it copies nothing
        arena.withUnsafeBufferPointer { arena in
            offsets.withUnsafeBufferPointer { offsets in
                entered.withUnsafeMutableBufferPointer { slots in
                    for i in 0..<count {
                        let number = numbered.number(UnsafeBufferPointer(rebasing: arena[offsets[i]..<offsets[i + 1]]))
                        if number < old { continue }  // not numbered, or already entered
                        if number < size { slots[number] = Int32(i + 1) } else { left += 1 }
                    }
                }
            }
        }
        numbered.slots = entered
        hashedNumbered = left
    }

    /// The hashed keys placed again in `size` slots (with those the numbered array has come to
    /// cover, which are never looked for here again but cost a pass to tell apart). Each key's
    /// hash is computed again: from the slot itself for a key of up to eight bytes, else from
    /// its bytes in the arena, fetched sixteen slots ahead; its new slot is fetched eight ahead.
    private mutating func rehash(size: Int) {
        let old = slots
        slots = HugePages.zeroedContiguous(UInt64.self, count: 2 * size)
        mask = size - 1
        hashed = 0
        let oldSlots = old.count / 2
        var ring = [UInt64](repeating: 0, count: 16)
        // A long key's hash bits 0–23 are in its slot: they give its place in up to 2²⁴ slots
        // (the key's bytes are read, at random, only for larger tables). A chunk's table of
        // e-mail ids grows three or four times as it reads half of a 10M-row export; reading
        // each key to place it again took more of the reading than the rows' own look-ups.
        let fromSlot = size <= 1 << 24
        @inline(__always) func hash(_ s: Int) -> UInt64 {
            let meta = old[2 * s]
            let length = Int(truncatingIfNeeded: (meta >> 32) & 0xFF)
            guard length <= 8 else {
                return fromSlot ? old[2 * s + 1] >> 40 : keyHash(Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) &- 1)
            }
            var word = old[2 * s + 1]
            return withUnsafeBytes(of: &word) {
                Interner.hashAndPrefix(UnsafeBufferPointer(rebasing: $0.bindMemory(to: UInt8.self)[0..<length])).hash
            }
        }
        for s in 0..<min(8, oldSlots) where old[2 * s] != 0 { ring[s & 15] = hash(s) }
        for s in 0..<oldSlots {
            if !fromSlot, s &+ 16 < oldSlots, old[2 * (s &+ 16)] & 0xFF_0000_0000 > 8 << 32 {  // a long key: its bytes
                let start = Int(truncatingIfNeeded: old[2 * (s &+ 16) + 1] & Self.offsetBits)
                arena.withUnsafeBufferPointer { if start >= 0, start < $0.count { influence_prefetch($0.baseAddress! + start) } }
            }
            if s &+ 8 < oldSlots, old[2 * (s &+ 8)] != 0 {
                let h = hash(s &+ 8)
                ring[(s &+ 8) & 15] = h
                prefetch(h)
            }
            let meta = old[2 * s]
            if meta == 0 { continue }
            var slot = Int(truncatingIfNeeded: ring[s & 15]) & mask
            while slots[2 * slot] != 0 { slot = (slot + 1) & mask }
            slots[2 * slot] = meta
            slots[2 * slot + 1] = old[2 * s + 1]
            hashed += 1
        }
    }

    /// A 64-bit hash of the bytes, eight at a time (multiply–rotate mixing, then a
    /// finalizer from MurmurHash3's fmix64), and the key's first eight bytes.
    @inline(__always)
    static func hashAndPrefix(_ key: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, prefix: UInt64) {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        let n = key.count
        guard let base = key.baseAddress, n > 0 else { return (Interner.finish(h, tail: 0), 0) }
        var i = 0
        var first: UInt64 = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if i == 0 { first = word }
            h = ((h ^ word) &* 0xBF58_476D_1CE4_E5B9)
            h = (h << 31) | (h >> 33)
            i += 8
        }
        // The last n mod 8 bytes, little-endian: for a key of eight bytes or more, one load
        // of its last eight shifted down (never past the key); else the whole key.
        let r = n &- i
        var tail: UInt64 = 0
        if r > 0 {
            if n >= 8 {
                tail = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) >> UInt64((8 &- r) &* 8)
            } else {
                tail = ByteWords.padded(key)
            }
        }
        if n < 8 { first = tail }
        return (Interner.finish(h, tail: tail), first)
    }

    @inline(__always)
    static func finish(_ h0: UInt64, tail: UInt64) -> UInt64 {
        var h = (h0 ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
