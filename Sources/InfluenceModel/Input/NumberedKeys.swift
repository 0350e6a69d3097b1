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
    /// `slots[n]` is the index + 1 of the key numbered `n`, 0 for none. Only numbers below its
    /// length are found here; `Interner` grows it.
    var slots: ContiguousArray<Int32> = []

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
        if base[p] == 0x30 { return digits == 1 ? 0 : -1 }
        var value = 0
        for i in p..<(p &+ digits) {
            let d = base[i] &- 0x30
            if d > 9 { return -1 }
            value = value &* 10 &+ Int(d)
        }
        return value
    }
}
