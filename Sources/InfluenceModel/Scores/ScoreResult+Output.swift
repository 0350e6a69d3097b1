extension ScoreResult {
    /// `node,score,rank` (HITS: `node,hub,authority,rank`) in rank order; scores read back exactly.
    /// - Parameter top: keep only the first `top` ranks.
    public func csv(top: Int? = nil) -> String {
        String(decoding: csvBytes(top: top), as: UTF8.self)
    }

    /// The scores as a `JSONValue.document`: the algorithm and its parameters, how the
    /// iteration ended, the scores in rank order and the data-quality counts.
    /// - Parameters:
    ///   - top: keep only the first `top` ranks.
    ///   - conversionsQuality: the counts of the `--personalize` conversions file, if one was read.
    public func json(top: Int? = nil, conversionsQuality: DataQuality? = nil) -> JSONValue {
        var parameters: [(String, JSONValue)] = [("algorithm", .string(algorithm.rawValue))]
        switch algorithm {
        case .pagerank:
            parameters.append(("damping", .number(options.damping)))
            parameters.append(("personalized", .bool(options.personalization != nil)))
        case .reach:
            parameters.append(("beta", .number(options.beta)))
            parameters.append(("beta_chosen", .string(options.automaticBeta ? ScoreOptions.automaticBetaRule : "given")))
        case .hits: break
        }
        parameters.append(("tolerance", .number(options.iteration.tolerance)))
        parameters.append(("max_iterations", .int(options.iteration.maxIterations)))
        // Written as text (`JSONValue.objects`): an object per person made, rendered and freed
        // took about ten times the CSV's time at a million people.
        let order = ranking().prefix(top ?? .max)
        let first = order.startIndex
        let rows = JSONValue.objects(order.count) { [people, score, authority] range, list in
            list.each(range) { k, fields in
                let p = order[first + k]
                fields.string(people.name(p), named: "node")
                if let authority {
                    fields.number(score[Int(p)], named: "hub")
                    fields.number(authority[Int(p)], named: "authority")
                } else {
                    fields.number(score[Int(p)], named: "score")
                }
                fields.int(k + 1, named: "rank")
            }
        }
        return .document(
            command: "score", parameters: parameters,
            results: [
                ("operator", .string(operatorKind.rawValue)),
                ("iterations", .int(report.iterations)),
                ("residual", .number(report.residual)),
                ("converged", .bool(report.converged)),
                ("people", .int(people.count)),
                ("edges", .int(edgeCount)),
                ("scores", rows),
            ],
            quality: InputQualities(referrals: quality, conversions: conversionsQuality))
    }

    /// A table for reading in a terminal: a summary line, then rank, node and score(s).
    public func table(top: Int? = nil) -> String {
        let order = ranking().prefix(top ?? .max)
        var header = ["rank", "node"]
        header += authority == nil ? [algorithm.rawValue] : ["hub", "authority"]
        var rows: [[String]] = []
        for (k, p) in order.enumerated() {
            var row = [String(k + 1), people.name(p), Format.short(score[Int(p)])]
            if let authority { row.append(Format.short(authority[Int(p)])) }
            rows.append(row)
        }
        var out = summary + "\n\n" + TextTable.render(header: header, rows: rows, rightAligned: [0, 2, 3])
        if order.count < people.count { out += "… \(people.count - order.count) more (--top, or --format csv for all)\n" }
        for note in quality.notes { out += "note: \(note)\n" }
        return out
    }

    /// One line: what was scored and how the iteration ended.
    public var summary: String {
        let state =
            report.converged
            ? "converged in \(report.iterations) iterations"
            : "did NOT converge in \(report.iterations) iterations"
        var name = algorithm.rawValue
        if algorithm == .reach { name += " (β = \(Format.short(options.beta))\(options.automaticBeta ? ", chosen for the graph" : ""))" }
        return
            "\(name) of \(people.count) people, \(edgeCount) referral pairs: \(state) (L1 residual \(Format.short(report.residual)), \(operatorKind.rawValue) operator)"
    }
}
