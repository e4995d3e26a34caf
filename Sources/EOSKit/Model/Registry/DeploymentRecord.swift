/// One generation of a deployment as the central's registry keeps it: the spec a user posted, who posted it and
/// when. Every generation is kept, so a rollback can return to any earlier spec and the audit trail can show it.
public struct DeploymentRecord: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var name: String
    /// The generation: 1 for the first spec, one more for every change, a removal included.
    public var generation: Int64
    /// The spec of this generation.
    public var spec: FleetDeploymentSpec
    /// The deployment's labels, from its metadata.
    public var labels: [String: String]
    /// When the generation was recorded.
    public var createdAt: Timestamp
    /// Who recorded it: a user's name, or `eos` for a change the central made itself (an automatic rollback).
    public var createdBy: String
    /// Whether this generation removes the deployment from every node.
    public var removed: Bool

    /// Creates a record.
    public init(
        name: String, generation: Int64, spec: FleetDeploymentSpec, labels: [String: String] = [:],
        createdAt: Timestamp, createdBy: String, removed: Bool = false
    ) {
        self.name = name
        self.generation = generation
        self.spec = spec
        self.labels = labels
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.removed = removed
    }
}
