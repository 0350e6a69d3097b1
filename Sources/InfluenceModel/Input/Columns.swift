/// A column the toolkit reads, with the header names it answers to.
public struct ColumnRole: Sendable, Hashable, CustomStringConvertible {
    /// The canonical header name, also the name shown in messages.
    public let name: String
    /// Other header names accepted, in order of preference after `name`.
    public let aliases: [String]
    /// The flag that names the column explicitly, such as `--source-column`.
    public let flag: String

    public init(_ name: String, aliases: [String], flag: String) {
        self.name = name
        self.aliases = aliases
        self.flag = flag
    }

    public var description: String { name }

    public static let source = ColumnRole("source", aliases: ["referrer", "sharer", "inviter", "advocate", "from"], flag: "--source-column")
    public static let target = ColumnRole("target", aliases: ["referred", "invitee", "recipient", "friend", "to"], flag: "--target-column")
    public static let timestamp = ColumnRole("timestamp", aliases: ["time", "date", "created_at"], flag: "--timestamp-column")
    public static let channel = ColumnRole("channel", aliases: ["share_channel", "medium"], flag: "--channel-column")
    public static let campaign = ColumnRole("campaign", aliases: ["campaign_id", "campaign_name"], flag: "--campaign-column")
    public static let weight = ColumnRole("weight", aliases: ["count"], flag: "--weight-column")
    public static let user = ColumnRole("user", aliases: ["customer", "customer_id", "friend", "referred"], flag: "--user-column")
    public static let value = ColumnRole("value", aliases: ["revenue", "amount"], flag: "--value-column")
}

/// Which field of each row holds each role, resolved from a header row.
public struct ColumnLayout: Sendable {
    /// The header as read.
    public let header: [String]
    private var indices: [ColumnRole: Int]

    /// Field index of `role`, or `nil` when the file has no such column.
    public subscript(role: ColumnRole) -> Int? { indices[role] }

    /// Resolves roles against a header.
    ///
    /// Names match case-insensitively with surrounding spaces ignored. A role takes the
    /// column named by its override, else its canonical name, else its first alias found.
    /// - Parameters:
    ///   - header: the header row's names.
    ///   - required: roles the file must have.
    ///   - optional: roles it may have.
    ///   - overrides: explicit column names by role (from `--…-column` flags).
    ///   - file: the name errors show.
    /// - Throws: `InputError.missingColumn`, `.unknownColumn`, `.duplicateColumn`.
    public init(header: [String], required: [ColumnRole], optional: [ColumnRole],
                overrides: [ColumnRole: String] = [:], file: String) throws(InputError) {
        self.header = header
        self.indices = [:]
        let folded = header.map { $0.trimmingSpaces.lowercased() }
        var taken = Set<Int>()
        func find(_ name: String) throws(InputError) -> Int? {
            let matches = folded.indices.filter { folded[$0] == name && !taken.contains($0) }
            if matches.count > 1 { throw .duplicateColumn(file: file, name: header[matches[1]], column: matches[1] + 1) }
            return matches.first
        }
        // Columns named by a flag first, so another role's alias cannot take them.
        for role in required + optional {
            guard let name = overrides[role] else { continue }
            guard let found = try find(name.trimmingSpaces.lowercased()) else {
                throw .unknownColumn(file: file, name: name, header: header, flag: role.flag)
            }
            indices[role] = found
            taken.insert(found)
        }
        for role in required + optional where overrides[role] == nil {
            var found: Int?
            for name in [role.name] + role.aliases {
                if let m = try find(name) { found = m; break }
            }
            if let found {
                indices[role] = found
                taken.insert(found)
            } else if required.contains(role) {
                throw .missingColumn(file: file, role: role.name, header: header, flag: role.flag)
            }
        }
    }
}

extension ColumnLayout {
    /// Resolves roles against a file's header row, which must be UTF-8.
    /// - Throws: `InputError.invalidUTF8` naming the header cell, or what `init(header:…)` throws.
    public init(headerRecord record: CSVRecord, required: [ColumnRole], optional: [ColumnRole],
                overrides: [ColumnRole: String] = [:], file: String) throws(InputError) {
        var names: [String] = []
        for i in 0 ..< record.count {
            guard let name = record.string(i) else { throw .invalidUTF8(file: file, line: record.line, column: i + 1) }
            names.append(name)
        }
        try self.init(header: names, required: required, optional: optional, overrides: overrides, file: file)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
