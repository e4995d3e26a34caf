import EOSModel
import Foundation
import Testing

@testable import EOSMargo

@Suite("Fleet desired state mapping")
struct FleetMappingTests {
    @Test("every example fleet survives the wire", arguments: try MappingFixtures.exampleFleets().map(\.name))
    func exampleFleet(name: String) throws {
        let text = try #require(try MappingFixtures.exampleFleets().first { $0.name == name }?.text)
        let deployment = try FleetDeployment(yaml: text)
        #expect(deployment.validationProblems().isEmpty)
        let desired = FleetDesiredState(deployment, generation: 3)
        try expectRoundTrip(desired, encode: { $0.wire }) { (wire) throws(MargoError) in
            try FleetDesiredState(wire: wire)
        }
        let back = try FleetDesiredState(wire: desired.wire)
        #expect(back.deployment == deployment.metadata.name)
        #expect(back.spec == deployment.spec)
        // The spec reads back as the text it was posted as, not just as an equal value.
        #expect(
            try FleetDeployment(metadata: deployment.metadata, spec: back.spec).yamlString()
                == deployment.yamlString())
    }

    @Test("the example folder holds the fleets the tests expect")
    func exampleFolder() throws {
        let names = try MappingFixtures.exampleFleets().map(\.name)
        #expect(names.contains("canary-vision.yaml"))
        #expect(names.contains("margo-digitron.yaml"))
        #expect(names.count >= 5)
    }

    @Test("a spec setting every field survives the wire, in a canary wave with explicit nodes")
    func everyField() throws {
        let desired = MappingFixtures.desiredState
        try expectRoundTrip(desired, encode: { $0.wire }) { (wire) throws(MargoError) in
            try FleetDesiredState(wire: wire)
        }
        let wire = desired.wire
        #expect(wire.wave == 2)
        #expect(wire.nodeIds == ["edge-0042-01", "edge-0042-02"])
        #expect(wire.spec.workloads[0].container.resources.cpu == "1500m")
        #expect(wire.spec.workloads[0].stopTimeout == "1m30s")
        #expect(wire.spec.rollout.steps == ["2.5%", "25%", "100%"])
        #expect(wire.spec.rollout.maxUnavailable.count == 3)
        #expect(wire.spec.placement.replicas.count == 2)
    }

    @Test("defaults, a percentage maxUnavailable, no wave and no nodes survive the wire")
    func defaults() throws {
        let spec = FleetDeploymentSpec(
            workloads: [Workload(name: "hello", kind: .process(ProcessSpec(command: ["/bin/echo", "hello"])))])
        let desired = FleetDesiredState(deployment: "hello", generation: 1, spec: spec)
        try expectRoundTrip(desired, encode: { $0.wire }) { (wire) throws(MargoError) in
            try FleetDesiredState(wire: wire)
        }
        #expect(!desired.wire.hasWave)
        #expect(desired.wire.spec.rollout.maxUnavailable.percentage == "25%")
        #expect(desired.wire.spec.placement.everyNode == .init())
    }

    @Test("an absent command and an empty one stay different")
    func commandPresence() throws {
        for command in [nil, [], ["/bin/sh", "-c", "sleep 1"]] as [[String]?] {
            let container = ContainerSpec(image: "busybox:1.36", command: command)
            let back = try ContainerSpec(wire: container.wire, at: "container")
            #expect(back.command == command)
        }
    }

    @Test("every strategy, restart policy, operator and placement survives the wire")
    func enumerations() throws {
        for strategy in RolloutPolicy.Strategy.allCases {
            let policy = RolloutPolicy(strategy: strategy)
            #expect(try RolloutPolicy(wire: policy.wire, at: "rollout") == policy)
        }
        for policy in RestartPolicy.allCases {
            #expect(try RestartPolicy(wire: policy.wire, at: "restartPolicy") == policy)
        }
        for op in LabelSelectorRequirement.Operator.allCases {
            #expect(try LabelSelectorRequirement.Operator(wire: op.wire, at: "operator") == op)
        }
        let placements: [Placement] = [
            .everyNode, .replicas(count: 1, perSite: false), .replicas(count: 5, perSite: true),
        ]
        for placement in placements {
            #expect(try Placement(wire: placement.wire, at: "placement") == placement)
        }
        for outcome in ApplyResult.Outcome.allCases {
            #expect(try ApplyResult.Outcome(wire: outcome.wire, at: "outcome") == outcome)
        }
    }

    @Test("the LocalOrchestrator and EdgeNode requests carry desired states and removals")
    func requests() throws {
        let desired = MappingFixtures.desiredState
        try expectRoundTrip(desired, encode: Eos_Margo_V1_DeployFleetRequest.init) {
            (wire) throws(MargoError) in try FleetDesiredState(wire: wire)
        }
        try expectRoundTrip(desired, encode: Eos_Margo_V1_ApplyDeployRequest.init) {
            (wire) throws(MargoError) in try FleetDesiredState(wire: wire)
        }
        let removal = FleetRemoval(deployment: "vision-pipeline", generation: 8)
        try expectRoundTrip(removal, encode: { $0.wire }) { (wire) throws(MargoError) in try FleetRemoval(wire: wire) }
        try expectRoundTrip(removal, encode: Eos_Margo_V1_RemoveFleetRequest.init) {
            (wire) throws(MargoError) in try FleetRemoval(wire: wire)
        }
        try expectRoundTrip(removal, encode: Eos_Margo_V1_RemoveDeployRequest.init) {
            (wire) throws(MargoError) in try FleetRemoval(wire: wire)
        }
    }

    @Test("the four apply answers carry an ApplyResult", arguments: ApplyResult.Outcome.allCases)
    func applyResults(outcome: ApplyResult.Outcome) throws {
        let result = ApplyResult(outcome: outcome, generation: 12)
        try expectRoundTrip(result, encode: Eos_Margo_V1_DeployFleetResponse.init) {
            (wire) throws(MargoError) in try ApplyResult(wire: wire)
        }
        try expectRoundTrip(result, encode: Eos_Margo_V1_RemoveFleetResponse.init) {
            (wire) throws(MargoError) in try ApplyResult(wire: wire)
        }
        try expectRoundTrip(result, encode: Eos_Margo_V1_ApplyDeployResponse.init) {
            (wire) throws(MargoError) in try ApplyResult(wire: wire)
        }
        try expectRoundTrip(result, encode: Eos_Margo_V1_RemoveDeployResponse.init) {
            (wire) throws(MargoError) in try ApplyResult(wire: wire)
        }
    }

    @Test("an older generation never replaces a newer one")
    func generations() {
        let spec = MappingFixtures.everyFieldSpec
        let older = FleetDesiredState(deployment: "vision-pipeline", generation: 6, spec: spec)
        let newer = FleetDesiredState(deployment: "vision-pipeline", generation: 7, spec: spec)
        let other = FleetDesiredState(deployment: "mqtt-bridge", generation: 9, spec: spec)
        #expect(newer.supersedes(older))
        #expect(!older.supersedes(newer))
        #expect(!newer.supersedes(newer))
        #expect(!other.supersedes(older))
        #expect(newer.outcome(over: nil) == .accepted)
        #expect(newer.outcome(over: 6) == .accepted)
        #expect(newer.outcome(over: 7) == .unchanged)
        #expect(older.outcome(over: 7) == .stale)
        let removal = FleetRemoval(deployment: "vision-pipeline", generation: 7)
        #expect(removal.outcome(over: 7) == .accepted)
        #expect(removal.outcome(over: 8) == .stale)
        #expect(removal.outcome(over: nil) == .unchanged)
        #expect(newer.includes(nodeID: "anything"))
        #expect(MappingFixtures.desiredState.includes(nodeID: "edge-0042-02"))
        #expect(!MappingFixtures.desiredState.includes(nodeID: "edge-0042-03"))
    }
}
