import Foundation

extension OutputFile {
    /// Creates a new, empty folder `prefix` + six random characters (for staging files that are
    /// then moved into place with `move(_:to:)`).
    ///
    /// The corresponding C function is `mkdtemp`.
    /// - Returns: the folder's path.
    /// - Throws: `OutputError`.
    public static func makeTemporaryFolder(prefix: String) throws(OutputError) -> String {
        var template = Array((prefix + "XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw OutputError(path: prefix, reason: String(cString: strerror(errno)))
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Moves a finished file over `target` in one step, so `target` is never partial.
    /// Both must be on one file system (a folder beside the target is).
    ///
    /// The corresponding C function is `rename`.
    /// - Throws: `OutputError`.
    public static func move(_ source: String, to target: String) throws(OutputError) {
        guard rename(source, target) == 0 else { throw OutputError(path: target, reason: String(cString: strerror(errno))) }
    }
}
