public import EOSModel

/// An LO's receiver of its nodes' telemetry: stamps each sample with the node it came from and the site, and queues
/// it in the site's ``TelemetryBuffer`` behind the LO's own samples, so the central gets the site's telemetry in
/// one ordered stream that survives an outage of the link to the central.
///
/// A node's own drops (``TelemetryBatch/droppedCount``) are passed on with its samples, so the central counts
/// every sample lost anywhere below it.
public struct TelemetryForwarder: TelemetryReceiver {
    /// The site's id.
    public let siteID: String
    /// The queue to the central.
    public let buffer: TelemetryBuffer

    /// A forwarder for `siteID` into `buffer`.
    public init(siteID: String, buffer: TelemetryBuffer) {
        self.siteID = siteID
        self.buffer = buffer
    }

    /// Queues a node's batch with the `node` and `site` labels set from who sent it.
    public func receive(_ batch: TelemetryBatch, from kind: ChildKind, id: String) async {
        let stamp = LabelStamp(kind == .node ? ["node": id, "site": siteID] : ["site": siteID])
        buffer.append(stamp.process(batch.points), droppedBefore: batch.droppedCount)
    }
}
