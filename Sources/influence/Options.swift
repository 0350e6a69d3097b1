import Foundation
import ArgumentParser
import InfluenceModel

/// Flags for reading input exports, shared by every subcommand.
struct InputOptions: ParsableArguments {
    @Option(help: "Field separator: ',' ';' or 'tab' (default: detected per file).")
    var delimiter: String?
    @Option(help: "Text encoding: utf-8 (default), latin1 or windows-1252 (Excel on Windows).")
    var encoding: String?

    @Option(help: "Column of who shared (default: recognised, e.g. referrer, advocate, 'Referrer Email', source).")
    var sourceColumn: String?
    @Option(help: "Column of who received (default: recognised, e.g. referred, friend, referee, 'Friend Email', target).")
    var targetColumn: String?
    @Option(help: "Column of when (default: recognised, e.g. timestamp, date, created_at, 'Date Created').")
    var timestampColumn: String?
    @Option(help: "Column of the share channel (default: recognised, e.g. channel, 'Share Channel', medium).")
    var channelColumn: String?
    @Option(help: "Column of the campaign (default: recognised, e.g. campaign, 'Campaign Name').")
    var campaignColumn: String?
    @Option(help: "Column of the referral weight (default: recognised, e.g. weight, count).")
    var weightColumn: String?
    @Option(help: "Column of the sharer's display name, shown in reports (default: recognised, e.g. 'Referrer Name').")
    var sourceNameColumn: String?

    @Option(help: "Conversions: column of who converted (default: recognised, e.g. user, customer_id, 'Friend Email').")
    var userColumn: String?
    @Option(help: "Conversions: column of the value (default: recognised, e.g. value, revenue, 'Order Total').")
    var valueColumn: String?
    @Option(help: "Conversions: column of when (default: recognised, e.g. timestamp, 'Order Date').")
    var conversionTimestampColumn: String?
    @Option(help: "Conversions: column of the campaign (default: recognised, e.g. campaign).")
    var conversionCampaignColumn: String?

    @Option(
        help:
            "How times are written: auto (ISO 8601, RFC 2822, Unix seconds, dd/mm or mm/dd dates), unix, ms, excel, or a strftime pattern such as '%d.%m.%Y %H:%M'."
    )
    var timeFormat: String = "auto"
    @Option(
        help:
            "Order of numeric dates like 03/04/2024: day-first or month-first (default: decided per file from the data, refused when it cannot be)."
    )
    var dateOrder: String?
    @Option(help: "Decimal mark of amounts: dot or comma (default: decided per file from the data, refused when it cannot be).")
    var decimal: String?
    @Flag(help: "Keep ids exactly as written (no trimming, Unicode normalization or e-mail case folding).")
    var exactIds = false
    @Flag(help: "Ignore the time column.")
    var noTime = false

    @Flag(help: "Label each file's rows with the file's name (without extension) as campaign.")
    var campaignFromFile = false
    @Option(help: "Only this campaign (repeat for several).")
    var campaign: [String] = []
    @Option(help: "Only rows at or after this time (ISO 8601 date or date-time).")
    var since: String?
    @Option(help: "Only rows before this time (a date alone includes that day).")
    var until: String?

    @Option(help: "What to do with a bad row: stop (default) or skip (skip, count and report it).")
    var onError: String = "stop"
    @Option(help: "With --on-error skip: refuse the input when more than this share of rows is skipped (default 50%).")
    var maxSkipped: String = "50%"

    func validate() throws {
        if let delimiter, Delimiter(argument: delimiter) == nil {
            throw ValidationError("--delimiter must be ',', ';' or 'tab', not '\(delimiter)'.")
        }
        if let encoding, TextEncoding(argument: encoding) == nil {
            throw ValidationError("--encoding must be utf-8, latin1 or windows-1252, not '\(encoding)'.")
        }
        if TimeFormat(argument: timeFormat) == nil {
            throw ValidationError(
                "--time-format must be auto, unix, ms, excel or a strftime pattern with % directives, not '\(timeFormat)'.")
        }
        if let dateOrder, DateOrder(rawValue: dateOrder) == nil || dateOrder == "auto" {
            throw ValidationError("--date-order must be day-first or month-first, not '\(dateOrder)'.")
        }
        if let decimal, DecimalMark(rawValue: decimal) == nil || decimal == "auto" {
            throw ValidationError("--decimal must be dot or comma, not '\(decimal)'.")
        }
        if ErrorPolicy(rawValue: onError) == nil {
            throw ValidationError("--on-error must be 'stop' or 'skip', not '\(onError)'.")
        }
        if maxSkippedFraction == nil {
            throw ValidationError("--max-skipped must be a share between 0% and 100% (such as 50% or 0.5), not '\(maxSkipped)'.")
        }
        if let since, RowFilter.instant(since, endOfDay: false) == nil {
            throw ValidationError("--since must be an ISO 8601 date or date-time (2024-03-01 or 2024-03-01T12:00:00Z), not '\(since)'.")
        }
        if let until, RowFilter.instant(until, endOfDay: true) == nil {
            throw ValidationError("--until must be an ISO 8601 date or date-time (2024-03-31 or 2024-03-31T23:59:59Z), not '\(until)'.")
        }
        if noTime, since != nil || until != nil { throw ValidationError("--since and --until need times; drop --no-time.") }
    }

