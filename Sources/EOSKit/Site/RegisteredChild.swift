public import EOSModel

/// A child of this parent as the ``ChildRegistry`` knows it: a site's LO under the CO, or an Edge Node under its LO
/// or the CO.
///
/// The registry keeps one record per kind and id. A registration replaces everything the child says about itself
/// (labels, capabilities, endpoint, applied generations); heartbeats, syncs and reports only move ``lastSeen``
/// forward, and ``lastSequence`` only grows, so a report replayed after a reconnect or a parent restart is
/// recognised. (It starts again from 0 when the child registers holding no deployment: see
/// ``ChildRegistry/register(_:)``.)
public struct RegisteredChild: Sendable, Hashable, Codable {
    /// Site or node.
    public var kind: ChildKind
    /// The site id or node id, as its certificate names it.
    public var id: String
    /// The child's labels, which deployment targets select on.
    public var labels: [String: String]
    /// What the child can host, when it said so; for a site, the sum over its nodes.
    public var capabilities: NodeCapabilities?
    /// Where the parent reaches the child's own gRPC service (`HOST:PORT`), when the child said so.
    public var endpoint: String?
    /// The generation of each deployment the child holds, by deployment name, as it last told the parent (when it
    /// registered or synced) or as the owner recorded after an apply the child accepted.
    public var appliedGenerations: [String: Int64]
    /// When the child last registered: the start of its current session with the parent.
    public var registeredAt: Timestamp
    /// When the parent last heard from the child: a registration, heartbeat, sync or report.
    public var lastSeen: Timestamp
    /// The heartbeat interval the parent last asked of the child; its liveness is judged against it.
    public var heartbeatInterval: Duration
    /// The sequence of the last status report the parent took from the child; 0 before the first.
    public var lastSequence: UInt64

    /// Creates a record.
    public init(
        kind: ChildKind, id: String, labels: [String: String] = [:], capabilities: NodeCapabilities? = nil,
        endpoint: String? = nil, appliedGenerations: [String: Int64] = [:], registeredAt: Timestamp,
        lastSeen: Timestamp, heartbeatInterval: Duration, lastSequence: UInt64 = 0
    ) {
        self.kind = kind
        self.id = id
        self.labels = labels
        self.capabilities = capabilities
        self.endpoint = endpoint
        self.appliedGenerations = appliedGenerations
        self.registeredAt = registeredAt
        self.lastSeen = lastSeen
        self.heartbeatInterval = heartbeatInterval
        self.lastSequence = lastSequence
    }
}
