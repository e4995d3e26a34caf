public import EOSModel

/// A site's telemetry as the central holds it: `GET /sites/{id}/metrics`.
public struct SiteMetrics: Sendable, Hashable, Codable {
    /// The site's id.
    public var site: String
    /// The nodes the central has telemetry from at this site.
    public var nodes: [String]
    /// When the central last received telemetry from the site.
    public var lastReceivedAt: Timestamp?
    /// Samples lost at the site or below it because a queue was full, since the central started.
    public var droppedSamples: UInt64
    /// The site's rollups: per metric and window, the sum over its nodes, or the mean for a `_ratio`
    /// (``SiteMetricsRollup``), sorted by name and labels.
    public var series: [MetricSeries]
    /// The Local Orchestrator's own host, as its agent reports it.
    public var localOrchestrator: [MetricSeries]

    /// Creates a site's metrics.
    public init(
        site: String, nodes: [String], lastReceivedAt: Timestamp?, droppedSamples: UInt64, series: [MetricSeries],
        localOrchestrator: [MetricSeries]
    ) {
        self.site = site
        self.nodes = nodes
        self.lastReceivedAt = lastReceivedAt
        self.droppedSamples = droppedSamples
        self.series = series
        self.localOrchestrator = localOrchestrator
    }
}
