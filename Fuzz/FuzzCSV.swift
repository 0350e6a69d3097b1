// Compiled into one module with the library sources by Fuzz/build.sh.

/// One fuzz input drives every parser that sees untrusted bytes: the referral and
/// conversion readers (delimiter detection, quoting, headers, numbers, timestamps), the
/// graph build and a short score, and the timestamp parser on each line. Any trap, sanitizer
/// report or leak is a finding; thrown `InputError`s are the expected outcome for bad data.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for policy in [ErrorPolicy.stop, .skip] {
        let options = ReadOptions(onError: policy)
        if let events = try? ReferralEvents.parse(bytes: bytes, file: "fuzz.csv", options: options) {
            check(events)
            if let graph = try? ReferralGraph(checking: events) {
                let settings = IterationSettings(tolerance: 1e-6, maxIterations: 20)
                for algorithm in ScoreAlgorithm.allCases {
                    if let result = try? graph.score(ScoreOptions(algorithm: algorithm, iteration: settings)) {
                        _ = result.csv(top: 5)
                    }
                }
                _ = ReferralForest(events: events)
            }
        }
        if let conversions = try? Conversions.parse(bytes: bytes, file: "fuzz.csv", options: options) {
            _ = conversions.totals(over: conversions.users)
        }
    }
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(64) {
        let text = String(decoding: line, as: UTF8.self)
        if let seconds = try? Timestamp.parse(text) {
            // Whatever parses must lie in the documented range and format back.
            if !(seconds >= -2_208_988_800 && seconds < 7_258_118_400) { fatalError("timestamp out of range: \(text)") }
            _ = Timestamp.iso8601(seconds)
        }
    }
    return 0
}

/// Invariants of a successful read.
func check(_ events: ReferralEvents) {
    let n = events.count
    guard events.target.count == n, events.weight.count == n, events.line.count == n else { fatalError("ragged columns") }
    for i in 0 ..< n {
        if events.source[i] == events.target[i] { fatalError("self-referral kept") }
        if !(events.weight[i] >= 0 && events.weight[i].isFinite) { fatalError("bad weight kept") }
    }
}
