import Foundation
import InfluenceModel

/// influence-benchmarks: the figures behind the README's performance table.
///
///   InfluenceBenchmarks generate [--people N] [--referrals M] [--exponent 0.9] [--seed 1] --out FILE
///   InfluenceBenchmarks cascades [--campaigns 2] [--referrals 5M] [--offspring 0.8] [--seed 1] --out FILE
///   InfluenceBenchmarks program [--people 14M] [--seed 1] [--out DIR]   (influence generate's model: events and conversions)
///   InfluenceBenchmarks phases FILE [--repeat 3] [--out scores.csv]
///   InfluenceBenchmarks breakdown FILE
///   InfluenceBenchmarks crossover [--budget-ms 150]
///
/// A bad argument or file is reported on stderr with its exit code (64 usage, 65 data, 66
/// input, 74 output), never a trap.
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, _ fallback: String? = nil) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

let usage = """
    usage: InfluenceBenchmarks generate|cascades|program [options]
           InfluenceBenchmarks phases FILE [--repeat 3] [--out scores.csv]
           InfluenceBenchmarks breakdown FILE
           InfluenceBenchmarks crossover [--budget-ms 150]
    """

/// A bad argument: said on stderr with the usage, exit 64.
struct UsageError: InfluenceError {
    var description: String
    var exitCode: Int32 { 64 }
}

/// Parses 10M, 1.5k, 50000.
func count(_ text: String) throws(UsageError) -> Int {
    let scale: Double = text.hasSuffix("M") ? 1e6 : text.hasSuffix("k") ? 1e3 : 1
    let digits = text.hasSuffix("M") || text.hasSuffix("k") ? String(text.dropLast()) : text
    guard let value = Double(digits), value >= 0, value * scale < 1e12 else {
        throw UsageError(description: "\(text): not a count (write 50000, 1.5k or 10M)")
    }
    return Int(value * scale)
}

/// The number after `name`, or `fallback` without one.
func number<T: LosslessStringConvertible>(_ name: String, _ fallback: String) throws(UsageError) -> T {
    let text = option(name, fallback)!
    guard let value = T(text) else { throw UsageError(description: "\(name) \(text): not a number") }
    return value
}

/// The FILE argument after the job's name.
func fileArgument() throws(UsageError) -> String {
    guard arguments.count >= 2, !arguments[1].hasPrefix("-") else {
        throw UsageError(description: "\(arguments[0]) needs a FILE\n\(usage)")
    }
    return arguments[1]
}

func run() throws {
    switch arguments.first {
    case "generate":
        let people = try count(option("--people", "1M")!)
        let referrals = try count(option("--referrals", "10M")!)
        let exponent: Double = try number("--exponent", "0.9")
        let seed: UInt64 = try number("--seed", "1")
        let out = option("--out", "Benchmarks/data/referrals-\(option("--referrals", "10M")!).csv")!
        let start = Date()
        try Generator.write(people: people, referrals: referrals, exponent: exponent, seed: seed, to: out)
        print(
            "wrote \(out): \(people) people, \(referrals) referrals, Zipf \(exponent), seed \(seed) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s"
        )
    case "cascades":
        let campaigns = try count(option("--campaigns", "2")!)
        let referrals = try count(option("--referrals", "5M")!)
        let offspring: Double = try number("--offspring", "0.8")
        let seed: UInt64 = try number("--seed", "1")
        let out = option("--out", "Benchmarks/data/cascades.csv")!
        try Cascades.write(campaigns: campaigns, referrals: referrals, offspring: offspring, seed: seed, to: out)
        print("wrote \(out): \(campaigns) campaigns, \(referrals) referrals, offspring mean \(offspring), seed \(seed)")
    case "program":
        // The generative model of `influence generate`, timed: draw, then format and write
        // events.csv and conversions.csv (14M people give about 10M referrals).
        let people = try count(option("--people", "14M")!)
        let seed: UInt64 = try number("--seed", "1")
        let out = option("--out", "Benchmarks/data/program")!
        let clock = PhaseTimings()
        let program = try clock.measure("draw") { () throws(GeneratorError) in
            try GeneratedProgram(GeneratorParameters(people: people, seed: seed))
        }
        try OutputFile.makeFolder(out)
        for name in ["events.csv", "conversions.csv"] {
            let chunks = clock.measure("format " + name) { program.chunks(name) }
            try clock.measure("write " + name) { () throws(OutputError) in try OutputFile.write(chunks: chunks, to: out + "/" + name) }
        }
        let referrals = program.count - program.cascades + program.extras.count
        print("wrote \(out): \(program.count) people, \(referrals) referrals, seed \(seed)")
        for phase in clock.phases { print("  \(phase.name): \(String(format: "%.3f", phase.seconds)) s") }
    case "phases":
        try Phases.run(path: try fileArgument(), repeats: try number("--repeat", "3"), out: option("--out"))
    case "breakdown":
        try Breakdown.run(path: try fileArgument())
    case "crossover":
        let budget: Double = try number("--budget-ms", "150")
        Crossover.run(budget: budget / 1000)
    default:
        throw UsageError(description: usage)
    }
}

do {
    try run()
} catch let error as any InfluenceError {
    FileHandle.standardError.write(Data("InfluenceBenchmarks: \(error)\n".utf8))
    exit(error.exitCode)
} catch {
    FileHandle.standardError.write(Data("InfluenceBenchmarks: \(error)\n".utf8))
    exit(70)
}
