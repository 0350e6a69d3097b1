/// When an iteration stops.
public struct IterationSettings: Sendable, Equatable {
    /// Stop when the L1 change of one step is at most `tolerance` (or, for scores far
    /// above 1, within rounding noise of ‖x‖₁: 16 ε ‖x‖₁).
    public var tolerance: Double
    /// Stop after this many steps regardless, reporting that it did not converge.
    public var maxIterations: Int

    public init(tolerance: Double = 1e-10, maxIterations: Int = 1000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }
}

/// How an iteration ended. Non-convergence is reported, never hidden.
public struct IterationReport: Sendable, Equatable {
    public var iterations: Int
    /// The L1 change of the last step.
    public var residual: Double
    public var converged: Bool
    /// Every iterate stayed finite.
    public var finite: Bool = true
}

/// The fixed-point engine every score runs on. Vector updates, norms and convergence checks
/// are BLAS level-1 calls (`axpy`, `scal`, `asum`, `dot`, `copy`); the operator is the
/// caller's (sparse CSR or dense `gemv`).
public enum PowerIteration {
    /// Iterates x ← α·M(x) + (c₀ + c₁·⟨d, x⟩)·b to its fixed point.
    ///
    /// The rank-one term carries PageRank's dangling mass; with c₁ = 0 it is the plain
    /// affine map of Katz-style series.
    /// - Parameters:
    ///   - start: x₀.
    ///   - alpha: α.
    ///   - constant: b.
    ///   - c0, c1, d: the coefficient of b; `d` may be `nil` when c₁ = 0.
    ///
    /// `constant` and `d` must have as many entries as `start` (checked: a mismatch stops
    /// with a message rather than letting BLAS read past a buffer).
    ///   - settings: tolerance and iteration cap.
    ///   - apply: y ← M(x).
    /// - Returns: the last iterate and how it ended.
    /// - Complexity: O(iterations × (n + cost of M)).
    public static func affine(start: [Double], alpha: Double, constant b: [Double],
                              c0: Double = 1, c1: Double = 0, d: [Double]? = nil,
                              settings: IterationSettings,
                              apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void)
        -> (x: [Double], report: IterationReport)
    {
        let n = start.count
        precondition(b.count == n, "PowerIteration.affine: constant has \(b.count) entries for a start of \(n)")
        precondition(d == nil || d!.count == n, "PowerIteration.affine: d has \(d?.count ?? 0) entries for a start of \(n)")
        precondition(alpha.isFinite && c0.isFinite && c1.isFinite, "PowerIteration.affine: coefficients must be finite")
        var report = IterationReport(iterations: 0, residual: .infinity, converged: n == 0)
        if n == 0 { report.residual = 0; return (start, report) }
        // OpenBLAS sums in an order that depends on where a vector starts (it peels to an
        // aligned boundary), so every vector it reduces sits on a 64-byte boundary: the same
        // input then gives the same bits wherever the allocator put the caller's arrays.
        var x = AlignedVector(copying: start)
        var y = AlignedVector(count: n)
        let bv = AlignedVector(copying: b)
        let dv = AlignedVector(copying: d ?? [])
        let useD = d != nil && c1 != 0
        while report.iterations < settings.maxIterations {
            var coefficient = c0
            if useD {
                coefficient += c1 * Double.dot(n, x.base, dv.base)
            }
            apply(UnsafeBufferPointer(x.buffer), y.buffer)
            Double.scal(n, alpha, y.base)
            Double.axpy(n, coefficient, bv.base, y.base)
            let (residual, norm) = step(n, x.buffer, y.buffer)
            swap(&x, &y)
            report.iterations += 1
            report.residual = residual
            guard residual.isFinite, norm.isFinite else { report.finite = false; break }
            if residual <= max(settings.tolerance, 16 * Double.ulpOfOne * norm) { report.converged = true; break }
        }
        return (x.array, report)
    }

    /// Iterates x ← M(x) / ‖M(x)‖₁ to the dominant eigenvector of a non-negative M.
    ///
    /// The error after a step is about r·q/(1 − q) for an L1 change r and a contraction
    /// q = λ₂/λ₁, which can be close to 1; so it stops when that estimate (q from the ratio
    /// of the last two changes) is below the tolerance, not merely the change.
    /// - Returns: the last iterate (summing to 1, or all zero if M(x) vanished) and how it ended.
    /// - Complexity: O(iterations × (n + cost of M)).
    public static func eigenvector(start: [Double], settings: IterationSettings,
                                   apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void)
        -> (x: [Double], report: IterationReport)
    {
        let n = start.count
        var report = IterationReport(iterations: 0, residual: .infinity, converged: n == 0)
        if n == 0 { report.residual = 0; return (start, report) }
        var x = AlignedVector(copying: start)  // aligned for OpenBLAS, as in `affine`
        var y = AlignedVector(count: n)
        while report.iterations < settings.maxIterations {
            apply(UnsafeBufferPointer(x.buffer), y.buffer)
            let total = Double.asum(n, y.base)
            let vanished = !(total > 0 && total.isFinite)
            var residual = 0.0
            if !vanished {
                Double.scal(n, 1 / total, y.base)
                residual = step(n, x.buffer, y.buffer).residual
            }
            report.iterations += 1
            if vanished {
                report.residual = 0
                report.converged = true
                return ([Double](repeating: 0, count: n), report)
            }
            swap(&x, &y)
            let q = report.residual.isFinite && report.residual > 0 ? min(residual / report.residual, 0.999) : 0.5
            report.residual = residual
            if residual == 0 || (residual <= settings.tolerance && residual * q / (1 - q) <= settings.tolerance) {
                report.converged = true
                break
            }
        }
        return (x.array, report)
    }

    /// Turns x into x − y and returns ‖x − y‖₁ and ‖y‖₁; the caller then swaps.
    private static func step(_ n: Int, _ x: UnsafeMutableBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>)
        -> (residual: Double, norm: Double)
    {
        Double.axpy(n, -1, UnsafePointer(y.baseAddress!), x.baseAddress!)
        return (Double.asum(n, x.baseAddress!), Double.asum(n, y.baseAddress!))
    }
}

/// A vector of doubles that starts on a 64-byte boundary, for OpenBLAS calls whose rounding
/// must not depend on alignment. It owns its memory.
struct AlignedVector: ~Copyable {
    let buffer: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        // Large vectors are read at random by the sparse product: 2 MiB pages (see `HugePages`).
        let bytes = max(count, 1) * 8
        let huge = bytes >= HugePages.threshold
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? HugePages.pageSize : 64)
        if huge { HugePages.advise(UnsafeMutableRawBufferPointer(start: raw, count: bytes)) }
        buffer = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Double.self, capacity: max(count, 1)), count: count)
        buffer.initialize(repeating: 0)
    }

    init(copying values: [Double]) {
        self.init(count: values.count)
        _ = buffer.update(fromContentsOf: values)
    }

    var base: UnsafeMutablePointer<Double> { buffer.baseAddress! }
    var array: [Double] { Array(buffer) }

    deinit { UnsafeMutableRawPointer(buffer.baseAddress!).deallocate() }
}
