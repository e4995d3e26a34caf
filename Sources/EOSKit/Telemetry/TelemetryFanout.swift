public import EOSModel

/// Hands each child's batch to several receivers in turn: the central's gateway and its OTLP exporter.
public struct TelemetryFanout: TelemetryReceiver {
    /// The receivers, in the order they are given each batch.
    public let receivers: [any TelemetryReceiver]

    /// A fanout to `receivers`.
    public init(_ receivers: [any TelemetryReceiver]) { self.receivers = receivers }

    /// Gives the batch to every receiver.
    public func receive(_ batch: TelemetryBatch, from kind: ChildKind, id: String) async {
        for receiver in receivers { await receiver.receive(batch, from: kind, id: id) }
    }
}
