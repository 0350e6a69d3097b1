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
    /// The iteration was stopped because its change grew at every step of the growth window.
    public var growing: Bool = false
}

extension IterationReport {
    /// Counts one step with L1 change `residual` and iterate norm `norm`, and says whether the
    /// iteration stops: a value not finite, the change grown for `growthWindow` steps running
    /// (when it is above 0; `grew` counts them), or the change within the tolerance (or within
    /// rounding of the norm).
    mutating func record(residual: Double, norm: Double, grew: inout Int, growthWindow: Int, tolerance: Double) -> Bool {
        iterations += 1
        grew = iterations > 1 && residual > self.residual ? grew + 1 : 0
        self.residual = residual
        guard residual.isFinite, norm.isFinite else { finite = false; return true }
        if growthWindow > 0, grew >= growthWindow { growing = true; return true }
        if residual <= max(tolerance, 16 * Double.ulpOfOne * norm) { converged = true; return true }
        return false
    }
}

/// The fixed-point engine every score runs on. In `affine`, `eigenvector` and `affineBlock`
/// vector updates, norms and convergence checks are BLAS level-1 calls (`axpy`, `scal`,
/// `asum`, `dot`, `copy`) and the operator is the caller's (sparse CSR or dense `gemv`);
/// `affine(sparse:)`, which sparse PageRank and reach run, does the same steps inside the
/// product's sweep over the rows.
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
    ///   - growthWindow: stop, reporting `growing`, once the L1 change has grown at each of
    ///     this many steps in a row (a series that diverges); 0 never stops for growth. A
    ///     convergent but non-normal map can grow for a while, so only a caller that could not
    ///     prove convergence asks for this.
    ///   - apply: y ← M(x).
    /// - Returns: the last iterate and how it ended.
    /// - Complexity: O(iterations × (n + cost of M)).
    public static func affine(
        start: [Double], alpha: Double, constant b: [Double],
        c0: Double = 1, c1: Double = 0, d: [Double]? = nil,
        settings: IterationSettings, growthWindow: Int = 0,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    )
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
        var grew = 0
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
            if report.record(residual: residual, norm: norm, grew: &grew, growthWindow: growthWindow, tolerance: settings.tolerance) {
                break
            }
        }
        return (x.array, report)
    }

    /// Iterates x ← M(x) / ‖M(x)‖₁ to the dominant eigenvector of a non-negative M.
    ///
    /// The error after a step is about r·q/(1 − q) for an L1 change r and a contraction
    /// q = λ₂/λ₁, which can be close to 1; so it stops when that estimate (q from the ratio
    /// of the last two changes) is below the tolerance, not merely the change.
    ///
    /// When q is that close to 1 the steps are accelerated by Aitken extrapolation (Kamvar,
    /// Haveliwala, Manning, Golub 2003, "Extrapolation methods for accelerating PageRank
    /// computations"): once three successive ratios of changes agree to 1e-3, the error is one
    /// mode shrinking by q a step, and x + (x − x_prev)·q/(1 − q) removes it. The extrapolated
    /// vector is a combination of two iterates, so its component in the dominant eigenspace is
    /// the start's, as for plain iteration, and the limit is unchanged (this matters when λ₁ is
    /// not simple: the limit is then the projection of the start). It is taken only if it has
    /// no negative entry; the stop rule then keeps the largest q seen, since that mode, though
    /// removed, still contracts only at that rate.
    /// - Returns: the last iterate (summing to 1, or all zero if M(x) vanished) and how it ended.
    /// - Complexity: O(iterations × (n + cost of M)).
    public static func eigenvector(
        start: [Double], settings: IterationSettings,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    )
        -> (x: [Double], report: IterationReport)
    {
        let n = start.count
        var report = IterationReport(iterations: 0, residual: .infinity, converged: n == 0)
        if n == 0 { report.residual = 0; return (start, report) }
        var x = AlignedVector(copying: start)  // aligned for OpenBLAS, as in `affine`
        var y = AlignedVector(count: n)
        var ratios: [Double] = []  // ratios of successive changes since the last extrapolation
        var slowest = 0.0  // the largest contraction an extrapolation was based on
        while report.iterations < settings.maxIterations {
            apply(UnsafeBufferPointer(x.buffer), y.buffer)
            let total = Double.asum(n, y.base)
            let vanished = !(total > 0 && total.isFinite)
            var residual = 0.0
            if !vanished {
                Double.scal(n, 1 / total, y.base)
                residual = step(n, x.buffer, y.buffer).residual  // x ← x_prev − y
            }
            report.iterations += 1
            if vanished {
                report.residual = 0
                report.converged = true
                return ([Double](repeating: 0, count: n), report)
            }
            let ratio = report.residual.isFinite && report.residual > 0 ? residual / report.residual : 0.5
            let q = min(max(ratio, slowest), 0.999)
            report.residual = residual
            if residual == 0 || (residual <= settings.tolerance && residual * q / (1 - q) <= settings.tolerance) {
                swap(&x, &y)
                report.converged = true
                break
            }
            if report.iterations > 1 { ratios.append(ratio) }
            if ratios.count >= 3, Self.steady(ratios.suffix(3)), Self.extrapolate(n, difference: x.buffer, latest: y.buffer, q: ratio) {
                slowest = max(slowest, ratio)
                ratios.removeAll(keepingCapacity: true)
                continue  // x holds the extrapolated iterate
            }
            swap(&x, &y)
        }
        return (x.array, report)
    }

    /// Three ratios of changes that agree to 1e-3, all in (0, 1): one mode dominates the error.
    private static func steady(_ r: ArraySlice<Double>) -> Bool {
        let (a, b, c) = (r[r.startIndex], r[r.startIndex + 1], r[r.startIndex + 2])
        return c > 0 && c < 1 && b > 0 && a > 0 && abs(c - b) <= 1e-3 * c && abs(b - a) <= 1e-3 * b
    }

    /// Turns `difference` (x_prev − x) into the Aitken extrapolation x − (x_prev − x)·q/(1 − q),
    /// normalized to sum 1; returns false (leaving `difference` spoilt) if it has a negative entry.
    private static func extrapolate(
        _ n: Int, difference d: UnsafeMutableBufferPointer<Double>,
        latest x: UnsafeMutableBufferPointer<Double>, q: Double
    ) -> Bool {
        Double.scal(n, -q / (1 - q), d.baseAddress!)
        Double.axpy(n, 1, UnsafePointer(x.baseAddress!), d.baseAddress!)
        for v in d where !(v >= 0) { return false }
        let total = Double.asum(n, d.baseAddress!)
        guard total > 0, total.isFinite else { return false }
        Double.scal(n, 1 / total, d.baseAddress!)
        return true
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
        // All bits zero is 0.0: the memory is initialized as doubles by zeroing its bytes.
        HugePages.zero(UnsafeMutableRawBufferPointer(start: raw, count: count * 8))
    }

    init(copying values: [Double]) {
        self.init(count: values.count)
        _ = buffer.update(fromContentsOf: values)
    }

    var base: UnsafeMutablePointer<Double> { buffer.baseAddress! }
    var array: [Double] { Array(buffer) }

    deinit { UnsafeMutableRawPointer(buffer.baseAddress!).deallocate() }
}
