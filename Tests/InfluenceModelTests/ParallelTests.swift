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
