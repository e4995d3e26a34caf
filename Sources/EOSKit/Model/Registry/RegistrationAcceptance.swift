/// A parent's answer to a ``ChildRegistration``: how often to heartbeat, and which generations the child should hold.
public struct RegistrationAcceptance: Sendable, Hashable, Codable {
    /// How often the parent wants heartbeats; it scales with the number of children.
    public var heartbeatInterval: Duration
    /// The generation the parent wants the child to hold for each deployment, by name. The child syncs every
    /// deployment where this differs from what it holds, and removes deployments that are not listed.
    public var desiredGenerations: [String: Int64]

    /// Creates an acceptance.
    public init(heartbeatInterval: Duration, desiredGenerations: [String: Int64] = [:]) {
        self.heartbeatInterval = heartbeatInterval
        self.desiredGenerations = desiredGenerations
    }

    /// The deployments whose generation differs from what the child holds, sorted by name: what it should sync.
    public func deploymentsToSync(applied: [String: Int64]) -> [String] {
        desiredGenerations.filter { applied[$0.key] != $0.value }.keys.sorted()
    }

    /// The deployments the child holds that the parent no longer wants, sorted by name.
    public func deploymentsToRemove(applied: [String: Int64]) -> [String] {
        applied.keys.filter { desiredGenerations[$0] == nil }.sorted()
    }
}
