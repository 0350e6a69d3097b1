import Foundation

/// Reads whole input files, or standard input for `-`.
public enum InputFile {
    /// The bytes of `path`, or of standard input when `path` is `-`.
    ///
    /// The corresponding C functions are `open`, `fstat` and `read`.
    /// - Throws: `InputError.fileNotFound`, `.isDirectory`, `.unreadable`.
    public static func read(_ path: String) throws(InputError) -> [UInt8] {
        if path == "-" { return try readAll(descriptor: STDIN_FILENO, path: "<stdin>") }
        let (fd, info) = try openForReading(path)
        defer { close(fd) }
        return try readAll(descriptor: fd, path: path, sizeHint: Int(info.st_size))
    }

    /// Opens `path` for reading, refusing folders; the caller closes the descriptor.
    ///
    /// The corresponding C functions are `open` and `fstat`.
    /// - Throws: `InputError.fileNotFound`, `.isDirectory`, `.unreadable`.
    static func openForReading(_ path: String) throws(InputError) -> (descriptor: Int32, info: stat) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .isDirectory(path: path)
        }
        return (fd, info)
    }

    /// The name messages use for `path`.
    public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    static func readAll(descriptor fd: Int32, path: String, sizeHint: Int = 0) throws(InputError) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(max(sizeHint, 1 << 16) + 1)
        var chunk = max(sizeHint + 1, 1 << 16)
        while true {
            let old = bytes.count
            var failure: Int32 = 0
            var got = 0
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            bytes.withUnsafeMutableBufferPointer { buffer in
                got = Foundation.read(fd, buffer.baseAddress! + old, chunk)
                if got < 0 { failure = errno }
            }
            if got < 0 {
                bytes.removeLast(chunk)
                if failure == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(failure)))
            }
            bytes.removeLast(chunk - got)
            if got == 0 { return bytes }
            chunk = max(1 << 16, min(bytes.count, 1 << 26))
        }
    }
}
