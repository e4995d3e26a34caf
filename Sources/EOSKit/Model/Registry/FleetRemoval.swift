/// The removal of a deployment at a generation: every node stops and deletes its workloads.
///
/// A receiver that holds a newer generation of the deployment ignores the removal: the deployment was posted again
/// since.
public struct FleetRemoval: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var deployment: String
    /// The generation of the removal.
    public var generation: Int64

    /// Creates a removal.
    public init(deployment: String, generation: Int64) {
        self.deployment = deployment
        self.generation = generation
    }

    /// What a receiver holding `heldGeneration` of this deployment (`nil`: none) does with this removal: remove
    /// what it holds unless it holds a newer generation; holding nothing, there is nothing to change.
    public func outcome(over heldGeneration: Int64?) -> ApplyResult.Outcome {
        guard let heldGeneration else { return .unchanged }
        return heldGeneration > generation ? .stale : .accepted
    }
}
