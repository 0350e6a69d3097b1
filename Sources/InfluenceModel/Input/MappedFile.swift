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
            let base = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED
        {
            (owned, mapping) = (nil, base)
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
        if let mapping { munmap(mapping, bytes.count) }
    }
}
