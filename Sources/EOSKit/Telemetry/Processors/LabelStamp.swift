public import EOSModel

/// Sets fixed labels on every sample: the agent's `node` or `site`, so the central can tell whose a sample is.
///
/// The stamp overrides a label of the same name a source set: a node speaks for itself only.
public struct LabelStamp: TelemetryProcessor {
    /// The labels set on every sample.
    public let labels: [String: String]

    /// A stamp of `labels`.
    public init(_ labels: [String: String]) { self.labels = labels }

    /// Each sample with ``labels`` set.
    public func process(_ points: [MetricPoint]) -> [MetricPoint] {
        guard !labels.isEmpty else { return points }
        return points.map { point in
            var point = point
            point.labels.merge(labels) { _, stamped in stamped }
            return point
        }
    }
}
