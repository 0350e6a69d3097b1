import Foundation
import ArgumentParser
import InfluenceModel

/// Flags for reading an input export, shared by every subcommand.
struct InputOptions: ParsableArguments {
    @Option(help: "Field separator: ',' ';' or 'tab' (default: detected from the header).")
    var delimiter: String?

    @Option(help: "Column holding who shared (default: source, referrer, sharer, inviter, advocate, from).")
    var sourceColumn: String?
    @Option(help: "Column holding who received (default: target, referred, invitee, recipient, friend, to).")
    var targetColumn: String?
    @Option(help: "Column holding when (default: timestamp, time, date, created_at).")
    var timestampColumn: String?
    @Option(help: "Column holding the share channel (default: channel, share_channel, medium).")
    var channelColumn: String?
    @Option(help: "Column holding the campaign (default: campaign, campaign_id, campaign_name).")
    var campaignColumn: String?
    @Option(help: "Column holding the referral weight (default: weight, count).")
    var weightColumn: String?

    @Option(help: "Conversions: column holding who converted (default: user, customer, customer_id, friend, referred).")
    var userColumn: String?
    @Option(help: "Conversions: column holding the value (default: value, revenue, amount).")
    var valueColumn: String?

    @Option(help: "What to do with a bad row: stop (default) or skip (skip, count and report it).")
    var onError: String = "stop"

    func validate() throws {
        if let delimiter, Delimiter(argument: delimiter) == nil {
            throw ValidationError("--delimiter must be ',', ';' or 'tab', not '\(delimiter)'.")
        }
        if ErrorPolicy(rawValue: onError) == nil {
            throw ValidationError("--on-error must be 'stop' or 'skip', not '\(onError)'.")
        }
    }

    /// Read options for the events file.
    var events: ReadOptions {
        var columns: [ColumnRole: String] = [:]
        columns[.source] = sourceColumn
        columns[.target] = targetColumn
        columns[.timestamp] = timestampColumn
        columns[.channel] = channelColumn
        columns[.campaign] = campaignColumn
        columns[.weight] = weightColumn
        return ReadOptions(delimiter: delimiter.flatMap(Delimiter.init(argument:)), columns: columns,
                           onError: ErrorPolicy(rawValue: onError) ?? .stop)
    }

    /// Read options for a conversions file (its own delimiter is detected).
    var conversions: ReadOptions {
        var columns: [ColumnRole: String] = [:]
        columns[.user] = userColumn
        columns[.value] = valueColumn
        return ReadOptions(columns: columns, onError: ErrorPolicy(rawValue: onError) ?? .stop)
    }
}

/// Flags of the power iteration, shared by every command that runs one.
struct IterationOptions: ParsableArguments {
    @Option(help: "Stop when the L1 change of one step is below this (hits and influence-flow: the estimated error).")
    var tolerance: Double = 1e-10

    @Option(help: "Stop after this many iterations and report non-convergence.")
    var maxIterations: Int = 1000

    @Option(help: "Operator for W: auto, sparse or dense (OpenBLAS gemv, up to 8,192 people).")
    var `operator`: String = "auto"

    func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number, not \(tolerance).") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1, not \(maxIterations).") }
        guard OperatorChoice(rawValue: self.operator) != nil else {
            throw ValidationError("--operator must be auto, sparse or dense, not '\(self.operator)'.")
        }
    }

    var settings: IterationSettings { IterationSettings(tolerance: tolerance, maxIterations: maxIterations) }
    var operatorChoice: OperatorChoice { OperatorChoice(rawValue: self.operator) ?? .auto }
}

/// Tells the user on standard error that an iteration stopped before converging.
func warnNotConverged(_ summary: String, quiet: Bool) {
    guard !quiet else { return }
    var stderr = StandardError()
    print("influence: warning: \(summary). Raise --max-iterations or loosen --tolerance.", to: &stderr)
}

/// Flags for writing results.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table, csv or json (default: table on a terminal, csv otherwise).")
    var format: String?

    @Option(name: [.short, .customLong("output")], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Print no progress or notes on standard error.")
    var quiet = false

    func validate() throws {
        if let format, OutputFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'.")
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

/// Tells the user on standard error what was skipped under `--on-error skip`.
func reportSkipped(_ quality: DataQuality, quiet: Bool) {
    guard quality.skippedRows > 0, !quiet else { return }
    var stderr = StandardError()
    let s = quality.skippedRows == 1 ? "" : "s"
    print("influence: skipped \(quality.skippedRows) bad row\(s); the first:", to: &stderr)
    for reason in quality.skipReasons.prefix(3) { print("  \(reason)", to: &stderr) }
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
