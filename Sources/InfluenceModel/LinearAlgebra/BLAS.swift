import CBLAS

/// A scalar OpenBLAS has routines for: the level-1 and level-2 calls the engine needs,
/// wrapped once per type (`cblas_d*` for `Double`, `cblas_s*` for `Float`).
///
/// Lengths are `Int` here and narrowed to OpenBLAS's 32-bit `blasint` at the call. These
/// take raw pointers and trust their lengths, so they stay inside the library; `BLAS` below
/// is the checked public face.
protocol BLASScalar: BinaryFloatingPoint, Sendable {
    /// y ← αx + y. The corresponding C function is `cblas_daxpy` / `cblas_saxpy`.
    static func axpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    /// x ← αx. The corresponding C function is `cblas_dscal` / `cblas_sscal`.
    static func scal(_ n: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)
    /// Σ|xᵢ|. The corresponding C function is `cblas_dasum` / `cblas_sasum`.
    static func asum(_ n: Int, _ x: UnsafePointer<Self>) -> Self
    /// Σxᵢyᵢ. The corresponding C function is `cblas_ddot` / `cblas_sdot`.
    static func dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    /// y ← x. The corresponding C function is `cblas_dcopy` / `cblas_scopy`.
    static func copy(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    /// y ← A·x (or Aᵀ·x) for a row-major n×n matrix A.
    /// The corresponding C function is `cblas_dgemv` / `cblas_sgemv`.
    static func gemv(transpose: Bool, _ n: Int, _ a: UnsafePointer<Self>, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
}

extension Double: BLASScalar {
    @inline(__always) static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasint(n), alpha, x, 1, y, 1)
    }
    @inline(__always) static func scal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(blasint(n), alpha, x, 1)
    }
    @inline(__always) static func asum(_ n: Int, _ x: UnsafePointer<Double>) -> Double {
        cblas_dasum(blasint(n), x, 1)
    }
    @inline(__always) static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasint(n), x, 1, y, 1)
    }
    @inline(__always) static func copy(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_dcopy(blasint(n), x, 1, y, 1)
    }
    @inline(__always) static func gemv(
        transpose: Bool, _ n: Int, _ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(n), blasint(n), 1, a, blasint(n), x, 1, 0, y, 1)
    }
}

extension Float: BLASScalar {
    @inline(__always) static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasint(n), alpha, x, 1, y, 1)
    }
    @inline(__always) static func scal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(blasint(n), alpha, x, 1)
    }
    @inline(__always) static func asum(_ n: Int, _ x: UnsafePointer<Float>) -> Float {
        cblas_sasum(blasint(n), x, 1)
    }
    @inline(__always) static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(blasint(n), x, 1, y, 1)
    }
    @inline(__always) static func copy(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_scopy(blasint(n), x, 1, y, 1)
    }
    @inline(__always) static func gemv(
        transpose: Bool, _ n: Int, _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(n), blasint(n), 1, a, blasint(n), x, 1, 0, y, 1)
    }
}

/// OpenBLAS's own thread pool.
public enum BLASThreads {
    /// Sets how many threads OpenBLAS uses. The corresponding C function is
    /// `openblas_set_num_threads`.
    ///
    /// The command line sets 1: the sparse product already runs on every core, idle OpenBLAS
    /// workers spin on them, and OpenBLAS's multi-threaded reductions round differently with
    /// different thread counts, so one thread keeps output the same bytes on any machine.
    public static func set(_ count: Int) {
        openblas_set_num_threads(CInt(max(1, count)))
    }

    /// The number of threads OpenBLAS uses. The corresponding C function is `openblas_get_num_threads`.
    public static var count: Int { Int(openblas_get_num_threads()) }
}

/// The level-1 routines on buffers, for programs outside the library (benchmarks): every
/// call checks that the buffers have the same length before OpenBLAS sees them.
public enum BLAS {
    /// y ← αx + y. The corresponding C function is `cblas_daxpy`.
    public static func axpy(_ alpha: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == y.count, "BLAS.axpy: x has \(x.count) entries, y \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        Double.axpy(x.count, alpha, xb, yb)
    }

    /// x ← αx. The corresponding C function is `cblas_dscal`.
    public static func scal(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        guard let xb = x.baseAddress else { return }
        Double.scal(x.count, alpha, xb)
    }

    /// Σ|xᵢ|. The corresponding C function is `cblas_dasum`.
    public static func asum(_ x: UnsafeBufferPointer<Double>) -> Double {
        guard let xb = x.baseAddress else { return 0 }
        return Double.asum(x.count, xb)
    }

    /// y ← x. The corresponding C function is `cblas_dcopy`.
    public static func copy(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == y.count, "BLAS.copy: x has \(x.count) entries, y \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        Double.copy(x.count, xb, yb)
    }

    /// Σxᵢyᵢ. The corresponding C function is `cblas_ddot`.
    public static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
        precondition(x.count == y.count, "BLAS.dot: x has \(x.count) entries, y \(y.count)")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return 0 }
        return Double.dot(x.count, xb, yb)
    }
}
