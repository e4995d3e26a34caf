public import EOSModel

/// A node's telemetry as the central holds it: `GET /nodes/{id}/metrics`.
public struct NodeMetrics: Sendable, Hashable, Codable {
    /// The node's id.
    public var node: String
    /// The site it reports through; `nil` for a node attached to the central directly.
    public var site: String?
    /// When the central last received a sample from it.
    public var lastReceivedAt: Timestamp?
    /// Samples lost on the way from this node because a queue was full (counted where the node reports directly;
    /// a site's nodes' losses are counted on the site).
    public var droppedSamples: UInt64
    /// The node's series, sorted by name and labels.
    public var series: [MetricSeries]

    /// Creates a node's metrics.
    public init(
        node: String, site: String?, lastReceivedAt: Timestamp?, droppedSamples: UInt64, series: [MetricSeries]
    ) {
        self.node = node
        self.site = site
        self.lastReceivedAt = lastReceivedAt
        self.droppedSamples = droppedSamples
        self.series = series
    }
}
