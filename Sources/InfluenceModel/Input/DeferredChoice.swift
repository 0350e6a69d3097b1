/// A per-file convention decided by the data: day or month first in numeric dates, a decimal
/// point or a decimal comma in amounts.
///
/// Each field reads as a value under convention A and a value under convention B (`nil` where
/// the text is not valid under it). The column stores the A value, or the B value when only B
/// is valid; rows where both are valid and differ are remembered with their B value. A field
/// valid only under one convention proves it for the file. At the end: proof both ways is
/// refused (the column mixes conventions); proof of B swaps the remembered rows to B; no proof
/// at all while some rows differ is refused as ambiguous, naming the flag that settles it.
struct DeferredChoice: Sendable {
    /// Rows (indices into the stored column) whose B value differs from the stored A value.
    var alternatives: [(row: Int, b: Double)] = []
    /// The first field only valid under A, and under B: its line and text.
    var proofA: (line: Int, text: String)?
    var proofB: (line: Int, text: String)?
    /// The first ambiguous field's text.
    var example: String?

    /// Takes one field's reading and returns the value to store for it now.
    /// - Returns: `nil` when neither convention reads the field.
    mutating func take(a: Double?, b: Double?, row: Int, line: Int, text: () -> String) -> Double? {
        switch (a, b) {
        case (let a?, let b?):
            if a != b {
                alternatives.append((row, b))
                if example == nil { example = text() }
            }
            return a
        case (let a?, nil):
            if proofA == nil { proofA = (line, text()) }
            return a
        case (nil, let b?):
            if proofB == nil { proofB = (line, text()) }
            return b
        case (nil, nil):
            return nil
        }
    }

    /// Appends a later chunk's findings, its rows shifted by `rowOffset` and lines by `lineShift`.
    mutating func append(_ other: DeferredChoice, rowOffset: Int, lineShift: Int) {
        alternatives += other.alternatives.map { ($0.row + rowOffset, $0.b) }
        if proofA == nil, let p = other.proofA { proofA = (p.line + lineShift, p.text) }
        if proofB == nil, let p = other.proofB { proofB = (p.line + lineShift, p.text) }
        if example == nil { example = other.example }
    }

    /// The outcome for the file.
    enum Outcome: Equatable {
        /// Nothing to decide: every field read the same either way.
        case none
        /// Convention A (the stored values stand) or B (apply `alternatives`), proved by a field.
        case a(line: Int, text: String)
        case b(line: Int, text: String)
        /// Both conventions proved by different fields.
        case mixed(aLine: Int, aText: String, bLine: Int, bText: String)
        /// Rows differ and nothing proves either.
        case ambiguous(example: String)
    }

    var outcome: Outcome {
        switch (proofA, proofB) {
        case (let a?, let b?): return .mixed(aLine: a.line, aText: a.text, bLine: b.line, bText: b.text)
        case (let a?, nil): return .a(line: a.line, text: a.text)
        case (nil, let b?): return .b(line: b.line, text: b.text)
        case (nil, nil): return alternatives.isEmpty ? .none : .ambiguous(example: example ?? "")
        }
    }

    /// Applies the file's decision to `column`.
    func apply(to column: inout [Double]) {
        guard case .b = outcome else { return }
        for (row, b) in alternatives where row < column.count { column[row] = b }
    }
}
