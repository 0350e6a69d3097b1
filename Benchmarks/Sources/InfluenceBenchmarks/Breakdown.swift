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
        let renumbered = graph.adjacency(renumbered: true)
        time("W·x (sparse, renumbered)") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { renumbered.apply(xp, into: $0) } } }
        time("daxpy") { v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { BLAS.axpy(0.5, vp, $0) } } }
        time("dscal") { y.withUnsafeMutableBufferPointer { BLAS.scal(0.999, $0) } }
        time("dasum") { _ = y.withUnsafeBufferPointer { BLAS.asum($0) } }
        time("ddot") { _ = x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { BLAS.dot(xp, $0) } } }
        time("dcopy") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { BLAS.copy(xp, $0) } } }
        time("z = x ⊙ v (Swift loop)") { x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { yp in for i in 0 ..< n { yp[i] = xp[i] * vp[i] } } } } }
        let timings = PhaseTimings()
        let result = try graph.score(ScoreOptions(), timings: timings)
        print(String(format: "  whole PageRank: %.1f ms for %d iterations = %.2f ms/iteration", timings.seconds("iterate") * 1000,
                     result.report.iterations, timings.seconds("iterate") * 1000 / Double(result.report.iterations)))
        _ = x.withUnsafeMutableBufferPointer { $0[0] }
    }
}
