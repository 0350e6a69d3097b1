/// Keys that differ only by a decimal number (`u17`, `p17@example.com`, `17`), which an
/// `Interner` finds by that number in an array rather than by hash.
///
/// Exports mostly number their people. The first key with a digit fixes the pattern: the bytes
/// before its last run of digits and the bytes after it. A key is *numbered* when it is exactly
/// those bytes around a number of at most 18 digits written without leading zeros (`0` itself
/// is one); the key and its number then determine each other, so `slots[number]` can hold the
/// key's index, and a look-up reads one 4-byte slot without comparing any bytes. A table of a
/// million `u…` ids is then a 4 MB array rather than 32 MB of hash slots and keys.
struct NumberedKeys: Sendable {
    /// The bytes before the number, then the bytes after it.
    private(set) var affix: ContiguousArray<UInt8> = []
    /// How many bytes of `affix` come before the number.
    private(set) var prefixCount = 0
    /// How many bytes of `affix` come after the number.
    private(set) var suffixCount = 0
    private(set) var isSet = false
    /// The prefix and the suffix as `words`, when neither passes 16 bytes.
    private var prefixWords: (UInt64, UInt64) = (0, 0)
    private var suffixWords: (UInt64, UInt64) = (0, 0)
    private var short = false
    /// The pattern when it has no bytes after the number and at most eight before it (the
    /// common `u17` and `17`), whose keys' numbers of up to eight digits are read from a word.
    private(set) var plain: PlainPattern?
    /// The pattern when it has one to 16 bytes after the number and at most eight before it
    /// (`p17@example.com`).
    private(set) var suffixed: SuffixPattern?
    /// `slots[n]` is the index + 1 of the key numbered `n`, 0 for none. Only numbers below its
    /// length are found here; `Interner` widens it.
    var slots = ZeroedSlots()

    /// Takes `key`'s pattern if no pattern is set yet and `key` has a digit.
    @inline(__always)
    mutating func adopt(_ key: UnsafeBufferPointer<UInt8>) {
        if isSet { return }
        var end = key.count
        while end > 0, !Self.isDigit(key[end - 1]) { end -= 1 }
        guard end > 0 else { return }
        var start = end - 1
        while start > 0, Self.isDigit(key[start - 1]) { start -= 1 }
        affix = ContiguousArray(key[0..<start]) + ContiguousArray(key[end...])
        prefixCount = start
        suffixCount = key.count - end
        isSet = true
        short = start <= 16 && key.count - end <= 16
        if short {
            prefixWords = Self.words(key.baseAddress!, count: start)
            suffixWords = Self.words(key.baseAddress! + end, count: key.count - end)
        }
        if start <= 8, suffixCount == 0 { plain = PlainPattern(prefixCount: start, prefix: prefixWords.0) }
        if start <= 8, suffixCount > 0, suffixCount <= 16 {
            suffixed = SuffixPattern(prefixCount: start, prefix: prefixWords.0, suffixCount: suffixCount, suffix: suffixWords)
        }
    }

    /// Up to 16 bytes as two little-endian words, zero-padded.
    @inline(__always)
    private static func words(_ base: UnsafePointer<UInt8>, count: Int) -> (UInt64, UInt64) {
        (
            ByteWords.padded(UnsafeBufferPointer(start: base, count: min(count, 8))),
            count > 8 ? ByteWords.padded(UnsafeBufferPointer(start: base + 8, count: count &- 8)) : 0
        )
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The number of `key` under the pattern, or -1 when the key is not numbered.
    /// - Complexity: O(key length).
    @inline(__always)
    func number(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        if let plain, let number = plain.number(PlainId(key)) { return number }
        if let suffixed, let number = suffixed.number(PlainId(key)) { return number }
        return patternNumber(key)
    }

    /// `number` under any pattern.
    func patternNumber(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        // Only the words and counts kept here are read for short affixes, not `affix`'s storage.
        let n = key.count
        let p = prefixCount, suffix = suffixCount
        let digits = n &- p &- suffix
        guard isSet, digits >= 1, digits <= 18, let base = key.baseAddress else { return -1 }
        if short {
            guard Self.words(base, count: p) == prefixWords, Self.words(base + (n &- suffix), count: suffix) == suffixWords else {
                return -1
            }
        } else {
            let matches = affix.withUnsafeBufferPointer { affix in
                (p == 0 || ByteWords.equal(base, affix.baseAddress!, count: p))
                    && (suffix == 0 || ByteWords.equal(base + (n &- suffix), affix.baseAddress! + p, count: suffix))
            }
            guard matches else { return -1 }
        }
        let start = base + p
        if start[0] == 0x30 { return digits == 1 ? 0 : -1 }
        // The first digits % 8 digits, then eight at a time (every load inside the key).
        var value = 0, at = 0
        let head = digits & 7
        if head != 0 {
            value = Self.decimal(ByteWords.padded(UnsafeBufferPointer(start: start, count: head)), count: head)
            if value < 0 { return -1 }
            at = head
        }
        while at < digits {
            let part = Self.decimal(UnsafeRawPointer(start + at).loadUnaligned(as: UInt64.self), count: 8)
            if part < 0 { return -1 }
            value = value &* 100_000_000 &+ part
            at &+= 8
        }
        return value
    }

    /// The number written by the first `count` (1–8) bytes of `word` (little-endian: the
    /// first digit in the lowest byte), or -1 when one of them is not a digit. Eight bytes at
    /// once rather than a loop with a test per digit, which was most of `number`'s time.
    @inline(__always)
    static func decimal(_ word: UInt64, count: Int) -> Int {
        let used: UInt64 = count >= 8 ? ~0 : (1 &<< UInt64(count &* 8)) &- 1
        let x = (word ^ 0x3030_3030_3030_3030) & used  // a digit's byte is now 0–9
        // A byte of 10 or more sets its top bit once 0x76 is added (a carry out of an invalid
        // byte can only reach bytes already rejected by it); a byte of 0x80 or more has it set.
        guard ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080 == 0 else { return -1 }
        // The digits moved to the top bytes (the bytes below them are leading zeros), then
        // combined in pairs, fours and eights.
        var v = x &<< UInt64((8 &- count) &* 8)
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return Int(truncatingIfNeeded: ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32)
    }
}

/// A `NumberedKeys` pattern with no bytes after the number and at most eight before it, apart
/// from the keys' other fields so that a look-up that is not inlined is handed it in
/// registers (a call with the whole `NumberedKeys` copied its 96 bytes for every id).
struct PlainPattern: Sendable {
    let prefixCount: Int
    /// The prefix's bytes as a word, and the bits they fill.
    let prefix: UInt64
    let prefixMask: UInt64