    var maxSkippedFraction: Double? {
        let text = maxSkipped.trimmingCharacters(in: .whitespaces)
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value >= 0, value <= 1 else { return nil }
        return value
    }

    /// The filter of `--campaign`, `--since`, `--until`.
    var filter: RowFilter {
        RowFilter(
            campaigns: campaign, since: since.flatMap { RowFilter.instant($0, endOfDay: false) },
            until: until.flatMap { RowFilter.instant($0, endOfDay: true) })
    }

    /// What every file shares: separator, encoding, conventions, error policy.
    private var common: ReadOptions {
        var options = ReadOptions(
            delimiter: delimiter.flatMap(Delimiter.init(argument:)),
            onError: ErrorPolicy(rawValue: onError) ?? .stop)
        options.encoding = encoding.flatMap(TextEncoding.init(argument:))
        options.timeFormat = TimeFormat(argument: timeFormat) ?? .auto
        options.dateOrder = dateOrder.flatMap(DateOrder.init(rawValue:)) ?? .auto
        options.decimal = decimal.flatMap(DecimalMark.init(rawValue:)) ?? .auto
        options.exactIds = exactIds
        options.useTime = !noTime
        options.maxSkipped = maxSkippedFraction ?? 0.5
        return options
    }

    /// Read options for the referral files.
    var events: ReadOptions {
        var options = common
        options.columns[.source] = sourceColumn
        options.columns[.target] = targetColumn
        options.columns[.timestamp] = timestampColumn
        options.columns[.channel] = channelColumn
        options.columns[.campaign] = campaignColumn
        options.columns[.weight] = weightColumn
        options.columns[.sourceName] = sourceNameColumn
        options.campaignFromFile = campaignFromFile
        return options
    }

    /// Read options for the conversions file.
    var conversions: ReadOptions {
        var options = common
        options.columns[.user] = userColumn
        options.columns[.value] = valueColumn
        options.columns[.conversionTimestamp] = conversionTimestampColumn
        options.columns[.conversionCampaign] = conversionCampaignColumn
        return options
    }
}

/// Flags of the power iteration, shared by every command that runs one.
struct IterationOptions: ParsableArguments {
    @OptionGroup var stop: StopOptions

    @Option(help: "Operator for W: auto, sparse or dense (OpenBLAS gemv, up to 8,192 people).")
    var `operator`: String = "auto"

    func validate() throws {
        guard OperatorChoice(rawValue: self.operator) != nil else {
            throw ValidationError("--operator must be auto, sparse or dense, not '\(self.operator)'.")
        }
    }

    var settings: IterationSettings { stop.settings }
    var operatorChoice: OperatorChoice { OperatorChoice(rawValue: self.operator) ?? .auto }
}

/// When an iteration stops: shared by every iterating command and `spark score`.
struct StopOptions: ParsableArguments {
    @Option(help: "Stop when the L1 change of one step is below this (hits and influence-flow: the estimated error).")
    var tolerance: Double = 1e-10

    @Option(help: "Stop after this many iterations and report non-convergence.")
    var maxIterations: Int = 1000

    func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number, not \(tolerance).") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1, not \(maxIterations).") }
    }

    var settings: IterationSettings { IterationSettings(tolerance: tolerance, maxIterations: maxIterations) }
}

/// The score's algorithm and its parameters: shared by `score` and `spark score`.
struct ScoreMethodOptions: ParsableArguments {
    @Option(help: "pagerank, reach or hits.")
    var algorithm: String = "pagerank"

    @Option(help: "PageRank damping, in (0, 1).")
    var damping: Double = 0.85

    @Option(
        help: ArgumentHelp(
            "Reach's per-hop factor β (> 0); refused when β × spectral radius ≥ 1, where the series diverges.",
            discussion:
                "Default: chosen for the graph as min(0.1, 0.5/ρ̄), ρ̄ a certified upper bound on the spectral radius, so it always converges; 0.1 on a graph without cycles. The β used is in the JSON's parameters.beta."
        ))
    var beta: Double?

    @Option(help: "Conversions CSV (user, value): personalize PageRank by each person's total conversion value.")
    var personalize: String?

    func validate() throws {
        guard let kind = ScoreAlgorithm(rawValue: algorithm) else {
            throw ValidationError("--algorithm must be pagerank, reach or hits, not '\(algorithm)'.")
        }
        guard damping > 0, damping < 1 else { throw ValidationError("--damping must lie strictly between 0 and 1, not \(damping).") }
        if let beta, !(beta > 0 && beta.isFinite) { throw ValidationError("--beta must be a positive number, not \(beta).") }
        if personalize != nil, kind != .pagerank { throw ValidationError("--personalize applies to --algorithm pagerank only.") }
    }

