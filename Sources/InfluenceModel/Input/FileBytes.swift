import CZlib
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

/// gzip through zlib's `inflate`.
enum Gzip {
    /// Inflates every member of a gzip stream (concatenated members are one file, as `gunzip`).
    ///
    /// The corresponding C functions are `inflateInit2_`, `inflate`, `inflateReset` and `inflateEnd`.
    /// - Throws: `InputError.compressedDataCorrupt`.
    /// - Complexity: O(output size).
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, file: String) throws(InputError) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: gzip wrapper only.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .compressedDataCorrupt(file: file, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(1 << 16, min(input.count * 4, 1 << 30)))
        var produced = 0
        var consumed = 0
        while true {
            if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
            let (status, used, made) = output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = UInt32(min(out.count - produced, Int(UInt32.max)))
                let inBefore = stream.avail_in, outBefore = stream.avail_out
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, Int(inBefore - stream.avail_in), Int(outBefore - stream.avail_out))
            }
            consumed += used
            produced += made
            switch status {
            case Z_STREAM_END:
                // Another member may follow; trailing zero padding is allowed, as gunzip allows it.
                while consumed < input.count, input[consumed] == 0 { consumed += 1 }
                if consumed >= input.count {
                    output.removeLast(output.count - produced)
                    return output
                }
                guard inflateReset(&stream) == Z_OK else { throw .compressedDataCorrupt(file: file, reason: "bad member") }
            case Z_OK, Z_BUF_ERROR:
                if used == 0, made == 0, consumed >= input.count {
                    throw .compressedDataCorrupt(file: file, reason: "it ends early")
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw .compressedDataCorrupt(file: file, reason: message)
            }
        }
    }
}
