/// What `POST /deploy/fleet?dryRun=true` answers for a valid FleetDeployment: what posting it would do, with
/// nothing recorded.
public struct DeployPreview: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var name: String
    /// The generation posting it would record, or the current one when it would change nothing.
    public var generation: Int64
    /// Whether posting it would record a new generation: `false` when the latest generation has this very spec.
    public var changed: Bool
    /// The workloads it names, in order.
    public var workloads: [String]

    /// Creates a preview.
    public init(name: String, generation: Int64, changed: Bool, workloads: [String]) {
        self.name = name
        self.generation = generation
        self.changed = changed
        self.workloads = workloads
    }
}
