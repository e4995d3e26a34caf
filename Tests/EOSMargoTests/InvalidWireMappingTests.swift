import EOSModel
import SwiftProtobuf
import Testing

@testable import EOSMargo

/// Each malformed message is refused with `invalid-message`, naming the field and what is wrong with it.
@Suite("Invalid wire messages")
struct InvalidWireMappingTests {
    /// A valid desired state's message, for each case to break one thing in.
    static var desired: Eos_Margo_V1_FleetDesiredState { MappingFixtures.desiredState.wire }

    static func decodeDesired(_ wire: Eos_Margo_V1_FleetDesiredState) throws(MargoError) -> FleetDesiredState {
        try FleetDesiredState(wire: wire)
    }

    /// One way to break a desired state, and the error it must produce.
    struct DesiredCase: CustomTestStringConvertible, Sendable {
        let message: String
        let breakIt: @Sendable (inout Eos_Margo_V1_FleetDesiredState) -> Void
        var testDescription: String { message }
    }

    static let desiredCases: [DesiredCase] = [
        DesiredCase(message: "desiredState.deployment: required") { $0.deployment = "" },
        DesiredCase(message: "desiredState.generation: required: a generation is 1 or more") { $0.generation = 0 },
        DesiredCase(message: "desiredState.generation: must not be negative, found -3") { $0.generation = -3 },
        DesiredCase(message: "desiredState.spec: required") { $0.clearSpec() },
        DesiredCase(message: "desiredState.wave: must be at least 1, found 0") { $0.wave = 0 },
        DesiredCase(message: "desiredState.nodeIds[1]: required") { $0.nodeIds[1] = "" },
        DesiredCase(message: "desiredState.spec.target: required") { $0.spec.clearTarget() },
        DesiredCase(message: "desiredState.spec.placement: required") { $0.spec.clearPlacement() },
        DesiredCase(message: "desiredState.spec.rollout: required") { $0.spec.clearRollout() },
        DesiredCase(message: "desiredState.spec.workloads[2].container.image: required") {
            $0.spec.workloads[2].container.image = ""
        },
        DesiredCase(message: "desiredState.spec.workloads[0].name: required") { $0.spec.workloads[0].name = "" },
        DesiredCase(message: "desiredState.spec.workloads[1]: required: a container or a process") {
            $0.spec.workloads[1].kind = nil
        },
        DesiredCase(message: "desiredState.spec.workloads[1].restartPolicy: required: the value is unspecified") {
            $0.spec.workloads[1].restartPolicy = .unspecified
        },
        DesiredCase(message: "desiredState.spec.workloads[1].restartPolicy: unknown value 9") {
            $0.spec.workloads[1].restartPolicy = .UNRECOGNIZED(9)
        },
        DesiredCase(message: "desiredState.spec.workloads[0].stopTimeout: required") {
            $0.spec.workloads[0].stopTimeout = ""
        },
        DesiredCase(
            message:
                "desiredState.spec.workloads[0].stopTimeout: \"ten seconds\" is not a duration "
                + "such as 500ms, 30s, 5m or 1h30m"
        ) { $0.spec.workloads[0].stopTimeout = "ten seconds" },
        DesiredCase(
            message:
                "desiredState.spec.workloads[0].container.resources.cpu: \"1.5 cores\" is not a quantity "
                + "such as 500m, 0.5, 256Mi or 1G"
        ) { $0.spec.workloads[0].container.resources.cpu = "1.5 cores" },
        DesiredCase(
            message:
                "desiredState.spec.workloads[1].process.resources.memory: \"-1Gi\" is not a quantity "
                + "such as 500m, 0.5, 256Mi or 1G"
        ) { $0.spec.workloads[1].process.resources.memory = "-1Gi" },
        DesiredCase(message: "desiredState.spec.workloads[1].process.command: required: name the program to run") {
            $0.spec.workloads[1].process.command = []
        },
        DesiredCase(message: "desiredState.spec.workloads[0].container.mounts[1].target: required") {
            $0.spec.workloads[0].container.mounts[1].target = ""
        },
        DesiredCase(message: "desiredState.spec.workloads[0].container.env: a variable name must not be empty") {
            $0.spec.workloads[0].container.env[""] = "x"
        },
        DesiredCase(message: "desiredState.spec.workloads[0].healthCheck.exec: required: name the command to run") {
            $0.spec.workloads[0].healthCheck.exec = []
        },
        DesiredCase(
            message: "desiredState.spec.workloads[0].healthCheck.periodSeconds: must not be negative, found -10"
        ) {
            $0.spec.workloads[0].healthCheck.periodSeconds = -10
        },
        DesiredCase(message: "desiredState.spec.placement: required: everyNode or replicas") {
            $0.spec.placement.mode = nil
        },
        DesiredCase(message: "desiredState.spec.placement.replicas.count: must be at least 1, found 0") {
            $0.spec.placement.replicas.count = 0
        },
        DesiredCase(
            message: "desiredState.spec.target.nodes.matchExpressions[0].operator: required: the value is unspecified"
        ) { $0.spec.target.nodes.matchExpressions[0].operator = .unspecified },
        DesiredCase(message: "desiredState.spec.target.sites.matchExpressions[0].key: required") {
            $0.spec.target.sites.matchExpressions[0].key = ""
        },
        DesiredCase(message: "desiredState.spec.target.sites.matchLabels: a label key must not be empty") {
            $0.spec.target.sites.matchLabels[""] = "x"
        },
        DesiredCase(message: "desiredState.spec.rollout.strategy: required: the value is unspecified") {
            $0.spec.rollout.strategy = .unspecified
        },
        DesiredCase(
            message: "desiredState.spec.rollout.steps[1]: \"half\" is not a percentage from 0% to 100% such as 25%"
        ) { $0.spec.rollout.steps[1] = "half" },
        DesiredCase(
            message:
                "desiredState.spec.rollout.failureThreshold: \"150%\" is not a percentage from 0% to 100% such as 25%"
        ) { $0.spec.rollout.failureThreshold = "150%" },
        DesiredCase(message: "desiredState.spec.rollout.failureThreshold: required") {
            $0.spec.rollout.failureThreshold = ""
        },
        DesiredCase(message: "desiredState.spec.rollout.maxUnavailable: required") {
            $0.spec.rollout.clearMaxUnavailable()
        },
        DesiredCase(message: "desiredState.spec.rollout.maxUnavailable: required: a count or a percentage") {
            $0.spec.rollout.maxUnavailable.value = nil
        },
        DesiredCase(message: "desiredState.spec.rollout.maxUnavailable.count: must not be negative, found -1") {
            $0.spec.rollout.maxUnavailable.count = -1
        },
        DesiredCase(message: "desiredState.spec.rollout.minReadySeconds: must not be negative, found -5") {
            $0.spec.rollout.minReadySeconds = -5
        },
        DesiredCase(
            message: "desiredState.spec.rollout.progressDeadline: \"soon\" is not a duration "
                + "such as 500ms, 30s, 5m or 1h30m"
        ) { $0.spec.rollout.progressDeadline = "soon" },
        DesiredCase(message: "desiredState.spec.application: required: an applicationId or an inlineDescription") {
            $0.spec.application = Eos_Margo_V1_MargoApplicationReference()
        },
        DesiredCase(message: "desiredState.spec.application.profile: required") {
            $0.spec.application.applicationID = "com-example-app"
        },
        DesiredCase(
            message:
                "desiredState.spec.application.parameters[\"greeting\"]: required: "
                + "a string, integer, number, boolean or list value"
        ) {
            $0.spec.application.applicationID = "com-example-app"
            $0.spec.application.profile = "com-example-app-compose"
            $0.spec.application.parameters["greeting"] = Eos_Margo_V1_MargoValue()
        },
        DesiredCase(
            message: "desiredState.spec.application.inlineDescription.idPlacement: required: the value is unspecified"
        ) {
            var description = Eos_Margo_V1_MargoApplicationDescription()
            description.id = "com-example-app"
            description.metadata.name = "Example"
            $0.spec.application.inlineDescription = description
            $0.spec.application.profile = "com-example-app-compose"
        },
    ]

