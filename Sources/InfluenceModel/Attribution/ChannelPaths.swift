import CPrefetch

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
        for name in names { channel.append(number(channel: name)) }
        endRow(conversions: conversions, value: value, nulls: nulls, line: line)
    }

    /// Ends a row whose channels have been appended to `channel`.
    private mutating func endRow(conversions: Double, value: Double, nulls: Double, line: Int) {
        pathStart.append(channel.count)
        self.conversions.append(conversions)
        self.value.append(value)
        self.nulls.append(nulls)
        self.line.append(Int32(truncatingIfNeeded: line))
    }

    /// The index of channel `name`, numbered on first sight.
    private mutating func number(channel name: String) -> Int32 {
        if let c = channelIndex[name] { return c }
        let c = Int32(channels.count)
        channelIndex[name] = c
        channels.append(name)
        return c
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
    /// - Complexity: O(conversions × chain length + people), expected.
    public init(
        events: ReferralEvents, forest: ReferralParents, chains: ConversionChains,
        conversions: Conversions
    ) throws(AttributionError) {
        try self.init(
            events: events, forest: forest, chains: chains, conversions: conversions,
            journeys: FullChains(events: events, forest: forest))
    }

    /// `init(events:forest:chains:conversions:)` on the full chains found for the same events
    /// and forest (`FullChains`), which need neither the chains nor the conversions and can be
    /// found beside them; `nil` without a channel column.
    ///
    /// The full chains are consumed: their trie goes on growing here, and a second reference to
    /// it would make its first change copy it whole.
    package init(
        events: ReferralEvents, forest: ReferralParents, chains: ConversionChains,
        conversions: Conversions, journeys: consuming FullChains?
    ) throws(AttributionError) {
        guard events.channel != nil, var journeys = consume journeys else {
            throw .needsColumn(model: "--paths-from-events", column: "channel", file: events.file, flag: "--channel-column")
        }
        precondition(journeys.nodeOf.count == forest.parent.count, "ChannelPaths: full chains of another forest")
        self.init(file: events.file)
        quality = events.quality
        var trie = journeys.takeTrie()
        let label = journeys.labels
        // The people with a credited conversion, whose journeys are not null.
        var converted = [Bool](repeating: false, count: forest.parent.count)
        for i in 0..<chains.count where chains.chainStart[i + 1] > chains.chainStart[i] { converted[Int(chains.converter[i])] = true }
        // The null journeys are counted beside the conversions' rows (on the 10M program
        // export, a walk over 10.9M people and one over 980,753 conversions, 85 and 50 ms on
        // one thread one after the other); their rows come after.
        let (nodes, nodeOf, done) = (trie.nodeParent.count, journeys.nodeOf, converted)
        let (nulls, organic) = Parallel.both(
            { NullCounts(members: forest.members, parent: forest.parent, converted: done, nodeOf: nodeOf, nodes: nodes) },
            { () -> (Credit, AttributionResult.OrganicCounts) in
                var organic = (Credit(), AttributionResult.OrganicCounts())
                for i in 0..<chains.count {
                    let credit = Credit(conversions: 1, value: conversions.value[i])
                    let rows = chains.rows(of: i)
                    guard !rows.isEmpty else {
                        organic.0 += credit
                        switch chains.organicReason[i] {
                        case .unknownConverter: organic.1.unknownConverter += 1
                        case .notReferred: organic.1.notReferred += 1
                        case .referredAfterConverting: organic.1.referredAfterConverting += 1
                        case nil: break
                        }
                        continue
                    }
                    let u = Int(chains.converter[i])
                    // A chain that climbs to the top of its tree is the converter's full chain,
                    // whose node is known: one read instead of a step of the trie, at random, for
                    // each link (most chains; the others stop below a referral made after the
                    // conversion).
                    let top = Int(chains.referrer[chains.chainStart[i + 1] - 1])
                    let full = forest.parent[top] < 0 ? nodeOf[u] : -1
                    trie.add(full >= 0 ? full : rows.reversed().reduce(0) { trie.step($0, label($1)) }, credit, nulls: 0)
                }
                return organic
            })
        (self.organic, organicCounts) = organic
        trie.addNulls(nulls)
        appendRows(of: trie, channels: events.channels)
    }

    /// Every referred person's full chain (the channels of the referrals from the top of
    /// their tree down to them) as a node of a trie of channel labels, root-first: a journey's
    /// node is its first referrer's node extended by one label, so a referred person's full
    /// chain costs one step from their parent's (kept per person), not a climb and an array
    /// of names. A referral without a channel takes the label of a channel named "(none)" if
    /// there is one, as the names would have merged them.
    ///
    /// The null journeys are counted on these nodes; finding them reads only the forest and
    /// the channel column, so it runs beside the conversions' chains. (Found after them, in one
    /// pass with the nulls, for markov on the 10M program export: the walk and its nulls
    /// 0.75–0.8 s of a 1.17 s credit phase on one thread, the other core idle.)
    package struct FullChains: Sendable {
        fileprivate private(set) var trie: PathTrie
        /// Each person's node (-1: not referred; 0, the empty path, for the roots reached).
        fileprivate let nodeOf: [Int32]
        /// Each referral's label.
        fileprivate let labels: Labels

        /// The full chains of `forest`'s people; `nil` without a channel column.
        package init?(events: ReferralEvents, forest: ReferralParents) {
            guard let channel = events.channel else { return nil }
            let none = events.channels.index(of: ChannelPaths.noChannel) ?? -1
            var trie = PathTrie(labels: events.channels.count + 1)
            var nodeOf = [Int32](repeating: -1, count: forest.parent.count)
            forest.members.withUnsafeBufferPointer { members in
                forest.parent.withUnsafeBufferPointer { parent in
                    forest.parentRow.withUnsafeBufferPointer { parentRow in
                        channel.withUnsafeBufferPointer { channel in
                            nodeOf.withUnsafeMutableBufferPointer { nodeOf in
                                let walk = ChainWalk(
                                    members: members, parent: parent, parentRow: parentRow, channel: channel, nodeOf: nodeOf, none: none)
                                walk.run(adding: &trie)
                            }
                        }
                    }
                }
            }
            (self.trie, self.nodeOf, self.labels) = (trie, nodeOf, Labels(channel: channel, none: none))
        }

        /// The trie, leaving an empty one in its place (so that the caller holds its only
        /// reference).
        fileprivate mutating func takeTrie() -> PathTrie {
            var taken = PathTrie()
            swap(&taken, &trie)
            return taken
        }

        /// The label of each event row's referral: its channel, or that of a channel named
        /// "(none)" (`none`, -1 without one) for a referral without a channel.
        fileprivate struct Labels: Sendable {
            let channel: [Int32]
            let none: Int32

            @inline(__always) func callAsFunction(_ row: Int32) -> Int32 {
                let c = channel[Int(row)]
                return c >= 0 ? c : none
            }
        }
    }

    /// Writes the labels of each row of `rows` into `out[start[r] ..< start[r + 1]]`, leaf
    /// last, by climbing the trie (`tree`: each node's parent, every one older than the node,
    /// and label) from the row's node.
    ///
    /// A climb reads a node, then its parent, each a miss at random that waits on the one
    /// before: eight rows are climbed at once instead, a step of each in turn, each step asking
    /// for the node its lane reads next (a hint), so that the misses of different rows overlap.
    /// (One row at a time, the climbs of the 10M program export's million rows took 0.20-0.23 s
    /// of one thread.) Each lane writes only its own row's places.
    private static func climb(
        rows: Range<Int>, of pending: [(node: Int32, credit: Credit, nulls: Double)], start: [Int],
        tree: (parent: UnsafeBufferPointer<Int32>, label: UnsafeBufferPointer<Int32>), into out: SharedBuffer<Int32>
    ) {
        let lanes = 8
        let nodes = tree.parent.count
        precondition(tree.label.count == nodes, "ChannelPaths: the trie's arrays differ in length")
        // Each lane's node (-1: idle), place to write before, and row.
        var lane = [(at: Int32, k: Int, row: Int)](repeating: (-1, 0, 0), count: lanes)
        var next = rows.lowerBound
        var busy = 0
        lane.withUnsafeMutableBufferPointer { lane in
            @inline(__always) func begin(_ l: Int) {
                guard next < rows.upperBound else {
                    lane[l].at = -1
                    return
                }
                let node = pending[next].node
                precondition(node >= 0 && Int(node) < nodes, "ChannelPaths: row \(next) on a node outside the trie")
                lane[l] = (node, start[next + 1], next)
                influence_prefetch(tree.parent.baseAddress! + Int(node))
                influence_prefetch(tree.label.baseAddress! + Int(node))
                next += 1
                busy += 1
            }
            for l in 0..<lanes { begin(l) }
            while busy > 0 {
                for l in 0..<lanes where lane[l].at >= 0 {
                    let at = Int(lane[l].at)
                    if at > 0 {
                        // A node's parent is older, so the climb ends at node 0; the row's places
                        // are as many as its node's depth.
                        let k = lane[l].k &- 1
                        precondition(k >= start[lane[l].row], "ChannelPaths: a row's path is longer than its node's depth")
                        out[k] = tree.label[at]
                        let up = tree.parent[at]
                        precondition(up >= 0 && Int(up) < at, "ChannelPaths: node \(at) under a younger node")
                        influence_prefetch(tree.parent.baseAddress! + Int(up))
                        influence_prefetch(tree.label.baseAddress! + Int(up))
                        lane[l].at = up
                        lane[l].k = k
                    } else {
                        precondition(lane[l].k == start[lane[l].row], "ChannelPaths: a row's path is not its node's depth")
                        busy -= 1
                        begin(l)
                    }
                }
            }
        }
    }

    /// The trie's pending rows as `append(path:…)` would add them, each label's name looked up
    /// once.
    ///
    /// A row's labels are its node's path, read leaf first by climbing the trie: about a million
    /// rows of five labels on the 10M program export, their climbs reading the trie at random
    /// (0.20–0.23 s on one thread). Every node's depth comes first, in one pass (a node's parent
    /// is an older node), then each row's place in `channel`; the climbs then write each row's
    /// labels into its own place, on every thread. The channels are numbered afterwards, in the
    /// rows' order, as one pass of appends would number them.
    private mutating func appendRows(of trie: PathTrie, channels: Interner) {
        let nodes = trie.nodeParent.count
        var depth = [Int32](repeating: 0, count: nodes)
        for x in 1..<max(nodes, 1) {
            let up = Int(trie.nodeParent[x])
            precondition(up >= 0 && up < x, "ChannelPaths: node \(x) under a younger node")
            depth[x] = depth[up] + 1
        }
        let pending = trie.pending
        let base = channel.count
        var start = [Int](repeating: base, count: pending.count + 1)
        for (r, row) in pending.enumerated() { start[r + 1] = start[r] + Int(depth[Int(row.node)]) }
        // Labels first (−1: no channel), channels after.
        channel.append(contentsOf: repeatElement(0, count: start[pending.count] - base))
        channel.withUnsafeMutableBufferPointer { channel in
            let out = SharedBuffer(channel)
            let parts = Parallel.ranges(pending.count, parts: pending.count < 1 << 12 ? 1 : 4 * Parallel.threads)
            trie.nodeParent.withUnsafeBufferPointer { nodeParent in
                trie.nodeLabel.withUnsafeBufferPointer { nodeLabel in
                    let tree = (parent: UncheckedSendable(nodeParent), label: UncheckedSendable(nodeLabel))
                    Parallel.forEach(parts.count) { p in
                        Self.climb(rows: parts[p], of: pending, start: start, tree: (tree.parent.value, tree.label.value), into: out)
                    }
                }
            }
        }
        // The channel of label l at l + 1 (-1, no channel, at 0), -1 until looked up.
        var channelOf = [Int32](repeating: -1, count: channels.count + 1)
        for k in base..<channel.count {
            let l = Int(channel[k])
            if channelOf[l + 1] < 0 { channelOf[l + 1] = number(channel: l >= 0 ? channels.name(Int32(l)) : Self.noChannel) }
            channel[k] = channelOf[l + 1]
        }
        pathStart.append(contentsOf: start.dropFirst())
        conversions.append(contentsOf: pending.lazy.map(\.credit.conversions))
        value.append(contentsOf: pending.lazy.map(\.credit.value))
        nulls.append(contentsOf: pending.lazy.map(\.nulls))
        line.append(contentsOf: repeatElement(0, count: pending.count))
    }
}

