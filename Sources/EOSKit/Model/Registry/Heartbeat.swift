/// A child saying it is alive.
public struct Heartbeat: Sendable, Hashable, Codable {
    /// Site or node.
    public var kind: ChildKind
    /// The child's id.
    public var id: String
    /// When the child sent it, by its own clock.
    public var sentAt: Timestamp

    /// Creates a heartbeat.
    public init(kind: ChildKind, id: String, sentAt: Timestamp) {
        self.kind = kind
        self.id = id
        self.sentAt = sentAt
    }
}
