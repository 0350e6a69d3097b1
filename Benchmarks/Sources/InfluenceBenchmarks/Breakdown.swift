import Foundation
import InfluenceModel

/// Times the pieces of one PageRank iteration on a real graph: y ← W·x and each BLAS
/// level-1 call on vectors of its size.
enum Breakdown {
    static func run(path: String) throws {
        let graph = try ScoringGraph.read(path: path)
        let w = graph.adjacency()
        let n = graph.nodeCount
        var x = [Double](repeating: 1 / Double(n), count: n)
        var y = [Double](repeating: 0, count: n)
        let v = [Double](repeating: 0.5, count: n)
        func time(_ name: String, _ body: () -> Void) {
            body()
            var best = Double.infinity
            for _ in 0 ..< 7 {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            print("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7.3f ms", best))
        }
        print("n = \(n), edges = \(graph.edgeCount) (\(w.storage)), threads \(Parallel.threads), OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
        time("W·x (sparse)") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { w.apply(xp, into: $0) } } }
        time("daxpy") { v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { Double.axpy(n, 0.5, vp.baseAddress!, $0.baseAddress!) } } }
        time("dscal") { y.withUnsafeMutableBufferPointer { Double.scal(n, 0.999, $0.baseAddress!) } }
        time("dasum") { _ = y.withUnsafeBufferPointer { Double.asum(n, $0.baseAddress!) } }
        time("ddot") { _ = x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { Double.dot(n, xp.baseAddress!, $0.baseAddress!) } } }
        time("dcopy") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { Double.copy(n, xp.baseAddress!, $0.baseAddress!) } } }
        time("z = x ⊙ v (Swift loop)") { x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { yp in for i in 0 ..< n { yp[i] = xp[i] * vp[i] } } } } }
        let timings = PhaseTimings()
        let result = try graph.score(ScoreOptions(), timings: timings)
        print(String(format: "  whole PageRank: %.1f ms for %d iterations = %.2f ms/iteration", timings.seconds("iterate") * 1000,
                     result.report.iterations, timings.seconds("iterate") * 1000 / Double(result.report.iterations)))
        _ = x.withUnsafeMutableBufferPointer { $0[0] }
    }
}
