/// What to do with a row that cannot be read.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at the first bad row with its error.
    case stop
    /// Skip bad rows, count them and keep the first few reasons.
    case skip
}

/// How to read input files.
public struct ReadOptions: Sendable {
    /// The separator; `nil` detects it per file.
    public var delimiter: Delimiter?
    /// Explicit column names by role.
    public var columns: [ColumnRole: String]
    /// What to do with bad rows.
    public var onError: ErrorPolicy
    /// Under `.skip`, the largest share of rows that may be skipped before the read is refused.
    public var maxSkipped: Double = 0.5
    /// The files' text encoding; `nil` is UTF-8.
    public var encoding: TextEncoding?
    /// How time columns are written.
    public var timeFormat: TimeFormat = .auto
    /// Day and month order of numeric dates; `.auto` decides per file from the data.
    public var dateOrder: DateOrder = .auto
    /// The decimal mark of amounts; `.auto` decides per file from the data.
    public var decimal: DecimalMark = .auto
    /// Keep ids as written: no trimming, NFC or e-mail case folding.
    public var exactIds = false
    /// Read the time column (false: leave it out, as `--no-time` and commands that do not use time).
    public var useTime = true
    /// Label each file's rows with its name (stem) as campaign.
    public var campaignFromFile = false
    /// Parse on the caller's thread alone, in one chunk (a read beside other work).
    var oneThread = false
    /// Opened when a referral file's chunks have been parsed and joined. (Opened before the
    /// join, the conversions read beside it, once the parse had become faster, took the peak
    /// of `attribute` on the 10M program export from 0.96–0.98 GiB to 0.96–1.02 GiB, past
    /// 1 GiB; after it, 0.95 GiB in four runs, in the same time.)
    var parsed: Gate?

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
    /// Skipped rows by the header name of the column that failed (`(row)` for a row's width).
    public var skippedByColumn: [String: Int] = [:]
    /// Referrals from a person to themselves, left out.
    public var selfReferrals = 0
    /// Rows that repeated an earlier (source, target) pair and were merged into its edge.
    public var mergedDuplicates = 0
    /// Conversions by people who are not in the referral graph.
    public var unknownConverters = 0
    /// The first few of those people.
    public var unknownExamples: [String] = []
    /// Rows with an empty referrer: a customer nobody referred, not a referral.
    public var unreferredRows = 0
    /// Conversion rows with an empty value: no purchase.
    public var rowsWithoutValue = 0
    /// Rows without a time in a file with a time column.
    public var untimedRows = 0
    /// Id fields changed by normalization (trimmed, NFC, e-mail case).
    public var normalizedIds = 0
    /// Rows left out by `--campaign`, `--since`, `--until`.
    public var filteredRows = 0
    /// The columns each file was read with.
    public var columns: [ColumnMapping] = []
    /// Per-file decisions taken from the data, such as `dates read day-first (line 7: "13/03/2024")`.
    public var decisions: [String] = []
    /// The files read, with what was done to their bytes (gzip, encoding).
    public var files: [String] = []

    public init() {}

    mutating func skip(_ error: InputError, column: String) {
        skippedRows += 1
        skippedByColumn[column, default: 0] += 1
        if skipReasons.count < Self.reasonLimit { skipReasons.append(error.description) }
    }

    /// Adds another file's counts.
    mutating func add(_ q: DataQuality) {
        rows += q.rows
        blankLines += q.blankLines
        skippedRows += q.skippedRows
        for r in q.skipReasons where skipReasons.count < Self.reasonLimit { skipReasons.append(r) }
        for (k, v) in q.skippedByColumn { skippedByColumn[k, default: 0] += v }
        selfReferrals += q.selfReferrals
        mergedDuplicates += q.mergedDuplicates
        unknownConverters += q.unknownConverters
        unreferredRows += q.unreferredRows
        rowsWithoutValue += q.rowsWithoutValue
        untimedRows += q.untimedRows
        normalizedIds += q.normalizedIds
        filteredRows += q.filteredRows
        columns += q.columns
        decisions += q.decisions
        files += q.files
    }

    /// The column most skipped rows failed in.
    public var worstColumn: String? { skippedByColumn.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key }
}

/// Parsing of the small values rows carry.
enum FieldValue {
    /// Checks that bytes are UTF-8 (the common all-ASCII case eight bytes at a time: no word
    /// has a high bit set).
    @inline(__always)
    static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt64 = 0
        ByteWords.forEachWord(bytes) { any |= $0 }
        if any & 0x8080_8080_8080_8080 == 0 { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }
}
