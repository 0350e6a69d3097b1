import Foundation
import Testing

/// The README's examples run as written: every `sh` block of `sections` that is followed by
/// an output block must print exactly that output (standard output, then standard error),
/// and every command of the walkthrough sections must succeed.
struct ReadmeTests {
    static let sections = ["## Compare", "## Your platform's export"]
    /// Sections whose commands must run as written (their output blocks are abridged with `...`).
    static let runOnly = ["## Walkthrough", "## Spread", "## Attribution", "## Simulate", "## Generate data"]

    struct Example: CustomTestStringConvertible, Sendable {
        let command: String
        let output: String?
        var testDescription: String { command }
    }

    static func examples() throws -> [Example] {
        let text = try String(contentsOf: Runner.root.appendingPathComponent("README.md"), encoding: .utf8)
        var found: [Example] = []
        for heading in sections {
            guard let start = text.range(of: heading + "\n") else { continue }
            let rest = text[start.upperBound...]
            let body = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
            let blocks = body.components(separatedBy: "```")
            // Odd indices are fenced blocks: "sh\n…" or "\n…".
            var k = 1
            while k < blocks.count {
                let block = blocks[k]
                if block.hasPrefix("sh\n") {
                    let commands = block.dropFirst(3).split(separator: "\n").map(String.init).filter { $0.hasPrefix("influence ") }
                    var output: String?
                    if k + 2 < blocks.count, blocks[k + 1].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                        blocks[k + 2].hasPrefix("\n")
                    {
                        output = String(blocks[k + 2].dropFirst())
                    }
                    for (i, command) in commands.enumerated() {
                        found.append(Example(command: command, output: i == commands.count - 1 ? output : nil))
                    }
                }
                k += 2
            }
        }
        return found
    }

    /// Splits a command line the way a shell would for the README's simple commands (quotes only).
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Every `influence` command of the run-only sections, a pipe into `head` cut off.
    static func walkthrough() throws -> [String] {
        let text = try String(contentsOf: Runner.root.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [String] = []
        for heading in runOnly {
            guard let start = text.range(of: heading + "\n") else { continue }
            let rest = text[start.upperBound...]
            let body = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
            let blocks = body.components(separatedBy: "```")
            for k in stride(from: 1, to: blocks.count, by: 2) where blocks[k].hasPrefix("sh\n") {
                for line in blocks[k].split(separator: "\n") where line.hasPrefix("influence ") {
                    commands.append(String(line.split(separator: "|").first ?? line).trimmingCharacters(in: .whitespaces))
                }
            }
        }
        return commands
    }

    @Test func theWalkthroughHasCommands() throws {
        #expect(try Self.walkthrough().count >= 10)
    }

    @Test(arguments: try ReadmeTests.walkthrough())
    func walkthroughRunsAsWritten(_ command: String) throws {
        let outcome = try Runner.run(Array(Self.words(command).dropFirst()))
        defer {
            try? FileManager.default.removeItem(at: Runner.root.appendingPathComponent("scores.csv"))
            // Only the command that made it: the cases run in parallel.
            if command.contains("-o generated-program") {
                try? FileManager.default.removeItem(at: Runner.root.appendingPathComponent("generated-program"))
            }
        }
        #expect(outcome.status == 0, "\(command): \(outcome.stderr)")
        #expect(!outcome.stdout.isEmpty || command.contains(" -o "), "\(command) printed nothing")
    }

    @Test func theSectionsHaveExamples() throws {
        #expect(try Self.examples().count >= 2)
    }

    @Test(arguments: try ReadmeTests.examples())
    func example(_ example: Example) throws {
        let arguments = Array(Self.words(example.command).dropFirst())
        let outcome = try Runner.run(arguments)
        defer { try? FileManager.default.removeItem(at: Runner.root.appendingPathComponent("spread.csv")) }
        #expect(outcome.status == 0, "\(example.command): \(outcome.stderr)")
        if let expected = example.output {
            #expect(outcome.stdout + outcome.stderr == expected, "\(example.command)")
        }
    }
}
