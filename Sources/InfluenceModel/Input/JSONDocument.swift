/// The tool's name and version: one constant for every JSON document and for `--version`.
public enum Tool {
    public static let name = "influence"
    public static let version = "0.1.0"
}

/// The data-quality counts of a run's inputs, one slot per kind of input (`nil`: not read).
public struct InputQualities: Sendable {
    public var referrals: DataQuality?
    public var conversions: DataQuality?
    public var paths: DataQuality?

    public init(referrals: DataQuality? = nil, conversions: DataQuality? = nil, paths: DataQuality? = nil) {
        self.referrals = referrals
        self.conversions = conversions
        self.paths = paths
    }

    var slots: [(String, DataQuality?)] { [("referrals", referrals), ("conversions", conversions), ("paths", paths)] }

    /// `{"referrals": [paths] | null, "conversions": …, "paths": …}`: the paths of the files
    /// read, in order (from the column mappings, which name each file once without the
    /// `(gzip)`-style notes of `DataQuality.files`).
    var inputs: JSONValue {
        .object(slots.map { name, q in (name, q.map { .array(Self.paths(of: $0).map(JSONValue.string)) } ?? .null) })
    }

    static func paths(of quality: DataQuality) -> [String] {
        guard !quality.columns.isEmpty else { return quality.files }
        var seen = Set<String>()
        return quality.columns.map(\.file).filter { seen.insert($0).inserted }
    }

    /// `{"referrals": {…} | null, "conversions": …, "paths": …}`.
    var json: JSONValue {
        .object(slots.map { name, q in (name, q?.json ?? .null) })
    }
}

extension JSONValue {
    /// The version of the JSON contract in `docs/json.md`; raised when a key changes meaning
    /// or goes away (new keys may appear within a version).
    public static let schemaVersion = 1

    /// A command's JSON document: `schema_version`, `tool`, `command`, `inputs`,
    /// `parameters`, then the command's results, then `data_quality`, in that order.
    /// - Parameters:
    ///   - command: the subcommand (`score`, `spread`, `attribute`).
    ///   - parameters: what the run was asked to do (model, algorithm and their settings).
    ///   - results: the command's own keys.
    ///   - quality: the data-quality counts of each input read.
    public static func document(
        command: String, parameters: [(String, JSONValue)], results: [(String, JSONValue)], quality: InputQualities
    ) -> JSONValue {
        .object(
            [
                ("schema_version", .int(schemaVersion)),
                ("tool", .object([("name", .string(Tool.name)), ("version", .string(Tool.version))])),
                ("command", .string(command)),
                ("inputs", quality.inputs),
                ("parameters", .object(parameters)),
            ] + results + [("data_quality", quality.json)])
    }
}
