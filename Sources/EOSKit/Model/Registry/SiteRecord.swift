/// A site as the central's registry keeps it: what its Local Orchestrator said when it registered.
public struct SiteRecord: Sendable, Hashable, Codable {
    /// The site's id, as its certificate names it.
    public var id: String
    /// The site's labels, which deployments select sites on.
    public var labels: [String: String]
    /// The sum of its nodes' capabilities, when it said so.
    public var capabilities: NodeCapabilities?
    /// Where the central reaches the site's `LocalOrchestrator` service (`HOST:PORT`).
    public var endpoint: String?
    /// When the site last registered.
    public var registeredAt: Timestamp
    /// When the central last heard from the site.
    public var lastSeen: Timestamp

    /// Creates a record.
    public init(
        id: String, labels: [String: String] = [:], capabilities: NodeCapabilities? = nil, endpoint: String? = nil,
        registeredAt: Timestamp, lastSeen: Timestamp
    ) {
        self.id = id
        self.labels = labels
        self.capabilities = capabilities
        self.endpoint = endpoint
        self.registeredAt = registeredAt
        self.lastSeen = lastSeen
    }
}
