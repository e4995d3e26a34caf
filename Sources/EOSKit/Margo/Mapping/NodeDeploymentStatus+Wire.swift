import EOSModel

// Status: node reports, workload detail, liveness, node and site status, and the ReportStatus stream's messages.

extension NodeDeploymentStatus {
    /// Decodes a report: deployment, node, state, observation time and reporter are required; the generation is
    /// never negative.
    init(wire: Eos_Margo_V1_NodeDeploymentStatus, at path: WirePath = "status") throws(MargoError) {
        self.init(
            deployment: try path.appending("deployment").requiredText(wire.deployment),
            observedGeneration: try path.appending("observedGeneration").generation(wire.observedGeneration),
            nodeID: try path.appending("nodeId").requiredText(wire.nodeID),
            siteID: wire.hasSiteID ? try path.appending("siteId").requiredText(wire.siteID) : nil,
            state: try MargoDeploymentState(wire: wire.state, at: path.appending("state")),
            workloads: try path.each("workloads", wire.workloads) { (workload, path) throws(MargoError) in
                try WorkloadStatus(wire: workload, at: path)
            },
            message: wire.hasMessage ? wire.message : nil,
            observedAt: try path.appending("observedAt").timestamp(wire.observedAt, present: wire.hasObservedAt),
            reportedBy: try path.appending("reportedBy").requiredText(wire.reportedBy))
    }

    /// The report as a wire message.
    var wire: Eos_Margo_V1_NodeDeploymentStatus {
        var wire = Eos_Margo_V1_NodeDeploymentStatus()
        wire.deployment = deployment
        wire.observedGeneration = observedGeneration
        wire.nodeID = nodeID
        if let siteID { wire.siteID = siteID }
        wire.state = state.wire
        wire.workloads = workloads.map(\.wire)
        if let message { wire.message = message }
        wire.observedAt = observedAt.wire
        wire.reportedBy = reportedBy
        return wire
    }
}

