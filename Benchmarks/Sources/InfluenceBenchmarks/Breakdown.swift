import Foundation
import InfluenceModel

/// Times the pieces of one PageRank iteration on a real graph: y ← W·x and each BLAS
/// level-1 call on vectors of its size, then one whole iteration with BLAS passes around the
/// product against the fused sweep the score runs, in the same run.
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
        let renumberStart = DispatchTime.now().uptimeNanoseconds
        let renumbered = graph.adjacency(renumbered: true)
        let renumbering = Double(DispatchTime.now().uptimeNanoseconds - renumberStart) / 1e6
        print(String(format: "  renumbering (order, matrix) %7.3f ms, once", renumbering))
        time("W·x (sparse, renumbered)") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { renumbered.apply(xp, into: $0) } } }
        time("daxpy") { v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { BLAS.axpy(0.5, vp, $0) } } }
        time("dscal") { y.withUnsafeMutableBufferPointer { BLAS.scal(0.999, $0) } }
        time("dasum") { _ = y.withUnsafeBufferPointer { BLAS.asum($0) } }
        time("ddot") { _ = x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { BLAS.dot(xp, $0) } } }
        time("dcopy") { x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { BLAS.copy(xp, $0) } } }
        time("z = x ⊙ v (Swift loop)") { x.withUnsafeBufferPointer { xp in v.withUnsafeBufferPointer { vp in y.withUnsafeMutableBufferPointer { yp in for i in 0 ..< n { yp[i] = xp[i] * vp[i] } } } } }
        // One PageRank iteration on the graph the score iterates on (renumbered below 2
        // referrals per person), best of 3: BLAS level-1 steps around W·z against the fused
        // sweep the score runs, and on the file's numbering the fused sweep by rows against
        // by tiles. A run of 25 iterations less one of 5, over 20, so that setting up
        // (vectors, tiles, copies) is not counted; that is timed on its own.
        let renumbers = graph.iteratesRenumbered
        let operand = renumbers ? renumbered : w
        func inWeights(_ m: AdjacencyOperator) -> [Double] {
            let ones = [Double](repeating: 1, count: n)
            var weights = [Double](repeating: 0, count: n)
            ones.withUnsafeBufferPointer { o in weights.withUnsafeMutableBufferPointer { m.apply(o, into: $0) } }
            return weights
        }
        let weights = inWeights(operand), plainWeights = renumbers ? inWeights(w) : weights
        let inverse = weights.map { $0 > 0 ? 1 / $0 : 0 }, dangling = weights.map { $0 > 0 ? 0.0 : 1.0 }
        let teleport = [Double](repeating: 1 / Double(n), count: n)
        var scratch = [Double](repeating: 0, count: n)
        func blas(_ iterations: Int) {
            let fixed = IterationSettings(tolerance: 0, maxIterations: iterations)
            _ = inverse.withUnsafeBufferPointer { inverse in
                scratch.withUnsafeMutableBufferPointer { z in
                    PowerIteration.affine(start: teleport, alpha: 0.85, constant: teleport, c0: 0.15, c1: 0.85, d: dangling, settings: fixed) { x, y in
                        for i in 0 ..< n { z[i] = x[i] * inverse[i] }
                        operand.apply(UnsafeBufferPointer(z), into: y)
                    }
                }
            }
        }
        func fused(_ iterations: Int) {
            let fixed = IterationSettings(tolerance: 0, maxIterations: iterations)
            _ = Scores.pagerank(operand, inWeight: weights, damping: 0.85, personalization: nil, settings: fixed)
        }
        func plain(tiles: Bool) -> (Int) -> Void {
            { iterations in
                let fixed = IterationSettings(tolerance: 0, maxIterations: iterations)
                _ = Scores.pagerank(w, inWeight: plainWeights, damping: 0.85, personalization: nil, settings: fixed, tiles: tiles)
            }
        }
        func perIteration(_ run: (Int) -> Void) -> Double {
            var best = Double.infinity
            for _ in 0 ..< 3 {
                var start = DispatchTime.now().uptimeNanoseconds
                run(5)
                let short = DispatchTime.now().uptimeNanoseconds - start
                start = DispatchTime.now().uptimeNanoseconds
                run(25)
                let long = DispatchTime.now().uptimeNanoseconds - start
                best = min(best, (Double(long) - Double(short)) / 1e6 / 20)
            }
            return best
        }
        let blasBest = perIteration(blas), fusedBest = perIteration(fused)
        print("  iterated on: \(renumbers ? "the renumbered graph" : "the file's numbering")")
        print(String(format: "  PageRank iteration, BLAS steps %7.3f ms", blasBest))
        print(String(format: "  PageRank iteration, fused      %7.3f ms (%.2f×)", fusedBest, fusedBest / blasBest))
        if !renumbers {
            // On the file's numbering the fused sweep above is the tiled one (when it tiles).
            let rows = perIteration(plain(tiles: false)), tiled = fusedBest
            time("fused set-up with tiles") { plain(tiles: true)(0) }
            time("fused set-up without") { plain(tiles: false)(0) }
            print(String(format: "  fused by rows %7.3f ms, by tiles %7.3f ms (%.2f×)", rows, tiled, tiled / rows))
        }
        let timings = PhaseTimings()
        let result = try graph.score(ScoreOptions(), timings: timings)
        // The score's "iterate" phase includes the renumbering (timed above) when it renumbers.
        let iterate = timings.seconds("iterate") * 1000 - (renumbers ? renumbering : 0)
        print(String(format: "  whole PageRank: %.1f ms for %d iterations = %.2f ms/iteration", iterate,
                     result.report.iterations, iterate / Double(result.report.iterations)))
        _ = x.withUnsafeMutableBufferPointer { $0[0] }
    }
}
