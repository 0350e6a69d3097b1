import Foundation

/// The bytes of an input file, mapped into memory rather than copied when it is a regular
/// file (standard input, pipes and devices are read into memory as `InputFile` does).
///
/// The corresponding C functions are `open`, `fstat`, `mmap` and `munmap`.
///
/// `@unchecked Sendable` is sound: every stored property is a `let`, the mapping is
/// read-only (`PROT_READ`, `MAP_PRIVATE`) and the owned array is never mutated, so threads
/// can only read the same bytes; the pointer is handed out only inside `withBytes`.
final class MappedFile: @unchecked Sendable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let mapping: UnsafeMutableRawPointer?
    private let owned: [UInt8]?

    /// Maps `path`, or reads standard input when `path` is `-`.
    /// - Throws: `InputError.fileNotFound`, `.isDirectory`, `.unreadable`, as `InputFile.read`.
    init(path: String) throws(InputError) {
        if path == "-" {
            let data = try InputFile.read(path)
            (owned, mapping) = (data, nil)
            bytes = MappedFile.view(data)
            return
        }
        let (fd, info) = try InputFile.openForReading(path)
        defer { close(fd) }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) == S_IFREG, size > 0,
            let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED
        {
            (owned, mapping) = (nil, base)
            Self.live.add(base, size)
            bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
            return
        }
        let data = try InputFile.readAll(descriptor: fd, path: path, sizeHint: size)
        (owned, mapping) = (data, nil)
        bytes = MappedFile.view(data)
    }

    /// A pointer into an array this object keeps alive and never mutates.
    private static func view(_ data: [UInt8]) -> UnsafeBufferPointer<UInt8> {
        data.withUnsafeBufferPointer { $0 }
    }

    /// Calls `body` with the file's bytes; the pointer must not escape `body`.
    func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(bytes) }
    }

    /// The size in bytes.
    var count: Int { bytes.count }

    deinit {
        if let mapping {
            Self.live.remove(mapping)
            munmap(mapping, bytes.count)
        }
    }

    /// Hands the pages of `buffer[from ..< to]` back to the page cache when `buffer` lies in a
    /// file mapped here (else does nothing): the process stops holding them, and reading them
    /// again maps them again from the file, so no byte read changes. Only whole pages inside
    /// the range are released.
    ///
    /// The corresponding C function is `madvise` (`MADV_DONTNEED`, which for a private,
    /// never-written file mapping drops the pages rather than discarding data).
    static func release(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        guard let base = buffer.baseAddress, from >= 0, to <= buffer.count, from < to else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + from + page - 1) / page * page
        let end = (Int(bitPattern: base) + to) / page * page
        guard start < end, live.covers(start, end) else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
    }

    /// The address ranges of the files mapped now.
    private static let live = Mappings()

    /// `@unchecked Sendable` is sound: the ranges are read and written only under the lock.
    private final class Mappings: @unchecked Sendable {
        private var ranges: [Int: Int] = [:]
        private let lock = NSLock()

        func add(_ base: UnsafeMutableRawPointer, _ count: Int) { lock.withLock { ranges[Int(bitPattern: base)] = count } }
        func remove(_ base: UnsafeMutableRawPointer) { lock.withLock { _ = ranges.removeValue(forKey: Int(bitPattern: base)) } }

        /// Whether `start ..< end` lies inside one mapping.
        func covers(_ start: Int, _ end: Int) -> Bool {
            lock.withLock { ranges.contains { start >= $0.key && end <= $0.key + $0.value } }
        }
    }
}
