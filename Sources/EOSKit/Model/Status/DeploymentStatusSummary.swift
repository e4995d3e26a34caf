/// A deployment's aggregated status: what `GET /status/{name}` answers.
///
/// ```json
/// {"name": "vision-pipeline", "generation": 3, "phase": "Progressing",
///  "nodes": {"targeted": 120, "installed": 40, "installing": 6, "pending": 70, "failed": 1, "unreachable": 3},
///  "rollout": {"strategy": "Canary", "step": 2, "steps": 3},
///  "sites": [{"id": "store-0042", "targeted": 4, "installed": 4, "failed": 0, "unreachable": 0, "observedAt": "…"}],
///  "updatedAt": "2026-11-29T10:00:00Z"}
/// ```
public struct DeploymentStatusSummary: Sendable, Hashable, Codable {
    /// Where a rollout is among its waves.
    public struct RolloutProgress: Sendable, Hashable, Codable {
        /// The rollout strategy.
        public var strategy: RolloutPolicy.Strategy
        /// The current wave, from 1.
        public var step: Int
        /// How many waves there are.
        public var steps: Int
        /// The generation this one returns from, when it is a rollback.
        public var rollbackOf: Int64?
        /// Why the rollout failed or was rolled back: the nodes that failed and what they reported.
        public var reason: String?
        /// How many targeted nodes the central has released to the generation so far; `nil` from a central that
        /// does not say.
        public var released: Int?

        /// Creates rollout progress.
        public init(
            strategy: RolloutPolicy.Strategy, step: Int, steps: Int, rollbackOf: Int64? = nil, reason: String? = nil,
            released: Int? = nil
        ) {
            self.strategy = strategy
            self.step = step
            self.steps = steps
            self.rollbackOf = rollbackOf
            self.reason = reason
            self.released = released
        }
    }

    /// The deployment's name.
    public var name: String
    /// The generation being rolled out.
    public var generation: Int64
    /// Where the rollout stands.
    public var phase: DeploymentPhase
    /// Fleet-wide counts.
    public var nodes: RolloutCounts
    /// Wave progress.
    public var rollout: RolloutProgress
    /// Per-site counts.
    public var sites: [SiteRollup]
    /// Per-node reports, present when asked for (`?detail=nodes`).
    public var nodeStatuses: [NodeDeploymentStatus]?
    /// When any of this last changed.
    public var updatedAt: Timestamp

    /// Creates a summary.
    public init(
        name: String, generation: Int64, phase: DeploymentPhase, nodes: RolloutCounts, rollout: RolloutProgress,
        sites: [SiteRollup], nodeStatuses: [NodeDeploymentStatus]? = nil, updatedAt: Timestamp
    ) {
        self.name = name
        self.generation = generation
        self.phase = phase
        self.nodes = nodes
        self.rollout = rollout
        self.sites = sites
        self.nodeStatuses = nodeStatuses
        self.updatedAt = updatedAt
    }
}
