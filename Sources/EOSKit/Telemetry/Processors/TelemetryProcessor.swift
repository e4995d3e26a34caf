public import EOSModel

/// A step between a ``TelemetryPipeline``'s sources and its sinks: adds labels, thins, aggregates.
///
/// Processors run in the order given, each on what the previous one answered. One may keep state between calls (a
/// downsampler remembers what it let through), so the pipeline calls it from one collection at a time.
public protocol TelemetryProcessor: Sendable {
    /// The samples to pass on from `points`.
    func process(_ points: [MetricPoint]) -> [MetricPoint]
}