    @Test("a broken desired state is refused at the broken field", arguments: desiredCases)
    func desiredState(_ testCase: DesiredCase) {
        var wire = Self.desired
        testCase.breakIt(&wire)
        expectInvalid(wire, Self.decodeDesired, message: testCase.message)
        // The same message arriving as bytes is refused the same way.
        if let bytes: [UInt8] = try? wire.serializedBytes(),
            let parsed = try? Eos_Margo_V1_FleetDesiredState(serializedBytes: bytes)
        {
            expectInvalid(parsed, Self.decodeDesired, message: testCase.message)
        } else {
            Issue.record("the broken message did not serialize")
        }
    }

    @Test("requests and answers without their payload are refused")
    func missingPayloads() {
        expectInvalid(
            Eos_Margo_V1_DeployFleetRequest(), { (wire) throws(MargoError) in try FleetDesiredState(wire: wire) },
            message: "desiredState: required")
        expectInvalid(
            Eos_Margo_V1_ApplyDeployRequest(), { (wire) throws(MargoError) in try FleetDesiredState(wire: wire) },
            message: "desiredState: required")
        expectInvalid(
            Eos_Margo_V1_RemoveFleetRequest(), { (wire) throws(MargoError) in try FleetRemoval(wire: wire) },
            message: "removal: required")
        expectInvalid(
            Eos_Margo_V1_GetSiteStatusResponse(), { (wire) throws(MargoError) in try SiteStatus(wire: wire) },
            message: "status: required")
        expectInvalid(
            Eos_Margo_V1_GetNodeStatusResponse(), { (wire) throws(MargoError) in try NodeStatus(wire: wire) },
            message: "status: required")
    }

