import Foundation
import InfluenceModel

/// Times one application of W (y ← W·x) by the sparse CSR operator and by the dense OpenBLAS
/// `gemv` operator over a grid of people × density, and prints where dense starts to win.
enum Crossover {
    static let sizes = [64, 128, 256, 512, 1024, 2048, 4096, 8192]
    static let densities = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]

    static func run(budget: Double) {
        print("ms per y <- W x (best of repeated runs, ~\(Int(budget * 1000)) ms each); threads \(Parallel.threads), OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
        print("people  density  edges      sparse(ms)  dense(ms)  faster")
        var crossover: [(Int, Double?)] = []
        for n in sizes {
            var first: Double?
            for density in densities where Double(n) * Double(n) * density <= 20e6 {
                let (forward, reverse) = graph(n: n, density: density, seed: UInt64(n))
                let sparse = AdjacencyOperator(forward: forward, reverse: reverse, kind: .sparse)
                let dense = AdjacencyOperator(forward: forward, reverse: reverse, kind: .dense)
                let s = time(sparse, budget: budget), d = time(dense, budget: budget)
                if d < s, first == nil { first = density }
                print(String(format: "%6d  %7.3f  %9d  %10.4f  %9.4f  %@", n, density, forward.count, s * 1000, d * 1000, d < s ? "dense" : "sparse"))
            }
            crossover.append((n, first))
        }
        print("crossover (lowest density where dense wins):")
        for (n, d) in crossover { print("  \(n) people: \(d.map { String($0) } ?? "never")") }
    }

    /// A random unweighted graph with about density·n² edges, no self-loops.
    static func graph(n: Int, density: Double, seed: UInt64) -> (CSRMatrix, CSRMatrix) {
        var rng = SplitMix64(seed: seed)
        var rowStart = [0], column: [Int32] = []
        for r in 0 ..< n {
            for c in 0 ..< n where c != r && rng.unit() < density { column.append(Int32(c)) }
            rowStart.append(column.count)
        }
        let forward = CSRMatrix(rows: n, columns: n, rowStart: rowStart, column: column, value: [Double](repeating: 1, count: column.count))
        return (forward, forward.transposed())
    }

    static func time(_ w: AdjacencyOperator, budget: Double) -> Double {
        let n = w.dimension
        let x = [Double](repeating: 1.0 / Double(n), count: n)
        var y = [Double](repeating: 0, count: n)
        var best = Double.infinity
        let deadline = Date().addingTimeInterval(budget)
        var runs = 0
        while runs < 3 || Date() < deadline {
            let reps = max(1, 20_000_000 / max(1, n * n / 4 + 1) / 10)
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0 ..< min(reps, 1000) {
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { w.apply(xp, into: $0) } }
            }
            let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(min(reps, 1000))
            best = min(best, t)
            runs += 1
        }
        return best
    }
}
