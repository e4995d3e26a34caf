/// Whether a node (or a site's LO) is heard from: `Ready`, `Unknown` or `Offline`.
public enum NodeLiveness: String, DocumentEnum {
    /// Heartbeats arrive on time.
    case ready = "Ready"
    /// Silent for at least three heartbeat intervals; its last report stands but may be stale.
    case unknown = "Unknown"
    /// Silent for longer than the offline threshold; its `Replicas` workloads move elsewhere.
    case offline = "Offline"
}

/// A node's liveness with the times behind it, as `GET /nodes` shows it.
public struct LivenessStatus: Sendable, Hashable, Codable {
    /// Ready, Unknown or Offline.
    public var liveness: NodeLiveness
    /// Since when the node has had this liveness: for `Unknown`, the time of its last report.
    public var since: Timestamp?
    /// When the node was last heard from.
    public var lastSeen: Timestamp?

    /// Creates a liveness status.
    public init(liveness: NodeLiveness, since: Timestamp? = nil, lastSeen: Timestamp? = nil) {
        self.liveness = liveness
        self.since = since
        self.lastSeen = lastSeen
    }
}
