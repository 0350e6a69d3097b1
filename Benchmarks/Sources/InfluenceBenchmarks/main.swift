import Foundation
import InfluenceModel

/// influence-benchmarks: the figures behind the README's performance table.
///
///   InfluenceBenchmarks generate [--people N] [--referrals M] [--exponent 0.9] [--seed 1] --out FILE
///   InfluenceBenchmarks cascades [--campaigns 2] [--referrals 5M] [--offspring 0.8] [--seed 1] --out FILE
///   InfluenceBenchmarks program [--people 14M] [--seed 1] [--out DIR]   (influence generate's model: events and conversions)
///   InfluenceBenchmarks phases FILE [--repeat 3] [--out scores.csv]
///   InfluenceBenchmarks crossover [--budget-ms 200]
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, _ fallback: String? = nil) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

/// Parses 10M, 1.5k, 50000.
func count(_ text: String) -> Int {
    let scale: Double = text.hasSuffix("M") ? 1e6 : text.hasSuffix("k") ? 1e3 : 1
    let digits = text.hasSuffix("M") || text.hasSuffix("k") ? String(text.dropLast()) : text
    return Int((Double(digits) ?? 0) * scale)
}

switch arguments.first {
case "generate":
    let people = count(option("--people", "1M")!)
    let referrals = count(option("--referrals", "10M")!)
    let exponent = Double(option("--exponent", "0.9")!) ?? 0.9
    let seed = UInt64(option("--seed", "1")!) ?? 1
    let out = option("--out", "Benchmarks/data/referrals-\(option("--referrals", "10M")!).csv")!
    let start = Date()
    try Generator.write(people: people, referrals: referrals, exponent: exponent, seed: seed, to: out)
    print("wrote \(out): \(people) people, \(referrals) referrals, Zipf \(exponent), seed \(seed) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
case "cascades":
    let campaigns = count(option("--campaigns", "2")!)
    let referrals = count(option("--referrals", "5M")!)
    let offspring = Double(option("--offspring", "0.8")!) ?? 0.8
    let seed = UInt64(option("--seed", "1")!) ?? 1
    let out = option("--out", "Benchmarks/data/cascades.csv")!
    try Cascades.write(campaigns: campaigns, referrals: referrals, offspring: offspring, seed: seed, to: out)
    print("wrote \(out): \(campaigns) campaigns, \(referrals) referrals, offspring mean \(offspring), seed \(seed)")
case "program":
    // The generative model of `influence generate`, timed: draw, then format and write
    // events.csv and conversions.csv (14M people give about 10M referrals).
    let people = count(option("--people", "14M")!)
    let seed = UInt64(option("--seed", "1")!) ?? 1
    let out = option("--out", "Benchmarks/data/program")!
    let clock = PhaseTimings()
    let program = try clock.measure("draw") { () throws(GeneratorError) in try GeneratedProgram(GeneratorParameters(people: people, seed: seed)) }
    try OutputFile.makeFolder(out)
    for name in ["events.csv", "conversions.csv"] {
        let chunks = clock.measure("format " + name) { program.chunks(name) }
        try clock.measure("write " + name) { () throws(OutputError) in try OutputFile.write(chunks: chunks, to: out + "/" + name) }
    }
    let referrals = program.count - program.cascades + program.extras.count
    print("wrote \(out): \(program.count) people, \(referrals) referrals, seed \(seed)")
    for phase in clock.phases { print("  \(phase.name): \(String(format: "%.3f", phase.seconds)) s") }
case "phases":
    guard arguments.count >= 2 else { print("usage: phases FILE"); exit(64) }
    try Phases.run(path: arguments[1], repeats: Int(option("--repeat", "3")!) ?? 3, out: option("--out"))
case "breakdown":
    try Breakdown.run(path: arguments[1])
case "crossover":
    Crossover.run(budget: Double(option("--budget-ms", "150")!)! / 1000)
default:
    print("usage: InfluenceBenchmarks generate|cascades|program|phases|crossover …")
    exit(64)
}
