import Testing
import InfluenceModel

/// Public entries that take buffers or arrays check their lengths and shapes: a mismatch stops
/// with a message instead of letting BLAS or a sparse product read or write past a buffer.
/// Each case runs in a child process (an exit test) and must end in a failure, not return.
struct PublicAPISafetyTests {
    @Test func csrMatrixRefusesAColumnOutsideTheMatrix() async {
        await #expect(processExitsWith: .failure) {
            _ = CSRMatrix(rows: 2, columns: 2, rowStart: [0, 1, 2], column: [0, 5], value: [1, 1])
        }
    }

    @Test func csrMatrixRefusesInconsistentOffsets() async {
        await #expect(processExitsWith: .failure) {
            _ = CSRMatrix(rows: 2, columns: 2, rowStart: [0, 2, 1], column: [0, 1], value: [1, 1])
        }
        await #expect(processExitsWith: .failure) {
            _ = CSRMatrix(rows: 2, columns: 2, rowStart: [0, 1, 2], column: [0, 1], value: [1])
        }
    }

    @Test func csrMatrixRefusesCoordinatesOutsideTheShape() async {
        await #expect(processExitsWith: .failure) {
            _ = CSRMatrix(rows: 2, columns: 2, row: [0, 2], column: [1, 0], value: [1, 1])
        }
        await #expect(processExitsWith: .failure) {
            _ = CSRMatrix(rows: 2, columns: 2, row: [0], column: [1, 0], value: [1, 1])
        }
    }

    @Test func affineRefusesAConstantOfTheWrongLength() async {
        await #expect(processExitsWith: .failure) {
            _ = PowerIteration.affine(start: [0, 0, 0, 0], alpha: 0.5, constant: [1], settings: IterationSettings()) { x, y in
                for i in 0..<y.count { y[i] = x[i] }
            }
        }
        await #expect(processExitsWith: .failure) {
            _ = PowerIteration.affine(
                start: [0, 0], alpha: 0.5, constant: [1, 1], c1: 1, d: [1],
                settings: IterationSettings()
            ) { x, y in
                for i in 0..<y.count { y[i] = x[i] }
            }
        }
    }

    @Test func operatorRefusesBuffersOfTheWrongLength() async {
        await #expect(processExitsWith: .failure) {
            let w = CSRMatrix(rows: 3, columns: 3, rowStart: [0, 1, 2, 2], column: [1, 2], value: [1, 1])
            let op = AdjacencyOperator(forward: w, reverse: w.transposed(), kind: .sparse)
            let x = [1.0]
            var y = [0.0, 0.0, 0.0]
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { op.apply(xb, into: $0) } }
        }
    }

    /// A path table whose bounds run past its channels (its fields are public) stops markov
    /// with a message rather than reading past the channels; the same table with its bounds
    /// in step is credited.
    @Test func markovRefusesPathBoundsPastTheChannels() async throws {
        await #expect(processExitsWith: .failure) {
            var paths = ChannelPaths(file: "p.csv")
            paths.append(path: ["email", "social"], conversions: 1, value: 10, nulls: 0)
            paths.append(path: ["email"], conversions: 1, value: 5, nulls: 1)
            paths.pathStart = [0, 9, 3]
            _ = try Attribution.attribute(paths: paths, options: AttributionOptions(model: .markov, grouping: .channel))
        }
        var paths = ChannelPaths(file: "p.csv")
        paths.append(path: ["email", "social"], conversions: 1, value: 10, nulls: 0)
        paths.append(path: ["email"], conversions: 1, value: 5, nulls: 1)
        let result = try Attribution.attribute(paths: paths, options: AttributionOptions(model: .markov, grouping: .channel))
        #expect(abs(result.rows.reduce(0) { $0 + $1.credit.conversions } - 2) < 1e-9)
    }

    /// The same calls with consistent shapes work, so the checks refuse only what is wrong.
    @Test func consistentShapesPass() {
        let w = CSRMatrix(rows: 3, columns: 3, rowStart: [0, 1, 2, 2], column: [1, 2], value: [1, 1])
        let op = AdjacencyOperator(forward: w, reverse: w.transposed(), kind: .sparse)
        let x = [1.0, 2.0, 3.0]
        var y = [0.0, 0.0, 0.0]
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { op.apply(xb, into: $0) } }
        #expect(y == [2, 3, 0])
        let solved = PowerIteration.affine(start: [0, 0, 0], alpha: 0.5, constant: [1, 1, 1], settings: IterationSettings()) { x, y in
            op.apply(x, into: y)
        }
        // x = 1 + 0.5·W x on a path 0→1→2: x₂ = 1, x₁ = 1.5, x₀ = 1.75.
        let expected: [Double] = [1.75, 1.5, 1]
        #expect(zip(solved.x, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    /// A report's fields are public: a cascade whose root is not one of its people stops the
    /// listings (CSV per cascade and JSON) with a message rather than reading past the ids.
    @Test func spreadListingsRefuseARootThatIsNoPerson() async throws {
        await #expect(processExitsWith: .failure) {
            var report = SpreadReport(events: try ReferralEvents.parse(bytes: Array("source,target\na,b\n".utf8), file: "x.csv"))
            report.scopes[0].cascades[0].root = 1_000_000
            _ = report.cascadeCSVPieces().joined()
        }
        await #expect(processExitsWith: .failure) {
            var report = SpreadReport(events: try ReferralEvents.parse(bytes: Array("source,target\na,b\n".utf8), file: "x.csv"))
            report.scopes[0].cascades[0].root = -3
            _ = SpreadListing(report, per: .campaign).json().renderedBytes()
        }
        // The same report, untouched, lists its one cascade.
        let report = SpreadReport(events: try ReferralEvents.parse(bytes: Array("source,target\na,b\n".utf8), file: "x.csv"))
        #expect(String(decoding: report.cascadeCSVPieces().joined(), as: UTF8.self).hasSuffix("a,all,2,1,1,1,,\n"))
    }
}

