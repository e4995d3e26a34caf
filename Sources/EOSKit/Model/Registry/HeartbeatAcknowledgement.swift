/// A parent's answer to a ``Heartbeat``.
public struct HeartbeatAcknowledgement: Sendable, Hashable, Codable {
    /// The interval the parent wants from now on; every answer repeats it, so the parent can change it.
    public var heartbeatInterval: Duration
    /// Whether the parent holds desired state the child has not caught up with: the child should sync.
    public var syncRequired: Bool

    /// Creates an acknowledgement.
    public init(heartbeatInterval: Duration, syncRequired: Bool = false) {
        self.heartbeatInterval = heartbeatInterval
        self.syncRequired = syncRequired
    }
}
