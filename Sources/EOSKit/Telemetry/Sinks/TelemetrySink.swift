public import EOSModel

/// Where a ``TelemetryPipeline`` delivers what its processors answered: the upstream queue
/// (``TelemetryBuffer``), the central's store (``TelemetryGateway``), a collector (``OTLPExporter``).
public protocol TelemetrySink: Sendable {
    /// Takes one collection's samples, in the order they were taken.
    func receive(_ points: [MetricPoint]) async
}
