public import EOSModel

/// What a parent does with the telemetry its children send up (`Upstream.ReportTelemetry`): an LO queues it for
/// the central (``TelemetryForwarder``), the central keeps it for the API (``TelemetryGateway``).
///
/// The parent's intake calls it once per batch, in the order the child sent them, after skipping batches the child
/// sent again because an acknowledgement was lost. `kind` and `id` are the caller's verified identity: a receiver
/// trusts them, not the labels in the batch.
public protocol TelemetryReceiver: Sendable {
    /// Takes one batch from the child `kind` `id`.
    func receive(_ batch: TelemetryBatch, from kind: ChildKind, id: String) async
}