/// Debug test runs check the library's invariants as they go; release builds leave the checks out.
@Test func internalChecksRunInDebugTests() {
    #if DEBUG
        #expect(internalChecksEnabled)
    #else
        #expect(!internalChecksEnabled)
    #endif
}

/// A personalization vector of the wrong length (or with no usable value) is refused before
/// BLAS reads it: on a 4-person graph, `[1]` once gave `[1.0, 6.9e-310, 4e-322, …]`, converged.
@Test func personalizationOfTheWrongLengthIsRefused() throws {
    let events = try ReferralEvents.parse(bytes: Array("source,target\na,b\nb,c\nc,d\n".utf8), file: "f.csv")
    let graph = try ReferralGraph(checking: events)
    for bad in [[1.0], [1, 1, 1, 1, 1], [0, 0, 0, 0], [1, -1, 0, 0], [1, .nan, 0, 0]] {
        #expect(throws: ScoreError.self, "\(bad)") { _ = try graph.score(ScoreOptions(personalization: bad)) }
    }
    let good = try graph.score(ScoreOptions(personalization: [1, 0, 0, 0]))
    #expect(good.score.count == 4)
    #expect(abs(good.score.reduce(0, +) - 1) < 1e-12)
}

@Test func pagerankRefusesAnInWeightOfTheWrongLength() async {
    await #expect(processExitsWith: .failure) {
        let w = CSRMatrix(rows: 3, columns: 3, rowStart: [0, 1, 2, 2], column: [1, 2], value: [1, 1])
        let op = AdjacencyOperator(forward: w, reverse: w.transposed(), kind: .sparse)
        _ = Scores.pagerank(op, inWeight: [1], damping: 0.85, personalization: nil, settings: IterationSettings())
    }
}

/// The public BLAS face checks buffer lengths; equal lengths compute as OpenBLAS does.
@Test func blasChecksLengths() async {
    await #expect(processExitsWith: .failure) {
        let x = [1.0, 2.0]
        var y = [1.0]
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { BLAS.axpy(2, xb, $0) } }
    }
    let x = [1.0, 2.0], v = [3.0, -4.0]
    #expect(x.withUnsafeBufferPointer { xb in v.withUnsafeBufferPointer { BLAS.dot(xb, $0) } } == -5)
}

/// a → b on one day, b → c the next.
private let timedChain = "source,target,timestamp\na,b,2025-01-01T00:00:00Z\nb,c,2025-01-02T00:00:00Z\n"

/// The spread's public entries that read through unchecked buffers check what the caller
/// hands them: daily reach the people of its rows, the cascades their timestamps' length.
@Test func spreadEntriesRefuseRowsOutsideTheirColumns() async throws {
    let events = try ReferralEvents.parse(bytes: Array(timedChain.utf8), file: "events.csv")
    await #expect(processExitsWith: .failure) {
        var broken = try ReferralEvents.parse(bytes: Array(timedChain.utf8), file: "events.csv")
        broken.target[1] = 7  // three people
        _ = DailyReach.series(scope: ScopeRows(allOf: broken))
    }
    await #expect(processExitsWith: .failure) {
        let events = try ReferralEvents.parse(bytes: Array(timedChain.utf8), file: "events.csv")
        _ = ReferralForest(events: events).cascades(timestamps: [0])
    }
    // Whole columns pass.
    #expect(DailyReach.series(scope: ScopeRows(allOf: events)).map(\.newPeople) == [2, 1])
    #expect(ReferralForest(events: events).cascades(timestamps: events.timestamp).map(\.size) == [3])
}