/// The walk of `ChannelPaths.FullChains`: the forest's arrays and the channel column read
/// through pointers. Each member costs about a dozen reads, most at random; through the arrays
/// each read checked its bounds (markov on the 10.9M-person program export, four runs each
/// alternating with the build before: the credit phase 954–1079 ms before, 932–979 ms after).
/// Every index is checked once before the loop or before it is read: the members and parents
/// against the people, the parent rows against the channel column.
private struct ChainWalk {
    let members: UnsafeBufferPointer<Int32>
    let parent: UnsafeBufferPointer<Int32>
    let parentRow: UnsafeBufferPointer<Int32>
    let channel: UnsafeBufferPointer<Int32>
    let nodeOf: UnsafeMutableBufferPointer<Int32>
    /// The label of a referral without a channel.
    let none: Int32

    @inline(__always) func label(_ row: Int) -> Int32 {
        precondition(row >= 0 && row < channel.count, "ChannelPaths: parent row \(row) outside the events")
        let c = channel[row]
        return c >= 0 ? c : none
    }

    /// Finds the node of each referred member's full chain, in member order, adding the nodes
    /// to `trie`, and keeps every node it finds in `nodeOf`.
    ///
    /// The members come in order of first appearance, so each one's entries are read at random:
    /// they are fetched 64 members ahead; the parent's node and the referral's channel 32
    /// ahead, once the parent and the row are in cache; and 16 ahead, once those are, the
    /// trie's slot for the parent's node and that channel (hints, which change no result). The
    /// parents are anywhere among the people, so the last two are misses from memory, one
    /// waiting on the other: at 16, 8 and 4 ahead, the walk of the 10M program export took
    /// 315-347 ms, at 32, 16 and 8 ahead 253-277 ms, at these distances 223-243 ms (three runs
    /// each, alternating).
    func run(adding trie: inout PathTrie) {
        let n = nodeOf.count
        precondition(parent.count == n && parentRow.count == n, "ChannelPaths: the forest's arrays differ in length")
        for p in members { precondition(p >= 0 && Int(p) < n, "ChannelPaths: member \(p) outside the people") }
        for p in parent { precondition(p < Int32(truncatingIfNeeded: n), "ChannelPaths: parent \(p) outside the people") }
        let count = members.count
        @inline(__always) func fetch(_ i: Int, stage: Int, _ trie: PathTrie) {
            guard i < count else { return }
            let m = Int(members[i])
            if stage == 0 {
                influence_prefetch(parent.baseAddress! + m)
                influence_prefetch(parentRow.baseAddress! + m)
                influence_prefetch(nodeOf.baseAddress! + m)
                return
            }
            let up = Int(parent[m]), row = Int(parentRow[m])
            if stage == 1 {
                if up >= 0 { influence_prefetch(nodeOf.baseAddress! + up) }
                if row >= 0, row < channel.count { influence_prefetch(channel.baseAddress! + row) }
                return
            }
            guard up >= 0, row >= 0, row < channel.count else { return }
            let node = nodeOf[up]
            if node >= 0 { trie.prefetch(node, label(row)) }
        }
        var climb: [Int32] = []
        for i in 0..<count {
            fetch(i &+ 64, stage: 0, trie)
            fetch(i &+ 32, stage: 1, trie)
            fetch(i &+ 16, stage: 2, trie)
            let p = members[i]
            let up = parent[Int(p)]
            guard up >= 0, nodeOf[Int(p)] < 0 else { continue }
            // Most parents have their node already (people appear after whoever referred
            // them): one step, without the climb.
            let above = nodeOf[Int(up)]
            if above >= 0 {
                nodeOf[Int(p)] = trie.step(above, label(Int(parentRow[Int(p)])))
                continue
            }
            var a = p
            while nodeOf[Int(a)] < 0, parent[Int(a)] >= 0 {
                climb.append(a)
                a = parent[Int(a)]
            }
            // A root's full chain is the empty path, node 0: kept, so that its children's
            // trie slots can be fetched ahead too.
            if nodeOf[Int(a)] < 0 { nodeOf[Int(a)] = 0 }
            var node = nodeOf[Int(a)]
            while let b = climb.popLast() {
                node = trie.step(node, label(Int(parentRow[Int(b)])))
                nodeOf[Int(b)] = node
            }
        }
    }
}

