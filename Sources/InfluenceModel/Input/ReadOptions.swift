/// What to do with a row that cannot be read.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at the first bad row with its error.
    case stop
    /// Skip bad rows, count them and keep the first few reasons.
    case skip
}

/// How to read an input file.
public struct ReadOptions: Sendable {
    /// The separator; `nil` detects it.
    public var delimiter: Delimiter?
    /// Explicit column names by role.
    public var columns: [ColumnRole: String]
    /// What to do with bad rows.
    public var onError: ErrorPolicy

    public init(delimiter: Delimiter? = nil, columns: [ColumnRole: String] = [:], onError: ErrorPolicy = .stop) {
        self.delimiter = delimiter
        self.columns = columns
        self.onError = onError
    }
}

/// What was read, skipped and merged: the data-quality notes that travel with every result.
public struct DataQuality: Sendable, Equatable {
    /// The most reasons kept for skipped rows.
    public static let reasonLimit = 5

    /// Data rows read (the header and blank lines not counted).
    public var rows = 0
    /// Blank lines passed over.
    public var blankLines = 0
    /// Rows skipped as bad under `--on-error skip`.
    public var skippedRows = 0
    /// The first few reasons rows were skipped.
    public var skipReasons: [String] = []
    /// Referrals from a person to themselves, left out.
    public var selfReferrals = 0
    /// Rows that repeated an earlier (source, target) pair and were merged into its edge.
    public var mergedDuplicates = 0
    /// Conversions by people who are not in the referral graph.
    public var unknownConverters = 0

    public init() {}

    mutating func skip(_ error: InputError) {
        skippedRows += 1
        if skipReasons.count < Self.reasonLimit { skipReasons.append(error.description) }
    }
}

extension ReadOptions {
    /// Under `.skip`, records a bad row's error in `quality`; under `.stop`, throws it.
    func absorb(_ error: InputError, into quality: inout DataQuality) throws(InputError) {
        guard onError == .skip else { throw error }
        quality.skip(error)
    }
}

/// Parsing of the small values rows carry.
enum FieldValue {
    /// A finite number; a decimal comma is accepted when the delimiter is not a comma.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, decimalComma: Bool) -> Double? {
        guard !bytes.isEmpty, bytes.count < 64 else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        if decimalComma, !text.contains("."), text.filter({ $0 == "," }).count == 1 {
            text = String(text.map { $0 == "," ? "." : $0 })
        }
        // Refuse the spellings Double(_:) takes that no export means as a number.
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Checks that bytes are UTF-8 (the common all-ASCII case in one pass).
    static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }
}
