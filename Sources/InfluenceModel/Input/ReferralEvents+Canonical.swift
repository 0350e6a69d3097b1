/// The canonical CSV of an export: what was read, after the column mapping, id normalization,
/// time parsing and filters, in one fixed layout another engine can read without guessing.
///
/// Every field is as the input layer settled it: ids and labels as interned (never
/// formula-guarded), weights and times as the shortest decimals that read back exactly
/// (times in seconds since the epoch), empty where there is none. Fields are quoted by RFC
/// 4180 when they hold a comma, quote or line break, or start or end with a space or tab.
public struct CanonicalCSV: Sendable {
    /// The file's bytes, header first.
    public var bytes: [UInt8]
    /// Whether some id or label holds a line break (a reader must then allow quoted line breaks).
    public var multiline: Bool
}

extension ReferralEvents {
    /// `row,source,target,weight,time,channel,campaign`, one line per kept referral in input order
    /// (`row` counts from 0); `time` is present only with a timestamp column.
    /// - Complexity: O(rows + bytes of the ids).
    public func canonicalCSV() -> CanonicalCSV {
        var out: [UInt8] = []
        out.reserveCapacity(count * 40 + 64)
        out.append(contentsOf: Array("row,source,target,weight,time,channel,campaign\n".utf8))
        var multiline = false
        for k in 0..<count {
            CSVText.appendDecimal(k, to: &out)
            out.append(0x2C)
            multiline = Self.appendKey(people, source[k], to: &out) || multiline
            out.append(0x2C)
            multiline = Self.appendKey(people, target[k], to: &out) || multiline
            out.append(0x2C)
            Format.appendShortest(weight(ofRow: k), to: &out)
            out.append(0x2C)
            if let t = timestamp?[k], t.isFinite { Format.appendShortest(t, to: &out) }
            out.append(0x2C)
            if let c = channel?[k], c >= 0 { multiline = Self.appendKey(channels, c, to: &out) || multiline }
            out.append(0x2C)
            if let c = campaign?[k], c >= 0 { multiline = Self.appendKey(campaigns, c, to: &out) || multiline }
            out.append(0x0A)
        }
        return CanonicalCSV(bytes: out, multiline: multiline)
    }

    /// Appends key `index` of `table` as an unguarded CSV field; returns whether it holds a line break.
    static func appendKey(_ table: Interner, _ index: Int32, to out: inout [UInt8]) -> Bool {
        table.withKey(index) { key in
            CanonicalCSV.appendField(key, to: &out)
            return key.contains(0x0A) || key.contains(0x0D)
        }
    }
}

extension Conversions {
    /// `user,value,campaign`, one line per conversion kept, in input order.
    /// - Complexity: O(conversions + bytes of the ids).
    public func canonicalCSV() -> CanonicalCSV {
        var out: [UInt8] = Array("user,value,campaign\n".utf8)
        out.reserveCapacity(count * 24 + 32)
        var multiline = false
        for k in 0..<count {
            multiline = ReferralEvents.appendKey(users, user[k], to: &out) || multiline
            out.append(0x2C)
            Format.appendShortest(value[k], to: &out)
            out.append(0x2C)
            if let c = campaign?[k], c >= 0 { multiline = ReferralEvents.appendKey(campaigns, c, to: &out) || multiline }
            out.append(0x0A)
        }
        return CanonicalCSV(bytes: out, multiline: multiline)
    }
}

extension CanonicalCSV {
    /// A field quoted only when RFC 4180 needs it, never formula-guarded: the text must read
    /// back exactly as it was interned.
    static func appendField(_ field: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard CSVText.needsQuotes(field) || field.isEmpty else {
            out.append(contentsOf: field)
            return
        }
        out.append(0x22)
        for b in field {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }
}