/// The trie of channel labels behind `ChannelPaths.FullChains`: node 0
/// is the empty path and each other node a path, its parent's extended by one label; each node
/// reached keeps one pending row that sums its credit, in order of first use.
///
/// A struct with mutating methods, not closures over local arrays, so that its accesses are
/// checked when compiled, not at every step at run time.
private struct PathTrie: Sendable {
    var nodeParent: [Int32] = [-1]
    var nodeLabel: [Int32] = [0]
    /// Each node's pending row, -1 for none yet.
    var rowOf: [Int32] = [-1]
    /// The children of nodes whose labels are not all below `stride - 1` (every node's, when
    /// `stride` is 0).
    var child = IntegerMap()
    /// With few labels, each node's children in a row of `stride` slots, by label + 1 (-1:
    /// none yet), so that a step reads one slot rather than probing a hash table: on the 10M
    /// program export (six channels, about a million nodes) a 28 MB table against the map's
    /// 32-64 MB of 16-byte slots. Empty with `stride` 0.
    private var dense: [Int32] = []
    private let stride: Int
    var pending: [(node: Int32, credit: Credit, nulls: Double)] = []

    /// A trie whose labels are mostly -1 ..< `labels` - 1 (channel numbers, -1 for none):
    /// children by label in a table when there are at most 64 of them, else in a hash map.
    init(labels: Int = 0) {
        stride = labels > 0 && labels <= 64 ? labels : 0
        dense = [Int32](repeating: -1, count: stride)
    }

