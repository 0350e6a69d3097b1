/// Byte-level formatting of generated exports: dates, money and ids in each platform's
/// conventions, appended to a byte array without a `String` per field.
struct ExportBytes {
    var bytes: [UInt8] = []

    /// How a platform writes a time (all UTC, whole minutes).
    enum TimeStyle {
        /// `2024-03-04T08:17:00Z`
        case iso
        /// `2024-03-04 08:17:00 UTC`
        case friendbuy
        /// `2024-03-04 8:17:00` (hour not zero-padded)
        case referralcandy
        /// `04/03/2024 08:17` (day first)
        case mentionme
    }

    /// How a platform writes an amount.
    enum MoneyStyle {
        /// `1234.50`
        case plain
        /// `"1,234.50"`
        case thousands
        /// `"$1,234.50"`
        case dollars
        /// `"£1,234.50"`
        case pounds
    }

    mutating func append(_ literal: [UInt8]) { bytes.append(contentsOf: literal) }

    /// Appends a literal without touching a reference count (the hot loops' way).
    mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends name `k` of a `NameTable` opened as `names`.
    mutating func append(name k: Int, of names: NameTable.Pointers) {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: names.bytes[names.offsets[k]..<names.offsets[k + 1]]))
    }
    mutating func comma() { bytes.append(0x2C) }
    mutating func newline() { bytes.append(0x0A) }
    mutating func decimal(_ value: Int) { CSVText.appendDecimal(value, to: &bytes) }

    /// A non-negative number with four decimals (`0.7440`).
    mutating func fixed4(_ value: Double) {
        let scaled = Int(min(1e15, max(0, value * 10_000)).rounded())
        decimal(scaled / 10_000)
        bytes.append(0x2E)
        let rest = scaled % 10_000
        twoDigits(rest / 100)
        twoDigits(rest % 100)
    }

    mutating func twoDigits(_ value: Int) {
        bytes.append(UInt8(0x30 + value / 10))
        bytes.append(UInt8(0x30 + value % 10))
    }

    /// `p<i+1>@example.com`, as `GeneratedProgram.id(_:)`.
    mutating func id(_ i: Int) {
        bytes.append(0x70)
        decimal(i + 1)
        append("@example.com")
    }

    /// Writes `minutes` after midnight of day `startDay` (days since 1970-01-01).
    mutating func time(_ minutes: Int32, startDay: Int, style: TimeStyle) {
        let total = startDay * 1440 + Int(minutes)
        let day = total >= 0 ? total / 1440 : (total - 1439) / 1440
        let minuteOfDay = total - day * 1440
        let (y, m, d) = Timestamp.civil(fromDays: day)
        let hour = minuteOfDay / 60, minute = minuteOfDay % 60
        switch style {
        case .mentionme:
            twoDigits(d)
            bytes.append(0x2F)
            twoDigits(m)
            bytes.append(0x2F)
            decimal(y)
            bytes.append(0x20)
            twoDigits(hour)
            bytes.append(0x3A)
            twoDigits(minute)
        case .iso, .friendbuy, .referralcandy:
            decimal(y)
            bytes.append(0x2D)
            twoDigits(m)
            bytes.append(0x2D)
            twoDigits(d)
            bytes.append(style == .iso ? 0x54 : 0x20)
            if style == .referralcandy { decimal(hour) } else { twoDigits(hour) }
            bytes.append(0x3A)
            twoDigits(minute)
            switch style {
            case .iso: append(":00Z")
            case .friendbuy: append(":00 UTC")
            default: append(":00")
            }
        }
    }

    /// Writes an amount of `cents`.
    mutating func money(_ cents: Int64, style: MoneyStyle) {
        let units = Int(cents / 100), rest = Int(cents % 100)
        let grouped = style != .plain && units >= 1000
        if grouped { bytes.append(0x22) }
        switch style {
        case .dollars: bytes.append(0x24)
        case .pounds: bytes.append(contentsOf: [0xC2, 0xA3])
        case .plain, .thousands: break
        }
        if style == .plain || units < 1000 {
            decimal(units)
        } else {
            // Thousands separated by commas: 1,234,567.
            var groups: [Int] = []
            var v = units
            while v >= 1000 {
                groups.append(v % 1000)
                v /= 1000
            }
            decimal(v)
            for g in groups.reversed() {
                bytes.append(0x2C)
                bytes.append(UInt8(0x30 + g / 100))
                twoDigits(g % 100)
            }
        }
        bytes.append(0x2E)
        twoDigits(rest)
        if grouped { bytes.append(0x22) }
    }

    /// A name as one CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ name: String) -> [UInt8] {
        let raw = Array(name.utf8)
        guard raw.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return raw }
        var out: [UInt8] = [0x22]
        for b in raw {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
        return out
    }
}

/// Names (campaigns, channels) as CSV fields in one flat array, for hot loops.
struct NameTable {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]

    init(_ names: [String]) {
        for name in names {
            bytes.append(contentsOf: ExportBytes.field(name))
            offsets.append(bytes.count)
        }
    }

    /// The table's storage, valid inside `withPointers`.
    struct Pointers {
        let bytes: UnsafeBufferPointer<UInt8>
        let offsets: UnsafeBufferPointer<Int>
    }

    func withPointers<R>(_ body: (Pointers) -> R) -> R {
        bytes.withUnsafeBufferPointer { b in offsets.withUnsafeBufferPointer { o in body(Pointers(bytes: b, offsets: o)) } }
    }
}
