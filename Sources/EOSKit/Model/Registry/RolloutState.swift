/// Where one generation of a deployment stands in its rollout, as the central keeps it: which nodes have been
/// released to the generation, which wave it is at, and its phase. A central that restarts continues every rollout
/// from this record.
public struct RolloutState: Sendable, Hashable, Codable {
    /// The deployment.
    public var deployment: String
    /// The generation being rolled out.
    public var generation: Int64
    /// Where the rollout stands.
    public var phase: DeploymentPhase
    /// The current wave of a `Canary` rollout, from 0; 0 for the other strategies.
    public var step: Int
    /// The nodes released to ``generation``: the central has told their sites to update them. A node once released
    /// stays released.
    public var admitted: Set<String>
    /// Since when every reachable node of the current wave has reported the generation installed: the clock of
    /// `minReadySeconds`. `nil` while the wave is not ready.
    public var readySince: Timestamp?
    /// The generation before this one, which a rollback returns to; `nil` for a deployment's first generation.
    public var previousGeneration: Int64?
    /// The generation this one rolls back, when it is a rollback: it is released to every node at once and ends
    /// ``DeploymentPhase/rolledBack`` instead of ``DeploymentPhase/complete``.
    public var rollbackOf: Int64?
    /// The phase before an operator paused the rollout; what resuming returns to.
    public var pausedFrom: DeploymentPhase?
    /// Why the rollout failed, or why this rollback was made: the nodes that failed and what they reported.
    public var reason: String?
    /// When any of this last changed.
    public var updatedAt: Timestamp

    /// Creates the state of a rollout that has not released any node yet.
    public init(
        deployment: String, generation: Int64, phase: DeploymentPhase = .progressing, step: Int = 0,
        admitted: Set<String> = [], readySince: Timestamp? = nil, previousGeneration: Int64? = nil,
        rollbackOf: Int64? = nil, pausedFrom: DeploymentPhase? = nil, reason: String? = nil, updatedAt: Timestamp
    ) {
        self.deployment = deployment
        self.generation = generation
        self.phase = phase
        self.step = step
        self.admitted = admitted
        self.readySince = readySince
        self.previousGeneration = previousGeneration
        self.rollbackOf = rollbackOf
        self.pausedFrom = pausedFrom
        self.reason = reason
        self.updatedAt = updatedAt
    }
}
