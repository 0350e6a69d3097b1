import Foundation

extension Format {
    /// Appends `Format.exact(value)`: what C's `printf("%.17g", value)` prints ("0" for ±0).
    ///
    /// The 17 significant digits are computed exactly in 128-bit integers: |v| = m·2ᵉ, so
    /// |v|·10ᵏ = m·5ᵏ·2^(e+k), rounded half to even as glibc rounds. This covers
    /// 10⁻¹⁶ ≤ |v| < 10¹⁷, where every score lies; other values (and infinities, NaN) go
    /// to `vsnprintf` itself. A property test checks the two agree on millions of values.
    /// - Complexity: O(1).
    static func appendExact17(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite, value != 0 else { return appendC(value, to: &out) }
        let magnitude = value.magnitude
        guard magnitude >= 1e-16, magnitude < 1e17 else { return appendC(value, to: &out) }
        // |v| = m · 2^e with m an integer.
        let m = UInt128(magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0))
        let e = Int(magnitude.exponent) - 52
        var x = Int(log10(magnitude).rounded(.down))
        var digits: UInt64 = 0
        while true {
            let k = 16 - x
            guard k >= 0, k <= 32 else { return appendC(value, to: &out) }
            let product = m * power5[k]
            let shift = e + k
            var whole: UInt128
            var roundUp = false
            if shift >= 0 {
                guard shift < 64, product.leadingZeroBitCount > shift else { return appendC(value, to: &out) }
                whole = product << shift
            } else {
                let s = -shift
                guard s < 128 else { return appendC(value, to: &out) }
                whole = product >> s
                let remainder = product - (whole << s)
                let half = UInt128(1) << (s - 1)
                roundUp = remainder > half || (remainder == half && whole & 1 == 1)
            }
            if whole >= 100_000_000_000_000_000 { x += 1; continue }
            if whole < 10_000_000_000_000_000 { x -= 1; continue }
            digits = UInt64(whole) + (roundUp ? 1 : 0)
            if digits == 100_000_000_000_000_000 { digits = 10_000_000_000_000_000; x += 1 }
            break
        }
        if value < 0 { out.append(0x2D) }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 17 ASCII digits, most significant first
        withUnsafeMutableBytes(of: &text) { d in
            var rest = digits
            for i in stride(from: 16, through: 0, by: -1) {
                d[i] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
            var last = 16  // the last digit kept: trailing zeros go, as %g drops them
            while last > 0, d[last] == 0x30 { last -= 1 }
            if x < -4 || x >= 17 {
                out.append(d[0])
                if last > 0 {
                    out.append(0x2E)
                    for i in 1...last { out.append(d[i]) }
                }
                out.append(0x65)  // e
                out.append(x < 0 ? 0x2D : 0x2B)
                let exponent = abs(x)
                if exponent >= 100 { out.append(UInt8(0x30 + exponent / 100)) }
                out.append(UInt8(0x30 + exponent / 10 % 10))
                out.append(UInt8(0x30 + exponent % 10))
            } else if x >= 0 {
                for i in 0...x { out.append(d[i]) }
                if last > x {
                    out.append(0x2E)
                    for i in (x + 1)...last { out.append(d[i]) }
                }
            } else {
                out.append(0x30)
                out.append(0x2E)
                for _ in 0..<(-x - 1) { out.append(0x30) }
                for i in 0...last { out.append(d[i]) }
            }
        }
    }

    /// `vsnprintf`'s `%.17g` (what `Format.exact` printed before this fast path).
    private static func appendC(_ value: Double, to out: inout [UInt8]) {
        out.append(contentsOf: value == 0 ? Array("0".utf8) : Array(cFormat("%.17g", value).utf8))
    }

    /// 5⁰ … 5³².
    private static let power5: [UInt128] = {
        var p: [UInt128] = [1]
        for _ in 1...32 { p.append(p.last! * 5) }
        return p
    }()
}
