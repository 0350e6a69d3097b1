/// How a block iteration ended, with each right-hand side's last change.
public struct BlockIterationReport: Sendable, Equatable {
    /// The whole block: iterations, the largest column residual, and whether every column converged.
    public var overall: IterationReport
    /// The L1 change of each column in the last step.
    public var columnResiduals: [Double]
}

extension PowerIteration {
    /// Iterates X ← α·M(X) + B for k right-hand sides at once: the block form of `affine`
    /// with c₁ = 0, for many conversion vectors (one per campaign, or counts beside values)
    /// over one operator.
    ///
    /// X and B are n×k, column-major: column j is `x[j·n ..< (j + 1)·n]`. The operator is applied
    /// column by column; the rest of a step — scaling, adding B, the change X − Y — is one BLAS
    /// level-1 call over the whole block (`scal`, `axpy`), and each column's change and norm one
    /// `asum`. The block stops when every column meets `affine`'s test: its L1 change is at most
    /// `tolerance`, or within rounding noise of its norm (16 ε ‖xⱼ‖₁).
    /// - Parameters:
    ///   - start: X₀, n·k entries.
    ///   - columns: k ≥ 1.
    ///   - alpha: α.
    ///   - constant: B, n·k entries.
    ///   - settings: tolerance and iteration cap.
    ///   - apply: y ← M(x) for one column.
    /// - Returns: the last iterate and how it ended.
    /// - Complexity: O(iterations × k × (n + cost of M)).
    public static func affineBlock(
        start: [Double], columns k: Int, alpha: Double, constant b: [Double],
        settings: IterationSettings,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    )
        -> (x: [Double], report: BlockIterationReport)
    {
        precondition(k >= 1 && start.count % k == 0 && b.count == start.count, "a block is n×k, column-major")
        let total = start.count
        let n = total / k
        var x = start
        var y = [Double](repeating: 0, count: total)
        var residuals = [Double](repeating: .infinity, count: k)
        var report = IterationReport(iterations: 0, residual: .infinity, converged: n == 0)
        if n == 0 {
            report.residual = 0
            return (x, BlockIterationReport(overall: report, columnResiduals: [Double](repeating: 0, count: k)))
        }
        while report.iterations < settings.maxIterations {
            var done = true
            var finite = true
            x.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    for j in 0..<k {
                        let column = j * n..<(j + 1) * n
                        apply(UnsafeBufferPointer(rebasing: xp[column]), UnsafeMutableBufferPointer(rebasing: yp[column]))
                    }
                    Double.scal(total, alpha, yp.baseAddress!)
                    b.withUnsafeBufferPointer { Double.axpy(total, 1, $0.baseAddress!, yp.baseAddress!) }
                    Double.axpy(total, -1, UnsafePointer(yp.baseAddress!), xp.baseAddress!)
                    for j in 0..<k {
                        let change = Double.asum(n, xp.baseAddress! + j * n)
                        let norm = Double.asum(n, yp.baseAddress! + j * n)
                        residuals[j] = change
                        if !change.isFinite || !norm.isFinite { finite = false }
                        if !(change <= max(settings.tolerance, 16 * Double.ulpOfOne * norm)) { done = false }
                    }
                }
            }
            swap(&x, &y)
            report.iterations += 1
            report.residual = residuals.max() ?? 0
            guard finite else { report.finite = false; break }
            if done { report.converged = true; break }
        }
        return (x, BlockIterationReport(overall: report, columnResiduals: residuals))
    }
}