extension MargoDeploymentState {
    /// Decodes a Margo state; unspecified is refused.
    init(wire: Eos_Margo_V1_DeploymentState, at path: WirePath) throws(MargoError) {
        switch wire {
        case .pending: self = .pending
        case .installing: self = .installing
        case .installed: self = .installed
        case .failed: self = .failed
        case .removing: self = .removing
        case .removed: self = .removed
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The state on the wire.
    var wire: Eos_Margo_V1_DeploymentState {
        switch self {
        case .pending: return .pending
        case .installing: return .installing
        case .installed: return .installed
        case .failed: return .failed
        case .removing: return .removing
        case .removed: return .removed
        }
    }
}

extension WorkloadStatus {
    /// Decodes a workload's detail: name, run state and health are required.
    init(wire: Eos_Margo_V1_WorkloadStatus, at path: WirePath) throws(MargoError) {
        let state: RunState
        switch wire.state {
        case .pending: state = .pending
        case .running: state = .running
        case .exited: state = .exited
        case .unknown: state = .unknown
        case .unspecified, .UNRECOGNIZED: throw path.appending("state").unknownEnum(wire.state.rawValue)
        }
        let health: Health
        switch wire.health {
        case .unknown: health = .unknown
        case .healthy: health = .healthy
        case .unhealthy: health = .unhealthy
        case .unspecified, .UNRECOGNIZED: throw path.appending("health").unknownEnum(wire.health.rawValue)
        }
        self.init(
            name: try path.appending("name").requiredText(wire.name), state: state,
            exitCode: wire.hasExitCode ? wire.exitCode : nil, restarts: Int(wire.restarts), health: health,
            startedAt: try path.appending("startedAt").optionalTimestamp(wire.startedAt, present: wire.hasStartedAt),
            message: wire.hasMessage ? wire.message : nil)
    }

    /// The detail as a wire message.
    var wire: Eos_Margo_V1_WorkloadStatus {
        var wire = Eos_Margo_V1_WorkloadStatus()
        wire.name = name
        switch state {
        case .pending: wire.state = .pending
        case .running: wire.state = .running
        case .exited: wire.state = .exited
        case .unknown: wire.state = .unknown
        }
        if let exitCode { wire.exitCode = exitCode }
        wire.restarts = UInt32(clamping: restarts)
        switch health {
        case .unknown: wire.health = .unknown
        case .healthy: wire.health = .healthy
        case .unhealthy: wire.health = .unhealthy
        }
        if let startedAt { wire.startedAt = startedAt.wire }
        if let message { wire.message = message }
        return wire
    }
}

extension LivenessStatus {
    /// Decodes a liveness; the liveness itself is required.
    init(wire: Eos_Margo_V1_LivenessStatus, at path: WirePath) throws(MargoError) {
        let liveness: NodeLiveness
        switch wire.liveness {
        case .ready: liveness = .ready
        case .unknown: liveness = .unknown
        case .offline: liveness = .offline
        case .unspecified, .UNRECOGNIZED: throw path.appending("liveness").unknownEnum(wire.liveness.rawValue)
        }
        self.init(
            liveness: liveness,
            since: try path.appending("since").optionalTimestamp(wire.since, present: wire.hasSince),
            lastSeen: try path.appending("lastSeen").optionalTimestamp(wire.lastSeen, present: wire.hasLastSeen))
    }

    /// The liveness as a wire message.
    var wire: Eos_Margo_V1_LivenessStatus {
        var wire = Eos_Margo_V1_LivenessStatus()
        switch liveness {
        case .ready: wire.liveness = .ready
        case .unknown: wire.liveness = .unknown
        case .offline: wire.liveness = .offline
        }
        if let since { wire.since = since.wire }
        if let lastSeen { wire.lastSeen = lastSeen.wire }
        return wire
    }
}

extension NodeStatus {
    /// Decodes a node's status; the node id is required.
    init(wire: Eos_Margo_V1_NodeStatus, at path: WirePath = "status") throws(MargoError) {
        self.init(
            nodeID: try path.appending("nodeId").requiredText(wire.nodeID),
            liveness: wire.hasLiveness ? try LivenessStatus(wire: wire.liveness, at: path.appending("liveness")) : nil,
            labels: wire.labels,
            capabilities: wire.hasCapabilities
                ? try NodeCapabilities(wire: wire.capabilities, at: path.appending("capabilities")) : nil,
            deployments: try path.each("deployments", wire.deployments) { (status, path) throws(MargoError) in
                try NodeDeploymentStatus(wire: status, at: path)
            })
    }

    /// Decodes the status a `GetNodeStatus` answer carries.
    init(wire: Eos_Margo_V1_GetNodeStatusResponse) throws(MargoError) {
        guard wire.hasStatus else { throw WirePath("status").required }
        self = try WirePath("status").decoding { path throws(MargoError) in
            try NodeStatus(wire: wire.status, at: path)
        }
    }

    /// The status as a wire message.
    var wire: Eos_Margo_V1_NodeStatus {
        var wire = Eos_Margo_V1_NodeStatus()
        wire.nodeID = nodeID
        if let liveness { wire.liveness = liveness.wire }
        wire.labels = labels
        if let capabilities { wire.capabilities = capabilities.wire }
        wire.deployments = deployments.map(\.wire)
        return wire
    }
}

extension Eos_Margo_V1_GetNodeStatusResponse {
    /// A `GetNodeStatus` answer carrying `status`.
    init(_ status: NodeStatus) {
        self.init()
        self.status = status.wire
    }
}

extension SiteStatus {
    /// Decodes a site's status; the site id and the time it was assembled are required.
    init(wire: Eos_Margo_V1_SiteStatus, at path: WirePath = "status") throws(MargoError) {
        self.init(
            siteID: try path.appending("siteId").requiredText(wire.siteID),
            nodes: try path.each("nodes", wire.nodes) { (node, path) throws(MargoError) in
                try NodeStatus(wire: node, at: path)
            },
            observedAt: try path.appending("observedAt").timestamp(wire.observedAt, present: wire.hasObservedAt))
    }

    /// Decodes the status a `GetSiteStatus` answer carries.
    init(wire: Eos_Margo_V1_GetSiteStatusResponse) throws(MargoError) {
        guard wire.hasStatus else { throw WirePath("status").required }
        self = try WirePath("status").decoding { path throws(MargoError) in
            try SiteStatus(wire: wire.status, at: path)
        }
    }

    /// The status as a wire message.
    var wire: Eos_Margo_V1_SiteStatus {
        var wire = Eos_Margo_V1_SiteStatus()
        wire.siteID = siteID
        wire.nodes = nodes.map(\.wire)
        wire.observedAt = observedAt.wire
        return wire
    }
}

extension Eos_Margo_V1_GetSiteStatusResponse {
    /// A `GetSiteStatus` answer carrying `status`.
    init(_ status: SiteStatus) {
        self.init()
        self.status = status.wire
    }
}

extension StatusReport {
    /// Decodes a report of the status stream; its sequence is 1 or more.
    init(wire: Eos_Margo_V1_StatusReport, at path: WirePath = "report") throws(MargoError) {
        self = try path.decoding { path throws(MargoError) in
            guard wire.sequence >= 1 else {
                throw path.appending("sequence").invalid("required: a sequence is 1 or more")
            }
            return StatusReport(
                sequence: wire.sequence,
                statuses: try path.each("statuses", wire.statuses) { (status, path) throws(MargoError) in
                    try NodeDeploymentStatus(wire: status, at: path)
                })
        }
    }

    /// The report as a wire message.
    var wire: Eos_Margo_V1_StatusReport {
        var wire = Eos_Margo_V1_StatusReport()
        wire.sequence = sequence
        wire.statuses = statuses.map(\.wire)
        return wire
    }
}

/// The two answers that report a ``ReportAcknowledgement``: ReportStatus and ReportTelemetry.
protocol ReportAcknowledgementMessage {
    init()
    var lastSequence: UInt64 { get set }
    var accepted: UInt64 { get set }
}

extension Eos_Margo_V1_ReportStatusResponse: ReportAcknowledgementMessage {}
extension Eos_Margo_V1_ReportTelemetryResponse: ReportAcknowledgementMessage {}

extension ReportAcknowledgementMessage {
    /// The answer reporting `acknowledgement`.
    init(_ acknowledgement: ReportAcknowledgement) {
        self.init()
        lastSequence = acknowledgement.lastSequence
        accepted = acknowledgement.accepted
    }
}

extension ReportAcknowledgement {
    /// Decodes a stream's answer.
    init(wire: some ReportAcknowledgementMessage) {
        self.init(lastSequence: wire.lastSequence, accepted: wire.accepted)
    }
}
