import Foundation

/// Wall-clock time of each phase of a run, for benchmarks and `--timings`.
///
/// `@unchecked Sendable` is sound: the only mutable state, `recorded`, is read and written
/// only while holding `lock`.
public final class PhaseTimings: @unchecked Sendable {
    /// One measured phase: its name, seconds, and the bytes it read (0 when not meaningful).
    public struct Phase: Sendable {
        public let name: String
        public let seconds: Double
        public let bytes: Int
    }

    private var recorded: [Phase] = []
    private let lock = NSLock()

    /// The phases recorded so far, in order.
    public var phases: [Phase] { lock.withLock { recorded } }

    public init() {}

    /// Runs `body`, recording its wall time under `name`.
    public func measure<R, E: Error>(_ name: String, bytes: Int = 0, _ body: () throws(E) -> R) throws(E) -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        record(name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, bytes: bytes)
        return result
    }

    /// Records a phase measured elsewhere.
    public func record(_ name: String, seconds: Double, bytes: Int = 0) {
        lock.withLock { recorded.append(Phase(name: name, seconds: seconds, bytes: bytes)) }
    }

    /// Seconds of the phase called `name` (summed if repeated), 0 if absent.
    public func seconds(_ name: String) -> Double {
        phases.filter { $0.name == name }.reduce(0) { $0 + $1.seconds }
    }
}

extension Optional where Wrapped == PhaseTimings {
    /// Runs `body`, timing it when there is a recorder.
    public func measure<R, E: Error>(_ name: String, bytes: Int = 0, _ body: () throws(E) -> R) throws(E) -> R {
        guard let timings = self else { return try body() }
        return try timings.measure(name, bytes: bytes, body)
    }
}
