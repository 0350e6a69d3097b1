import CDeflate
import Foundation

/// The text of one input file, ready for the CSV reader: mapped when it is a plain file,
/// inflated when it is gzip, converted to UTF-8 when `--encoding` names another encoding.
/// Spreadsheets, archives and columnar files are recognised by their first bytes and refused
/// with the way to get a CSV out of them.
final class FileBytes: Sendable {
    private let mapped: MappedFile?
    private let owned: [UInt8]
    /// What was done to the bytes: `gzip`, `windows-1252`, … (for the summary).
    let decoded: [String]

    /// Reads `path` (`-` for standard input).
    /// - Throws: `InputError.fileNotFound`, `.isDirectory`, `.unreadable`, `.notText`, `.compressedDataCorrupt`.
    init(path: String, encoding: TextEncoding?) throws(InputError) {
        let file = InputFile.displayName(path)
        let raw = try MappedFile(path: path)
        var steps: [String] = []
        var bytes: [UInt8]?
        try raw.withBytes { b throws(InputError) in
            if let refusal = Self.refusal(b) { throw .notText(file: file, format: refusal.format, fix: refusal.fix) }
            if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B {
                bytes = try Gzip.inflate(b, file: file)
                steps.append("gzip")
            }
        }
        // UTF-16 with a byte order mark (Excel's "Unicode Text"): converted, whatever --encoding says.
        if let utf16 = (bytes ?? raw.withBytes { Array($0.prefix(2)) }).withUnsafeBufferPointer({ Self.utf16Order($0) }) {
            let source = bytes ?? raw.withBytes { Array($0) }
            bytes = Self.utf8(fromUTF16: source, bigEndian: utf16 == .big)
            steps.append("utf-16")
        } else if let enc = encoding, enc != .utf8 {
            let source = bytes ?? raw.withBytes { Array($0) }
            bytes = source.withUnsafeBufferPointer { enc.transcode($0) }
            steps.append(enc.rawValue)
        }
        if let bytes, steps.first == "gzip" {
            try bytes.withUnsafeBufferPointer { b throws(InputError) in
                if let refusal = Self.refusal(b) { throw .notText(file: file, format: refusal.format + " inside gzip", fix: refusal.fix) }
            }
        }
        (mapped, owned, decoded) = bytes == nil ? (raw, [], steps) : (nil, bytes!, steps)
    }

    /// Calls `body` with the file's bytes; the pointer is valid only inside `body`.
    func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        if let mapped { return try mapped.withBytes(body) }
        return try withExtendedLifetime(owned) { () throws(E) -> R in
            let view = owned.withUnsafeBufferPointer { $0 }
            return try body(view)
        }
    }

    enum ByteOrder { case little, big }

    /// The byte order a UTF-16 byte order mark at the start of `bytes` announces.
    static func utf16Order(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteOrder? {
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0xFF, bytes[1] == 0xFE { return .little }
        if bytes[0] == 0xFE, bytes[1] == 0xFF { return .big }
        return nil
    }

    /// UTF-8 for UTF-16 text after its byte order mark (an unpaired surrogate becomes U+FFFD).
    static func utf8(fromUTF16 bytes: [UInt8], bigEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
            units.append(bigEndian ? a << 8 | b : b << 8 | a)
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// A known binary format at the start of `bytes`, with how to get a CSV from it.
    static func refusal(_ bytes: UnsafeBufferPointer<UInt8>) -> (format: String, fix: String)? {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 } }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            let head = Array(bytes.prefix(1 << 16))
            func has(_ text: String) -> Bool {
                let needle = Array(text.utf8)
                guard head.count >= needle.count else { return false }
                return (0...head.count - needle.count).contains { i in head[i..<i + needle.count].elementsEqual(needle) }
            }
            if has("xl/") { return ("an Excel workbook (xlsx)", "Open it and save it as CSV UTF-8, then pass that file.") }
            if has("content.xml") { return ("a spreadsheet document (ods)", "Open it and save it as CSV UTF-8, then pass that file.") }
            return ("a zip archive", "Unzip it and pass the CSV files (or the folder) inside.")
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return ("an Excel 97–2003 workbook (xls)", "Open it and save it as CSV UTF-8, then pass that file.")
        }
        if starts(Array("PAR1".utf8)) {
            return ("a Parquet file", "Export it as CSV (for example `duckdb -c \"COPY 'file.parquet' TO 'file.csv'\"`).")
        }
        if starts(Array("%PDF".utf8)) { return ("a PDF document", "Export the data as CSV from the platform instead.") }
        if starts(Array("SQLite format 3".utf8)) { return ("an SQLite database", "Export the table as CSV.") }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return ("zstd-compressed data", "Unpack it (`zstd -d`) and pass the CSV.") }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return ("xz-compressed data", "Unpack it (`xz -d`) and pass the CSV.") }
        if starts(Array("BZh".utf8)), bytes.count > 3, bytes[3] >= 0x31, bytes[3] <= 0x39 {
            return ("bzip2-compressed data", "Unpack it (`bunzip2`) and pass the CSV.")
        }
        return nil
    }
}

