import ArgumentParser
import InfluenceModel

extension OutputOptions {
    /// Writes any command's result in the format asked for, through `OutputDocument`: one
    /// path for every command and format, `--raw-csv` included.
    /// - Parameter format: the format (default: `resolvedFormat`).
    func write(_ document: some OutputDocument, as format: OutputFormat? = nil) throws {
        let format = format ?? resolvedFormat
        CSVText.guardFormulas = !rawCsv
        guard try document.write(as: format, to: output) else {
            throw ValidationError("--format html is for influence report; use table, csv, json or markdown here.")
        }
    }
}
