import Foundation

/// A table read from export files: referral events, conversions, path tables.
protocol ExportTable {
    var file: String { get set }
    var quality: DataQuality { get set }
    mutating func append(_ other: Self)
    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions, chunks: Int) throws(InputError) -> Self
}

/// The files an export is read from: files as given, folders as the CSV files inside them.
public enum InputPaths {
    /// File name endings read from a folder.
    static let readable = [".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz"]

    /// Expands folders into their readable files (recursively, sorted by path), keeps files and `-`.
    /// - Throws: `InputError.unreadable`, `.emptyFolder` for a folder without CSV files.
    public static func expand(_ paths: [String]) throws(InputError) -> [String] {
        var out: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                out.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw .unreadable(path: path, reason: "the folder cannot be listed")
            }
            var found: [String] = []
            while let entry = walker.nextObject() as? String {
                let name = (entry as NSString).lastPathComponent
                if name.hasPrefix(".") { continue }
                let lower = name.lowercased()
                guard readable.contains(where: { lower.hasSuffix($0) }) else { continue }
                let full = path.hasSuffix("/") ? path + entry : path + "/" + entry
                var dir: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { found.append(full) }
            }
            if found.isEmpty { throw .emptyFolder(path: path) }
            out += found.sorted()
        }
        if out.isEmpty { throw .fileNotFound(path: "(none)") }
        return out
    }

    /// A file's name without its folder and extensions: `exports/spring.csv.gz` → `spring`.
    public static func stem(_ path: String) -> String {
        if path == "-" { return "stdin" }
        var name = (path as NSString).lastPathComponent
        for suffix in [".gz"] + readable where name.lowercased().hasSuffix(suffix) && name.count > suffix.count {
            name = String(name.dropLast(suffix.count))
        }
        return name
    }

    /// How messages name a set of files.
    static func describe(_ paths: [String]) -> String {
        let names = paths.map(InputFile.displayName)
        return names.count <= 3 ? names.joined(separator: ", ") : "\(names[0]) and \(names.count - 1) more files"
    }

    /// One file read by `readEach`: its name, what was done to its bytes, and what `parse` made.
    struct Read<T> {
        var path: String
        var file: String
        var value: T

        /// `events.csv.gz (gzip)`, as the summary lists files.
        var label: String
    }

    /// Reads each file (`-`: standard input) with `parse`, in order: mapped or inflated and
    /// converted per `options.encoding`, a UTF-8 error explained when the bytes look like
    /// Windows-1252.
    /// - Throws: `InputError` from loading or from `parse`.
    static func readEach<T>(
        _ files: [String], options: ReadOptions, timings: PhaseTimings? = nil,
        _ parse: (UnsafeBufferPointer<UInt8>, String) throws(InputError) -> T
    ) throws(InputError) -> [Read<T>] {
        var out: [Read<T>] = []
        for path in files {
            let file = InputFile.displayName(path)
            let bytes = try timings.measure("map") { () throws(InputError) in try FileBytes(path: path, encoding: options.encoding) }
            let value = try explaining(file: file, bytes: bytes) { () throws(InputError) in
                try bytes.withBytes { buffer throws(InputError) in try parse(buffer, file) }
            }
            let label = file + (bytes.decoded.isEmpty ? "" : " (" + bytes.decoded.joined(separator: ", ") + ")")
            out.append(Read(path: path, file: file, value: value, label: label))
        }
        return out
    }

    /// Reads every file of `paths` (folders expanded) as one table: each file parsed by the
    /// table's own chunked reader, labelled in the data quality, adjusted by `each` (such as
    /// `--campaign-from-file`), then appended in order; the skip limit applies to the whole.
    /// - Throws: `InputError`.
    static func readAll<Table: ExportTable>(
        _ paths: [String], options: ReadOptions,
        each: (inout Table, Read<Table>) -> Void = { _, _ in }
    ) throws(InputError) -> Table {
        let files = try expand(paths)
        var all: Table?
        for read in try readEach(
            files, options: options,
            { (buffer, file) throws(InputError) in
                try Table.parse(
                    buffer: buffer, file: file, options: options,
                    chunks: options.oneThread ? 1 : ChunkedScan.chunkCount(forBytes: buffer.count))
            })
        {
            var one = read.value
            one.quality.files = [read.label]
            each(&one, read)
            if all == nil { all = one } else { all!.append(one) }
        }
        var table = all!
        table.file = describe(files)
        try table.quality.checkSkipped(file: table.file, limit: options.maxSkipped, onError: options.onError)
        return table
    }

    /// Runs `body`, turning a UTF-8 error into a hint to pass `--encoding` when the file's bytes look like Windows-1252.
    static func explaining<R>(file: String, bytes: FileBytes, _ body: () throws(InputError) -> R) throws(InputError) -> R {
        do {
            return try body()
        } catch {
            if case .invalidUTF8(let f, let line, let column) = error,
                bytes.withBytes({ TextEncoding.looksLikeWindows1252($0) })
            {
                throw .looksLikeWindows1252(file: f, line: line, column: column)
            }
            throw error
        }
    }
}

