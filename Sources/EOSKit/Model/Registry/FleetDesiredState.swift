/// One generation of one deployment's desired state, as it travels CO → LO → EN.
///
/// Generations of a deployment increase monotonically: a receiver applies a newer generation, treats the same
/// generation as a no-op and refuses an older one (``outcome(over:)``), so a delayed or replayed message never
/// undoes a later change.
public struct FleetDesiredState: Sendable, Hashable, Codable {
    /// The deployment's name, its identity across generations.
    public var deployment: String
    /// The generation, from 1.
    public var generation: Int64
    /// The deployment's spec.
    public var spec: FleetDeploymentSpec
    /// The rollout wave this generation reaches the receiver in, from 1; `nil` when the rollout is not in waves.
    public var wave: Int?
    /// The nodes the CO chose for this wave, by id; empty means every node the spec's target matches.
    public var nodeIDs: [String]

    /// Creates a desired state.
    public init(
        deployment: String, generation: Int64, spec: FleetDeploymentSpec, wave: Int? = nil, nodeIDs: [String] = []
    ) {
        self.deployment = deployment
        self.generation = generation
        self.spec = spec
        self.wave = wave
        self.nodeIDs = nodeIDs
    }

    /// The desired state of a posted deployment at a generation.
    public init(_ deployment: FleetDeployment, generation: Int64, wave: Int? = nil, nodeIDs: [String] = []) {
        self.init(
            deployment: deployment.metadata.name, generation: generation, spec: deployment.spec, wave: wave,
            nodeIDs: nodeIDs)
    }

    /// Whether this state replaces `other`: the same deployment at a newer generation. An older or equal generation
    /// never replaces a newer one, and a state never replaces another deployment's.
    public func supersedes(_ other: FleetDesiredState) -> Bool {
        deployment == other.deployment && generation > other.generation
    }

    /// What a receiver holding `heldGeneration` of this deployment (`nil`: none) does with this state: accept a
    /// newer generation, ignore the same one, refuse an older one.
    public func outcome(over heldGeneration: Int64?) -> ApplyResult.Outcome {
        guard let heldGeneration else { return .accepted }
        if generation > heldGeneration { return .accepted }
        return generation == heldGeneration ? .unchanged : .stale
    }

    /// Whether `nodeID` is in this wave: listed, or the wave lists no nodes (every matching node).
    public func includes(nodeID: String) -> Bool { nodeIDs.isEmpty || nodeIDs.contains(nodeID) }
}
