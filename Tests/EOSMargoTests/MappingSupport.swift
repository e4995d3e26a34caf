import EOSModel
import Foundation
import SwiftProtobuf
import Testing

@testable import EOSMargo

/// Checks that a model survives the wire both as a message and as serialized bytes.
///
/// - Parameters:
///   - model: the value to send.
///   - encode: model → message.
///   - decode: message → model, the mapping under test.
func expectRoundTrip<Model: Equatable, Wire: SwiftProtobuf.Message & Equatable>(
    _ model: Model, encode: (Model) -> Wire, decode: (Wire) throws(MargoError) -> Model,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let wire = encode(model)
    #expect(try decode(wire) == model, "model → wire → model", sourceLocation: sourceLocation)
    let bytes: [UInt8] = try wire.serializedBytes()
    let parsed = try Wire(serializedBytes: bytes)
    #expect(parsed == wire, "wire → bytes → wire", sourceLocation: sourceLocation)
    #expect(try decode(parsed) == model, "model → bytes → model", sourceLocation: sourceLocation)
}

/// Checks that decoding `wire` fails with `invalid-message` and exactly `message`.
func expectInvalid<Wire, Model>(
    _ wire: Wire, _ decode: (Wire) throws(MargoError) -> Model, message: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    do {
        let model = try decode(wire)
        Issue.record("decoded \(model) instead of failing with \"\(message)\"", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == .invalidMessage, sourceLocation: sourceLocation)
        #expect(error.message == message, sourceLocation: sourceLocation)
    }
}

/// Realistic values every mapping test starts from.
enum MappingFixtures {
    /// The repository's root, found from this file.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Examples/fleets/*.yaml`, sorted by name.
    static func exampleFleets() throws -> [(name: String, text: String)] {
        let folder = repositoryRoot.appendingPathComponent("Examples/fleets", isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { name in
            (name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
    }

    /// A time with milliseconds, as status carries them.
    static let observedAt = Timestamp(rfc3339: "2026-11-29T10:00:00.123Z")!

    /// A sha256 digest.
    static let digest = String(repeating: "ab", count: 32)

    /// A spec with three workloads that sets every field FleetSpec has.
    static var everyFieldSpec: FleetDeploymentSpec {
        FleetDeploymentSpec(
            target: FleetTarget(
                sites: LabelSelector(
                    matchLabels: ["region": "eu-west", "format": "store"],
                    matchExpressions: [LabelSelectorRequirement(key: "tier", operator: .notIn, values: ["lab", "qa"])]),
                nodes: LabelSelector(matchExpressions: [
                    LabelSelectorRequirement(key: "gpu", operator: .exists),
                    LabelSelectorRequirement(key: "camera-line", operator: .in, values: ["1", "2"]),
                    LabelSelectorRequirement(key: "maintenance", operator: .doesNotExist),
                ])),
            placement: .replicas(count: 2, perSite: true),
            workloads: [
                Workload(
                    name: "detector",
                    kind: .container(
                        ContainerSpec(
                            image: "registry.local:5000/vision/detector:1.4.2", command: ["/bin/detector"],
                            args: ["--model", "/models/yolo.onnx"], env: ["LOG_LEVEL": "info", "THREADS": "4"],
                            mounts: [
                                Mount(source: "/srv/models", target: "/models", readOnly: true),
                                Mount(source: "/var/lib/vision", target: "/state"),
                            ],
                            resources: ResourceRequirements(cpu: Quantity("1500m"), memory: Quantity("1Gi")),
                            hostNetwork: false)),
                    restartPolicy: .always,
                    healthCheck: HealthCheck(
                        exec: ["/bin/healthcheck", "--max-frame-age", "5s"], periodSeconds: 10, failureThreshold: 3,
                        timeoutSeconds: 3, initialDelaySeconds: 20),
                    stopTimeout: DurationValue("1m30s")!),
                Workload(
                    name: "uploader",
                    kind: .process(
                        ProcessSpec(
                            command: ["/usr/local/bin/uploader", "--interval", "30"],
                            env: ["UPLOAD_URL": "https://ingest.example.com/vision"],
                            workingDirectory: "/var/spool/vision",
                            resources: ResourceRequirements(cpu: Quantity("0.2"), memory: Quantity("128Mi")))),
                    restartPolicy: .onFailure, stopTimeout: DurationValue("500ms")!),
                Workload(
                    name: "exporter",
                    kind: .container(ContainerSpec(image: "registry.local/metrics/exporter@sha256:" + digest)),
                    restartPolicy: .never),
            ],
            rollout: RolloutPolicy(
                strategy: .canary, steps: [Percentage(2.5)!, Percentage(25)!, Percentage(100)!],
                maxUnavailable: .count(3), minReadySeconds: 30, failureThreshold: Percentage(5)!, autoRollback: true,
                progressDeadline: DurationValue("1h30m")!))
    }

    /// A desired state of ``everyFieldSpec`` in wave 2 of a canary.
    static var desiredState: FleetDesiredState {
        FleetDesiredState(
            deployment: "vision-pipeline", generation: 7, spec: everyFieldSpec, wave: 2,
            nodeIDs: ["edge-0042-01", "edge-0042-02"])
    }

    /// A node's report with a running and an exited workload.
    static var nodeStatus: NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: "vision-pipeline", observedGeneration: 7, nodeID: "edge-0042-01", siteID: "store-0042",
            state: .installed,
            workloads: [
                WorkloadStatus(
                    name: "detector", state: .running, restarts: 1, health: .healthy,
                    startedAt: Timestamp(rfc3339: "2026-11-29T09:59:30.5Z")!),
                WorkloadStatus(
                    name: "uploader", state: .exited, exitCode: 137, restarts: 4, health: .unhealthy,
                    message: "OOM-killed: memory limit 128Mi"),
            ],
            message: nil, observedAt: observedAt, reportedBy: "node/edge-0042-01")
    }
}