    @Test("a broken removal or apply answer is refused")
    func removalsAndResults() {
        var removal = FleetRemoval(deployment: "vision-pipeline", generation: 3).wire
        removal.generation = -1
        expectInvalid(
            removal, { (wire) throws(MargoError) in try FleetRemoval(wire: wire) },
            message: "removal.generation: must not be negative, found -1")
        var answer = Eos_Margo_V1_ApplyDeployResponse(ApplyResult(outcome: .accepted, generation: 3))
        answer.outcome = .unspecified
        expectInvalid(
            answer, { (wire) throws(MargoError) in try ApplyResult(wire: wire) },
            message: "result.outcome: required: the value is unspecified")
        answer.outcome = .stale
        answer.generation = -2
        expectInvalid(
            answer, { (wire) throws(MargoError) in try ApplyResult(wire: wire) },
            message: "result.generation: must not be negative, found -2")
    }

    @Test("a broken status report is refused at the broken field")
    func status() {
        let decode = { (wire: Eos_Margo_V1_NodeDeploymentStatus) throws(MargoError) in
            try NodeDeploymentStatus(wire: wire)
        }
        var wire = MappingFixtures.nodeStatus.wire
        wire.state = .unspecified
        expectInvalid(wire, decode, message: "status.state: required: the value is unspecified")
        wire = MappingFixtures.nodeStatus.wire
        wire.clearObservedAt()
        expectInvalid(wire, decode, message: "status.observedAt: required")
        wire = MappingFixtures.nodeStatus.wire
        wire.observedAt.nanos = 1_000_000_000
        expectInvalid(wire, decode, message: "status.observedAt: nanos must be from 0 to 999999999, found 1000000000")
        wire = MappingFixtures.nodeStatus.wire
        wire.observedGeneration = -7
        expectInvalid(wire, decode, message: "status.observedGeneration: must not be negative, found -7")
        wire = MappingFixtures.nodeStatus.wire
        wire.reportedBy = ""
        expectInvalid(wire, decode, message: "status.reportedBy: required")
        wire = MappingFixtures.nodeStatus.wire
        wire.nodeID = ""
        expectInvalid(wire, decode, message: "status.nodeId: required")
        wire = MappingFixtures.nodeStatus.wire
        wire.workloads[1].health = .unspecified
        expectInvalid(wire, decode, message: "status.workloads[1].health: required: the value is unspecified")
        wire = MappingFixtures.nodeStatus.wire
        wire.workloads[0].state = .UNRECOGNIZED(12)
        expectInvalid(wire, decode, message: "status.workloads[0].state: unknown value 12")

        var report = StatusReport(sequence: 1, statuses: [MappingFixtures.nodeStatus]).wire
        report.sequence = 0
        expectInvalid(
            report, { (wire) throws(MargoError) in try StatusReport(wire: wire) },
            message: "report.sequence: required: a sequence is 1 or more")
        report.sequence = 2
        report.statuses[0].deployment = ""
        expectInvalid(
            report, { (wire) throws(MargoError) in try StatusReport(wire: wire) },
            message: "report.statuses[0].deployment: required")

        var site = SiteStatus(
            siteID: "store-0042",
            nodes: [NodeStatus(nodeID: "edge-01", liveness: LivenessStatus(liveness: .ready))],
            observedAt: MappingFixtures.observedAt
        ).wire
        site.nodes[0].liveness.liveness = .unspecified
        expectInvalid(
            site, { (wire) throws(MargoError) in try SiteStatus(wire: wire) },
            message: "status.nodes[0].liveness.liveness: required: the value is unspecified")
    }

