import Foundation
import Testing
@testable import InfluenceModel

/// A random sparse n×n matrix with at most `entries` entries (repeats left out), weights stored as asked.
private func randomMatrix(_ n: Int, entries: Int, storage: String, seed: UInt64) -> CSRMatrix {
    var rng = SplitMix64(seed: seed)
    var rows: [Int32] = [], columns: [Int32] = [], values: [Double] = []
    var seen = Set<Int>()
    for _ in 0..<entries {
        // Skewed sources: a few people refer many, as in referral exports.
        let s = Int(rng.next() % UInt64(n)) % (1 + Int(rng.next() % UInt64(n)))
        let t = Int(rng.next() % UInt64(n))
        guard seen.insert(s * n + t).inserted else { continue }
        rows.append(Int32(s))
        columns.append(Int32(t))
        values.append(
            storage == "index-only" ? 1 : storage == "float32" ? Double(1 + rng.next() % 8) / 4 : Double(rng.next() % 1000) / 7 + 0.1)
    }
    return CSRMatrix(rows: n, columns: n, row: rows, column: columns, value: values)
}

/// The same iteration through `affine`'s BLAS level-1 steps, for reference.
private func reference(
    _ w: CSRMatrix, start: [Double], alpha: Double, scale s: [Double]?, constant b: [Double], c0: Double, c1: Double,
    d: [Double]?
) -> (x: [Double], report: IterationReport) {
    let op = AdjacencyOperator(forward: w, reverse: nil, kind: .sparse)
    var z = [Double](repeating: 0, count: start.count)
    return PowerIteration.affine(start: start, alpha: alpha, constant: b, c0: c0, c1: c1, d: d, settings: IterationSettings()) {
        x, y in
        guard let s else { op.apply(x, into: y); return }
        for i in 0..<z.count { z[i] = x[i] * s[i] }
        z.withUnsafeBufferPointer { op.apply($0, into: y) }
    }
}

struct FusedIterationTests {
    /// PageRank's form (column scale, dangling term, uniform teleport) and reach's form (no
    /// scale, a constant vector) against the unfused iteration, for every weight storage.
    /// With 7,000 entries on 3,000 rows steps walk the rows; with 4,000 (a forest's density),
    /// the entries.
    @Test(arguments: ["index-only", "float32", "float64"], [7000, 4000])
    func fusedStepsMatchTheBLASSteps(storage: String, entries: Int) {
        let n = 3000
        let w = randomMatrix(n, entries: entries, storage: storage, seed: 7)
        #expect(w.values.storage == storage)
        let inWeight = w.transposed().rowSums()
        let inverse = inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        let dangling = inWeight.map { $0 > 0 ? 0.0 : 1.0 }
        #expect(dangling.contains(1) && dangling.contains(0))
        let start = [Double](repeating: 1 / Double(n), count: n)
        let teleport = [Double](repeating: 1 / Double(n), count: n)
        let want = reference(w, start: start, alpha: 0.85, scale: inverse, constant: teleport, c0: 0.15, c1: 0.85, d: dangling)
        for term in [DanglingTerm.whereScaleIsZero, .vector(dangling)] {
            let got = PowerIteration.affine(
                sparse: w, start: start, alpha: 0.85, scale: inverse, constant: teleport, c0: 0.15, c1: 0.85, dangling: term,
                settings: IterationSettings())
            #expect(got.report.converged && want.report.converged)
            #expect(abs(got.report.iterations - want.report.iterations) <= 1)
            let gap = zip(got.x, want.x).map { abs($0 - $1) }.max()!
            #expect(gap < 1e-13, "PageRank \(storage), \(entries) entries: largest difference \(gap)")
            #expect(abs(got.x.reduce(0, +) - 1) < 1e-12)
        }
        // Reach: β below 1/ρ, a constant that is not uniform.
        let direct = w.rowSums()
        let beta = 0.5 / max(1, direct.max()!)
        let zero = [Double](repeating: 0, count: n)
        let wantReach = reference(w, start: zero, alpha: beta, scale: nil, constant: direct, c0: beta, c1: 0, d: nil)
        let gotReach = PowerIteration.affine(
            sparse: w, start: zero, alpha: beta, scale: nil, constant: direct, c0: beta, c1: 0, dangling: .none,
            settings: IterationSettings())
        #expect(gotReach.report.converged)
        let relative = zip(gotReach.x, wantReach.x).map { abs($0 - $1) / max(1e-300, abs($1)) }.max()!
        #expect(relative < 1e-13, "reach \(storage), \(entries) entries: largest relative difference \(relative)")
    }

