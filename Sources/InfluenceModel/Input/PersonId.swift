import Foundation

/// One person, one id: the normal form under which two spellings of an id are the same person.
public enum PersonId {
    /// What `normalize(_:exact:into:)` did.
    public enum Outcome: Equatable, Sendable {
        /// The bytes are already normal; the scratch buffer is untouched.
        case unchanged
        /// The normal form is in the scratch buffer.
        case changed
        /// Nothing is left: the field is empty (or, unless exact, only whitespace).
        case empty
    }

    /// Normalizes an id.
    ///
    /// Trims Unicode whitespace (the White_Space property, plus U+200B ZERO WIDTH SPACE and
    /// U+FEFF, which exports leave behind) at both ends; NFC-normalizes, so a decomposed
    /// `e\u{301}` and a precomposed `é` are one id; and lower-cases, with full Unicode case
    /// mapping, an email-shaped id (one `@`, text on both sides, no whitespace inside), since
    /// mail systems treat `Ana@X.com` and `ana@x.com` as one box. Other ids keep their case:
    /// `User42` and `user42` may be two accounts. Bytes that are not valid UTF-8 are left
    /// as they are (the reader's encoding check, not this function, reports them).
    /// - Parameters:
    ///   - bytes: one field's UTF-8 bytes.
    ///   - exact: keep every byte; only an empty field is reported `.empty`.
    ///   - scratch: receives the normal form when the outcome is `.changed`; its capacity is
    ///     reused, so a caller that keeps one buffer allocates only while it grows.
    /// - Returns: `.unchanged` when the bytes are already normal, `.changed` with the normal
    ///   form in `scratch`, `.empty` when nothing is left.
    /// - Complexity: O(*n*); ASCII ids take one pass with no allocation when already normal.
    ///   Non-ASCII ids go through `String` and Foundation's
    ///   `precomposedStringWithCanonicalMapping`.
    public static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, exact: Bool, into scratch: inout [UInt8]) -> Outcome {
        if bytes.isEmpty { return .empty }
        if exact { return .unchanged }
        var ascii = true, ats = 0, capitals = false
        for byte in bytes {
            ascii = ascii && byte < 0x80
            if byte == UInt8(ascii: "@") { ats += 1 }
            capitals = capitals || byte &- 0x41 < 26
        }
        guard ascii else { return normalizeUnicode(bytes, into: &scratch) }
        var lo = 0, hi = bytes.count
        while lo < hi, isASCIISpace(bytes[lo]) { lo += 1 }
        while hi > lo, isASCIISpace(bytes[hi - 1]) { hi -= 1 }
        if lo == hi { return .empty }
        let trimmed = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
        let lower = capitals && ats == 1 && isEmailShaped(trimmed)
        if lo == 0, hi == bytes.count, !lower { return .unchanged }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: trimmed)
        if lower {
            scratch.withUnsafeMutableBufferPointer { normal in
                for i in normal.indices where normal[i] &- 0x41 < 26 { normal[i] |= 0x20 }
            }
        }
        return .changed
    }

    /// Normalizes an id given as text.
    /// - Parameters:
    ///   - text: the id.
    ///   - exact: keep the id as it is.
    /// - Returns: the normal form; empty when nothing is left.
    /// - Complexity: O(*n*).
    public static func normalize(_ text: String, exact: Bool = false) -> String {
        var text = text
        var scratch: [UInt8] = []
        let outcome = text.withUTF8 { normalize($0, exact: exact, into: &scratch) }
        switch outcome {
        case .unchanged: return text
        case .changed: return String(decoding: scratch, as: UTF8.self)
        case .empty: return ""
        }
    }

    /// Whether a scalar is trimmed: White_Space, U+200B or U+FEFF.
    static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value == 0x200B || scalar.value == 0xFEFF
    }

    /// The ASCII members of White_Space: tab, LF, VT, FF, CR and space.
    @inline(__always)
    static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte &- 0x09 < 5 }

    /// One `@`, not first or last, and no ASCII whitespace (the id is ASCII and trimmed).
    static func isEmailShaped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at: Int? = nil
        for i in bytes.indices {
            let byte = bytes[i]
            if isASCIISpace(byte) { return false }
            if byte == UInt8(ascii: "@") {
                if at != nil { return false }
                at = i
            }
        }
        guard let at else { return false }
        return at > 0 && at < bytes.count - 1
    }

    /// The route for ids with non-ASCII bytes: trim, NFC, lower-case an email, NFC again
    /// (lower-casing can leave a sequence that composes, e.g. `İ` becomes `i` + U+0307).
    static func normalizeUnicode(_ bytes: UnsafeBufferPointer<UInt8>, into scratch: inout [UInt8]) -> Outcome {
        guard let decoded = String(validating: bytes, as: UTF8.self) else { return .unchanged }
        let scalars = decoded.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return .empty }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        var text = String(scalars[first...last]).precomposedStringWithCanonicalMapping
        let ats = text.unicodeScalars.lazy.filter { $0 == "@" }.count
        if ats == 1, text.unicodeScalars.first != "@", text.unicodeScalars.last != "@",
            !text.unicodeScalars.contains(where: isTrimmed)
        {
            text = text.lowercased().precomposedStringWithCanonicalMapping
        }
        let normal = text.utf8
        if normal.elementsEqual(bytes) { return .unchanged }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: normal)
        return .changed
    }
}
