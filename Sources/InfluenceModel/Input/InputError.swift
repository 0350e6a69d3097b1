/// What is wrong with an input, with what a person needs to find and fix it.
///
/// Lines and columns are 1-based; a column is the field's position in its row, shown with
/// the header name where there is one.
public enum InputError: Error, CustomStringConvertible, Equatable, Sendable {
    case fileNotFound(path: String)
    case isDirectory(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(file: String)
    case headerOnly(file: String)
    case wrongEncoding(file: String, found: String)
    case unbalancedQuote(file: String, line: Int, column: Int)
    case strayQuote(file: String, line: Int, column: Int)
    case nulByte(file: String, line: Int, column: Int)
    case invalidUTF8(file: String, line: Int, column: Int)
    case missingColumn(file: String, role: String, header: [String], flag: String)
    case unknownColumn(file: String, name: String, header: [String], flag: String)
    case duplicateColumn(file: String, name: String, column: Int)
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    case emptyValue(file: String, line: Int, column: Int, name: String)
    case badNumber(file: String, line: Int, column: Int, name: String, seen: String, rule: String)
    case badTimestamp(file: String, line: Int, column: Int, name: String, seen: String, reason: String)
    case noReferrals(file: String, detail: String)
    case idTooLong(file: String, line: Int, column: Int, name: String, length: Int)
    case weightOverflow(file: String, line: Int)
    case tooManyRows(file: String, line: Int)
    case ambiguousColumn(file: String, role: String, first: String, second: String, flag: String)
    case notText(file: String, format: String, fix: String)
    case compressedDataCorrupt(file: String, reason: String)
    case looksLikeWindows1252(file: String, line: Int, column: Int)
    case ambiguousDateOrder(file: String, column: String, seen: String)
    case mixedDateOrder(file: String, column: String, dayFirstLine: Int, dayFirstSeen: String, monthFirstLine: Int, monthFirstSeen: String)
    case ambiguousDecimal(file: String, column: String, seen: String)
    case mixedDecimal(file: String, column: String, dotLine: Int, dotSeen: String, commaLine: Int, commaSeen: String)
    case tooManySkipped(file: String, skipped: Int, rows: Int, column: String, limit: Double)
    case emptyFolder(path: String)

    /// Ids longer than this many bytes are refused: such a field is a misaligned column or
    /// a corrupted file, not a person.
    public static let maximumIdLength = 1024

    /// The `sysexits.h` code a command exits with: 66 for an input that cannot be read, 65 for bad data.
    public var exitCode: Int32 {
        switch self {
        case .fileNotFound, .isDirectory, .unreadable, .emptyFolder: return 66
        default: return 65
        }
    }

    /// The line the problem is on, where there is one.
    public var line: Int? {
        switch self {
        case .unbalancedQuote(_, let line, _), .strayQuote(_, let line, _), .nulByte(_, let line, _),
            .invalidUTF8(_, let line, _), .raggedRow(_, let line, _, _), .emptyValue(_, let line, _, _),
            .badNumber(_, let line, _, _, _, _), .badTimestamp(_, let line, _, _, _, _),
            .idTooLong(_, let line, _, _, _), .weightOverflow(_, let line), .tooManyRows(_, let line),
            .looksLikeWindows1252(_, let line, _):
            return line
        case .missingColumn, .unknownColumn, .duplicateColumn, .headerOnly, .ambiguousColumn: return 1
        default: return nil
        }
    }

    /// The 1-based field the problem is in, where there is one.
    public var column: Int? {
        switch self {
        case .unbalancedQuote(_, _, let c), .strayQuote(_, _, let c), .nulByte(_, _, let c), .invalidUTF8(_, _, let c),
            .emptyValue(_, _, let c, _), .badNumber(_, _, let c, _, _, _), .badTimestamp(_, _, let c, _, _, _),
            .idTooLong(_, _, let c, _, _), .looksLikeWindows1252(_, _, let c):
            return c
        default: return nil
        }
    }

    /// The header name of the field the problem is in, or `(row)` for a problem with the row itself.
    func columnName(header: [String]) -> String {
        guard let c = column, c >= 1, c <= header.count else { return "(row)" }
        return header[c - 1]
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file. Check the path, or pass - to read standard input."
        case .isDirectory(let path):
            return "\(path): is a folder, not a file. Name the CSV file inside it."
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason)). Check its permissions."
        case .emptyFile(let file):
            return "\(file): the file is empty. Export it again with a header row and data."
        case .headerOnly(let file):
            return "\(file):1: the file has a header but no data rows. Export it again with its rows."
        case .wrongEncoding(let file, let found):
            return "\(file):1:1: the file is \(found) text. Save it as UTF-8 (CSV UTF-8 in a spreadsheet)."
        case .unbalancedQuote(let file, let line, let column):
            return
                "\(file):\(line):\(column): a quoted field opens here and never closes. Close the quote, or double quotes inside a quoted field (\"\")."
        case .strayQuote(let file, let line, let column):
            return "\(file):\(line):\(column): text follows a closing quote. Inside a quoted field write a quote as \"\"."
        case .nulByte(let file, let line, let column):
            return
                "\(file):\(line):\(column): a NUL byte; this does not look like a text CSV file. Check that it is the right file and export it as CSV."
        case .invalidUTF8(let file, let line, let column):
            return "\(file):\(line):\(column): the text is not valid UTF-8. Save the file as UTF-8 (CSV UTF-8 in a spreadsheet)."
        case .missingColumn(let file, let role, let header, let flag):
            return "\(file):1: no \(role) column; the header has \(Self.list(header)). Rename the column or pass \(flag) NAME."
        case .unknownColumn(let file, let name, let header, let flag):
            return "\(file):1: \(flag) names \"\(name)\", but the header has \(Self.list(header)). Check the spelling."
        case .duplicateColumn(let file, let name, let column):
            return "\(file):1:\(column): the column \"\(name)\" appears twice. Rename one, or pick one with the matching --…-column flag."
        case .raggedRow(let file, let line, let expected, let found):
            return
                "\(file):\(line):\(min(expected, found) + 1): the row has \(found) fields but the header has \(expected). Check for an unquoted delimiter or a missing field (or pass --on-error skip)."
        case .emptyValue(let file, let line, let column, let name):
            return "\(file):\(line):\(column): the \(name) is empty. Fill it in or remove the row (or pass --on-error skip)."
        case .badNumber(let file, let line, let column, let name, let seen, let rule):
            return "\(file):\(line):\(column): \(name) \"\(Self.clip(seen))\" is not valid: \(rule) (or pass --on-error skip)."
        case .badTimestamp(let file, let line, let column, let name, let seen, let reason):
            return
                "\(file):\(line):\(column): \(name) \"\(Self.clip(seen))\" \(reason) (or pass --no-time to ignore times, or --on-error skip)."
        case .noReferrals(let file, let detail):
            return "\(file): \(detail)"
        case .idTooLong(let file, let line, let column, let name, let length):
            return
                "\(file):\(line):\(column): the \(name) is \(length) bytes long; ids longer than \(Self.maximumIdLength) bytes are refused. Check that the columns line up (or pass --on-error skip)."
        case .weightOverflow(let file, let line):
            return "\(file):\(line): the weights of this referred pair add up to an infinite number. Scale the weights down."
        case .tooManyRows(let file, let line):
            return "\(file):\(line): more than 2,147,483,646 referral rows or people; split the export."
        case .emptyFolder(let path):
            return "\(path): the folder holds no .csv, .tsv or .txt files (plain or .gz). Name the files, or the folder that holds them."
        case .ambiguousColumn(let file, let role, let first, let second, let flag):
            return
                "\(file):1: both \"\(Self.clip(first, 40))\" and \"\(Self.clip(second, 40))\" could be the \(role) column. Pick one with \(flag) NAME."
        case .notText(let file, let format, let fix):
            return "\(file): this is \(format), not a CSV text file. \(fix)"
        case .compressedDataCorrupt(let file, let reason):
            return "\(file): the gzip data is damaged (\(reason)). Compress the export again, or unpack it and pass the CSV."
        case .looksLikeWindows1252(let file, let line, let column):
            return
                "\(file):\(line):\(column): the text is not valid UTF-8; it looks like Latin-1 / Windows-1252 (as Excel on Windows saves CSV). Pass --encoding windows-1252, or save the file as CSV UTF-8."
        case .ambiguousDateOrder(let file, let column, let seen):
            return
                "\(file): every date in the \(column) column (such as \"\(Self.clip(seen))\") reads both day-first and month-first, so the order cannot be told from the data. Pass --date-order day-first or --date-order month-first."
        case .mixedDateOrder(let file, let column, let dl, let ds, let ml, let ms):
            return
                "\(file): the \(column) column mixes date orders: line \(dl) (\"\(Self.clip(ds))\") is only valid day-first and line \(ml) (\"\(Self.clip(ms))\") only month-first. Fix the column, or pass --date-order to choose one (the other rows are then bad)."
        case .ambiguousDecimal(let file, let column, let seen):
            return
                "\(file): amounts in the \(column) column (such as \"\(Self.clip(seen))\") read both with a decimal point and a decimal comma. Pass --decimal dot or --decimal comma."
        case .mixedDecimal(let file, let column, let dl, let ds, let cl, let cs):
            return
                "\(file): the \(column) column mixes number styles: line \(dl) (\"\(Self.clip(ds))\") needs a decimal point and line \(cl) (\"\(Self.clip(cs))\") a decimal comma. Fix the column, or pass --decimal dot or --decimal comma."
        case .tooManySkipped(let file, let skipped, let rows, let column, let limit):
            let share = rows > 0 ? Double(skipped) / Double(rows) * 100 : 100
            let shown = (share * 10).rounded() / 10
            return
                "\(file): \(skipped) of \(rows) rows (\(shown)%) were skipped as bad, more than --max-skipped \(Self.percent(limit)); most failed in the \(column) column. Fix that column or name the right one with its --…-column flag."
        }
    }

    static func percent(_ fraction: Double) -> String {
        let p = (fraction * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    static func list(_ header: [String]) -> String {
        header.isEmpty ? "no columns" : header.map { "\"\(clip($0, 40))\"" }.joined(separator: ", ")
    }

    static func clip(_ text: String, _ limit: Int = 60) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}

extension InputError {
    /// Runs `body`, passing an `InputError` through and turning any other error (a closure's
    /// untyped `throws`) into `.unreadable` for `file`.
    static func capturing(file: String, _ body: () throws -> Void) throws(InputError) {
        do {
            try body()
        } catch let error as InputError {
            throw error
        } catch {
            throw .unreadable(path: file, reason: "\(error)")
        }
    }
}

extension InputError: InfluenceError {}
