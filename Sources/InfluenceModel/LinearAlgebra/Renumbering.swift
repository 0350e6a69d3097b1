/// People renumbered in breadth-first order of the referral graph, so that the sparse product
/// reads x in order rather than at random.
///
/// y ← W·x gathers, for each row s, x at the people s referred. With people numbered by
/// first appearance, those are scattered over the whole vector; once the vectors outgrow the
/// cache every gather is a trip to memory (on the 10M-referral program export, 10.9M people,
/// the product was about 60% of `score`'s time). Numbered breadth-first from each unnumbered
/// person in turn, the people s referred for the first time get consecutive numbers, and the
/// rows come in the same order as those blocks, so on a referral forest the product reads x
/// front to back.
///
/// Each row keeps its entries in their original order, so every row's sum is formed from the
/// same terms in the same order and W·x has the same bits, only permuted. Reductions over the
/// whole vector (norms, the dangling mass) are added in the new order, so scores may differ
/// from the unpermuted iteration in the last bits; the order depends only on the graph, never
/// on the thread count.
struct Renumbering: Sendable {
    /// Old person of each new number.
    let order: [Int32]
    /// New number of each old person.
    let number: [Int32]

    /// Products over fewer people than this are left as they are: their vectors stay in cache.
    static let minimumPeople = 1 << 17

    /// Whether renumbering pays for a sparse operator of `people` people.
    static func pays(people: Int) -> Bool { people >= minimumPeople }

    /// Breadth-first order of `a`'s rows and columns (a square matrix).
    /// - Complexity: O(rows + entries).
    init(_ a: CSRMatrix) {
        precondition(a.rows == a.columns, "Renumbering: the matrix is \(a.rows)×\(a.columns), not square")
        let n = a.rows
        var number = [Int32](repeating: -1, count: n)
        var order = [Int32]()
        order.reserveCapacity(n)
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { column in
                number.withUnsafeMutableBufferPointer { number in
                    var head = 0
                    for s in 0..<n where number[s] < 0 {
                        number[s] = Int32(truncatingIfNeeded: order.count)
                        order.append(Int32(truncatingIfNeeded: s))
                        while head < order.count {
                            let u = Int(order[head])
                            head += 1
                            for e in start[u]..<start[u + 1] {
                                let c = Int(column[e])
                                if number[c] < 0 {
                                    number[c] = Int32(truncatingIfNeeded: order.count)
                                    order.append(column[e])
                                }
                            }
                        }
                    }
                }
            }
        }
        self.order = order
        self.number = number
    }

    /// `a` with rows and columns renumbered; each row's entries keep their order.
    func apply(_ a: CSRMatrix) -> CSRMatrix {
        let n = a.rows
        var rowStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            let old = Int(order[i])
            rowStart[i + 1] = rowStart[i] + (a.rowStart[old + 1] - a.rowStart[old])
        }
        // A per-entry array with its rows in the new order.
        func rows<T>(_ entries: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(entries.count)
            for old in order { out.append(contentsOf: entries[a.rowStart[Int(old)]..<a.rowStart[Int(old) + 1]]) }
            return out
        }
        let column = rows(a.column).map { number[Int($0)] }
        let values: EdgeValues
        switch a.values {
        case .ones: values = .ones
        case .float(let v): values = .float(rows(v))
        case .double(let v): values = .double(rows(v))
        }
        return CSRMatrix(rows: n, columns: n, rowStart: rowStart, column: column, values: values)
    }

    /// `v` (indexed by old person) in the new numbering.
    func forward<T>(_ v: [T]) -> [T] { order.map { v[Int($0)] } }

    /// `v` (indexed by new number) back in the old numbering.
    func back(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for (i, old) in order.enumerated() { out[Int(old)] = v[i] }
        return out
    }
}
