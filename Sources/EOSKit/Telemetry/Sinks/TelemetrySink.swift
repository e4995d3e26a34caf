public import EOSModel

/// Where a ``TelemetryPipeline`` delivers what its processors answered: the upstream queue (``TelemetryBuffer``), a
/// collector (``OTLPExporter``), or an embedder's own store.
public protocol TelemetrySink: Sendable {
    /// Takes one collection's samples, in the order they were taken.
    func receive(_ points: [MetricPoint]) async
}