    @inline(__always)
    static func key(_ node: Int32, _ label: Int32) -> Int64 { Int64(node) << 32 | Int64(UInt32(bitPattern: label)) }

    /// The slot of `node`'s child by `label` in `dense`, or -1 when it is in `child`.
    @inline(__always)
    private func slot(_ node: Int32, _ label: Int32) -> Int {
        let column = Int(label) &+ 1
        guard UInt(bitPattern: column) < UInt(stride) else { return -1 }
        // `node` is a node of this trie (each has its row of slots): checked once by the
        // array's access below.
        return Int(node) &* stride &+ column
    }

    /// The node of `node`'s path extended by `label`, made if new.
    @inline(__always)
    mutating func step(_ node: Int32, _ label: Int32) -> Int32 {
        let at = slot(node, label)
        let fresh = Int32(nodeParent.count)
        if at >= 0 {
            let held = dense[at]
            if held >= 0 { return held }
            dense[at] = fresh
            dense.append(contentsOf: repeatElement(-1, count: stride))
        } else {
            let (next, added) = child.value(of: Self.key(node, label), insertingIfAbsent: fresh)
            guard added else { return next }
            if stride > 0 { dense.append(contentsOf: repeatElement(-1, count: stride)) }
        }
        nodeParent.append(node)
        nodeLabel.append(label)
        rowOf.append(-1)
        return fresh
    }

