import ArgumentParser
import Foundation
import InfluenceModel

@main
struct Influence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influence",
        abstract: "Measure word-of-mouth from referral and share exports.",
        discussion: """
            Reads the CSV exports of referral programs and social platforms, builds the referral \
            graph (who referred whom) and scores it by power iteration on OpenBLAS.

            Exit codes: 0 success, 64 bad usage, 65 bad data, 66 missing or unreadable input, 70 internal error, \
            69 a program it needs (Spark, Java) is missing, 74 output could not be written.
            """,
        version: Tool.version,
        subcommands: [
            Score.self, Spread.self, Attribute.self, Compare.self, Report.self, Simulate.self, Seeds.self, Generate.self, Spark.self,
        ]
    )

    static func main() {
        // A closed pipe (`influence … | head`) must end the run quietly, not kill it.
        signal(SIGPIPE, SIG_IGN)
        // Same bytes out whatever OPENBLAS_NUM_THREADS says (see BLASThreads).
        BLASThreads.set(1)
        main(nil)
    }
}
