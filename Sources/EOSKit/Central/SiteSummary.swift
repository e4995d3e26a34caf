public import EOSModel

/// A site as `GET /sites` shows it: its registration, its liveness as the central judges it, and how many nodes it
/// reported.
public struct SiteSummary: Sendable, Hashable, Codable {
    /// The site's id.
    public var id: String
    /// The site's labels.
    public var labels: [String: String]
    /// The sum of its nodes' capabilities, when known.
    public var capabilities: NodeCapabilities?
    /// Where the central reaches the site.
    public var endpoint: String?
    /// `Ready`, `Unknown` (since when) or `Offline`, and when the central last heard from the site.
    public var liveness: LivenessStatus
    /// How many nodes the site reported.
    public var nodes: Int

    /// Creates a summary.
    public init(
        id: String, labels: [String: String], capabilities: NodeCapabilities?, endpoint: String?,
        liveness: LivenessStatus, nodes: Int
    ) {
        self.id = id
        self.labels = labels
        self.capabilities = capabilities
        self.endpoint = endpoint
        self.liveness = liveness
        self.nodes = nodes
    }
}