    @Test("a broken registration, heartbeat or sync is refused at the broken field")
    func registry() {
        let decodeRegistration = { (wire: Eos_Margo_V1_RegisterRequest) throws(MargoError) in
            try ChildRegistration(wire: wire)
        }
        let registration = ChildRegistration(
            kind: .node, id: "edge-01",
            capabilities: NodeCapabilities(
                cpus: 2, memoryBytes: 1 << 30, storageBytes: 1 << 34, architecture: "amd64"),
            appliedGenerations: ["vision": 3])
        var wire = registration.wire
        wire.kind = .unspecified
        expectInvalid(wire, decodeRegistration, message: "registration.kind: required: the value is unspecified")
        wire = registration.wire
        wire.id = ""
        expectInvalid(wire, decodeRegistration, message: "registration.id: required")
        wire = registration.wire
        wire.appliedGenerations["vision"] = -1
        expectInvalid(
            wire, decodeRegistration,
            message: "registration.appliedGenerations[\"vision\"]: must not be negative, found -1")
        wire = registration.wire
        wire.endpoint = "edge-01"
        expectInvalid(wire, decodeRegistration, message: "registration.endpoint: \"edge-01\" is not HOST:PORT")
        wire = registration.wire
        wire.capabilities.memoryBytes = -1
        expectInvalid(
            wire, decodeRegistration,
            message: "registration.capabilities.memoryBytes: must not be negative, found -1")

        let decodeAcceptance = { (wire: Eos_Margo_V1_RegisterResponse) throws(MargoError) in
            try RegistrationAcceptance(wire: wire)
        }
        var acceptance = RegistrationAcceptance(heartbeatInterval: .seconds(10)).wire
        acceptance.clearHeartbeatInterval()
        expectInvalid(acceptance, decodeAcceptance, message: "acceptance.heartbeatInterval: required")
        acceptance.heartbeatInterval = Google_Protobuf_Duration(seconds: 0, nanos: 0)
        expectInvalid(
            acceptance, decodeAcceptance,
            message: "acceptance.heartbeatInterval: must be more than zero, found 0.0 seconds")
        acceptance.heartbeatInterval = Google_Protobuf_Duration(seconds: 5, nanos: -1)
        expectInvalid(
            acceptance, decodeAcceptance,
            message: "acceptance.heartbeatInterval: seconds 5 and nanos -1 do not form a duration")

        var heartbeat = Heartbeat(kind: .site, id: "store-0042", sentAt: MappingFixtures.observedAt).wire
        heartbeat.clearSentAt()
        expectInvalid(
            heartbeat, { (wire) throws(MargoError) in try Heartbeat(wire: wire) },
            message: "heartbeat.sentAt: required")
        var answer = HeartbeatAcknowledgement(heartbeatInterval: .seconds(10)).wire
        answer.clearHeartbeatInterval()
        expectInvalid(
            answer, { (wire) throws(MargoError) in try HeartbeatAcknowledgement(wire: wire) },
            message: "acknowledgement.heartbeatInterval: required")

        var sync = SyncRequest(kind: .node, id: "edge-01").wire
        sync.kind = .UNRECOGNIZED(7)
        expectInvalid(
            sync, { (wire) throws(MargoError) in try SyncRequest(wire: wire) },
            message: "sync.kind: unknown value 7")
        var delta = SyncResponse(desiredStates: [MappingFixtures.desiredState]).wire
        delta.desiredStates[0].spec.workloads[2].container.image = ""
        expectInvalid(
            delta, { (wire) throws(MargoError) in try SyncResponse(wire: wire) },
            message: "sync.desiredStates[0].spec.workloads[2].container.image: required")
        delta = SyncResponse(removals: [FleetRemoval(deployment: "old", generation: 2)]).wire
        delta.removals[0].generation = 0
        expectInvalid(
            delta, { (wire) throws(MargoError) in try SyncResponse(wire: wire) },
            message: "sync.removals[0].generation: required: a generation is 1 or more")
    }

    @Test("a broken telemetry batch is refused at the broken field")
    func telemetry() {
        let decode = { (wire: Eos_Margo_V1_TelemetryBatch) throws(MargoError) in try TelemetryBatch(wire: wire) }
        let batch = TelemetryBatch(
            sourceID: "edge-01", sequence: 5,
            points: [MetricPoint(name: "eos_up", value: 1, timestamp: MappingFixtures.observedAt)])
        var wire = batch.wire
        wire.sequence = 0
        expectInvalid(wire, decode, message: "batch.sequence: required: a sequence is 1 or more")
        wire = batch.wire
        wire.sourceID = ""
        expectInvalid(wire, decode, message: "batch.sourceId: required")
        wire = batch.wire
        wire.points[0].kind = .unspecified
        expectInvalid(wire, decode, message: "batch.points[0].kind: required: the value is unspecified")
        wire = batch.wire
        wire.points[0].clearTimestamp()
        expectInvalid(wire, decode, message: "batch.points[0].timestamp: required")
        wire = batch.wire
        wire.points[0].name = ""
        expectInvalid(wire, decode, message: "batch.points[0].name: required")
    }
}
