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
    public static let denseMaxPeople = 1024
    /// …when at least this fraction of all n² pairs are edges. Measured with
    /// `InfluenceBenchmarks crossover`: beyond 1,024 people, or below 30% density, the
    /// two-thread sparse product beats `dgemv` (at 4,096 people and 25%: 1.1 ms against 4.7 ms).
    public static let denseMinDensity = 0.3
    /// A dense matrix is never built for more people than this (8,192² doubles = 512 MiB),
    /// even when asked for: the sparse operator is used instead.
    public static let denseLimit = 8192

    /// The kind to use for a graph of `people` nodes and `edges` edges.
    public func resolve(people: Int, edges: Int) -> OperatorKind {
        switch self {
        case .sparse: return .sparse
        case .dense: return people <= Self.denseLimit ? .dense : .sparse
        case .auto:
            guard people > 0, people <= Self.denseMaxPeople else { return .sparse }
            return Double(edges) >= Self.denseMinDensity * Double(people) * Double(people) ? .dense : .sparse
        }
    }
}

/// The weighted adjacency W of a graph (W[s][t] = weight of s → t) as a linear operator.
///
/// Sparse products run over `CSRMatrix` storage (columns only for unweighted graphs, `Float`
/// values where they are exact) on two or more threads; they give the same bits as the plain
/// `Double` CSR product on one.
public struct AdjacencyOperator: Sendable {
    public let kind: OperatorKind
    public let dimension: Int
    let forward: CSRMatrix
    /// Wᵀ; `nil` when only W·x is ever asked for (then `applyTransposed` builds it per call).
    let reverse: CSRMatrix?
    private let dense: DenseMatrix?
    private let forwardBlocks: [Range<Int>]
    private let reverseBlocks: [Range<Int>]

    /// - Parameters:
    ///   - forward: W in CSR.
    ///   - reverse: Wᵀ in CSR.
    ///   - kind: sparse, or dense (builds the n×n matrix).
    ///
    /// W must be square and `reverse` its transpose's shape (checked).
    public init(forward: CSRMatrix, reverse: CSRMatrix, kind: OperatorKind) {
        precondition(forward.rows == forward.columns, "AdjacencyOperator: W is \(forward.rows)×\(forward.columns), not square")
        precondition(
            reverse.rows == forward.columns && reverse.columns == forward.rows && reverse.count == forward.count,
            "AdjacencyOperator: reverse is not the transpose's shape")
        precondition(
            kind == .sparse || forward.rows <= OperatorChoice.denseLimit,
            "AdjacencyOperator: dense is capped at \(OperatorChoice.denseLimit) people")
        self.init(forward: forward, reverse: Optional(reverse), kind: kind)
    }

    init(forward: CSRMatrix, reverse: CSRMatrix?, kind: OperatorKind) {
        self.kind = kind
        self.dimension = forward.rows
        self.forward = forward
        self.reverse = reverse
        if kind == .dense {
            let n = forward.rows
            let matrix = DenseMatrix(count: n * n)
            for r in 0..<n {
                for e in forward.rowStart[r]..<forward.rowStart[r + 1] { matrix.base[r * n + Int(forward.column[e])] = forward.values[e] }
            }
            dense = matrix
            forwardBlocks = []
            reverseBlocks = []
        } else {
            dense = nil
            forwardBlocks = SparseProduct.blocks(forward, parts: Parallel.threads)
            reverseBlocks = reverse.map { SparseProduct.blocks($0, parts: Parallel.threads) } ?? []
        }
    }

    /// How the sparse values are stored: `index-only`, `float32` or `float64`.
    public var storage: String { kind == .dense ? "dense-float64" : forward.values.storage }

    /// y ← W·x. Both buffers must hold `dimension` entries (checked).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(
            x.count == dimension && y.count == dimension,
            "AdjacencyOperator.apply: x has \(x.count) and y \(y.count) entries for a dimension of \(dimension)")
        apply(x, into: y, scale: 1)
    }

    /// y ← scale·(W·x), the scaling rounded once per entry as `cblas_dscal` does.
    func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>, scale: Double) {
        guard dimension > 0 else { return }
        if kind == .dense {
            Double.gemv(transpose: false, dimension, dense!.base, x.baseAddress!, y.baseAddress!)
            if scale != 1 { Double.scal(dimension, scale, y.baseAddress!) }
        } else {
            SparseProduct.multiply(forward, x.baseAddress!, y.baseAddress!, scale: scale, blocks: forwardBlocks)
        }
    }

    /// y ← Wᵀ·x. Both buffers must hold `dimension` entries (checked).
    public func applyTransposed(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(
            x.count == dimension && y.count == dimension,
            "AdjacencyOperator.applyTransposed: x has \(x.count) and y \(y.count) entries for a dimension of \(dimension)")
        guard dimension > 0 else { return }
        if kind == .dense {
            Double.gemv(transpose: true, dimension, dense!.base, x.baseAddress!, y.baseAddress!)
        } else if let reverse {
            SparseProduct.multiply(reverse, x.baseAddress!, y.baseAddress!, blocks: reverseBlocks)
        } else {
            SparseProduct.multiply(forward.transposed(), x.baseAddress!, y.baseAddress!)
        }
    }
}

/// The row-major n×n matrix of the dense operator, on a 64-byte boundary so that OpenBLAS's
/// `gemv` takes the same path (and rounds the same way) on every run.
///
/// `@unchecked Sendable` is sound: it is filled once, in the operator's initializer, before
/// the operator is shared, and only read afterwards; it frees its memory when the last
/// operator holding it goes.
final class DenseMatrix: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>

    init(count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 8, alignment: 64)
        base = raw.bindMemory(to: Double.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }
}
