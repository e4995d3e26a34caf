/// One site's status as its LO sees it: every attached node, with its liveness and latest reports.
public struct SiteStatus: Sendable, Hashable, Codable {
    /// The site.
    public var siteID: String
    /// Every node attached to the site.
    public var nodes: [NodeStatus]
    /// When the LO assembled this status.
    public var observedAt: Timestamp

    /// Creates a site status.
    public init(siteID: String, nodes: [NodeStatus] = [], observedAt: Timestamp) {
        self.siteID = siteID
        self.nodes = nodes
        self.observedAt = observedAt
    }
}