    /// Asks the processor to fetch the slot `step(node, label)` reads first (a hint).
    @inline(__always)
    func prefetch(_ node: Int32, _ label: Int32) {
        let at = slot(node, label)
        if at < 0 {
            child.prefetch(Self.key(node, label))
        } else if at < dense.count {
            dense.withUnsafeBufferPointer { influence_prefetch($0.baseAddress! + at) }
        }
    }

    /// Adds the null journeys `counts` found to their nodes' rows: a node without a row gets
    /// one in the order of its first null journey's member, after every row there is.
    mutating func addNulls(_ counts: NullCounts) {
        for node in counts.firsts where rowOf[Int(node)] < 0 {
            rowOf[Int(node)] = Int32(pending.count)
            pending.append((node, Credit(), 0))
        }
        let count = counts.count
        for r in pending.indices {
            let node = Int(pending[r].node)
            if node < count.count { pending[r].nulls += Double(count[node]) }
        }
    }
}

/// The null journeys of a forest's people: how many referred members not in `converted` have
/// each node as their full chain, and the nodes in the order of their first such member.
///
/// Found apart from the trie (whose nodes they count), so that they can be counted beside the
/// conversions' rows, which add to the trie. A member reads one count at random (from an
/// array of 4 bytes a node, which stays in cache); the sum of ones is the same in any order.
/// The count eight members ahead is fetched first (a hint).
private struct NullCounts {
    /// Null journeys on each node below `nodes`.
    var count: [Int32]
    /// The nodes with null journeys, in order of their first member.
    var firsts: [Int32] = []

