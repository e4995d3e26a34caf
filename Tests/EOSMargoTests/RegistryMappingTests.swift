import EOSModel
import Testing

@testable import EOSMargo

@Suite("Registry and telemetry mapping")
struct RegistryMappingTests {
    static let capabilities = NodeCapabilities(
        cpus: 4, memoryBytes: 8 << 30, storageBytes: 128 << 30, architecture: "arm64",
        runtimes: ["containerd", "process"])

    @Test("registrations of sites and nodes survive the wire", arguments: ChildKind.allCases)
    func registration(kind: ChildKind) throws {
        let registration = ChildRegistration(
            kind: kind, id: kind == .site ? "store-0042" : "edge-0042-01",
            labels: ["region": "eu-west", "gpu": "true"], capabilities: Self.capabilities,
            appliedGenerations: ["vision-pipeline": 7, "mqtt-bridge": 2, "never-applied": 0],
            endpoint: kind == .site ? "lo-0042.example.com:7443" : "[fd00::17]:7443")
        try expectRoundTrip(registration, encode: { $0.wire }) { (wire) throws(MargoError) in
            try ChildRegistration(wire: wire)
        }
        let bare = ChildRegistration(kind: kind, id: "x")
        try expectRoundTrip(bare, encode: { $0.wire }) { (wire) throws(MargoError) in
            try ChildRegistration(wire: wire)
        }
        #expect(!bare.wire.hasCapabilities)
        #expect(bare.wire.endpoint.isEmpty)
    }

    @Test(
        "a wildcard endpoint is where the child called from; any other is kept",
        arguments: [
            ("0.0.0.0:7443", "ipv4:10.0.4.17:51234", "10.0.4.17:7443"),
            ("[::]:7443", "ipv6:[fd00::17]:51234", "[fd00::17]:7443"),
            ("edge-01.example.com:7443", "ipv4:10.0.4.17:51234", "edge-01.example.com:7443"),
            ("0.0.0.0:7443", "in-process:1", "0.0.0.0:7443"),
        ])
    func resolvedEndpoint(endpoint: String, remotePeer: String, expected: String) {
        #expect(UpstreamService<RecordingParent>.resolve(endpoint, remotePeer: remotePeer) == expected)
    }

    @Test("an acceptance survives the wire and says what to sync and remove")
    func acceptance() throws {
        let acceptance = RegistrationAcceptance(
            heartbeatInterval: .milliseconds(12_500), desiredGenerations: ["vision-pipeline": 8, "mqtt-bridge": 2])
        try expectRoundTrip(acceptance, encode: { $0.wire }) { (wire) throws(MargoError) in
            try RegistrationAcceptance(wire: wire)
        }
        #expect(acceptance.wire.heartbeatInterval.seconds == 12)
        #expect(acceptance.wire.heartbeatInterval.nanos == 500_000_000)
        let applied: [String: Int64] = ["vision-pipeline": 7, "mqtt-bridge": 2, "old": 4]
        #expect(acceptance.deploymentsToSync(applied: applied) == ["vision-pipeline"])
        #expect(acceptance.deploymentsToRemove(applied: applied) == ["old"])
    }

    @Test("heartbeats and their answers survive the wire")
    func heartbeat() throws {
        let heartbeat = Heartbeat(kind: .node, id: "edge-0042-01", sentAt: MappingFixtures.observedAt)
        try expectRoundTrip(heartbeat, encode: { $0.wire }) { (wire) throws(MargoError) in try Heartbeat(wire: wire) }
        for interval in [Duration.seconds(30), .milliseconds(1), .nanoseconds(1), .seconds(86_400)] {
            let answer = HeartbeatAcknowledgement(heartbeatInterval: interval, syncRequired: true)
            try expectRoundTrip(answer, encode: { $0.wire }) { (wire) throws(MargoError) in
                try HeartbeatAcknowledgement(wire: wire)
            }
        }
    }

    @Test("a sync answers only what differs")
    func sync() throws {
        let request = SyncRequest(kind: .site, id: "store-0042", appliedGenerations: ["vision-pipeline": 6, "old": 3])
        try expectRoundTrip(request, encode: { $0.wire }) { (wire) throws(MargoError) in try SyncRequest(wire: wire) }
        let unchanged = FleetDesiredState(
            deployment: "mqtt-bridge", generation: 2, spec: MappingFixtures.everyFieldSpec)
        let response = SyncResponse(
            desired: [MappingFixtures.desiredState, unchanged],
            applied: ["vision-pipeline": 6, "mqtt-bridge": 2, "old": 3])
        #expect(response.desiredStates.map(\.deployment) == ["vision-pipeline"])
        #expect(response.removals == [FleetRemoval(deployment: "old", generation: 3)])
        try expectRoundTrip(response, encode: { $0.wire }) { (wire) throws(MargoError) in try SyncResponse(wire: wire) }
        try expectRoundTrip(SyncResponse(), encode: { $0.wire }) { (wire) throws(MargoError) in
            try SyncResponse(wire: wire)
        }
    }

    @Test("telemetry batches survive the wire")
    func telemetry() throws {
        let batch = TelemetryBatch(
            sourceID: "edge-0042-01", sequence: 1_024, droppedCount: 17,
            points: [
                MetricPoint(
                    name: "eos_node_cpu_seconds_total", labels: ["node": "edge-0042-01", "mode": "user"],
                    value: 12_345.678, timestamp: MappingFixtures.observedAt, unit: "seconds", kind: .counter),
                MetricPoint(
                    name: "eos_workload_memory_bytes",
                    labels: ["deployment": "vision-pipeline", "workload": "detector"],
                    value: 268_435_456, timestamp: MappingFixtures.observedAt, unit: "bytes"),
                MetricPoint(name: "eos_node_temperature", value: -3.5, timestamp: MappingFixtures.observedAt),
            ])
        try expectRoundTrip(batch, encode: { $0.wire }) { (wire) throws(MargoError) in try TelemetryBatch(wire: wire) }
        #expect(!batch.points[2].wire.hasUnit)
    }
}
