/// Samples from one node or site, in the order they were taken, as one upward message.
///
/// `sequence` increases by one with every batch a source sends, across reconnects, so the parent can spot gaps and
/// duplicates; `droppedCount` says how many samples a full buffer lost since the previous batch, so a gap in the
/// data is visible rather than silent.
public struct TelemetryBatch: Sendable, Hashable, Codable {
    /// The node or site the samples come from.
    public var sourceID: String
    /// The batch's place in the source's sequence, from 1.
    public var sequence: UInt64
    /// How many samples the source dropped since the previous batch.
    public var droppedCount: UInt64
    /// The samples.
    public var points: [MetricPoint]

    /// Creates a batch.
    public init(sourceID: String, sequence: UInt64, droppedCount: UInt64 = 0, points: [MetricPoint] = []) {
        self.sourceID = sourceID
        self.sequence = sequence
        self.droppedCount = droppedCount
        self.points = points
    }
}
