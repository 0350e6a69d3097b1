import Foundation

/// Arrays for the large tables that are read at random (hash slots, score vectors, CSR
/// columns), with the kernel asked to back them with 2 MiB pages.
///
/// A random read into a 32 MiB table with 4 KiB pages misses the TLB as well as the cache,
/// and the page walk is as slow as the miss; with 2 MiB pages the whole table needs 16 TLB
/// entries. Where transparent huge pages are set to `madvise` (a common default) this
/// `madvise(MADV_HUGEPAGE)` before first touch is what turns them on; elsewhere it is a no-op.
enum HugePages {
    /// Below this many bytes arrays are made the ordinary way.
    static let threshold = 4 << 20
    static let pageSize = 2 << 20

    /// An array of `count` elements, each initialized by `body` (called once, also with an
    /// empty buffer when `count` is 0), asked for huge pages before the first touch.
    ///
    /// No array is made for 0 elements: `Array(unsafeUninitializedCapacity: 0)` writes its
    /// count into the empty array every empty array shares, which ThreadSanitizer reports as a
    /// race with any thread reading another empty array at the time.
    static func uninitialized<T: BitwiseCopyable>(_ type: T.Type, count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void)
        -> [T]
    {
        guard count > 0 else {
            body(UnsafeMutableBufferPointer(start: nil, count: 0))
            return []
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            body(buffer)
            initialized = count
        }
    }

    /// An array of `count` elements, all bits zero (0, 0.0, …).
    static func zeroed<T: BitwiseCopyable>(_ type: T.Type, count: Int) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            prepare(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A contiguous array of `count` elements, all bits zero.
    static func zeroedContiguous<T: BitwiseCopyable>(_ type: T.Type, count: Int) -> ContiguousArray<T> {
        guard count > 0 else { return [] }
        return ContiguousArray<T>(unsafeUninitializedCapacity: count) { buffer, initialized in
            prepare(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// An array of `count` copies of `value`.
    static func filled<T: BitwiseCopyable>(_ value: T, count: Int) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            buffer.baseAddress!.initialize(repeating: value, count: count)
            initialized = count
        }
    }

    /// Asks for huge pages on the aligned interior of `bytes`, then zeroes it all.
    private static func prepare(_ bytes: UnsafeMutableRawBufferPointer) {
        advise(bytes)
        zero(bytes)
    }

    /// Zeroes `bytes`, a large buffer in pieces on several threads. Zeroing is mostly the
    /// first touch of fresh pages, which the kernel makes one at a time on the thread that
    /// touches them: on this kind of VM a 2 MiB page's first touch is slow (in a `perf` timeline
    /// of `score` on 10M referrals the 32 MB of vectors took 55 ms on one thread while the other
    /// waited; whole-process runs showed no change beyond their noise).
    static func zero(_ bytes: UnsafeMutableRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let pieces = bytes.count >= threshold ? Parallel.threads : 1
        guard pieces > 1 else {
            memset(base, 0, bytes.count)
            return
        }
        // Pieces of whole 2 MiB pages (the last takes the rest), so no page is touched twice.
        let pages = (bytes.count + pageSize - 1) / pageSize
        let ranges = Parallel.ranges(pages, parts: pieces)
        let start = UncheckedSendable(base)
        Parallel.forEach(ranges.count) { p in
            let from = ranges[p].lowerBound * pageSize
            let to = min(bytes.count, ranges[p].upperBound * pageSize)
            if to > from { memset(start.value + from, 0, to - from) }
        }
    }

    /// Asks for huge pages on the room `array` has reserved (its capacity), which it fills as
    /// it grows: a column of a chunk's rows is written once, front to back, and its first
    /// touches were most of score's page faults (a 10M-row file's two chunks' columns took
    /// 20,000 4 KiB faults, against 40 of 2 MiB). Each huge page is made whole at its first
    /// touch: up to 2 MiB more resident memory for each array.
    static func adviseReserved<T>(_ array: [T]) {
        array.withUnsafeBufferPointer { adviseReserved($0.baseAddress, capacity: array.capacity) }
    }

    /// `adviseReserved` for a `ContiguousArray`.
    static func adviseReserved<T>(_ array: ContiguousArray<T>) {
        array.withUnsafeBufferPointer { adviseReserved($0.baseAddress, capacity: array.capacity) }
    }

    /// Huge pages for room of `capacity` elements at `base`.
    private static func adviseReserved<T>(_ base: UnsafePointer<T>?, capacity: Int) {
        guard let base else { return }
        advise(UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(mutating: base), count: capacity * MemoryLayout<T>.stride))
    }

    /// The corresponding C function is `madvise`.
    static func advise(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count >= threshold, let base = bytes.baseAddress else { return }
        let start = (Int(bitPattern: base) + pageSize - 1) & ~(pageSize - 1)
        let end = (Int(bitPattern: base) + bytes.count) & ~(pageSize - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
}
