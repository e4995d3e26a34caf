/// A node as the central's registry keeps it: learnt from its site's inventory, or from its own registration when
/// it attaches to the central directly.
public struct NodeRecord: Sendable, Hashable, Codable {
    /// The node's id, as its certificate names it.
    public var id: String
    /// The node's site; `nil` for a node attached to the central directly.
    public var siteID: String?
    /// The node's labels, which deployments select nodes on.
    public var labels: [String: String]
    /// What the node can host, when it said so.
    public var capabilities: NodeCapabilities?
    /// The node's liveness as its site last reported it; for a node attached directly, as the central judges it.
    public var liveness: LivenessStatus
    /// When the central learnt this.
    public var updatedAt: Timestamp

    /// Creates a record.
    public init(
        id: String, siteID: String?, labels: [String: String] = [:], capabilities: NodeCapabilities? = nil,
        liveness: LivenessStatus, updatedAt: Timestamp
    ) {
        self.id = id
        self.siteID = siteID
        self.labels = labels
        self.capabilities = capabilities
        self.liveness = liveness
        self.updatedAt = updatedAt
    }
}
