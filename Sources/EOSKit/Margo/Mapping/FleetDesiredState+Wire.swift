import EOSModel

// Desired state, removals and what receivers answer, and the LocalOrchestrator and EdgeNode request and response
// messages that carry them.

extension FleetDesiredState {
    /// Decodes a desired state: a deployment name, a generation of 1 or more and a spec are required; a wave, when
    /// given, is 1 or more.
    init(wire: Eos_Margo_V1_FleetDesiredState, at path: WirePath = "desiredState") throws(MargoError) {
        guard wire.hasSpec else { throw path.appending("spec").required }
        if wire.hasWave, wire.wave < 1 { throw path.appending("wave").invalid("must be at least 1, found 0") }
        for (index, nodeID) in wire.nodeIds.enumerated() where nodeID.isEmpty {
            throw path.appending("nodeIds").appending(index: index).required
        }
        self.init(
            deployment: try path.appending("deployment").requiredText(wire.deployment),
            generation: try path.appending("generation").requiredGeneration(wire.generation),
            spec: try FleetDeploymentSpec(wire: wire.spec, at: path.appending("spec")),
            wave: wire.hasWave ? Int(wire.wave) : nil,
            nodeIDs: wire.nodeIds)
    }

    /// Decodes the desired state a `DeployFleet` call carries.
    init(wire: Eos_Margo_V1_DeployFleetRequest) throws(MargoError) {
        guard wire.hasDesiredState else { throw WirePath("desiredState").required }
        self = try WirePath("desiredState").decoding { path throws(MargoError) in
            try FleetDesiredState(wire: wire.desiredState, at: path)
        }
    }

    /// Decodes the desired state an `ApplyDeploy` call carries.
    init(wire: Eos_Margo_V1_ApplyDeployRequest) throws(MargoError) {
        guard wire.hasDesiredState else { throw WirePath("desiredState").required }
        self = try WirePath("desiredState").decoding { path throws(MargoError) in
            try FleetDesiredState(wire: wire.desiredState, at: path)
        }
    }

    /// The desired state as a wire message.
    var wire: Eos_Margo_V1_FleetDesiredState {
        var wire = Eos_Margo_V1_FleetDesiredState()
        wire.deployment = deployment
        wire.generation = generation
        wire.spec = spec.wire
        if let wave { wire.wave = UInt32(clamping: wave) }
        wire.nodeIds = nodeIDs
        return wire
    }
}

extension Eos_Margo_V1_DeployFleetRequest {
    /// A `DeployFleet` request carrying `desiredState`.
    init(_ desiredState: FleetDesiredState) {
        self.init()
        self.desiredState = desiredState.wire
    }
}

extension Eos_Margo_V1_ApplyDeployRequest {
    /// An `ApplyDeploy` request carrying `desiredState`.
    init(_ desiredState: FleetDesiredState) {
        self.init()
        self.desiredState = desiredState.wire
    }
}

extension FleetRemoval {
    /// Decodes a removal: a deployment name and a generation of 1 or more are required.
    init(wire: Eos_Margo_V1_FleetRemoval, at path: WirePath = "removal") throws(MargoError) {
        self.init(
            deployment: try path.appending("deployment").requiredText(wire.deployment),
            generation: try path.appending("generation").requiredGeneration(wire.generation))
    }

    /// Decodes the removal a `RemoveFleet` call carries.
    init(wire: Eos_Margo_V1_RemoveFleetRequest) throws(MargoError) {
        guard wire.hasRemoval else { throw WirePath("removal").required }
        try self.init(wire: wire.removal)
    }

    /// Decodes the removal a `RemoveDeploy` call carries.
    init(wire: Eos_Margo_V1_RemoveDeployRequest) throws(MargoError) {
        guard wire.hasRemoval else { throw WirePath("removal").required }
        try self.init(wire: wire.removal)
    }

    /// The removal as a wire message.
    var wire: Eos_Margo_V1_FleetRemoval {
        var wire = Eos_Margo_V1_FleetRemoval()
        wire.deployment = deployment
        wire.generation = generation
        return wire
    }
}

extension Eos_Margo_V1_RemoveFleetRequest {
    /// A `RemoveFleet` request carrying `removal`.
    init(_ removal: FleetRemoval) {
        self.init()
        self.removal = removal.wire
    }
}

extension Eos_Margo_V1_RemoveDeployRequest {
    /// A `RemoveDeploy` request carrying `removal`.
    init(_ removal: FleetRemoval) {
        self.init()
        self.removal = removal.wire
    }
}

/// The four answers that report an ``ApplyResult``: DeployFleet, RemoveFleet, ApplyDeploy, RemoveDeploy.
protocol ApplyResultMessage {
    init()
    var outcome: Eos_Margo_V1_ApplyOutcome { get set }
    var generation: Int64 { get set }
}

extension Eos_Margo_V1_DeployFleetResponse: ApplyResultMessage {}
extension Eos_Margo_V1_RemoveFleetResponse: ApplyResultMessage {}
extension Eos_Margo_V1_ApplyDeployResponse: ApplyResultMessage {}
extension Eos_Margo_V1_RemoveDeployResponse: ApplyResultMessage {}

extension ApplyResultMessage {
    /// The answer reporting `result`.
    init(_ result: ApplyResult) {
        self.init()
        outcome = result.outcome.wire
        generation = result.generation
    }
}

extension ApplyResult {
    /// Decodes an answer: an outcome is required and the generation is never negative.
    init(wire: some ApplyResultMessage, at path: WirePath = "result") throws(MargoError) {
        self = try path.decoding { path throws(MargoError) in
            ApplyResult(
                outcome: try Outcome(wire: wire.outcome, at: path.appending("outcome")),
                generation: try path.appending("generation").generation(wire.generation))
        }
    }
}

extension ApplyResult.Outcome {
    /// Decodes an outcome; unspecified is refused.
    init(wire: Eos_Margo_V1_ApplyOutcome, at path: WirePath) throws(MargoError) {
        switch wire {
        case .accepted: self = .accepted
        case .unchanged: self = .unchanged
        case .stale: self = .stale
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The outcome on the wire.
    var wire: Eos_Margo_V1_ApplyOutcome {
        switch self {
        case .accepted: return .accepted
        case .unchanged: return .unchanged
        case .stale: return .stale
        }
    }
}
