/// One group's cascades, reduced to what the compared metrics sum, with identical cascades
/// merged into one type that carries their count.
///
/// Every compared metric is a function of sums over the group's cascades (a ratio of two
/// sums, a largest value, or a median of the hops the cascades hold), so a bootstrap
/// replicate that weights each cascade by a Poisson(1) draw is a weighted sum over types:
/// a type of m cascades draws its total weight from Poisson(m).
struct CascadeSample: Sendable {
    /// What each type sums, by position in `fields`.
    enum Field: Int, CaseIterable {
        case cascades, people, sharers, referrals, referred, converted, conversions, value
        /// Cascades of two or more people (those with a structural virality), and their virality.
        case viral, virality
        /// Timed hops, and those below the median's window (see `HopMedian`).
        case hops, hopsBelowWindow
    }
    static let width = Field.allCases.count

    /// The group's name.
    var name: String
    /// Per type: how many cascades it stands for.
    var multiplicity: [Double] = []
    /// Per type: `width` sums of one of its cascades.
    var fields: [Double] = []
    /// Per type: people and generations below the root.
    var size: [Int] = []
    var depth: [Int] = []
    /// Per type: its size class (`SizeClass`), -1 for cascades of one or two.
    var sizeClass: [Int] = []
    /// Every timed hop of the group in hours, ascending, with its type; a type's hops appear
    /// once (its cascades share them).
    var hopHours: [Double] = []
    var hopType: [Int32] = []
    /// Sums of all cascades (each type counted `multiplicity` times).
    var totals: [Double] = []
    /// Referral rows of the group.
    var rows: Int = 0

    /// The number of types.
    var typeCount: Int { multiplicity.count }
    /// The number of cascades.
    var cascadeCount: Int { Int(totals.isEmpty ? 0 : totals[Field.cascades.rawValue]) }

    /// One type's value of `field`.
    @inline(__always) func value(_ type: Int, _ field: Field) -> Double { fields[type * Self.width + field.rawValue] }

    /// Measures the cascades of one scope.
    /// - Parameters:
    ///   - events: the referral export.
    ///   - scope: the group's rows, with its people numbered locally.
    ///   - campaign: the campaign whose conversions count (see `ConvertedPeople`), or `nil`
    ///     for any conversion of the person.
    ///   - converted: the conversions, or `nil` without them.
    /// - Complexity: O(r log r + n) for r rows and n people of the scope.
    init(name: String, events: ReferralEvents, scope: ScopeRows, campaign: Int32?, converted: ConvertedPeople?) {
        self.name = name
        rows = scope.count
        let forest = ReferralForest(scope: scope)
        let cascades = forest.cascades(timestamps: nil)
        let n = scope.peopleCount
        var cascadeOf = [Int32](repeating: -1, count: n)
        for (i, root) in forest.roots.enumerated() { cascadeOf[Int(root)] = Int32(i) }
        let count = cascades.count
        var sums = [Double](repeating: 0, count: count * Self.width)
        func add(_ p: Int32, _ field: Field, _ amount: Double) {
            let c = Int(cascadeOf[Int(forest.root[Int(p)])])
            sums[c * Self.width + field.rawValue] += amount
        }
        var isSharer = [Bool](repeating: false, count: n)
        var isReferred = isSharer
        for k in 0..<scope.count {
            let s = scope.source[k], t = scope.target[k]
            add(s, .referrals, 1)
            if !isSharer[Int(s)] {
                isSharer[Int(s)] = true
                add(s, .sharers, 1)
            }
            if !isReferred[Int(t)] {
                isReferred[Int(t)] = true
                add(t, .referred, 1)
                if let converted {
                    let bought = converted.purchases(scope.person(t), campaign: campaign)
                    if bought.count > 0 {
                        add(t, .converted, 1)
                        add(t, .conversions, Double(bought.count))
                        add(t, .value, bought.value)
                    }
                }
            }
        }
        var hops = [[Double]](repeating: [], count: count)
        if let time = events.timestamp {
            for hop in ScopeSpread.hops(in: forest, time: time) {
                hops[Int(cascadeOf[Int(forest.root[Int(hop.child)])])].append(hop.hours)
            }
        }
        // Merge identical cascades into types, in order of first appearance.
        var typeOf: [TypeKey: Int] = [:]
        var typeHops: [[Double]] = []
        for (c, cascade) in cascades.enumerated() {
            let base = c * Self.width
            sums[base + Field.cascades.rawValue] = 1
            sums[base + Field.people.rawValue] = Double(cascade.size)
            if let v = cascade.structuralVirality {
                sums[base + Field.viral.rawValue] = 1
                sums[base + Field.virality.rawValue] = v
            }
            hops[c].sort()
            sums[base + Field.hops.rawValue] = Double(hops[c].count)
            let key = TypeKey(
                fields: sums[base..<base + Self.width].map(\.bitPattern), depth: cascade.depth, hops: hops[c].map(\.bitPattern))
            if let t = typeOf[key] {
                multiplicity[t] += 1
                continue
            }
            typeOf[key] = multiplicity.count
            multiplicity.append(1)
            fields.append(contentsOf: sums[base..<base + Self.width])
            size.append(cascade.size)
            depth.append(cascade.depth)
            sizeClass.append(SizeClass.of(size: cascade.size))
            typeHops.append(hops[c])
        }
        var allHops: [(hours: Double, type: Int32)] = []
        for (t, list) in typeHops.enumerated() {
            for h in list { allHops.append((h, Int32(t))) }
        }
        allHops.sort { $0.hours != $1.hours ? $0.hours < $1.hours : $0.type < $1.type }
        hopHours = allHops.map(\.hours)
        hopType = allHops.map(\.type)
        totals = [Double](repeating: 0, count: Self.width)
        for t in 0..<typeCount {
            for f in 0..<Self.width { totals[f] += multiplicity[t] * fields[t * Self.width + f] }
        }
    }

    /// Puts the types in `order` (a permutation of the type indices), keeping the hops.
    mutating func reorderTypes(_ order: [Int]) {
        var position = [Int32](repeating: 0, count: typeCount)
        for (new, old) in order.enumerated() { position[old] = Int32(new) }
        multiplicity = order.map { multiplicity[$0] }
        size = order.map { size[$0] }
        depth = order.map { depth[$0] }
        sizeClass = order.map { sizeClass[$0] }
        var reordered = [Double](repeating: 0, count: fields.count)
        for (new, old) in order.enumerated() {
            for f in 0..<Self.width { reordered[new * Self.width + f] = fields[old * Self.width + f] }
        }
        fields = reordered
        hopType = hopType.map { position[Int($0)] }
    }

    /// What makes two cascades interchangeable for every metric.
    private struct TypeKey: Hashable {
        var fields: [UInt64]
        var depth: Int
        var hops: [UInt64]
    }
}

/// Cascade size classes for comparing structure at equal size: 3–4, 5–8, 9–16, … people
/// (class c holds sizes 2^(c−1)+1 … 2^c). Cascades of one or two people have one shape
/// and no class.
public enum SizeClass {
    /// The class of a cascade of `size` people; -1 below 3.
    public static func of(size: Int) -> Int {
        guard size >= 3 else { return -1 }
        return Int.bitWidth - (size - 1).leadingZeroBitCount
    }

    /// The sizes of class `c`.
    public static func sizes(_ c: Int) -> ClosedRange<Int> { ((1 << (c - 1)) + 1)...(1 << c) }
}
