/// Certified bounds on the spectral radius ρ(W) of a non-negative W: lower ≤ ρ ≤ upper.
///
/// ρ(W) is the largest ρ of W's strongly connected components (the spectrum of a reducible
/// matrix is the union of its diagonal blocks' in Frobenius normal form), and on each
/// component C, irreducible, the Collatz–Wielandt bounds hold for every positive x:
/// min_{i∈C} (W_C x)ᵢ/xᵢ ≤ ρ(W_C) ≤ max_{i∈C} (W_C x)ᵢ/xᵢ. So with x from power iteration on
/// W_C + I (primitive: it converges where W_C, if periodic, would oscillate), the maxima over
/// all components bound ρ from above, and the largest per-component minimum bounds it from
/// below; both tighten as x nears each component's Perron vector. A small component with the
/// largest ρ is never drowned out by a large one, which a single power iteration on W allows.
public struct SpectralBounds: Sendable, Equatable {
    /// ρ(W) is at least this.
    public var lower: Double
    /// ρ(W) is at most this.
    public var upper: Double

    /// Relative margin added to each side for rounding in the products (each ratio is a dot
    /// product of non-negative terms, off by at most (degree + 1)·ε relative).
    static let margin = 1e-10

    /// β below which Σ βᵏWᵏ certainly converges: 1/upper (infinite for a graph without cycles).
    public var convergentBelow: Double { upper > 0 ? 1 / upper : .infinity }
    /// β from which Σ βᵏWᵏ certainly diverges: 1/lower (infinite when lower is 0).
    public var divergentFrom: Double { lower > 0 ? 1 / lower : .infinity }
}

extension Scores {
    /// Certified bounds on ρ(W) for a non-negative W (see `SpectralBounds`).
    /// - Parameters:
    ///   - w: the adjacency operator.
    ///   - iterations: the most power steps; it stops sooner once upper − lower ≤ 1e-9·upper.
    /// - Complexity: O(people + edges) for the components, then O(edges) a step.
    public static func spectralBounds(_ w: AdjacencyOperator, iterations: Int = 200) -> SpectralBounds {
        let m = w.forward
        let n = m.rows
        let component = Self.stronglyConnectedComponents(m)
        // W restricted to edges inside a component, with a positive weight.
        var rowStart = [Int](repeating: 0, count: n + 1)
        var column: [Int32] = []
        var value: [Double] = []
        for r in 0..<n {
            for e in m.rowStart[r]..<m.rowStart[r + 1] where m.values[e] > 0 && component[Int(m.column[e])] == component[r] {
                column.append(m.column[e])
                value.append(m.values[e])
            }
            rowStart[r + 1] = column.count
        }
        guard !column.isEmpty else { return SpectralBounds(lower: 0, upper: 0) }  // no cycle: W is nilpotent
        let components = (component.max() ?? -1) + 1
        var inCycle = [Bool](repeating: false, count: components)
        for r in 0..<n where rowStart[r + 1] > rowStart[r] { inCycle[component[r]] = true }
        var x = [Double](repeating: 1, count: n)
        var y = [Double](repeating: 0, count: n)
        var low = [Double](repeating: .infinity, count: components)
        var high = [Double](repeating: 0, count: components)
        var scale = [Double](repeating: 0, count: components)
        var lower = 0.0, upper = Double.infinity
        for _ in 0..<max(iterations, 1) {
            for c in 0..<components { low[c] = .infinity; high[c] = 0; scale[c] = 0 }
            for r in 0..<n where inCycle[component[r]] {
                var sum = 0.0
                for e in rowStart[r]..<rowStart[r + 1] { sum += value[e] * x[Int(column[e])] }
                y[r] = sum
                let ratio = sum / x[r]
                let c = component[r]
                low[c] = min(low[c], ratio)
                high[c] = max(high[c], ratio)
            }
            var stepLower = 0.0, stepUpper = 0.0
            for c in 0..<components where inCycle[c] {
                stepLower = max(stepLower, low[c])
                stepUpper = max(stepUpper, high[c])
            }
            lower = max(lower, stepLower)
            upper = min(upper, stepUpper)
            if upper - lower <= 1e-9 * upper { break }
            // x ← (W_C + I)x, scaled per component so that none underflows beside another.
            for r in 0..<n where inCycle[component[r]] {
                x[r] += y[r]
                scale[component[r]] = max(scale[component[r]], x[r])
            }
            for r in 0..<n where inCycle[component[r]] { x[r] /= scale[component[r]] }
        }
        return SpectralBounds(lower: lower * (1 - SpectralBounds.margin), upper: upper * (1 + SpectralBounds.margin))
    }

    /// The strongly connected components of the graph of W's positive entries (Tarjan's
    /// algorithm, without recursion), numbered from 0.
    /// - Complexity: O(rows + entries).
    static func stronglyConnectedComponents(_ m: CSRMatrix) -> [Int] {
        let n = m.rows
        var index = [Int](repeating: -1, count: n)
        var lowLink = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var component = [Int](repeating: -1, count: n)
        var stack: [Int] = []
        var frames: [(node: Int, edge: Int)] = []
        var next = 0, components = 0
        for root in 0..<n where index[root] < 0 {
            frames.append((root, m.rowStart[root]))
            index[root] = next; lowLink[root] = next; next += 1
            stack.append(root); onStack[root] = true
            while let (v, e) = frames.last {
                if e < m.rowStart[v + 1] {
                    frames[frames.count - 1].edge = e + 1
                    guard m.values[e] > 0 else { continue }
                    let t = Int(m.column[e])
                    if index[t] < 0 {
                        index[t] = next; lowLink[t] = next; next += 1
                        stack.append(t); onStack[t] = true
                        frames.append((t, m.rowStart[t]))
                    } else if onStack[t] {
                        lowLink[v] = min(lowLink[v], index[t])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { lowLink[parent.node] = min(lowLink[parent.node], lowLink[v]) }
                if lowLink[v] == index[v] {
                    while let t = stack.popLast() {
                        onStack[t] = false
                        component[t] = components
                        if t == v { break }
                    }
                    components += 1
                }
            }
        }
        return component
    }
}
