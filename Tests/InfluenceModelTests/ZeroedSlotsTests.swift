import Testing

@testable import InfluenceModel

struct ZeroedSlotsTests {
    /// Widening keeps the slots written and brings in zeros, whether the room is mapped (1 MiB
    /// or more) or allocated, and whether or not a widening passes the room.
    @Test(arguments: [0, 1000, 1 << 20])
    func wideningKeepsTheSlotsAndAddsZeros(reserving: Int) {
        var slots = ZeroedSlots()
        var model: [Int32] = []
        var rng = SplitMix64(seed: UInt64(reserving) &+ 7)
        for size in [1, 3, 1024, 5000, 70_000, 300_000, 2_000_000] {
            slots.widen(to: size, reserving: reserving)
            model += [Int32](repeating: 0, count: size - model.count)
            #expect(slots.count == size)
            #expect(slots.capacity >= size)
            for _ in 0..<200 {
                let i = Int(rng.next() % UInt64(size))
                let value = Int32(truncatingIfNeeded: rng.next())
                slots[i] = value
                model[i] = value
            }
            let same = slots.withUnsafeBufferPointer { Array($0) == model }
            #expect(same, "after widening to \(size)")
        }
        // Narrowing is not widening: nothing changes.
        slots.widen(to: 10, reserving: reserving)
        #expect(slots.count == 2_000_000)
    }

    /// Room reserved ahead is used: widenings inside it keep the same room (nothing moved).
    @Test func wideningInsideTheRoomKeepsIt() {
        var slots = ZeroedSlots()
        slots.widen(to: 1024, reserving: 1 << 22)
        #expect(slots.capacity == 1 << 22)
        slots[1023] = 5
        let before = slots.withUnsafeBufferPointer { $0.baseAddress }
        slots.widen(to: 1 << 21)
        slots.widen(to: 1 << 22)
        let after = slots.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
        #expect(slots[1023] == 5)
        #expect(slots[(1 << 22) - 1] == 0)
        // Small room is only what is asked (no 1 MiB allocation for a few slots).
        var small = ZeroedSlots()
        small.widen(to: 16, reserving: 1000)
        #expect(small.capacity == 16)
    }

    /// A copy is a value: writing or widening one leaves the other as it was, also when the
    /// room they shared had space to widen in place.
    @Test func copiesAreIndependent() {
        var a = ZeroedSlots()
        a.widen(to: 100, reserving: 1 << 20)
        a[7] = 70
        var b = a
        b[7] = 71
        b.widen(to: 200)
        b[150] = 3
        var c = a
        c.widen(to: 300)
        #expect(a.count == 100)
        #expect(a[7] == 70)
        #expect(b[7] == 71)
        #expect(b[150] == 3)
        #expect(c[7] == 70)
        #expect(c[150] == 0)  // b's write stayed in b's room
        #expect(c.count == 300)
        a.withUnsafeMutableBufferPointer { $0[8] = 80 }
        #expect(b[8] == 0)
        #expect(c[8] == 0)
        #expect(a[8] == 80)
    }

    /// Tables whose ids reach ever higher numbers widen the numbered array in its room; the
    /// table numbers them by first appearance, as a dictionary does.
    @Test func tablesWideningTheirNumberedArrayMatchADictionary() {
        var table = Interner(chunkOfRows: 400_000)
        var model: [String: Int32] = [:]
        var rng = SplitMix64(seed: 11)
        for k in 0..<300_000 {
            // Numbers growing with k, so the array widens many times.
            let id = "p\(rng.next() % UInt64(8 * k + 16))@example.com"
            let expected = model[id] ?? Int32(model.count)
            model[id] = expected
            var key = id
            let got = key.withUTF8 { table.intern($0).index }
            if got != expected {
                Issue.record("\(id): \(got), expected \(expected)")
                return
            }
        }
        #expect(table.count == model.count)
        var copy = table
        var key = "p99999999@example.com"
        _ = key.withUTF8 { copy.intern($0) }
        #expect(table.index(of: key) == nil)
        #expect(copy.index(of: key) == Int32(model.count))
    }
}