    /// The algorithm (valid once `validate` has passed).
    var kind: ScoreAlgorithm { ScoreAlgorithm(rawValue: algorithm) ?? .pagerank }
}

/// Tells the user on standard error that an iteration stopped before converging.
func warnNotConverged(_ summary: String) {
    var stderr = StandardError()
    print("influence: warning: \(summary). Raise --max-iterations or loosen --tolerance.", to: &stderr)
}

/// Flags for writing results.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table, csv, json or markdown (default: table on a terminal, csv otherwise; report: html).")
    var format: String?

    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Print no summary on standard error (warnings that change a result's meaning still print).")
    var quiet = false

    @Flag(help: "CSV: write text cells as read, without the ' that stops a spreadsheet running =, +, -, @ as a formula.")
    var rawCsv = false

    func validate() throws {
        if let format, OutputFormat(rawValue: format) == nil {
            throw ValidationError(
                "--format must be one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'.")
        }
    }

    /// The format asked for, or table when writing to a terminal and CSV otherwise.
    var resolvedFormat: OutputFormat {
        if let format, let f = OutputFormat(rawValue: format) { return f }
        return (output == nil || output == "-") && isatty(STDOUT_FILENO) == 1 ? .table : .csv
    }
}

/// Runs a command body, turning the library's errors into a message and its exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as OutputError where error.isBrokenPipe {
        Influence.exit()
    } catch let error as InfluenceError {
        fail(error.description, error.exitCode)
    }
}

/// Tells the user on standard error what was read, merged, dropped and written.
///
/// The account is silenced by `--quiet`; warnings that change what a result means (rows
/// skipped as bad, non-convergence) are printed regardless.
enum RunReport {
    static func read(_ quality: DataQuality, kept: String, noun: String = "rows", quiet: Bool) {
        var stderr = StandardError()
        if !quiet {
            for line in quality.summaryLines(kept: kept) { print("influence: " + line, to: &stderr) }
        }
        for line in quality.warnings(noun: noun) { print("influence: warning: " + line, to: &stderr) }
    }

    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(DataQuality.count(n)) " + (n == 1 ? noun : plural ?? noun + "s")
    }

    static func wrote(_ output: String?, what: String, quiet: Bool) {
        guard !quiet, let output, output != "-" else { return }
        var stderr = StandardError()
        print("influence: wrote \(what) to \(output)", to: &stderr)
    }

    /// `--timings`: each phase's wall time on one line, with what follows it (`detail`).
    static func timings(_ clock: PhaseTimings, detail: String = "") {
        var stderr = StandardError()
        let phases = clock.phases.map { "\($0.name) \(Int(($0.seconds * 1000).rounded())) ms" }
        print("influence: timings: " + phases.joined(separator: ", ") + detail, to: &stderr)
    }
}

func fail(_ message: String, _ code: Int32) -> Never {
    var stderr = StandardError()
    print("influence: error: \(message)", to: &stderr)
    Influence.exit(withError: ExitCode(code))
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// A progress line on standard error while a large input is read, only when standard error
/// is a terminal (never in pipes or logs) and not `--quiet`; it is cleared when done.
struct Progress {
    /// Inputs smaller than this are read too fast for a progress line to help.
    static let threshold = 32 << 20
    private var shown = false

    init(reading paths: [String], quiet: Bool) {
        guard !quiet, isatty(STDERR_FILENO) == 1, let files = try? InputPaths.expand(paths) else { return }
        var bytes = 0
        for file in files where file != "-" {
            var info = stat()
            if stat(file, &info) == 0 { bytes += Int(info.st_size) }
        }
        guard bytes >= Self.threshold else { return }
        var stderr = StandardError()
        let label = files.count == 1 ? files[0] : "\(files.count) files"
        print("influence: reading \(label) (\(bytes >> 20) MB)…", terminator: "", to: &stderr)
        shown = true
    }

    /// Clears the line.
    func done() {
        guard shown else { return }
        var stderr = StandardError()
        print("\r\u{1B}[K", terminator: "", to: &stderr)
    }
}

/// Results a command has written and is done with, left for the end of the process to take
/// back at once rather than freed piece by piece.
///
/// A command's last step is dropping what it computed, and a result made of many small heap
/// objects is freed one object at a time: on the 10M program export `spread` spent about
/// 0.47 s of one thread (a fifth of its samples after measuring) releasing each cascade's
/// generation sizes after its output was written. Only for what a command holds until it
/// returns: the process exits right after.
enum Finished {
    private final class Kept<T> {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// Keeps `value` (and everything it holds) alive until the process exits.
    static func keep<T>(_ value: T) {
        _ = Unmanaged.passRetained(Kept(value))
    }
}
