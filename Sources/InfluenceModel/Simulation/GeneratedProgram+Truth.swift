extension GeneratedProgram {
    /// The model in one paragraph (also in `truth.json`, `--help` and the README).
    public static let modelDescription = """
        Each campaign seeds advocates, who start sharing uniformly over the first days. Every person has a \
        sharing propensity drawn from a gamma distribution (mean: the campaign's offspring mean, shape: the \
        dispersion) and shares with a Poisson number of friends of that mean, so invitations per person are \
        negative binomial, heavy-tailed. Each invitation goes over a channel chosen uniformly; the friend is \
        reached after a log-normal delay around the channel's median, and converts with the channel's \
        probability after another such delay, for a log-normal value. Some advocates converted unreferred; \
        some referred people are referred again later by an earlier member of their cascade (repeats); some \
        refer one of their ancestors back (cycles). Cascades are drawn until the number of people is reached.
        """

    /// Channel paths in ChannelAttribution's format: for each referred person, the channels of
    /// the chain from their advocate down to them (`email > facebook`), counted as a conversion
    /// with its value or as a null; rows sorted by path.
    /// - Complexity: O(people) plus the distinct paths' lengths.
    public func pathsCSV() -> [UInt8] {
        // A trie of paths: node 0 is the empty path; node of i = child(node of parent, channel).
        var node = [Int32](repeating: 0, count: count)
        var children: [Int: Int32] = [:]
        var up: [Int32] = [-1]
        var via: [UInt8] = [0]
        var conversions: [Int] = [0], cents: [Int64] = [0], nulls: [Int] = [0]
        for i in 0..<count where parent[i] >= 0 {
            let from = Int(node[Int(parent[i])])
            let key = from << 8 | Int(channel[i])
            let t: Int32
            if let found = children[key] {
                t = found
            } else {
                t = Int32(up.count)
                children[key] = t
                up.append(Int32(from))
                via.append(channel[i])
                conversions.append(0)
                cents.append(0)
                nulls.append(0)
            }
            node[i] = t
            if conversionTime[i] != Self.noConversion {
                conversions[Int(t)] += 1
                cents[Int(t)] += valueCents[i]
            } else {
                nulls[Int(t)] += 1
            }
        }
        let names = parameters.channels.map { Array($0.name.utf8) }
        var rows: [([UInt8], Int)] = []
        for t in 1..<up.count where conversions[t] + nulls[t] > 0 {
            var steps: [UInt8] = []
            var v = t
            while v > 0 {
                steps.append(via[v])
                v = Int(up[v])
            }
            var path: [UInt8] = []
            for (k, s) in steps.reversed().enumerated() {
                if k > 0 { path.append(contentsOf: Array(" > ".utf8)) }
                path.append(contentsOf: names[Int(s)])
            }
            rows.append((path, t))
        }
        rows.sort { $0.0.lexicographicallyPrecedes($1.0) }
        var out = ExportBytes()
        out.append(Array("path,total_conversions,total_conversion_value,total_null\n".utf8))
        for (path, t) in rows {
            out.append(ExportBytes.field(String(decoding: path, as: UTF8.self)))
            out.comma()
            out.decimal(conversions[t])
            out.comma()
            out.money(cents[t], style: .plain)
            out.comma()
            out.decimal(nulls[t])
            out.newline()
        }
        return out.bytes
    }

    /// What the model knew, per person: `person,campaign,cascade,parent,channel,generation,
    /// reached_at,sharing_propensity,invites,descendants,converted,value`.
    public func truthCSV() -> [UInt8] { Self.join(truthChunks()) }

    /// `truthCSV` in the pieces the threads formatted.
    func truthChunks() -> [[UInt8]] {
        let campaigns = NameTable(parameters.campaigns.map(\.name))
        let channels = NameTable(parameters.channels.map(\.name))
        // The advocate of each person: parents come first, so one forward pass.
        var root = [Int32](repeating: 0, count: count)
        for i in 0..<count { root[i] = parent[i] < 0 ? Int32(i) : root[Int(parent[i])] }
        let header = "person,campaign,cascade,parent,channel,generation,reached_at,sharing_propensity,invites,descendants,converted,value\n"
        let day = parameters.startDay
        return formatted(count, header: header) { out, range in
            withColumns(order: [], campaigns: campaigns, channels: channels) { col in
                root.withUnsafeBufferPointer { root in
                    generation.withUnsafeBufferPointer { generation in
                        invites.withUnsafeBufferPointer { invites in
                            descendants.withUnsafeBufferPointer { descendants in
                                propensity.withUnsafeBufferPointer { propensity in
                                    for i in range {
                                        out.id(i)
                                        out.comma()
                                        out.append(name: Int(col.campaign[i]), of: col.campaigns)
                                        out.comma()
                                        out.id(Int(root[i]))
                                        out.comma()
                                        if col.parent[i] >= 0 {
                                            out.id(Int(col.parent[i]))
                                            out.comma()
                                            out.append(name: Int(col.channel[i]), of: col.channels)
                                        } else {
                                            out.comma()
                                        }
                                        out.comma()
                                        out.decimal(Int(generation[i]))
                                        out.comma()
                                        out.time(col.reached[i], startDay: day, style: .iso)
                                        out.comma()
                                        out.fixed4(propensity[i])
                                        out.comma()
                                        out.decimal(Int(invites[i]))
                                        out.comma()
                                        out.decimal(Int(descendants[i]))
                                        if col.conversionTime[i] != Self.noConversion {
                                            out.append(",1,")
                                            out.money(col.valueCents[i], style: .plain)
                                        } else {
                                            out.append(",0,")
                                        }
                                        out.newline()
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The parameters and the planted truth: each channel's conversion rate and each
    /// campaign's offspring mean, with what this draw realised beside them.
    public func truthJSON() -> JSONValue {
        let p = parameters
        var reachedOn = [Int](repeating: 0, count: p.channels.count)
        var convertedOn = [Int](repeating: 0, count: p.channels.count)
        var people = [Int](repeating: 0, count: p.campaigns.count)
        var cascadesOf = [Int](repeating: 0, count: p.campaigns.count)
        var referralsOf = [Int](repeating: 0, count: p.campaigns.count)
        var unreferred = 0, referredConversions = 0
        for i in 0..<count {
            let c = Int(campaign[i])
            people[c] += 1
            let converted = conversionTime[i] != Self.noConversion
            if parent[i] < 0 {
                cascadesOf[c] += 1
                if converted { unreferred += 1 }
            } else {
                referralsOf[c] += 1
                reachedOn[Int(channel[i])] += 1
                if converted {
                    convertedOn[Int(channel[i])] += 1
                    referredConversions += 1
                }
            }
        }
        var first = ExportBytes()
        first.time(0, startDay: p.startDay, style: .iso)
        let start = String(decoding: first.bytes, as: UTF8.self)
        let repeats = extras.filter { !$0.isCycle }.count
        let cycles = extras.count - repeats
        let channels: [JSONValue] = p.channels.enumerated().map { h, c in
            .object([
                ("name", .string(c.name)), ("conversion_rate", .number(c.conversionRate)), ("median_hours", .number(c.medianHours)),
                ("share", .number(1 / Double(p.channels.count))), ("people_reached", .int(reachedOn[h])),
                ("converted", .int(convertedOn[h])),
                ("realised_conversion_rate", reachedOn[h] == 0 ? .null : .number(Double(convertedOn[h]) / Double(reachedOn[h]))),
            ])
        }
        let campaigns: [JSONValue] = p.campaigns.enumerated().map { c, x in
            .object([
                ("name", .string(x.name)), ("offspring_mean", .number(x.offspringMean)), ("cascades", .int(cascadesOf[c])),
                ("people", .int(people[c])), ("tree_referrals", .int(referralsOf[c])),
                ("realised_offspring_mean", people[c] == 0 ? .null : .number(Double(referralsOf[c]) / Double(people[c]))),
            ])
        }
        return .object([
            ("schema_version", .int(1)),
            ("tool", .string("influence generate")),
            ("model", .string(Self.modelDescription)),
            (
                "parameters",
                .object([
                    ("people", .int(p.people)), ("seed", .string(String(p.seed))), ("dispersion", .number(p.dispersion)),
                    ("repeat_rate", .number(p.repeatRate)), ("cycle_rate", .number(p.cycleRate)),
                    ("unreferred_rate", .number(p.unreferredRate)), ("value_median", .number(p.valueMedian)),
                    ("value_sigma", .number(p.valueSigma)), ("delay_sigma", .number(p.delaySigma)), ("days", .int(p.days)),
                    ("start", .string(start)),
                ])
            ),
            ("channels", .array(channels)),
            ("campaigns", .array(campaigns)),
            (
                "counts",
                .object([
                    ("people", .int(count)), ("cascades", .int(cascades)), ("referrals", .int(count - cascades + extras.count)),
                    ("tree_referrals", .int(count - cascades)), ("repeats", .int(repeats)), ("cycles", .int(cycles)),
                    ("conversions", .int(unreferred + referredConversions)), ("referred_conversions", .int(referredConversions)),
                    ("unreferred_conversions", .int(unreferred)),
                ])
            ),
        ])
    }

    /// The files `influence generate` writes, in order.
    public static let fileNames = ["events.csv", "conversions.csv", "paths.csv", "truth.csv", "truth.json"]

    /// The bytes of one of `fileNames` in `vendor`'s layout.
    public func file(_ name: String, vendor: GeneratorVendor = .canonical) -> [UInt8] { Self.join(chunks(name, vendor: vendor)) }

    /// Joins chunks into one array (one copy each, no element-wise iteration).
    static func join(_ chunks: [[UInt8]]) -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { all.append(contentsOf: chunk) }
        return all
    }

    /// `file(_:vendor:)` in the pieces the threads formatted, as `write(to:vendor:timings:)`
    /// writes them (`OutputFile.write(chunks:to:)`), without joining them.
    public func chunks(_ name: String, vendor: GeneratorVendor = .canonical) -> [[UInt8]] {
        switch name {
        case "events.csv": eventsChunks(vendor: vendor)
        case "conversions.csv": conversionsChunks(vendor: vendor)
        case "paths.csv": [pathsCSV()]
        case "truth.csv": truthChunks()
        default: [Array(truthJSON().rendered().utf8)]
        }
    }

    /// Writes every file into `folder` (made if missing), each atomically, recording the time
    /// of formatting and writing each in `timings`.
    /// - Returns: the names and sizes written.
    /// - Throws: `OutputError`.
    @discardableResult
    public func write(
        to folder: String, vendor: GeneratorVendor = .canonical, timings: PhaseTimings? = nil
    ) throws(OutputError) -> [(name: String, bytes: Int)] {
        try OutputFile.makeFolder(folder)
        var written: [(name: String, bytes: Int)] = []
        let clock = timings ?? PhaseTimings()
        for name in Self.fileNames {
            let pieces = clock.measure("format " + name) { chunks(name, vendor: vendor) }
            let size = pieces.reduce(0) { $0 + $1.count }
            try clock.measure("write " + name, bytes: size) { () throws(OutputError) in
                try OutputFile.write(chunks: pieces, to: folder + "/" + name)
            }
            written.append((name, size))
        }
        return written
    }
}
