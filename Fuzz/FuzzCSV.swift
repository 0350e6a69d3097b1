import Foundation
// Compiled into one module with the library sources by Fuzz/build.sh.

/// One fuzz input drives every parser that sees untrusted bytes: the referral and
/// conversion readers (delimiter detection, quoting, headers, amounts, timestamps, ids),
/// the graph build and a short score, gzip inflation, encoding conversion, the binary-format
/// sniffer, and the field parsers (times, amounts, ids, header words) on each line. Any trap,
/// sanitizer report or leak is a finding; thrown `InputError`s are the expected outcome for
/// bad data.
/// Which readers a run drives: `INFLUENCE_FUZZ_TARGET` = `events`, `chunks`, `conversions`,
/// `paths`, or unset for all (CI runs each for a minute, with its own corpus).
let fuzzTarget = ProcessInfo.processInfo.environment["INFLUENCE_FUZZ_TARGET"] ?? "all"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch fuzzTarget {
    case "chunks": fuzzChunks(bytes)
    case "conversions": fuzzConversions(bytes)
    case "paths": fuzzPaths(bytes)
    case "events": fuzzEvents(bytes)
    default:
        fuzzEvents(bytes)
        fuzzChunks(bytes)
        fuzzConversions(bytes)
        fuzzPaths(bytes)
    }
    return 0
}

/// The chunked reader must give what one pass gives, row for row and error for error, for any
/// number of chunks: the scoring graph's people, edges and quality, and the full reader's rows.
func fuzzChunks(_ bytes: [UInt8]) {
    for options in [ReadOptions(), ReadOptions(onError: .skip)] {
        bytes.withUnsafeBufferPointer { buffer in
            let one = Result { () throws(InputError) in try ScoringGraph.read(buffer, file: "f.csv", options: options, chunks: 1) }
            let events = Result { () throws(InputError) in try ReferralEvents.parse(buffer: buffer, file: "f.csv", options: options, chunks: 1) }
            for chunks in 2 ... 4 {
                let many = Result { () throws(InputError) in try ScoringGraph.read(buffer, file: "f.csv", options: options, chunks: chunks) }
                switch (one, many) {
                case (.success(let a), .success(let b)):
                    if a.people.names != b.people.names || a.edgeCount != b.edgeCount || a.quality != b.quality {
                        fatalError("the scoring graph differs in \(chunks) chunks")
                    }
                case (.failure(let a), .failure(let b)):
                    if a != b { fatalError("errors differ in \(chunks) chunks: \(a) / \(b)") }
                default:
                    fatalError("one pass and \(chunks) chunks disagree on success")
                }
                let split = Result { () throws(InputError) in try ReferralEvents.parse(buffer: buffer, file: "f.csv", options: options, chunks: chunks) }
                switch (events, split) {
                case (.success(let a), .success(let b)):
                    if a.source != b.source || a.target != b.target || a.line != b.line || a.people.names != b.people.names
                        || a.quality != b.quality {
                        fatalError("the referral rows differ in \(chunks) chunks")
                    }
                case (.failure(let a), .failure(let b)):
                    if a != b { fatalError("event errors differ in \(chunks) chunks: \(a) / \(b)") }
                default:
                    fatalError("event reads disagree on success in \(chunks) chunks")
                }
            }
        }
    }
}

/// The conversions reader under both policies and settled conventions: kept rows are finite,
/// non-negative, one per user entry.
func fuzzConversions(_ bytes: [UInt8]) {
    for (k, policy) in [ErrorPolicy.stop, .skip].enumerated() {
        var options = ReadOptions(onError: policy)
        if k == 1 { options.decimal = .comma; options.dateOrder = .monthFirst; options.timeFormat = .excel }
        guard let c = try? Conversions.parse(bytes: bytes, file: "c.csv", options: options) else { continue }
        if c.value.count != c.count || c.line.count != c.count { fatalError("ragged conversion columns") }
        for v in c.value where !(v >= 0 && v.isFinite) { fatalError("bad conversion value kept: \(v)") }
        for u in c.user where !(u >= 0 && Int(u) < c.users.count) { fatalError("user index out of range") }
    }
}

/// The channel path reader: kept paths have channels and finite, non-negative counts.
func fuzzPaths(_ bytes: [UInt8]) {
    for policy in [ErrorPolicy.stop, .skip] {
        guard let paths = try? ChannelPaths.parse(bytes: bytes, file: "p.csv", options: ReadOptions(onError: policy)) else { continue }
        _ = try? Attribution.attribute(paths: paths, options: AttributionOptions(model: .markov, grouping: .channel))
        _ = try? Attribution.attribute(paths: paths, options: AttributionOptions(model: .shapley, grouping: .channel, shapleySamples: 50))
    }
}

/// Everything that reads referral rows, plus the field parsers.
func fuzzEvents(_ bytes: [UInt8]) {
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
