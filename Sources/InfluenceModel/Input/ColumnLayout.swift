/// Which field of each row holds each role, resolved from a header row.
public struct ColumnLayout: Sendable {
    /// The header as read.
    public let header: [String]
    /// The file line the header is on (1 unless lines above it were passed over).
    public internal(set) var headerLine = 1
    private var indices: [ColumnRole: Int]
    /// Roles in the order they were resolved, for the mapping report.
    private var order: [ColumnRole] = []
    /// Roles named by a flag rather than recognised.
    private var named: Set<ColumnRole> = []

    /// Field index of `role`, or `nil` when the file has no such column.
    public subscript(role: ColumnRole) -> Int? { indices[role] }

    /// Resolves roles against a header.
    ///
    /// A role takes the column named by its override; otherwise the column whose name matches
    /// it best (`ColumnRole.rank`). Two columns tied for the best match are refused rather than
    /// guessed between; columns already taken by another role are not considered.
    /// - Parameters:
    ///   - header: the header row's names.
    ///   - required: roles the file must have.
    ///   - optional: roles it may have.
    ///   - overrides: explicit column names by role (from `--…-column` flags), matched with
    ///     case and surrounding spaces ignored.
    ///   - file: the name errors show.
    /// - Throws: `InputError.missingColumn`, `.unknownColumn`, `.duplicateColumn`, `.ambiguousColumn`.
    /// - Complexity: O(roles × columns × phrases).
    public init(
        header: [String], required: [ColumnRole], optional: [ColumnRole],
        overrides: [ColumnRole: String] = [:], file: String
    ) throws(InputError) {
        self.header = header
        self.indices = [:]
        let folded = header.map { $0.trimmingSpaces.lowercased() }
        let words = header.map(HeaderWords.split)
        var taken = Set<Int>()
        let roles = required + optional
        // Columns named by a flag first, so another role's alias cannot take them.
        for role in roles {
            guard let name = overrides[role] else { continue }
            let key = name.trimmingSpaces.lowercased()
            let matches = folded.indices.filter { folded[$0] == key }
            guard let found = matches.first else {
                throw .unknownColumn(file: file, name: name, header: header, flag: role.flag)
            }
            if matches.count > 1 { throw .duplicateColumn(file: file, name: header[matches[1]], column: matches[1] + 1) }
            indices[role] = found
            order.append(role)
            named.insert(role)
            taken.insert(found)
        }
        for role in roles where overrides[role] == nil {
            var best: (rank: Int, columns: [Int])?
            for c in header.indices where !taken.contains(c) {
                guard let rank = role.rank(words[c]) else { continue }
                if best == nil || rank > best!.rank {
                    best = (rank, [c])
                } else if rank == best!.rank {
                    best!.columns.append(c)
                }
            }
            guard let best else {
                if required.contains(role) {
                    throw .missingColumn(file: file, role: role.name, header: header, flag: role.flag)
                }
                continue
            }
            if best.columns.count > 1 {
                let (a, b) = (best.columns[0], best.columns[1])
                if folded[a] == folded[b] { throw .duplicateColumn(file: file, name: header[b], column: b + 1) }
                throw .ambiguousColumn(file: file, role: role.name, first: header[a], second: header[b], flag: role.flag)
            }
            indices[role] = best.columns[0]
            order.append(role)
            taken.insert(best.columns[0])
        }
    }

    /// The mapping used: each role found, the header it took, and whether a flag named it.
    public var mapping: [ColumnMapping.Entry] {
        order.compactMap { role in
            indices[role].map { ColumnMapping.Entry(role: role.name, column: header[$0], position: $0 + 1, named: named.contains(role)) }
        }
    }

    /// Header names no role took: kept out of the way.
    public var unused: [String] {
        let used = Set(indices.values)
        return header.indices.filter { !used.contains($0) }.map { header[$0] }
    }
}

/// The columns one file was read with: what the summary prints and JSON records.
public struct ColumnMapping: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The role, such as `source`.
        public var role: String
        /// The header name it took.
        public var column: String
        /// 1-based position.
        public var position: Int
        /// Named by a `--…-column` flag rather than recognised.
        public var named: Bool
    }

    /// The file, as messages name it.
    public var file: String
    /// `events` or `conversions`.
    public var kind: String
    public var entries: [Entry]
    /// Columns read past.
    public var unused: [String]
    /// The line the header is on (1 unless lines above it were passed over).
    public var headerLine = 1

    public init(file: String, kind: String, layout: ColumnLayout) {
        self.file = file
        self.kind = kind
        entries = layout.mapping
        unused = layout.unused
        headerLine = layout.headerLine
    }

    /// One line: `source ← "Referrer Email", target ← "Friend Email"; ignored: "Source"`.
    public var summary: String {
        var text = entries.map { "\($0.role) ← \"\($0.column)\"\($0.named ? " (flag)" : "")" }.joined(separator: ", ")
        if !unused.isEmpty { text += "; not used: " + unused.map { "\"\(InputError.clip($0, 40))\"" }.joined(separator: ", ") }
        if headerLine > 1 { text += "; header on line \(headerLine), the lines above it passed over" }
        return text
    }
}

extension ColumnLayout {
    /// Resolves roles against a file's header row, which must be UTF-8.
    /// - Throws: `InputError.invalidUTF8` naming the header cell, or what `init(header:…)` throws.
    public init(
        headerRecord record: CSVRecord, required: [ColumnRole], optional: [ColumnRole],
        overrides: [ColumnRole: String] = [:], file: String
    ) throws(InputError) {
        var names: [String] = []
        for i in 0..<record.count {
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
