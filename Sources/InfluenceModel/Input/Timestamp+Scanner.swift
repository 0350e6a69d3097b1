extension Timestamp {
    /// A cursor over one field's bytes, with its surrounding spaces and tabs cut off.
    ///
    /// Every read is a bounds-checked look at the caller's buffer; nothing is copied.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            var start = 0, end = bytes.count
            while start < end, Self.isSpace(bytes[start]) { start += 1 }
            while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
            index = start
            self.end = end
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
        static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

        var atEnd: Bool { index >= end }
        var peek: UInt8 { index < end ? bytes[index] : 0 }
        func peek(_ offset: Int) -> UInt8 { index + offset < end ? bytes[index + offset] : 0 }

        mutating func digit() -> Int? {
            guard index < end, Self.isDigit(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int(bytes[index] &- 0x30)
        }

        /// Exactly `digits` digits.
        mutating func number(digits: Int) -> Int? {
            var value = 0
            for _ in 0..<digits {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }

        /// One to `most` digits, greedily; nil (nothing consumed) without a digit.
        mutating func number(upTo most: Int) -> Int? {
            guard let first = digit() else { return nil }
            var value = first
            for _ in 1..<most {
                guard let d = digit() else { break }
                value = value * 10 + d
            }
            return value
        }

        /// How many digits follow, without consuming them.
        func digitRun() -> Int {
            var i = index
            while i < end, Self.isDigit(bytes[i]) { i += 1 }
            return i - index
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Skips spaces and tabs; tells whether there were any.
        @discardableResult
        mutating func skipSpaces() -> Bool {
            let start = index
            while index < end, Self.isSpace(bytes[index]) { index += 1 }
            return index > start
        }

        /// The run of ASCII letters at the cursor (maybe empty), consumed.
        mutating func letters() -> Range<Int> {
            let start = index
            while index < end, Self.isLetter(bytes[index]) { index += 1 }
            return start..<index
        }

        /// Whether the letters in `word` spell `name` (lowercase ASCII), ignoring case; with
        /// `prefix`, the word may be just the first `prefix` or more letters of `name`.
        func word(_ word: Range<Int>, is name: StaticString, prefix: Int? = nil) -> Bool {
            let n = word.count
            guard n <= name.utf8CodeUnitCount, n == name.utf8CodeUnitCount || (prefix.map { n >= $0 } ?? false) else { return false }
            let letters = name.utf8Start
            for k in 0..<n where bytes[word.lowerBound + k] | 0x20 != letters[k] { return false }
            return true
        }

        /// Fraction digits after a decimal mark, rounded half up to thousandths (0 ... 1000); nil without a digit.
        mutating func fractionMillis() -> Int? {
            var millis = 0, count = 0, roundUp = false
            while let d = digit() {
                count += 1
                if count <= 3 { millis = millis * 10 + d } else if count == 4 { roundUp = d >= 5 }
            }
            guard count > 0 else { return nil }
            for _ in min(count, 3)..<3 { millis *= 10 }
            return millis + (roundUp ? 1 : 0)
        }

        /// `-?digits(.digits)?`, consumed; nil (nothing consumed) if the cursor holds no such number.
        mutating func plainNumber() -> PlainNumber? {
            let start = index
            var n = PlainNumber()
            if peek == 0x2D { n.negative = true; index += 1 }
            while let d = digit() {
                n.wholeDigits += 1
                if n.wholeDigits <= PlainNumber.maximumDigits { n.whole = n.whole * 10 + d }
            }
            guard n.wholeDigits > 0 else { index = start; return nil }
            if peek == 0x2E {
                index += 1
                n.hasFraction = true
                var count = 0, roundUp = false, numerator = 0, scale = 1.0
                while let d = digit() {
                    count += 1
                    if count == 1 { n.fractionHalf = d >= 5 }
                    if count <= 3 { n.fractionMillis = n.fractionMillis * 10 + d } else if count == 4 { roundUp = d >= 5 }
                    if count <= 17 { numerator = numerator * 10 + d; scale *= 10 }
                }
                guard count > 0 else { index = start; return nil }
                for _ in min(count, 3)..<3 { n.fractionMillis *= 10 }
                n.fractionMillis += roundUp ? 1 : 0
                n.fraction = Double(numerator) / scale
            }
            return n
        }
    }

    /// A number as written: sign, whole part and fraction, each kept in the form a unit needs.
    struct PlainNumber {
        /// Longer whole parts are not accumulated (they are out of range in every unit).
        static let maximumDigits = 15
        var negative = false
        var whole = 0
        /// Digits written before the decimal mark, leading zeros included.
        var wholeDigits = 0
        var hasFraction = false
        /// The fraction in thousandths, rounded half up (0 ... 1000).
        var fractionMillis = 0
        /// Whether the fraction is at least one half.
        var fractionHalf = false
        /// The fraction to 17 digits.
        var fraction = 0.0
    }

    static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]
    static let weekdayNames: [StaticString] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The month (1 ... 12) an English name or its three-letter abbreviation (or "sept") names.
    static func month(_ s: Scanner, _ word: Range<Int>) -> Int? {
        for (k, name) in monthNames.enumerated() where s.word(word, is: name, prefix: 3) {
            let n = word.count
            if n == 3 || n == name.utf8CodeUnitCount || (k == 8 && n == 4) { return k + 1 }
        }
        return nil
    }

    /// Whether the word is an English weekday name or its three-letter abbreviation.
    static func isWeekday(_ s: Scanner, _ word: Range<Int>) -> Bool {
        weekdayNames.contains { name in s.word(word, is: name, prefix: 3) && (word.count == 3 || word.count == name.utf8CodeUnitCount) }
    }
}
