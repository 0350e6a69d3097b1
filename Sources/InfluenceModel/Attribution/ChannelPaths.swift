/// Channel paths in ChannelAttribution's format: one row per distinct path, with the
/// conversions, their value and the journeys without a conversion.
///
/// A path's channels are split on `>` with surrounding spaces trimmed; empty segments are
/// passed over, as ChannelAttribution does. Without a value column each conversion is worth 1;
/// without a null column there are no null journeys.
public struct ChannelPaths: Sendable {
    /// The label of a referral without a channel.
    public static let noChannel = "(none)"

    public var file: String
    /// Channels by first appearance.
    public var channels: [String] = []
    /// Row i's channels are `channel[pathStart[i] ..< pathStart[i + 1]]`, in journey order.
    public var pathStart: [Int] = [0]
    public var channel: [Int32] = []
    public var conversions: [Double] = []
    public var value: [Double] = []
    public var nulls: [Double] = []
    /// The file line of each row (0 for derived paths).
    public var line: [Int32] = []
    /// Conversions without a path (derived paths only): organic.
    public var organic = Credit()
    public var organicCounts = AttributionResult.OrganicCounts()
    public var quality = DataQuality()
    private var channelIndex: [String: Int32] = [:]

    /// The number of path rows.
    public var count: Int { conversions.count }

    public init(file: String) { self.file = file }

    /// The channels of row `i`.
    public func path(_ i: Int) -> ArraySlice<Int32> { channel[pathStart[i]..<pathStart[i + 1]] }

    /// The total of every row, organic included.
    public var total: Credit {
        var total = organic
        for i in 0..<count { total += Credit(conversions: conversions[i], value: value[i]) }
        return total
    }

    /// Appends a row.
    public mutating func append(path names: [String], conversions: Double, value: Double, nulls: Double, line: Int = 0) {
        for name in names {
            if let c = channelIndex[name] {
                channel.append(c)
            } else {
                let c = Int32(channels.count)
                channelIndex[name] = c
                channels.append(name)
                channel.append(c)
            }
        }
        pathStart.append(channel.count)
        self.conversions.append(conversions)
        self.value.append(value)
        self.nulls.append(nulls)
        self.line.append(Int32(truncatingIfNeeded: line))
    }

    /// Splits a path on `>`, trimming spaces and passing over empty segments.
    public static func split(_ path: String) -> [String] { PathTable.split(path) }

    /// Reads a path table (see `PathTable`).
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - options: delimiter, column names (`.path`, `.totalConversions`, `.totalConversionValue`, `.totalNull`), error policy.
    /// - Throws: `InputError`.
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ChannelPaths {
        ChannelPaths(try PathTable.read(paths: [path], options: options))
    }

    /// Parses the bytes of a path table.
    /// - Complexity: O(n) in the file's size, expected.
    public static func parse(bytes: [UInt8], file: String, options: ReadOptions = ReadOptions()) throws(InputError) -> ChannelPaths {
        ChannelPaths(try PathTable.parse(bytes: bytes, file: file, options: options))
    }

    /// The paths of a table as read.
    public init(_ table: PathTable) {
        self.init(file: table.file)
        quality = table.quality
        for i in 0..<table.count {
            append(
                path: table.paths[i], conversions: table.conversions[i], value: table.value[i], nulls: table.nulls[i],
                line: Int(table.line[i]))
        }
    }

    /// The paths behind a referral export's conversions (`--paths-from-events`).
    ///
    /// A conversion's path is its chain's channels from the top of the chain down to the
    /// converter; identical paths are one row, in order of first appearance. A referred person
    /// with no credited conversion adds a null journey on their full chain. Conversions without
    /// a chain stay organic.
    /// - Throws: `AttributionError.needsColumn` without a channel column.
    /// - Complexity: O(conversions × chain length + people × depth).
    public init(
        events: ReferralEvents, forest: ReferralParents, chains: ConversionChains,
        conversions: Conversions
    ) throws(AttributionError) {
        guard let channelColumn = events.channel else {
            throw .needsColumn(model: "--paths-from-events", column: "channel", file: events.file, flag: "--channel-column")
        }
        self.init(file: events.file)
        quality = events.quality
        func name(_ row: Int32) -> String {
            let c = channelColumn[Int(row)]
            return c >= 0 ? events.channels.name(c) : Self.noChannel
        }
        var rowOf: [[String]: Int] = [:]
        var pending: [(names: [String], credit: Credit, nulls: Double)] = []
        func add(_ names: [String], _ credit: Credit, nulls: Double) {
            if let r = rowOf[names] {
                pending[r].credit += credit
                pending[r].nulls += nulls
            } else {
                rowOf[names] = pending.count
                pending.append((names, credit, nulls))
            }
        }
        var converted = [Bool](repeating: false, count: events.people.count)
        for i in 0..<chains.count {
            let credit = Credit(conversions: 1, value: conversions.value[i])
            let rows = chains.rows(of: i)
            guard !rows.isEmpty else {
                organic += credit
                switch chains.organicReason[i] {
                case .unknownConverter: organicCounts.unknownConverter += 1
                case .notReferred: organicCounts.notReferred += 1
                case .referredAfterConverting: organicCounts.referredAfterConverting += 1
                case nil: break
                }
                continue
            }
            converted[Int(chains.converter[i])] = true
            add(rows.reversed().map(name), credit, nulls: 0)
        }
        for p in forest.members where forest.parent[Int(p)] >= 0 && !converted[Int(p)] {
            var names: [String] = []
            var child = p
            while forest.parent[Int(child)] >= 0 {
                names.append(name(forest.parentRow[Int(child)]))
                child = forest.parent[Int(child)]
            }
            add(names.reversed(), Credit(), nulls: 1)
        }
        for row in pending {
            append(path: row.names, conversions: row.credit.conversions, value: row.credit.value, nulls: row.nulls)
        }
    }
}