    init(prefixCount: Int, prefix: UInt64) {
        self.prefixCount = prefixCount
        self.prefix = prefix
        prefixMask = prefixCount >= 8 ? ~0 : (1 << UInt64(prefixCount &* 8)) &- 1
    }

    /// The number of `id` (-1 when it is not numbered), or `nil` when the number would have more
    /// than eight digits, which `NumberedKeys.patternNumber` reads. The prefix is tested and the
    /// digits read in one word each (the id's `head` and its last eight bytes), with no branch
    /// on the number's length (`patternNumber`'s loads and tests by length were most of the
    /// reading of a file of numbered ids).
    @inline(__always)
    func number(_ id: PlainId) -> Int? { number(id, end: id.bytes.count) }

    /// `number` of the id's first `end` bytes (the bytes after them tested by the caller).
    @inline(__always)
    func number(_ id: PlainId, end: Int) -> Int? {
        let digits = end &- prefixCount
        guard digits <= 8 else { return nil }
        guard digits >= 1, let base = id.bytes.baseAddress, id.head & prefixMask == prefix else { return -1 }
        // The eight bytes that end with the digits (when the digits end within the id's first
        // eight bytes: its head, moved up), then its digits, the first in the lowest byte.
        let last =
            end >= 8
            ? UnsafeRawPointer(base).loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self) : id.head &<< UInt64((8 &- end) &* 8)
        let word = last &>> UInt64((8 &- digits) &* 8)
        if word & 0xFF == 0x30 { return digits == 1 ? 0 : -1 }
        return NumberedKeys.decimal(word, count: digits)
    }
}

/// A `NumberedKeys` pattern with at most eight bytes before the number and one to 16 after it
/// (`p17@example.com`): the suffix is tested in a word or two, then the number read as under
/// `PlainPattern`. (Through `patternNumber`, about 110 instructions an id.)
struct SuffixPattern: Sendable {
    let head: PlainPattern
    let suffixCount: Int
    /// The suffix's first eight bytes (zero-padded) and, when it is longer, its last eight.
    let suffixHead: UInt64
    let suffixTail: UInt64

    init(prefixCount: Int, prefix: UInt64, suffixCount: Int, suffix: (UInt64, UInt64)) {
        head = PlainPattern(prefixCount: prefixCount, prefix: prefix)
        self.suffixCount = suffixCount
        suffixHead = suffix.0
        // Bytes 8 ..< count of the suffix are its second word; its last eight bytes are the top
        // of the first word's and the second word's.
        switch suffixCount {
        case 16: suffixTail = suffix.1
        case 9..<16: suffixTail = (suffix.0 &>> UInt64((suffixCount &- 8) &* 8)) | (suffix.1 &<< UInt64((16 &- suffixCount) &* 8))
        default: suffixTail = 0
        }
    }

    /// `PlainPattern.number` under this pattern.
    @inline(__always)
    func number(_ id: PlainId) -> Int? {
        let n = id.bytes.count
        let end = n &- suffixCount
        // Any id whose bytes from `end` on are not the suffix is not numbered (`patternNumber`).
        guard end > head.prefixCount, let base = id.bytes.baseAddress else { return -1 }
        let raw = UnsafeRawPointer(base)
        if suffixCount > 8 {
            // Both loads lie inside the id: `end` + 8 < n, and n > 8.
            guard raw.loadUnaligned(fromByteOffset: end, as: UInt64.self) == suffixHead,
                raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == suffixTail
            else { return -1 }
        } else {
            // The id's last eight bytes (a short id's with zeros below it), the suffix at their top.
            let last = n >= 8 ? raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) : id.head &<< UInt64((8 &- n) &* 8)
            guard last &>> UInt64((8 &- suffixCount) &* 8) == suffixHead else { return -1 }
        }
        return head.number(id, end: end)
    }
}
