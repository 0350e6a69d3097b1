import Foundation
import Testing

@testable import InfluenceModel

/// The job runner that measures a scope's parts side by side.
struct ParallelTests {
    /// Every job runs exactly once, however many jobs there are against threads; each writes
    /// only its own slot, as the runner asks.
    @Test(arguments: [0, 1, 2, 3, 17, 200])
    func runRunsEachJobOnce(count: Int) {
        let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, count))
        defer { runs.deallocate() }
        runs.initialize(repeating: 0)
        let slots = SharedBuffer(runs)
        let jobs: [() -> Void] = (0..<count).map { j in { slots[j] += 1 } }
        Parallel.run(jobs)
        let ranOnce = (0..<count).allSatisfy { runs[$0] == 1 }
        #expect(ranOnce)
    }

    /// Values appended through `Parallel.copied` (written into the array's room on every
    /// thread) and `Parallel.filled` give the array a plain append gives, whether the room was
    /// reserved or the array grows, for small counts and for counts cut among the threads.
    @Test(arguments: [0, 1, 7, 300_011])
    func appendsWrittenInPlaceMatchPlainAppends(count: Int) {
        let values = (0..<count).map { Int32(truncatingIfNeeded: $0 &* 7_919 &+ 13) }
        for reserved in [false, true] {
            var plain: [Int32] = [5, -1, 9]
            var placed = plain
            if reserved { placed.reserveCapacity(placed.count + count) }
            plain.append(contentsOf: values)
            placed.append(contentsOf: Parallel.copied(values))
            #expect(placed == plain, "reserved: \(reserved)")
            var bytes: ContiguousArray<UInt8> = [1, 2]
            bytes.append(
                contentsOf: Parallel.filled(UInt8.self, count: count) { room in
                    let out = SharedBuffer(room)
                    let parts = Parallel.ranges(room.count, parts: 3)
                    Parallel.forEach(parts.count) { p in for k in parts[p] { out[k] = UInt8(truncatingIfNeeded: k &* 31) } }
                })
            let expected: ContiguousArray<UInt8> = [1, 2] + (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(bytes == expected)
        }
    }

    /// Read any other way than by an append (iterated, or copied into too little room), a
    /// `FilledInPlace` holds the same elements in the same order.
    @Test func filledInPlaceReadOtherwiseHasTheSameElements() {
        let values: [Double] = [3.5, -0.0, 7, .infinity, 1e-300]
        let sequence = Parallel.copied(values)
        var iterated: [UInt64] = []
        for value in sequence { iterated.append(value.bitPattern) }
        #expect(iterated == values.map(\.bitPattern))
        let room = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2)
        defer { room.deallocate() }
        var (rest, written) = sequence._copyContents(initializing: room)
        #expect(written == 2 && room[0] == 3.5 && room[1].bitPattern == (-0.0).bitPattern)
        var tail: [Double] = []
        while let next = rest.next() { tail.append(next) }
        #expect(tail.map(\.bitPattern) == values.dropFirst(2).map(\.bitPattern))
    }

    /// A background job runs once, on a thread of its own, and `wait` returns its result only
    /// once it has ended.
    @Test func backgroundJobIsWaitedFor() {
        let caller = pthread_self()
        let job = Background { () -> (value: Int, sameThread: Bool) in
            usleep(100_000)
            return (42, pthread_equal(pthread_self(), caller) != 0)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let result = job.wait()
        #expect(result.value == 42 && !result.sameThread)
        #expect(DispatchTime.now().uptimeNanoseconds - started >= 50_000_000)
    }

    /// A background job behind a gate starts only once the gate opens; opening it again
    /// changes nothing.
    @Test func backgroundJobWaitsForItsGate() {
        let gate = Gate()
        let opened = OpenedFlag()
        let job = Background(after: gate) { opened.get() }
        usleep(50_000)
        opened.set()
        gate.open()
        gate.callOff()
        gate.open()
        #expect(job.wait())
    }

    /// A job whose gate is called off before it opens does not run: its result is the one
    /// given for that case.
    @Test func backgroundJobCalledOffDoesNotRun() {
        let gate = Gate()
        let ran = OpenedFlag()
        let job = Background(after: gate, calledOff: -1) { () -> Int in
            ran.set()
            return 1
        }
        gate.callOff()
        gate.open()
        #expect(job.wait() == -1 && !ran.get())
    }
}

/// A flag set by one thread and read by another. `@unchecked Sendable` is sound: `value` is
/// read and written only while holding `lock`.
private final class OpenedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    func get() -> Bool { lock.withLock { value } }
}
