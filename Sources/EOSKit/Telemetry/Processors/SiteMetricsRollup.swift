public import EOSModel

/// Rolls the samples of a site's nodes up into the site's own series: per metric and window, the sum over the
/// nodes (bytes, cores, counters), or the mean for a ratio (a metric whose name ends in `_ratio`, such as CPU
/// utilization).
///
/// The `node` label is what it rolls over: samples with the same name and other labels, from different nodes, in
/// the same window, become one sample stamped at the window's start. When a node has several samples in a window,
/// its latest counts. Samples without a `node` label pass through unchanged. The central answers a site's metrics
/// with it; an LO can also forward only rollups over a thin link by putting it in its pipeline.
public struct SiteMetricsRollup: TelemetryProcessor {
    /// The length of a window.
    public let window: Duration

    /// A rollup over windows of `window` (at least a millisecond).
    public init(window: Duration) { self.window = max(window, .milliseconds(1)) }

    private struct Group: Hashable {
        var key: MetricSeriesKey
        var slot: Int64
    }

    private struct Accumulated {
        var template: MetricPoint
        var latest: [String: MetricPoint] = [:]

        mutating func keep(_ point: MetricPoint, of node: String) {
            if let held = latest[node], held.timestamp > point.timestamp { return }
            latest[node] = point
        }
    }

    /// The rolled-up samples, ordered by window, then by series.
    public func process(_ points: [MetricPoint]) -> [MetricPoint] {
        var groups: [Group: Accumulated] = [:]
        var passed: [MetricPoint] = []
        for point in points {
            guard let node = point.labels["node"] else {
                passed.append(point)
                continue
            }
            let group = Group(
                key: MetricSeriesKey(point).removing(["node"]),
                slot: point.timestamp.window(of: window))
            groups[group, default: Accumulated(template: point)].keep(point, of: node)
        }
        let rolled = groups.sorted { ($0.key.slot, $0.key.key) < ($1.key.slot, $1.key.key) }.map { group, accumulated in
            let values = accumulated.latest.values.map(\.value)
            let sum = values.reduce(0, +)
            var point = accumulated.template
            point.labels = group.key.labelDictionary
            point.value = point.name.hasSuffix("_ratio") ? sum / Double(values.count) : sum
            point.timestamp = Timestamp(startOfWindow: group.slot, of: window)
            return point
        }
        return passed + rolled
    }
}