    /// The bits do not depend on how the rows are shared among threads, nor on whether a step
    /// walks the rows or the entries.
    @Test(arguments: [30000, 11000])
    func fusedStepsAreTheSameBitsOnAnyNumberOfParts(entries: Int) {
        let n = 9000  // nine reduction chunks, so blocks land on several boundaries
        let w = randomMatrix(n, entries: entries, storage: "float64", seed: 3)
        let inWeight = w.transposed().rowSums()
        let inverse = inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        var rng = SplitMix64(seed: 5)
        let teleport = (0..<n).map { _ in Double(rng.next() % 100) / 100 / Double(n) * 2 }
        func run(_ parts: Int, walk: SweepWalk? = nil) -> (x: [Double], report: IterationReport) {
            PowerIteration.affine(
                sparse: w, start: [Double](repeating: 1 / Double(n), count: n), alpha: 0.85, scale: inverse, constant: teleport,
                c0: 0.15, c1: 0.85, dangling: .whereScaleIsZero, settings: IterationSettings(), parts: parts, minimum: 0,
                walk: walk)
        }
        let one = run(1)
        #expect(one.report.converged)
        for parts in [2, 3, 5, 16] {
            let other = run(parts)
            #expect(other.x == one.x, "\(parts) parts")
            #expect(other.report == one.report)
        }
        // Tiles of 1,024 rows (a reduction chunk) by 256 or 64 columns: nine bands; and one
        // band of 131,072 rows (more than 16 bits) by 32 columns.
        let shapes = [TileShape(rowBits: 10, columnBits: 8), TileShape(rowBits: 11, columnBits: 6), TileShape(rowBits: 17, columnBits: 5)]
        for shape in shapes { #expect(TiledMatrix(w, shape: shape) != nil) }
        let walks: [SweepWalk] = [.rows, .entries] + shapes.map { .tiles($0) }
        for walk in walks {
            for parts in [1, 3] {
                let other = run(parts, walk: walk)
                #expect(other.x == one.x, "\(walk), \(parts) parts")
                #expect(other.report == one.report)
            }
        }
    }

    /// A graph of 300,000 people with three referrals each is walked in the standard tiles
    /// (five bands of 65,536 rows, nineteen blocks of 16,384 columns), with the row walk's bits.
    @Test func largeGraphsAreWalkedInTilesWithTheRowBits() {
        let n = 300_000
        var rng = SplitMix64(seed: 21)
        var rows: [Int32] = [], columns: [Int32] = []
        for r in 0..<n {
            for _ in 0..<3 {
                rows.append(Int32(r))
                columns.append(Int32(rng.next() % UInt64(n)))
            }
        }
        let w = CSRMatrix(rows: n, columns: n, row: rows, column: columns, value: [Double](repeating: 1, count: rows.count))
        #expect(PowerIteration.walk(rows: n, entries: w.count) == .tiles(.standard))
        #expect(PowerIteration.walk(rows: 3_000_000, entries: 30_000_000) == .tiles(.tall))
        #expect(TiledMatrix(w)?.bands == 5 && TiledMatrix(w)?.blocks == 19)
        let inWeight = w.transposed().rowSums()
        let inverse = inWeight.map { $0 > 0 ? 1 / $0 : 0 }
        let start = [Double](repeating: 1 / Double(n), count: n)
        let five = IterationSettings(tolerance: 0, maxIterations: 5)
        func run(_ walk: SweepWalk?) -> [Double] {
            PowerIteration.affine(
                sparse: w, start: start, alpha: 0.85, scale: inverse, constant: start, c0: 0.15, c1: 0.85,
                dangling: .whereScaleIsZero, settings: five, walk: walk
            ).x
        }
        let byRows = run(.rows)
        #expect(run(nil) == byRows)
        #expect(byRows.reduce(0, +) > 0.99)
    }

    /// Tiles hold W's entries, each once, a tile's entries by column and then row, with their
    /// values; a matrix whose rows do not all have ascending columns is not tiled.
    @Test(arguments: ["index-only", "float32", "float64"])
    func tilesHoldTheMatrix(storage: String) throws {
        let n = 5000
        let w = randomMatrix(n, entries: 20_000, storage: storage, seed: 11)
        // Seven column bits are sorted in one pass, ten in two; rows of more than 16 bits.
        let shapes = [
            (TileShape(rowBits: 10, columnBits: 7), 5, 40), (TileShape(rowBits: 9, columnBits: 10), 10, 5),
            (TileShape(rowBits: 20, columnBits: 9), 1, 10),
        ]
        for (shape, bands, blocks) in shapes {
            try checkTiles(w, shape: shape, bands: bands, blocks: blocks)
        }
        // Swap the first two columns of a row with several: no longer ascending.
        let r = try #require((0..<n).first { w.rowStart[$0 + 1] - w.rowStart[$0] >= 2 })
        var column = w.column
        column.swapAt(w.rowStart[r], w.rowStart[r] + 1)
        let unordered = CSRMatrix(rows: n, columns: n, rowStart: w.rowStart, column: column, values: w.values)
        #expect(TiledMatrix(unordered, shape: TileShape(rowBits: 10, columnBits: 7)) == nil)
    }

    private func checkTiles(_ w: CSRMatrix, shape: TileShape, bands: Int, blocks: Int) throws {
        let n = w.rows
        let tiles = try #require(TiledMatrix(w, shape: shape))
        #expect(tiles.bands == bands && tiles.blocks == blocks)
        var seen: [[Int]] = []
        for band in 0..<tiles.bands {
            for block in 0..<tiles.blocks {
                let t = band * tiles.blocks + block
                var last = -1
                for e in tiles.tileStart[t]..<tiles.tileStart[t + 1] {
                    let row = band * shape.rows + Int(tiles.entries[e] & UInt32(shape.rows - 1))
                    let column = block * shape.columns + Int(tiles.entries[e] >> UInt32(shape.rowBits))
                    #expect(column * n + row > last)
                    last = column * n + row
                    seen.append([row, column, Int(tiles.values[e] * 1000)])
                }
            }
        }
        var want: [[Int]] = []
        for r in 0..<n {
            for e in w.rowStart[r]..<w.rowStart[r + 1] { want.append([r, Int(w.column[e]), Int(w.values[e] * 1000)]) }
        }
        let order: ([Int], [Int]) -> Bool = { $0.lexicographicallyPrecedes($1) }
        let same = seen.sorted(by: order) == want.sorted(by: order)
        #expect(same, "\(shape)")
    }

    /// Blocks start on chunk boundaries, cover every row once, and balance rows as well as entries.
    @Test func alignedBlocksCoverTheRows() {
        let w = randomMatrix(10_000, entries: 20_000, storage: "index-only", seed: 9)
        for parts in [1, 2, 3, 7] {
            let blocks = Parallel.blocks(offsets: w.rowStart, parts: parts, minimum: 0, rowCost: 1, align: 1024)
            #expect(blocks.count == parts)
            #expect(blocks.first!.lowerBound == 0 && blocks.last!.upperBound == 10_000)
            for (a, b) in zip(blocks, blocks.dropFirst()) {
                #expect(a.upperBound == b.lowerBound)
                #expect(a.upperBound % 1024 == 0)
            }
        }
    }
}
