import EOSModel

// The Upstream service's registry messages: Register, Heartbeat and Sync.

extension ChildKind {
    /// Decodes a child kind; unspecified is refused.
    init(wire: Eos_Margo_V1_ChildKind, at path: WirePath) throws(MargoError) {
        switch wire {
        case .site: self = .site
        case .node: self = .node
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The kind on the wire.
    var wire: Eos_Margo_V1_ChildKind {
        switch self {
        case .site: return .site
        case .node: return .node
        }
    }
}

extension NodeCapabilities {
    /// Decodes capabilities; no amount may be negative.
    init(wire: Eos_Margo_V1_NodeCapabilities, at path: WirePath) throws(MargoError) {
        guard wire.cpus.isFinite, wire.cpus >= 0 else {
            throw path.appending("cpus").invalid("must be a number of 0 or more, found \(wire.cpus)")
        }
        if wire.memoryBytes < 0 {
            throw path.appending("memoryBytes").invalid("must not be negative, found \(wire.memoryBytes)")
        }
        if wire.storageBytes < 0 {
            throw path.appending("storageBytes").invalid("must not be negative, found \(wire.storageBytes)")
        }
        self.init(
            cpus: wire.cpus, memoryBytes: wire.memoryBytes, storageBytes: wire.storageBytes,
            architecture: wire.architecture, runtimes: wire.runtimes)
    }

    /// The capabilities as a wire message.
    var wire: Eos_Margo_V1_NodeCapabilities {
        var wire = Eos_Margo_V1_NodeCapabilities()
        wire.cpus = cpus
        wire.memoryBytes = memoryBytes
        wire.storageBytes = storageBytes
        wire.architecture = architecture
        wire.runtimes = runtimes
        return wire
    }
}

extension ChildRegistration {
    /// Decodes a registration: kind and id are required, generations are never negative, an endpoint is `HOST:PORT`.
    init(wire: Eos_Margo_V1_RegisterRequest, at path: WirePath = "registration") throws(MargoError) {
        if !wire.endpoint.isEmpty {
            do {
                _ = try MargoEndpoint(parsing: wire.endpoint)
            } catch {
                throw path.appending("endpoint").invalid(error.message)
            }
        }
        self.init(
            kind: try ChildKind(wire: wire.kind, at: path.appending("kind")),
            id: try path.appending("id").requiredText(wire.id),
            labels: wire.labels,
            capabilities: wire.hasCapabilities
                ? try NodeCapabilities(wire: wire.capabilities, at: path.appending("capabilities")) : nil,
            appliedGenerations: try path.appending("appliedGenerations").generations(wire.appliedGenerations),
            endpoint: wire.endpoint.isEmpty ? nil : wire.endpoint)
    }

    /// The registration as a wire message.
    var wire: Eos_Margo_V1_RegisterRequest {
        var wire = Eos_Margo_V1_RegisterRequest()
        wire.kind = kind.wire
        wire.id = id
        wire.labels = labels
        if let capabilities { wire.capabilities = capabilities.wire }
        wire.appliedGenerations = appliedGenerations
        wire.endpoint = endpoint ?? ""
        return wire
    }
}

extension RegistrationAcceptance {
    /// Decodes an acceptance: a positive heartbeat interval is required, generations are never negative.
    init(wire: Eos_Margo_V1_RegisterResponse, at path: WirePath = "acceptance") throws(MargoError) {
        self.init(
            heartbeatInterval: try path.appending("heartbeatInterval").positiveDuration(
                wire.heartbeatInterval, present: wire.hasHeartbeatInterval),
            desiredGenerations: try path.appending("desiredGenerations").generations(wire.desiredGenerations))
    }

    /// The acceptance as a wire message.
    var wire: Eos_Margo_V1_RegisterResponse {
        var wire = Eos_Margo_V1_RegisterResponse()
        wire.heartbeatInterval = heartbeatInterval.wire
        wire.desiredGenerations = desiredGenerations
        return wire
    }
}

extension Heartbeat {
    /// Decodes a heartbeat: kind, id and sending time are required.
    init(wire: Eos_Margo_V1_HeartbeatRequest, at path: WirePath = "heartbeat") throws(MargoError) {
        self.init(
            kind: try ChildKind(wire: wire.kind, at: path.appending("kind")),
            id: try path.appending("id").requiredText(wire.id),
            sentAt: try path.appending("sentAt").timestamp(wire.sentAt, present: wire.hasSentAt))
    }

    /// The heartbeat as a wire message.
    var wire: Eos_Margo_V1_HeartbeatRequest {
        var wire = Eos_Margo_V1_HeartbeatRequest()
        wire.kind = kind.wire
        wire.id = id
        wire.sentAt = sentAt.wire
        return wire
    }
}

extension HeartbeatAcknowledgement {
    /// Decodes a heartbeat's answer: a positive heartbeat interval is required.
    init(wire: Eos_Margo_V1_HeartbeatResponse, at path: WirePath = "acknowledgement") throws(MargoError) {
        self.init(
            heartbeatInterval: try path.appending("heartbeatInterval").positiveDuration(
                wire.heartbeatInterval, present: wire.hasHeartbeatInterval),
            syncRequired: wire.syncRequired)
    }

    /// The answer as a wire message.
    var wire: Eos_Margo_V1_HeartbeatResponse {
        var wire = Eos_Margo_V1_HeartbeatResponse()
        wire.heartbeatInterval = heartbeatInterval.wire
        wire.syncRequired = syncRequired
        return wire
    }
}

extension SyncRequest {
    /// Decodes a sync request: kind and id are required, generations are never negative.
    init(wire: Eos_Margo_V1_SyncRequest, at path: WirePath = "sync") throws(MargoError) {
        self.init(
            kind: try ChildKind(wire: wire.kind, at: path.appending("kind")),
            id: try path.appending("id").requiredText(wire.id),
            appliedGenerations: try path.appending("appliedGenerations").generations(wire.appliedGenerations))
    }

    /// The request as a wire message.
    var wire: Eos_Margo_V1_SyncRequest {
        var wire = Eos_Margo_V1_SyncRequest()
        wire.kind = kind.wire
        wire.id = id
        wire.appliedGenerations = appliedGenerations
        return wire
    }
}

extension SyncResponse {
    /// Decodes a sync answer, checking every desired state and removal.
    init(wire: Eos_Margo_V1_SyncResponse, at path: WirePath = "sync") throws(MargoError) {
        self = try path.decoding { path throws(MargoError) in
            SyncResponse(
                desiredStates: try path.each("desiredStates", wire.desiredStates) {
                    (state, path) throws(MargoError) in try FleetDesiredState(wire: state, at: path)
                },
                removals: try path.each("removals", wire.removals) { (removal, path) throws(MargoError) in
                    try FleetRemoval(wire: removal, at: path)
                })
        }
    }

    /// The answer as a wire message.
    var wire: Eos_Margo_V1_SyncResponse {
        var wire = Eos_Margo_V1_SyncResponse()
        wire.desiredStates = desiredStates.map(\.wire)
        wire.removals = removals.map(\.wire)
        return wire
    }
}
