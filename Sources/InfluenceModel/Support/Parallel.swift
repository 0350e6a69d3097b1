import Dispatch
import Foundation

/// The few ways the engine runs work on several cores, kept in one place.
///
/// Every parallel step splits its work into parts whose results do not depend on how the
/// parts are scheduled, so the output is the same bytes whatever the timing and whatever
/// the number of threads.
public enum Parallel {
    /// Threads the engine uses: `INFLUENCE_THREADS` if set, else the active processors.
    public static let threads: Int = {
        if let text = ProcessInfo.processInfo.environment["INFLUENCE_THREADS"], let n = Int(text), n >= 1 { return min(n, 64) }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body(i)` for `i` in `0 ..< count`, on several threads when `count > 1`.
    /// The corresponding Dispatch call is `DispatchQueue.concurrentPerform`.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count == 1 { body(0); return }
        if count <= 0 { return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
        }
    }

    /// `(a(), b())`, the two run side by side when there is more than one thread.
    ///
    /// Work either body shares among the threads (`forEach` inside it) then runs on that
    /// body's thread alone: Dispatch narrows a `concurrentPerform` nested in one that already
    /// fills the threads (`spread` on a 10M-row program export measured its campaigns in 9.9 s
    /// beside another body, in 6.6 s alone). Pair work that is one thread's anyway.
    static func both<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
        guard threads > 1 else { return (a(), b()) }
        // Each slot is written by one of the two bodies, and read after both have ended.
        let slots = BothSlots<A, B>()
        forEach(2) { i in
            if i == 0 { slots.a = a() } else { slots.b = b() }
        }
        return (slots.a!, slots.b!)
    }

    /// Runs each of `jobs` once, on several threads when there are several: each thread takes
    /// the next job left, in the order given (put the longest first). The jobs must write
    /// only their own results.
    static func run(_ jobs: [() -> Void]) {
        guard jobs.count > 1, threads > 1 else {
            for job in jobs { job() }
            return
        }
        let next = JobCounter()
        forEach(min(threads, jobs.count)) { _ in
            while let j = next.take(below: jobs.count) { jobs[j]() }
        }
    }

    /// `(0 ..< count).map(item)`, with `0 ..< count` cut into `parts` ranges made on several
    /// threads: the same array in the same order, whatever the timing.
    static func map<T>(_ count: Int, parts: Int, _ item: (Int) -> T) -> [T] {
        // No array made for none (see `HugePages.uninitialized`: the shared empty array).
        guard count > 0 else { return [] }
        let ranges = ranges(count, parts: parts)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = SharedBuffer(buffer)
            // Each slot is initialized exactly once, by the range that holds its index.
            forEach(ranges.count) { p in
                for i in ranges[p] { (slots.base + i).initialize(to: item(i)) }
            }
            initialized = count
        }
    }

    /// An array of `count` elements that `body` writes every one of (through the buffer, each
    /// once, on as many threads as it likes), without zeroing them first: the fresh pages are
    /// first touched where `body` writes them, on its threads, rather than all on the caller's
    /// (a 174 MB block zeroed on one thread before a solve, about 70 ms). Only for plain
    /// values; an element `body` leaves unwritten holds whatever bits the memory had.
    static func written<T: BitwiseCopyable>(_ type: T.Type, count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
        // No array made for none (see `HugePages.uninitialized`: the shared empty array).
        guard count > 0 else {
            body(UnsafeMutableBufferPointer(start: nil, count: 0))
            return []
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }

    /// An array of `count` elements, all bits zero, zeroed in pieces on several threads
    /// (`written`).
    static func zeroed<T: BitwiseCopyable>(_ type: T.Type, count: Int) -> [T] {
        written(type, count: count) { HugePages.zero(UnsafeMutableRawBufferPointer($0)) }
    }

    /// `count` elements for an array's `append(contentsOf:)` that `fill` writes straight into
    /// the array's room (`FilledInPlace`), each once, on as many threads as it likes.
    static func filled<T: BitwiseCopyable>(
        _ type: T.Type, count: Int, _ fill: @escaping (UnsafeMutableBufferPointer<T>) -> Void
    ) -> FilledInPlace<T> {
        FilledInPlace(count: count, fill: fill)
    }

    /// `values` for an array's `append(contentsOf:)`, copied into its room in pieces on every
    /// thread (`FilledInPlace`): the room's fresh pages are first touched on both threads.
    static func copied<T: BitwiseCopyable>(_ values: [T]) -> FilledInPlace<T> {
        FilledInPlace(count: values.count) { room in
            values.withUnsafeBufferPointer { values in
                let parts = ranges(values.count, parts: values.count < 1 << 18 ? 1 : 4 * threads)
                let (from, to) = (UncheckedSendable(values), SharedBuffer(room))
                forEach(parts.count) { p in
                    let range = parts[p]
                    (to.base + range.lowerBound).update(from: from.value.baseAddress! + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// `body(range)` for each range of `parts`, on several threads, in the ranges' order
    /// (a long output formatted in pieces, then joined).
    static func pieces<T>(_ parts: [Range<Int>], _ body: (Range<Int>) -> T) -> [T] {
        map(parts.count, parts: parts.count) { body(parts[$0]) }
    }

    /// `0 ..< count` cut into `parts` contiguous ranges of near-equal length.
    public static func ranges(_ count: Int, parts: Int) -> [Range<Int>] {
        let parts = max(1, min(parts, count))
        return (0..<parts).map { p in (count * p / parts)..<(count * (p + 1) / parts) }
    }

    /// Row blocks of near-equal cost for rows starting at `offsets` (one past the last: the
    /// count), a row costing its entries plus `rowCost`; one block when the total cost is below
    /// `minimum` or there is one part. Every block but the last starts and ends on a multiple
    /// of `align` rows (blocks may then be empty).
    static func blocks(offsets rowStart: [Int], parts: Int, minimum parallelThreshold: Int, rowCost: Int = 0, align: Int = 1)
        -> [Range<Int>]
    {
        let rows = rowStart.count - 1
        let count = rowStart[rows] + rowCost * rows
        guard parts > 1, count >= parallelThreshold else { return [0..<rows] }
        var bounds = [0]
        rowStart.withUnsafeBufferPointer { start in
            for p in 1..<parts {
                let target = count * p / parts
                var lo = bounds.last!, hi = rows
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if start[mid] + rowCost * mid < target { lo = mid + 1 } else { hi = mid }
                }
                bounds.append(max(bounds.last!, lo / align * align))
            }
        }
        bounds.append(rows)
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    }
}

/// Work started on a thread of its own, outside Dispatch's pool, and waited for later: a job
/// that fills the core the caller's work leaves idle. A `forEach` on the caller's thread keeps
/// its full width beside it, where inside `both` it would run on one thread.
///
/// The thread runs at the ordinary priority. At the lowest (nice 19) it waited while the
/// caller's threads were busy, but also while any other process was: beside two busy
/// processes `attribute` on the 10M program export read its conversions in 36.0 s and took
/// 39.8 s, as an unprivileged thread cannot raise its priority again once its caller waits.
///
/// `@unchecked Sendable` is sound: `result` is written once, by the job's thread, before it
/// signals `done`, and read only after `wait` has seen that signal.
final class Background<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread, once `gate` opens (at once without one); if the gate is
    /// called off, the job's result is `calledOff` instead.
    init(after gate: Gate? = nil, calledOff: T? = nil, _ body: @escaping @Sendable () -> T) {
        let thread = Thread { [self] in
            let go = gate?.wait() ?? true
            result = go ? body() : calledOff ?? body()
            done.signal()
        }
        thread.start()
    }

    /// The job's result, once it has ended. Call it once.
    func wait() -> T {
        done.wait()
        return result!
    }
}

/// A start signal that is given once, however many times it is opened (a `Background` job
/// waiting for a step of the caller that may come several times, or not at all before the
/// caller opens it anyway), or called off. `@unchecked Sendable` is sound: `state` is read and
/// written only while holding `lock`.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    /// `nil` until opened; then whether the work behind it should go ahead.
    private var state: Bool?
    private let signal = DispatchSemaphore(value: 0)

    /// Lets the waiter through; later calls, and calls after `callOff`, do nothing.
    func open() { settle(go: true) }

    /// Lets the waiter through, told not to go ahead, unless the gate was opened already.
    func callOff() { settle(go: false) }

    private func settle(go: Bool) {
        let first = lock.withLock {
            guard state == nil else { return false }
            state = go
            return true
        }
        if first { signal.signal() }
    }

    /// Returns once the gate has been opened or called off: whether to go ahead. Only one
    /// thread waits.
    func wait() -> Bool {
        signal.wait()
        return lock.withLock { state! }
    }
}

/// A value handed to other threads by a caller that guarantees they use it safely
/// (disjoint writes, or reads only).
///
/// `@unchecked Sendable` is sound only under that guarantee: it is used inside
/// `Parallel.forEach` bodies that read a buffer nobody writes during the call, or write
/// disjoint index ranges; the value never outlives the call that made it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A buffer several threads write into, each to its own indices.
///
/// `@unchecked Sendable` is sound because every user partitions the indices
/// (`Parallel.ranges`, chunk offsets) so no two threads touch one element, and the buffer's
/// owner keeps it alive and untouched until `Parallel.forEach` returns. Debug builds check
/// each index against the count.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
        count = buffer.count
    }

    @inline(__always) subscript(i: Int) -> Element {
        get {
            internalCheck(i >= 0 && i < count, "SharedBuffer index \(i) outside 0..<\(count)")
            return base[i]
        }
        nonmutating set {
            internalCheck(i >= 0 && i < count, "SharedBuffer index \(i) outside 0..<\(count)")
            base[i] = newValue
        }
    }

    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}

/// The two results of `Parallel.both`. `@unchecked Sendable` is sound: each property is
/// written by exactly one of the two bodies, and read only after `forEach` has returned.
private final class BothSlots<A, B>: @unchecked Sendable {
    var a: A?
    var b: B?
}

/// Hands out job indices, each once (`Parallel.run`, spread's campaigns). `@unchecked
/// Sendable` is sound: `taken` is read and written only while holding `lock`.
final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0

    /// The next index below `limit` that no one has taken yet, or `nil`.
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard taken < limit else { return nil }
            taken += 1
            return taken - 1
        }
    }
}

