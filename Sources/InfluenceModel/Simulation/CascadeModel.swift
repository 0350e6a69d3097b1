/// How the Independent Cascade model's edge probabilities are set.
public enum EdgeProbabilityRule: Sendable, Equatable {
    /// The same probability on every edge.
    case constant(Double)
    /// Each sender's success rate over the people they referred.
    case perSender
    /// Each channel's success rate over its referrals (edges without a channel use the
    /// overall rate).
    case perChannel
    /// Each sender's success rate on each channel, shrunk toward the channel's rate:
    /// (successes + k·p_channel) / (referrals + k), with `strength` k pseudo-referrals.
    case shrunk(strength: Double)
    /// Given by a column of the export; edges it gives no value for are counted in
    /// `CascadeModel.missing` and get 0.
    case given(GivenProbabilities)
}

/// The Independent Cascade model of a referral graph (Kempe, Kleinberg and Tardos 2003):
/// when a person becomes active, each referral edge source → target gets one chance to
/// activate the target, with the edge's probability.
///
/// Probabilities are estimated from the export: a referral s → t succeeded when t converted
/// or went on to refer someone (DESIGN.md, Simulate and plan). Repeated referrals of one
/// pair are one edge.
public struct CascadeModel: Sendable {
    /// People, index = node.
    public let people: Interner
    /// Edges source → target in CSR form: the targets of node v are
    /// `target[rowStart[v] ..< rowStart[v + 1]]`, each with its probability.
    public let rowStart: [Int]
    public let target: [Int32]
    public let probability: [Double]
    /// The rule that set the probabilities, and what the estimate rests on.
    public let rule: EdgeProbabilityRule
    /// Edges whose target succeeded (converted or referred someone), of `edgeCount`.
    public let successfulEdges: Int
    /// Per channel (by name): edges and successes, for the report of a per-channel or shrunk
    /// estimate; empty otherwise.
    public let channelCounts: [(channel: String, edges: Int, successes: Int)]
    /// With `.given`: edges the column gives no probability for, and the first of them.
    public private(set) var missing = 0
    public private(set) var missingExample: (source: String, target: String)?

    /// The number of people.
    public var nodeCount: Int { people.count }
    /// The number of edges.
    public var edgeCount: Int { target.count }

    /// Builds the model from a referral export.
    /// - Parameters:
    ///   - events: the referrals.
    ///   - conversions: purchases (a converted target is a success); `nil` counts only
    ///     onward referrals as success.
    ///   - rule: how to set each edge's probability.
    /// - Complexity: O(rows + people).
    public init(events: ReferralEvents, conversions: Conversions? = nil, rule: EdgeProbabilityRule) {
        self.init(graph: ReferralGraph(events: events), events: events, conversions: conversions, rule: rule)
    }

    /// Builds the model on the graph of `events` already built (`ReferralGraph(events:)`).
    public init(graph: ReferralGraph, events: ReferralEvents, conversions: Conversions? = nil, rule: EdgeProbabilityRule) {
        people = events.people
        self.rule = rule
        let n = events.people.count
        var succeeded = [Bool](repeating: false, count: n)
        for r in 0..<events.count { succeeded[Int(events.source[r])] = true }
        if let conversions {
            let person = events.people.indices(of: conversions.users)
            for u in conversions.user where person[Int(u)] >= 0 { succeeded[Int(person[Int(u)])] = true }
        }
        rowStart = graph.forward.rowStart
        target = graph.forward.column
        let edges = target.count
        var success = [Bool](repeating: false, count: edges)
        var successes = 0
        for e in 0..<edges where succeeded[Int(target[e])] {
            success[e] = true
            successes += 1
        }
        successfulEdges = successes
        // The channel of each edge: that of the row it keeps.
        let channelOf: [Int32] = events.channel.map { column in graph.edgeRow.map { column[Int($0)] } } ?? []
        var perChannel: [(edges: Int, successes: Int)] = Array(repeating: (0, 0), count: events.channels.count)
        for e in 0..<edges where !channelOf.isEmpty && channelOf[e] >= 0 {
            perChannel[Int(channelOf[e])].edges += 1
            if success[e] { perChannel[Int(channelOf[e])].successes += 1 }
        }
        let overall = edges == 0 ? 0 : Double(successes) / Double(edges)
        func channelRate(_ e: Int) -> Double {
            guard !channelOf.isEmpty, channelOf[e] >= 0 else { return overall }
            let c = perChannel[Int(channelOf[e])]
            return c.edges == 0 ? overall : Double(c.successes) / Double(c.edges)
        }
        var p = [Double](repeating: 0, count: edges)
        let rowStart = self.rowStart
        switch rule {
        case .constant(let value):
            p = [Double](repeating: value, count: edges)
        case .given(let given):
            for v in 0..<n {
                let source = events.people.name(Int32(v))
                for e in rowStart[v]..<rowStart[v + 1] {
                    let target = events.people.name(target[e])
                    if let value = given.probability(source: source, target: target) {
                        p[e] = value
                    } else {
                        missing += 1
                        if missingExample == nil { missingExample = (source, target) }
                    }
                }
            }
        case .perSender:
            for v in 0..<n {
                let range = rowStart[v]..<rowStart[v + 1]
                guard !range.isEmpty else { continue }
                let rate = Double(range.count(where: { success[$0] })) / Double(range.count)
                for e in range { p[e] = rate }
            }
        case .perChannel:
            for e in 0..<edges { p[e] = channelRate(e) }
        case .shrunk(let strength):
            for v in 0..<n {
                let range = rowStart[v]..<rowStart[v + 1]
                // The sender's edges by channel (-1: none).
                var tally: [Int32: (edges: Double, successes: Double)] = [:]
                for e in range {
                    let c = channelOf.isEmpty ? -1 : channelOf[e]
                    tally[c, default: (0, 0)].edges += 1
                    if success[e] { tally[c, default: (0, 0)].successes += 1 }
                }
                for e in range {
                    let c = channelOf.isEmpty ? -1 : channelOf[e]
                    let own = tally[c]!
                    p[e] = (own.successes + strength * channelRate(e)) / (own.edges + strength)
                }
            }
        }
        probability = p
        channelCounts =
            channelOf.isEmpty
            ? []
            : (0..<Int32(events.channels.count)).sorted { events.channels.precedes($0, $1) }.map {
                (events.channels.name($0), perChannel[Int($0)].edges, perChannel[Int($0)].successes)
            }
    }

