// Compiled into one module with the library sources by Fuzz/build.sh.

/// One fuzz input drives every parser that sees untrusted bytes: the referral and
/// conversion readers (delimiter detection, quoting, headers, amounts, timestamps, ids),
/// the graph build and a short score, gzip inflation, encoding conversion, the binary-format
/// sniffer, and the field parsers (times, amounts, ids, header words) on each line. Any trap,
/// sanitizer report or leak is a finding; thrown `InputError`s are the expected outcome for
/// bad data.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for (k, policy) in [ErrorPolicy.stop, .skip].enumerated() {
        var options = ReadOptions(onError: policy)
        // The second pass reads with settled conventions, so both code paths run.
        if k == 1 {
            options.decimal = .comma
            options.dateOrder = .dayFirst
            options.exactIds = true
        }
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
    bytes.withUnsafeBufferPointer { whole in
        _ = FileBytes.refusal(whole)
        if let inflated = try? Gzip.inflate(whole, file: "fuzz.csv.gz") {
            if inflated.count > 1 << 28 { fatalError("inflated past the limit") }
            _ = try? ReferralEvents.parse(bytes: inflated, file: "fuzz.csv.gz")
        }
        for encoding in TextEncoding.allCases {
            let text = encoding.transcode(whole)
            if encoding != .utf8, String(validating: text, as: UTF8.self) == nil { fatalError("transcoding gave invalid UTF-8") }
        }
        _ = TextEncoding.looksLikeWindows1252(whole)
    }
    var scratch: [UInt8] = []
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(64) {
        Array(line).withUnsafeBufferPointer { field in
            if let reading = Amount.read(field) {
                for v in [reading.dotDecimal, reading.commaDecimal] { if let v, !v.isFinite { fatalError("non-finite amount") } }
            }
            for mark in DecimalMark.allCases { _ = Amount.value(field, mark: mark) }
            for exact in [false, true] {
                if PersonId.normalize(field, exact: exact, into: &scratch) == .changed {
                    // Normalizing twice changes nothing more.
                    let once = scratch
                    var again: [UInt8] = []
                    let second = once.withUnsafeBufferPointer { PersonId.normalize($0, exact: exact, into: &again) }
                    if second == .changed, again != once { fatalError("id normalization is not idempotent") }
                }
            }
            _ = HeaderWords.split(String(decoding: field, as: UTF8.self))
            Timestamp.fuzzCheck(field)
        }
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
