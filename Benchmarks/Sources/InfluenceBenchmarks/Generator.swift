import Foundation
import InfluenceModel

/// Walker's alias table (Vose's construction): O(1) draws from a fixed discrete distribution.
struct AliasTable {
    let probability: [Double]
    let alias: [Int32]

    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var probability = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int32] = [], large: [Int32] = []
        for i in 0 ..< n { if scaled[i] < 1 { small.append(Int32(i)) } else { large.append(Int32(i)) } }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            probability[Int(s)] = scaled[Int(s)]
            alias[Int(s)] = l
            scaled[Int(l)] -= 1 - scaled[Int(s)]
            if scaled[Int(l)] < 1 { large.removeLast(); small.append(l) }
        }
        self.probability = probability
        self.alias = alias
    }

    func draw(_ rng: inout SplitMix64) -> Int {
        let r = rng.next()
        let i = Int(((r >> 32) * UInt64(probability.count)) >> 32)
        return Double(UInt32(truncatingIfNeeded: r)) * 0x1p-32 < probability[i] ? i : Int(alias[i])
    }
}

/// The benchmark graph: `people` people, `referrals` distinct referrals, sources uniform,
/// targets Zipf-like (P(rank k) ∝ k^−exponent, ranks shuffled over the people), no
/// self-referrals, rows in random order, written as `source,target` with ids `u0`, `u1`, ….
///
/// Each row's source is drawn first; then each source draws its targets without repeats;
/// then the rows are written in the order their sources were drawn. Deterministic for a seed.
enum Generator {
    static func write(people: Int, referrals: Int, exponent: Double, seed: UInt64, to path: String) throws {
        precondition(people >= 2 && referrals <= people * (people - 1) / 2, "too many referrals for so few people")
        var rng = SplitMix64(seed: seed)
        var person = Array(0 ..< Int32(people))
        for i in stride(from: people - 1, to: 0, by: -1) { person.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let zipf = AliasTable(weights: (1 ... people).map { pow(Double($0), -exponent) })
        var source = [Int32](repeating: 0, count: referrals)
        var degree = [Int](repeating: 0, count: people + 1)
        for i in 0 ..< referrals {
            let s = Int32(truncatingIfNeeded: rng.next() % UInt64(people))
            source[i] = s
            degree[Int(s) + 1] += 1
        }
        for p in 0 ..< people { degree[p + 1] += degree[p] }
        var targets = [Int32](repeating: 0, count: referrals)
        var drawn: [Int32] = []
        for s in 0 ..< people {
            drawn.removeAll(keepingCapacity: true)
            let want = degree[s + 1] - degree[s]
            var seen = Set<Int32>()
            while drawn.count < want {
                let t = person[zipf.draw(&rng)]
                if t == Int32(s) { continue }
                if want > 32 {
                    if !seen.insert(t).inserted { continue }
                } else if drawn.contains(t) { continue }
                drawn.append(t)
            }
            for (k, t) in drawn.enumerated() { targets[degree[s] + k] = t }
        }
        var next = Array(degree.prefix(people))
        guard let out = fopen(path, "wb") else { throw CocoaError(.fileWriteNoPermission) }
        defer { fclose(out) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20 + 64)
        buffer.append(contentsOf: Array("source,target\n".utf8))
        func id(_ v: Int32) {
            buffer.append(0x75)  // u
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = Int(v), count = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat { d[count] = UInt8(0x30 + n % 10); n /= 10; count += 1 } while n > 0
                for k in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[k]) }
            }
        }
        for i in 0 ..< referrals {
            let s = Int(source[i])
            let t = targets[next[s]]
            next[s] += 1
            id(Int32(s)); buffer.append(0x2C); id(t); buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                fwrite(buffer, 1, buffer.count, out)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        fwrite(buffer, 1, buffer.count, out)
    }
}