/// `count` elements written by `fill` (`Parallel.filled`, `Parallel.copied`): handed to an
/// array's `append(contentsOf:)`, they are written straight into the room the array makes for
/// them, which `fill` may do on several threads.
///
/// An array appends a sequence by reserving room for its `underestimatedCount` and asking it
/// to copy itself there (`_copyContents`); a plain append of an array or of zeros copies on
/// the caller's thread alone, and most of that time is the first touch of the room's fresh
/// pages, one at a time (the 1 GB of new keys' bytes joined into the first chunk's table of a
/// 100M-row export, 2.2 s of page clearing on one thread in a `perf` profile). Any other use
/// (iterating it) fills a temporary array first: the same elements.
struct FilledInPlace<Element: BitwiseCopyable>: Sequence {
    let count: Int
    let fill: (UnsafeMutableBufferPointer<Element>) -> Void

    var underestimatedCount: Int { count }

    func makeIterator() -> IndexingIterator<[Element]> {
        Parallel.written(Element.self, count: count, fill).makeIterator()
    }

    func _copyContents(initializing room: UnsafeMutableBufferPointer<Element>) -> (IndexingIterator<[Element]>, Int) {
        guard room.count >= count else {
            // Too little room (not how an append calls it): as many as fit, then the rest.
            var rest = makeIterator()
            var written = 0
            while written < room.count, let next = rest.next() {
                (room.baseAddress! + written).initialize(to: next)
                written += 1
            }
            return (rest, written)
        }
        if count > 0 { fill(UnsafeMutableBufferPointer(rebasing: room[0..<count])) }
        return ([Element]().makeIterator(), count)
    }
}
