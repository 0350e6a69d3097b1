/// Edge probabilities given by a column of the referral export (`--probability-column`).
public struct GivenProbabilities: Sendable, Equatable {
    /// The column's name, as the header has it.
    public var column: String
    /// By (source, target) id pair, normalized as the export's ids are: the first value in
    /// input order.
    var values: [Pair: Double]

    struct Pair: Hashable, Sendable {
        var source: String
        var target: String
    }

    /// The probability of the referral source → target, if the column gives one.
    public func probability(source: String, target: String) -> Double? { values[Pair(source: source, target: target)] }

    /// Reads the column from the export's files (a pass of its own).
    /// - Parameters:
    ///   - paths: the export's files and folders, as for `ReferralEvents.read`.
    ///   - column: the header's name of the column (matched ignoring case and surrounding spaces).
    /// - Throws: `InputError.unknownColumn` when a file lacks it; `.badNumber` naming the line
    ///   and column of a value that is not a probability between 0 and 1.
    public static func read(paths: [String], column: String, options: ReadOptions = ReadOptions()) throws(InputError) -> GivenProbabilities
    {
        let files = try InputPaths.expand(paths)
        var all: [Pair: Double] = [:]
        for read in try InputPaths.readEach(
            files, options: options,
            { (buffer, file) throws(InputError) in try parse(buffer, file: file, column: column, options: options) })
        {
            all.merge(read.value) { first, _ in first }
        }
        return GivenProbabilities(column: column, values: all)
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, file: String, column: String, options: ReadOptions) throws(InputError) -> [Pair:
        Double]
    {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: ReferralEvents.header),
            let source = head.layout[.source], let target = head.layout[.target]
        else { return [:] }
        let header = head.layout.header
        let wanted = column.trimmingSpaces.lowercased()
        guard let index = header.firstIndex(where: { $0.trimmingSpaces.lowercased() == wanted }) else {
            throw .unknownColumn(file: file, name: column, header: header, flag: "--probability-column")
        }
        var values: [Pair: Double] = [:]
        var cursor = head.cursor
        var failure: InputError?
        try InputError.capturing(file: file) {
            var sink = ClosureSink { record in
                guard index < record.count, source < record.count, target < record.count, let s = record.string(source),
                    let t = record.string(target), let text = record.string(index)
                else { return true }
                let trimmed = text.trimmingSpaces
                if trimmed.isEmpty { return true }
                guard let p = Double(trimmed), p >= 0, p <= 1 else {
                    failure = .badNumber(
                        file: file, line: record.line, column: index + 1, name: header[index], seen: trimmed,
                        rule: "a probability between 0 and 1")
                    return false
                }
                let pair = Pair(
                    source: PersonId.normalize(s, exact: options.exactIds), target: PersonId.normalize(t, exact: options.exactIds))
                if values[pair] == nil { values[pair] = p }
                return true
            }
            try CSVReader.scan(buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: file, cursor: &cursor, sink: &sink)
        }
        if let failure { throw failure }
        return values
    }
}
