/// First-touch, last-touch and linear attribution over channel paths, as ChannelAttribution's
/// `heuristic_models` defines them.
///
/// A path's conversions (and value) go to its first channel, its last channel, or in equal
/// shares to each of its touches; a channel touched twice gets two shares.
enum PathHeuristics {
    /// - Complexity: O(total path length).
    static func attribute(_ paths: ChannelPaths, model: AttributionModel) throws(AttributionError) -> AttributionResult {
        var credit = [Credit](repeating: Credit(), count: paths.channels.count)
        for i in 0..<paths.count {
            let path = paths.path(i)
            let amount = Credit(conversions: paths.conversions[i], value: paths.value[i])
            switch model {
            case .firstTouch:
                credit[Int(path.first!)] += amount
            case .lastTouch:
                credit[Int(path.last!)] += amount
            default:
                let k = Double(path.count)
                for c in path { credit[Int(c)] += Credit(conversions: amount.conversions / k, value: amount.value / k) }
            }
        }
        let rows = credit.enumerated().map { AttributionResult.Row(id: paths.channels[$0.offset], credit: $0.element) }
        return try PathHeuristics.result(paths, model: model, rows: rows)
    }

    /// A path model's result with the table's totals and organic credit.
    static func result(_ paths: ChannelPaths, model: AttributionModel, rows: [AttributionResult.Row]) throws(AttributionError)
        -> AttributionResult
    {
        var result = try AttributionResult(
            model: model, grouping: .channel, rows: rows, total: paths.total, organic: paths.organic,
            organicCounts: paths.organicCounts, quality: paths.quality)
        result.pathCount = paths.count
        // Journeys are the path rows' conversions and nulls; organic conversions had no path.
        var journeys = 0.0
        for i in 0..<paths.count { journeys += paths.conversions[i] + paths.nulls[i] }
        result.parameters = [("paths", .int(paths.count)), ("journeys", .number(journeys)), ("channels", .int(paths.channels.count))]
        return result
    }
}
