extension Format {
    /// The shortest decimal that reads back as exactly `value`: Swift's `description`
    /// (shortest round-trip, correctly rounded), except that a whole number has no `.0`
    /// (`1`, not `1.0`: valid JSON either way, and what `%g` and spreadsheets write) and ±0
    /// is `0`.
    ///
    /// Plain notation for 10⁻⁴ ≤ |v| ≤ 2⁵³ (beyond, not every whole number is a `Double`),
    /// else `d.ddde±XX` (at least two exponent digits); `inf`, `-inf` and `nan` for the rest
    /// (JSON writes those as `null`). Locale-free: `0.85`, `1e-10`, `6.704730393385268e-11`.
    public static func shortest(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendShortest(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `Format.shortest(value)`.
    /// - Complexity: O(1).
    @inline(__always)
    static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        out.appendWritten(room: shortestRoom) { writeShortest(value, to: $0) }
    }

    /// Bytes that `writeShortest` may write: `-1.7976931348623157e+308` is 24.
    static let shortestRoom = 32

    /// Writes `Format.shortest(value)` at `out`, which has room for `shortestRoom` bytes, and
    /// returns how many bytes it wrote.
    ///
    /// Swift's printer (Errol-style, in the runtime) is faster than 17 exact digits by hand
    /// (`appendExact17`): about 70 ns against 120 ns a number on one core. Its text is taken
    /// through `write(to:)` into a stream that copies bytes, not through `description`, which
    /// made a `String` (a heap allocation for the 21 bytes a score such as
    /// `8.554011490196359e-06` takes): 91 → 56 ms for a million scores.
    /// - Complexity: O(1).
    @inline(__always)
    static func writeShortest(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 {
            out[0] = 0x30
            return 1
        }
        var sink = PointerSink(base: out, capacity: shortestRoom)
        if value.isFinite {
            value.write(to: &sink)
        } else {  // `description`'s `inf`, `-inf`, `nan` (`write(to:)` may show a NaN's sign)
            sink.write(value.description)
        }
        let n = sink.count
        return n > 2 && out[n - 2] == 0x2E && out[n - 1] == 0x30 ? n - 2 : n
    }
}

/// A `TextOutputStream` that copies UTF-8 to memory, up to `capacity` bytes (text past it is
/// dropped; callers give room for the longest text they write). The standard library hands a
/// number's ASCII text to `_writeASCII` without making a `String` of it; any other text
/// arrives as a `String` through `write(_:)`, and the bytes are the same either way.
struct PointerSink: TextOutputStream {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _writeASCII($0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = min(buffer.count, capacity - count)
        guard n > 0, let from = buffer.baseAddress else { return }
        (base + count).update(from: from, count: n)
        count += n
    }
}
