/// Invariant checks for debug builds and tests (`INFLUENCE_INTERNAL_CHECKS`, defined for debug
/// builds in Package.swift, as swift-collections' `COLLECTIONS_INTERNAL_CHECKS`): they state
/// what the code relies on and stop at the first broken invariant; release builds compile them out.
@inline(__always)
func internalCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    #if INFLUENCE_INTERNAL_CHECKS
        precondition(condition(), "internal check failed: \(message())", file: file, line: line)
    #endif
}

/// Whether internal checks are compiled in (tests assert it, so a debug test run really runs them).
public let internalChecksEnabled: Bool = {
    #if INFLUENCE_INTERNAL_CHECKS
        return true
    #else
        return false
    #endif
}()
