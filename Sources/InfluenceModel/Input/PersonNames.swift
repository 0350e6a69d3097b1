/// Sharers' display names, from a referral export's name column (`Referrer Name`, `Advocate
/// Name`, or the one `--source-name-column` names).
///
/// Names are for people to read: reports show them beside ids. They never identify anyone,
/// so they are read in a pass of their own and the referral rows do not carry them.
public enum PersonNames {
    /// The first non-empty name given for each sharer, by normalized id (as `ReferralEvents`
    /// interns it, so `events.people.name(i)` finds it).
    /// - Parameters:
    ///   - paths: the referral export's files and folders, as for `ReferralEvents.read`.
    ///   - options: the same read options.
    /// - Returns: empty when no file has a name column.
    /// - Throws: `InputError` from reading the files or their headers.
    /// - Complexity: O(n) in the files' size.
    public static func read(paths: [String], options: ReadOptions = ReadOptions()) throws(InputError) -> [String: String] {
        let files = try InputPaths.expand(paths)
        var names: [String: String] = [:]
        for read in try InputPaths.readEach(
            files, options: options, { (buffer, file) throws(InputError) in try parse(buffer, file: file, options: options) })
        {
            names.merge(read.value) { first, _ in first }
        }
        return names
    }

    /// The names of one file's bytes.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, file: String, options: ReadOptions) throws(InputError) -> [String: String] {
        guard let head = try ChunkedScan.header(buffer, file: file, options: options, read: ReferralEvents.header),
            let source = head.layout[.source], let name = head.layout[.sourceName]
        else { return [:] }
        var names: [String: String] = [:]
        var cursor = head.cursor
        try InputError.capturing(file: file) {
            var sink = ClosureSink { record in
                guard source < record.count, name < record.count, let id = record.string(source), let text = record.string(name) else {
                    return true
                }
                let key = PersonId.normalize(id, exact: options.exactIds)
                let shown = text.trimmingSpaces
                if !key.isEmpty, !shown.isEmpty, names[key] == nil { names[key] = shown }
                return true
            }
            try CSVReader.scan(buffer, until: buffer.count, delimiter: head.delimiter.rawValue, file: file, cursor: &cursor, sink: &sink)
        }
        return names
    }
}