    /// A model from explicit edges (for tests and programs): `edges` as (source, target,
    /// probability) over `people`.
    public init(people: Interner, edges: [(Int32, Int32, Double)]) {
        self.people = people
        rule = .constant(.nan)
        let sorted = edges.enumerated().sorted { a, b in
            a.element.0 != b.element.0 ? a.element.0 < b.element.0 : a.offset < b.offset
        }.map(\.element)
        var start = [Int](repeating: 0, count: people.count + 1)
        for (s, _, _) in sorted { start[Int(s) + 1] += 1 }
        for v in 0..<people.count { start[v + 1] += start[v] }
        rowStart = start
        target = sorted.map(\.1)
        probability = sorted.map(\.2)
        successfulEdges = 0
        channelCounts = []
    }
}

/// Why a simulation cannot run as asked.
public enum SimulationError: Error, CustomStringConvertible, Equatable, Sendable {
    case noSeeds
    case unknownSeeds(names: [String], file: String)
    case tooManySets(sets: Int, members: Int, meanSize: Double, epsilon: Double)

    public var exitCode: Int32 {
        switch self {
        case .noSeeds: return 64
        case .unknownSeeds, .tooManySets: return 65
        }
    }

    public var description: String {
        switch self {
        case .noSeeds:
            return "no seeds: name the people to start from with --seeds a,b,c or --seeds-file FILE (one id per line)."
        case .unknownSeeds(let names, let file):
            let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            return
                "\(file): \(names.count) seed\(names.count == 1 ? " is" : "s are") not in the referral export: \(shown)\(names.count > 5 ? ", …" : ""). "
                + "Seeds must be ids that appear as referrer or referred."
        case .tooManySets(let sets, let members, let meanSize, let epsilon):
            let large = meanSize >= 100
            return
                "IMM would need \(sets) reverse-reachable sets (about \(members) members, \(Int(meanSize.rounded())) on average) for epsilon \(epsilon) on this graph, "
                + "more than memory allows. "
                + (large
                    ? "The sets are large because the edge probabilities let a cascade reach much of the graph; check the estimate (--estimate, --probability) before raising --epsilon."
                    : "Raise --epsilon (e.g. 0.3), choose fewer seeds, or use --method celf on a small graph.")
        }
    }
}

extension SimulationError: InfluenceError {}

extension CascadeModel {
    /// The node of each seed id (normalized as the export's ids are).
    /// - Throws: `SimulationError.noSeeds` for an empty list, `.unknownSeeds` naming the ids
    ///   the export does not have.
    public func nodes(ofSeeds ids: [String], exactIds: Bool = false, file: String) throws(SimulationError) -> [Int32] {
        guard !ids.isEmpty else { throw .noSeeds }
        var nodes: [Int32] = [], unknown: [String] = []
        for id in ids {
            if let v = people.index(of: PersonId.normalize(id, exact: exactIds)) { nodes.append(v) } else { unknown.append(id) }
        }
        guard unknown.isEmpty else { throw .unknownSeeds(names: unknown, file: file) }
        return nodes
    }
}