    init(members: [Int32], parent: [Int32], converted: [Bool], nodeOf: [Int32], nodes: Int) {
        let n = nodeOf.count
        precondition(parent.count == n && converted.count == n, "ChannelPaths: the forest's arrays differ in length")
        var count = [Int32](repeating: 0, count: nodes)
        var firsts: [Int32] = []
        members.withUnsafeBufferPointer { members in
            parent.withUnsafeBufferPointer { parent in
                converted.withUnsafeBufferPointer { converted in
                    nodeOf.withUnsafeBufferPointer { nodeOf in
                        count.withUnsafeMutableBufferPointer { count in
                            for p in members { precondition(p >= 0 && Int(p) < n, "ChannelPaths: member \(p) outside the people") }
                            for p in nodeOf {
                                precondition(p < Int32(truncatingIfNeeded: nodes), "ChannelPaths: node \(p) outside the trie")
                            }
                            for i in members.indices {
                                if i &+ 8 < members.count {
                                    let ahead = nodeOf[Int(members[i &+ 8])]
                                    if ahead >= 0 { influence_prefetch(count.baseAddress! + Int(ahead)) }
                                }
                                let m = Int(members[i])
                                guard parent[m] >= 0, !converted[m] else { continue }
                                let node = Int(nodeOf[m])
                                precondition(node >= 0, "ChannelPaths: referred member \(m) without a full chain")
                                if count[node] == 0 { firsts.append(Int32(node)) }
                                count[node] &+= 1
                            }
                        }
                    }
                }
            }
        }
        (self.count, self.firsts) = (count, firsts)
    }
}

extension PathTrie {
    /// Adds `credit` and `nulls` to `node`'s pending row.
    @inline(__always)
    mutating func add(_ node: Int32, _ credit: Credit, nulls: Double) {
        let r = Int(rowOf[Int(node)])
        if r >= 0 {
            pending[r].credit += credit
            pending[r].nulls += nulls
        } else {
            rowOf[Int(node)] = Int32(pending.count)
            pending.append((node, credit, nulls))
        }
    }
}
