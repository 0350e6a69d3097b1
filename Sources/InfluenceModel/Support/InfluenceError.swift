/// An error a person can act on: its description says what is wrong and where, and its
/// exit code follows `sysexits.h` (64 usage, 65 data, 66 input, 70 internal, 74 output).
public protocol InfluenceError: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}
