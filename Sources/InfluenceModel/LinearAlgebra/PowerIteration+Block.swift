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
    /// column by column; the rest of a step — scaling, adding B, the change and the norm — is
    /// one pass over each column (five BLAS level-1 passes over vectors of 10.9M people cost
    /// more than the product they follow), each entry α·yᵢ + bᵢ rounded as `scal` then `axpy`
    /// round it, the sums in a fixed order. The block stops when every column meets `affine`'s
    /// test: its L1 change is at most `tolerance`, or within rounding noise of its norm
    /// (16 ε ‖xⱼ‖₁).
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
        start: consuming [Double], columns k: Int, alpha: Double, constant b: [Double],
        settings: IterationSettings,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    )
        -> (x: [Double], report: BlockIterationReport)
    {
        precondition(k >= 1 && start.count % k == 0 && b.count == start.count, "a block is n×k, column-major")
        let total = start.count
        let n = total / k
        var x = consume start  // taken, not copied: a block may be gigabytes
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
                    for j in 0..<k {
                        let (change, norm) = b.withUnsafeBufferPointer { bp in
                            steps(n, alpha: alpha, b: bp.baseAddress! + j * n, x: xp.baseAddress! + j * n, y: yp.baseAddress! + j * n)
                        }
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

    /// `step` over `n` entries cut into a fixed number of ranges (`blockParts`, 1 below 131,072
    /// entries), run on every thread; the ranges' sums are added in range order, so they are the
    /// same bits whatever the thread count.
    static func steps(
        _ n: Int, alpha: Double, b: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>
    ) -> (change: Double, norm: Double) {
        let parts = Parallel.ranges(n, parts: n < 1 << 17 ? 1 : blockParts)
        if parts.count == 1 { return step(n, alpha: alpha, b: b, x: x, y: y) }
        var sums = [(change: Double, norm: Double)](repeating: (0, 0), count: parts.count)
        let (bs, xs, ys) = (UncheckedSendable(b), UncheckedSendable(x), UncheckedSendable(y))
        sums.withUnsafeMutableBufferPointer { sums in
            let out = SharedBuffer(sums)
            // Each part writes its own entries of y and its own slot of the sums.
            Parallel.forEach(parts.count) { p in
                let r = parts[p]
                out.base[p] = step(
                    r.count, alpha: alpha, b: bs.value + r.lowerBound, x: xs.value + r.lowerBound, y: ys.value + r.lowerBound)
            }
        }
        return sums.reduce((0, 0)) { ($0.change + $1.change, $0.norm + $1.norm) }
    }

    /// The ranges a long block column's step is cut into: fixed, not the thread count.
    static let blockParts = 16

    /// yᵢ ← α·yᵢ + bᵢ for `n` entries, and Σ|xᵢ − yᵢ| and Σ|yᵢ| of the new y, in one pass; each
    /// sum in four interleaved parts added at the end, the same order whatever the thread count.
    @inline(__always)
    static func step(
        _ n: Int, alpha: Double, b: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>
    ) -> (change: Double, norm: Double) {
        var change = SIMD4<Double>(repeating: 0), norm = SIMD4<Double>(repeating: 0)
        var i = 0
        while i &+ 4 <= n {
            let p = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self)
            let c = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
            let old = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
            let scaled = alpha * p
            let v = scaled + c
            UnsafeMutableRawPointer(y + i).storeBytes(of: v, as: SIMD4<Double>.self)
            let d = old - v
            change += d.replacing(with: -d, where: d .< 0)
            norm += v.replacing(with: -v, where: v .< 0)
            i &+= 4
        }
        var changeTail = 0.0, normTail = 0.0
        while i < n {
            let scaled = alpha * y[i]
            let v = scaled + b[i]
            y[i] = v
            changeTail += abs(x[i] - v)
            normTail += abs(v)
            i &+= 1
        }
        return ((change[0] + change[1]) + (change[2] + change[3]) + changeTail, (norm[0] + norm[1]) + (norm[2] + norm[3]) + normTail)
    }
}
