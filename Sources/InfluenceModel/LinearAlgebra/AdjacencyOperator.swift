import Dispatch

/// How the weighted adjacency W is applied to a vector.
public enum OperatorKind: String, Sendable, CaseIterable {
    /// Compressed sparse rows, both directions.
    case sparse
    /// A row-major n×n matrix through OpenBLAS `gemv`.
    case dense
}

/// The user's choice of operator; `auto` takes dense only where it pays.
public enum OperatorChoice: String, Sendable, CaseIterable {
    case auto, sparse, dense

    /// Dense is chosen for at most this many people…
    public static let denseMaxPeople = 4096
    /// …when at least this fraction of all n² pairs are edges.
    public static let denseMinDensity = 0.25

    /// The kind to use for a graph of `people` nodes and `edges` edges.
    public func resolve(people: Int, edges: Int) -> OperatorKind {
        switch self {
        case .sparse: return .sparse
        case .dense: return .dense
        case .auto:
            guard people > 0, people <= Self.denseMaxPeople else { return .sparse }
            return Double(edges) >= Self.denseMinDensity * Double(people) * Double(people) ? .dense : .sparse
        }
    }
}

/// The weighted adjacency W of a graph (W[s][t] = weight of s → t) as a linear operator.
public struct AdjacencyOperator: Sendable {
    public let kind: OperatorKind
    public let dimension: Int
    private let forward: CSRMatrix
    private let reverse: CSRMatrix
    private let dense: [Double]

    /// - Parameters:
    ///   - forward: W in CSR.
    ///   - reverse: Wᵀ in CSR.
    ///   - kind: sparse, or dense (builds the n×n matrix).
    public init(forward: CSRMatrix, reverse: CSRMatrix, kind: OperatorKind) {
        self.kind = kind
        self.dimension = forward.rows
        self.forward = forward
        self.reverse = reverse
        if kind == .dense {
            let n = forward.rows
            var matrix = [Double](repeating: 0, count: n * n)
            for r in 0 ..< n {
                for (c, w) in forward.row(r) { matrix[r * n + Int(c)] = w }
            }
            dense = matrix
        } else {
            dense = []
        }
    }

    /// y ← W·x.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        if kind == .dense {
            dense.withUnsafeBufferPointer { Double.gemv(transpose: false, dimension, $0.baseAddress!, x.baseAddress!, y.baseAddress!) }
        } else {
            Self.multiply(forward, x, y)
        }
    }

    /// y ← Wᵀ·x.
    public func applyTransposed(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        if kind == .dense {
            dense.withUnsafeBufferPointer { Double.gemv(transpose: true, dimension, $0.baseAddress!, x.baseAddress!, y.baseAddress!) }
        } else {
            Self.multiply(reverse, x, y)
        }
    }

    /// Entries per thread below which a product runs on one thread.
    static let parallelThreshold = 1 << 18

    /// y ← A·x over CSR rows, split into two row blocks of equal entries on large matrices.
    /// - Complexity: O(rows + entries).
    static func multiply(_ a: CSRMatrix, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        a.rowStart.withUnsafeBufferPointer { start in
            a.column.withUnsafeBufferPointer { column in
                a.value.withUnsafeBufferPointer { value in
                    let kernel = SpMVKernel(start: start, column: column, value: value, x: x, y: y)
                    if a.count < 2 * parallelThreshold {
                        kernel.run(rows: 0 ..< a.rows)
                        return
                    }
                    // Split at the row where half the entries are behind.
                    var lo = 0, hi = a.rows
                    let half = a.count / 2
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if start[mid] < half { lo = mid + 1 } else { hi = mid }
                    }
                    let blocks = [0 ..< lo, lo ..< a.rows]
                    DispatchQueue.concurrentPerform(iterations: 2) { kernel.run(rows: blocks[$0]) }
                }
            }
        }
    }
}

/// The CSR product's pointers, shared by the threads of one product; each writes its own rows.
struct SpMVKernel: @unchecked Sendable {
    let start: UnsafeBufferPointer<Int>
    let column: UnsafeBufferPointer<Int32>
    let value: UnsafeBufferPointer<Double>
    let x: UnsafeBufferPointer<Double>
    let y: UnsafeMutableBufferPointer<Double>

    func run(rows: Range<Int>) {
        for r in rows {
            var sum = 0.0
            for e in start[r] ..< start[r + 1] {
                sum += value[e] * x[Int(column[e])]
            }
            y[r] = sum
        }
    }
}
