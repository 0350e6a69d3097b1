import CPrefetch
import Foundation

/// Why output could not be written (exit 74).
public struct OutputError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let reason: String
    /// The reader of standard output went away (`| head`): not a failure worth a message.
    public var isBrokenPipe = false

    public var exitCode: Int32 { 74 }

    public var description: String {
        "\(path): cannot write the output (\(reason)). Nothing was changed there; check the folder exists, has space and is writable."
    }
}

/// Writes command output to standard output or, atomically, to a file.
public enum OutputFile {
    /// Creates `path` and its parents as folders if they are missing.
    ///
    /// The corresponding C function is `mkdir`.
    /// - Throws: `OutputError` when a part exists as a file or cannot be made.
    public static func makeFolder(_ path: String) throws(OutputError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o777) != 0, errno != EEXIST {
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            var info = stat()
            if stat(prefix, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
                throw OutputError(path: path, reason: "\(prefix) is not a folder")
            }
            prefix += "/"
        }
    }

    /// Writes `text` to `path` (`nil` or `-`: standard output).
    ///
    /// A file is written to a temporary file in the same folder, flushed, and renamed over
    /// the target, so a failed run never leaves a partial or clobbered file. The
    /// corresponding C functions are `mkstemp`, `write`, `fsync` and `rename`.
    /// - Throws: `OutputError`.
    public static func write(_ text: String, to path: String?) throws(OutputError) {
        var text = text
        try write(to: path) { fd, shown throws(OutputError) in try writeAll(fd, &text, path: shown) }
    }

    /// Writes `chunks` one after another to `path` as `write(_:to:)` writes text (atomically
    /// to a file), without joining them first.
    /// - Throws: `OutputError`.
    public static func write(chunks: [[UInt8]], to path: String?) throws(OutputError) {
        try write(pieces: OutputPieces(chunks), to: path)
    }

    /// Writes `pieces` one after another to `path` as `write(_:to:)` writes text (atomically
    /// to a file), each piece made while the one before it is written, on another thread
    /// when there are several (`OutputPieces.forEach`).
    /// - Throws: `OutputError`.
    public static func write(pieces: OutputPieces, to path: String?) throws(OutputError) {
        try write(to: path) { fd, shown throws(OutputError) in
            // Written bytes are handed to the device as they pass each 32 MiB (a hint; a pipe
            // or a device ignores it), so the flush at the end has little left to do.
            var (written, started) = (0, 0)
            let failure = pieces.forEach(makers: Parallel.threads - 1) { bytes in
                let failure = writeAll(fd, bytes)
                written += bytes.count
                if failure == 0, written - started >= 32 << 20 {
                    _ = influence_start_writeback(fd, Int64(started), Int64(written - started))
                    started = written
                }
                return failure
            }
            try check(failure, path: shown)
        }
    }

    /// Opens `path` (standard output, a device written in place, or a temporary file renamed
    /// over it once `emit` has written everything and it is flushed) and lets `emit` write to it.
    private static func write(to path: String?, _ emit: (Int32, String) throws(OutputError) -> Void) throws(OutputError) {
        guard let path, path != "-" else {
            try emit(STDOUT_FILENO, "<stdout>")
            return
        }
        var existing = stat()
        if stat(path, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFDIR {
            throw OutputError(path: path, reason: "it is a folder")
        }
        // Split by hand: Foundation's path helpers trap on some inputs (".").
        let folder: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            folder = slash == path.startIndex ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            folder = "."
            base = path
        }
        if stat(path, &existing) == 0, (existing.st_mode & S_IFMT) != S_IFREG {
            // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced.
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            try emit(fd, path)
            return
        }
        var template = Array((folder + "/." + base + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            try emit(fd, path)
            guard fsync(fd) == 0 || errno == EINVAL else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            // Keep the permissions of a file being replaced; a new one gets 0644 less the umask.
            var info = stat()
            if stat(path, &info) == 0 {
                fchmod(fd, info.st_mode & 0o7777)
            } else {
                let mask = umask(0)
                umask(mask)
                fchmod(fd, 0o666 & ~mask)
            }
            guard close(fd) == 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            guard rename(temporary, path) == 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        } catch let error as OutputError {
            close(fd)
            unlink(temporary)
            throw error
        } catch {
            close(fd)
            unlink(temporary)
            throw OutputError(path: path, reason: "\(error)")
        }
    }

    static func writeAll(_ fd: Int32, _ text: inout String, path: String) throws(OutputError) {
        try check(text.withUTF8 { writeAll(fd, $0) }, path: path)
    }

    /// Writes all of `bytes` to `fd`, retrying after signals; returns 0 or the `errno` of the
    /// failure. The corresponding C function is `write`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// Turns a failed write's `errno` into an `OutputError`.
    static func check(_ failure: Int32, path: String) throws(OutputError) {
        if failure != 0 {
            throw OutputError(path: path, reason: String(cString: strerror(failure)), isBrokenPipe: failure == EPIPE)
        }
    }
}

extension OutputError: InfluenceError {}