/// gzip through libdeflate, which inflates a whole member at once into memory given room for
/// it (on the 157.9 MB export of `InfluenceBenchmarks generate`, gzip -6: 208 ms against
/// 441 ms for zlib's `inflate`, the same C loop on one core).
enum Gzip {
    /// Inflates every member of a gzip stream (concatenated members are one file, as `gunzip`
    /// reads them; zero bytes after a member are padding, as `gunzip` allows).
    ///
    /// The output is sized by the size the last member records (exact for a single member
    /// under 4 GiB, the common export) and grows when a member does not fit; that member is
    /// then inflated again. Every member's checksum and size are checked.
    /// The corresponding C functions are `libdeflate_alloc_decompressor`,
    /// `libdeflate_gzip_decompress_ex` and `libdeflate_free_decompressor`.
    /// - Throws: `InputError.compressedDataCorrupt`, naming the byte where the damaged member starts.
    /// - Complexity: O(output size), plus the members inflated again after growing.
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, file: String) throws(InputError) -> [UInt8] {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw .compressedDataCorrupt(file: file, reason: "the decompressor could not start")
        }
        defer { libdeflate_free_decompressor(decompressor) }
        var capacity = initialCapacity(input)
        let recorded = recordedSize(input)
        var output: [UInt8] = []
        var produced = 0
        var consumed = 0
        while true {
            var damaged = false
            var full = false
            let before = output
            output = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
                before.withUnsafeBufferPointer { old in
                    if produced > 0 { out.baseAddress!.initialize(from: old.baseAddress!, count: produced) }
                }
                func members() {
                    while consumed < input.count {
                        var used = 0
                        var made = 0
                        let result = libdeflate_gzip_decompress_ex(
                            decompressor, input.baseAddress! + consumed, input.count - consumed,
                            out.baseAddress! + produced, out.count - produced, &used, &made)
                        if result == LIBDEFLATE_INSUFFICIENT_SPACE {
                            full = true
                            break
                        }
                        guard result == LIBDEFLATE_SUCCESS else {
                            damaged = true
                            break
                        }
                        consumed += used
                        produced += made
                        while consumed < input.count, input[consumed] == 0 { consumed += 1 }
                    }
                }
                // Each page the inflate writes first stops it while the kernel zeroes it: when the
                // room is the size a single member records, the other core faults it in ahead
                // (`MADV_POPULATE_WRITE` maps pages without writing them; the inflate maps any it
                // reaches first itself).
                if produced == 0, capacity == recorded, out.count >= populateFrom, Parallel.threads > 1, let base = out.baseAddress {
                    let room = UncheckedSendable(UnsafeMutableRawPointer(base))
                    _ = Parallel.both(members) { populate(room.value, count: out.count) }
                } else {
                    members()
                }
                initialized = produced
            }
            if damaged {
                // libdeflate does not tell a cut-short member from a damaged one.
                let which = consumed == 0 ? "it" : "the member starting at byte \(consumed)"
                throw .compressedDataCorrupt(file: file, reason: "\(which) cannot be inflated to its end")
            }
            if !full { return output }
            capacity = capacity > Int.max / 2 ? Int.max : capacity * 2
        }
    }

    /// Rooms from this size on are faulted in by another thread while the inflate runs.
    static let populateFrom = 8 << 20

    /// Faults in `count` bytes from `start` for writing, 4 MiB at a time, without writing them;
    /// where the kernel cannot (before Linux 5.14) nothing is done.
    /// The corresponding C function is `madvise`.
    static func populate(_ start: UnsafeMutableRawPointer, count: Int) {
        let page = Int(getpagesize())
        let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: start) + count) & ~(page - 1)
        var at = first
        while at < end {
            let step = min(4 << 20, end - at)
            if madvise(UnsafeMutableRawPointer(bitPattern: at), step, 23) != 0 { return }  // MADV_POPULATE_WRITE
            at += step
        }
    }

    /// The size the last 4 bytes of `input` record (a member's size modulo 4 GiB), 0 for fewer.
    static func recordedSize(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        let n = input.count
        guard n >= 4 else { return 0 }
        return Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
    }

    /// Room to inflate `input` into at first: the size its last 4 bytes record (a single
    /// member's size modulo 4 GiB) when it is 1 to 64 times the input, as text compresses; else
    /// (several members, padding, a member of 4 GiB or more, damage) 4 times the input, at most
    /// 4 GiB. At least 64 KiB. A wrong guess costs a larger array, never a wrong answer.
    static func initialCapacity(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        let n = input.count
        let recorded = recordedSize(input)
        let plausible = recorded >= n && recorded / 64 <= n
        return max(1 << 16, plausible ? recorded : min(n, 1 << 30) * 4)
    }
}
