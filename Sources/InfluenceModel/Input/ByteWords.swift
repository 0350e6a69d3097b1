/// Short byte strings read as 64-bit words, for tests that look at eight bytes at once.
enum ByteWords {
    /// The first `min(count, 8)` bytes of `bytes`, little-endian, zero-padded; loads stay
    /// inside the buffer (at most two overlapping ones, whose shared bytes land on the same bits).
    @inline(__always)
    static func padded(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        if n >= 8 { return raw.loadUnaligned(as: UInt64.self) }
        if n >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            return low | high << UInt64((n &- 4) &* 8)
        }
        if n >= 2 {
            let low = UInt64(raw.loadUnaligned(as: UInt16.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self))
            return low | high << UInt64((n &- 2) &* 8)
        }
        return n == 1 ? UInt64(base[0]) : 0
    }

    /// Calls `body` with words that together cover every byte of `bytes`: whole words from
    /// the start, then the last eight bytes (overlapping the word before them) or, for fewer
    /// than eight bytes in all, those bytes zero-padded. For tests that OR flags together,
    /// where seeing a byte twice changes nothing.
    @inline(__always)
    static func forEachWord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        guard n >= 8 else {
            body(padded(bytes))
            return
        }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= n {
            body(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i &+= 8
        }
        if i < n { body(raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) }
    }

    /// Whether the `count` bytes at `a` and at `b` are equal, compared eight at a time (the
    /// last word overlapping the one before it), without a call for the short keys ids are.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count n: Int) -> Bool {
        guard n >= 8 else {
            return padded(UnsafeBufferPointer(start: a, count: n)) == padded(UnsafeBufferPointer(start: b, count: n))
        }
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i &+ 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        return i == n
            || ra.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }
}