extension DataQuality {
    /// Applies a file's date order decision to its time column and notes it.
    /// - Throws: `InputError.mixedDateOrder`, `.ambiguousDateOrder`.
    mutating func settle(dates choice: DeferredChoice, column: String, file: String, into values: inout [Double]) throws(InputError) {
        switch choice.outcome {
        case .none: return
        case .a(let line, let text): decisions.append("\(file): dates in \"\(column)\" read month-first (line \(line): \"\(text)\")")
        case .b(let line, let text): decisions.append("\(file): dates in \"\(column)\" read day-first (line \(line): \"\(text)\")")
        case .mixed(let al, let at, let bl, let bt):
            throw .mixedDateOrder(file: file, column: column, dayFirstLine: bl, dayFirstSeen: bt, monthFirstLine: al, monthFirstSeen: at)
        case .ambiguous(let example): throw .ambiguousDateOrder(file: file, column: column, seen: example)
        }
        choice.apply(to: &values)
    }

    /// Applies a file's decimal mark decision to an amount column and notes it.
    ///
    /// When nothing in the column proves either mark, a comma-separated file settles it: a
    /// decimal comma there would have to be quoted in every cell, so such files write a decimal
    /// point, and `1.500` is read as 1.5 — said in the decisions, with the flag for the other
    /// reading. A `;` or tab file that cannot tell is refused.
    /// - Throws: `InputError.mixedDecimal`, `.ambiguousDecimal`.
    mutating func settle(
        amounts choice: DeferredChoice, column: String, file: String, delimiter: Delimiter,
        into values: inout [Double]
    ) throws(InputError) {
        switch choice.outcome {
        case .none: return
        case .a(let line, let text):
            // Worth saying only when some amount would have read differently.
            if !choice.alternatives.isEmpty {
                decisions.append("\(file): amounts in \"\(column)\" read with a decimal point (line \(line): \"\(text)\")")
            }
        case .b(let line, let text):
            decisions.append("\(file): amounts in \"\(column)\" read with a decimal comma (line \(line): \"\(text)\")")
        case .mixed(let al, let at, let bl, let bt):
            throw .mixedDecimal(file: file, column: column, dotLine: al, dotSeen: at, commaLine: bl, commaSeen: bt)
        case .ambiguous(let example):
            guard delimiter == .comma else { throw .ambiguousDecimal(file: file, column: column, seen: example) }
            decisions.append(
                "\(file): amounts in \"\(column)\" such as \"\(example)\" read with a decimal point, as the file is comma-separated; pass --decimal comma if they are thousands"
            )
        }
        choice.apply(to: &values)
    }

    /// Under `--on-error skip`, refuses a read that skipped more than `limit` of its rows.
    /// - Throws: `InputError.tooManySkipped`.
    func checkSkipped(file: String, limit: Double, onError: ErrorPolicy) throws(InputError) {
        guard onError == .skip, skippedRows > 0, Double(skippedRows) > limit * Double(rows) else { return }
        throw .tooManySkipped(file: file, skipped: skippedRows, rows: rows, column: worstColumn ?? "(row)", limit: limit)
    }
}
