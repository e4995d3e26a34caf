import Foundation
import Testing

@testable import EOSModel

/// Decodes every valid FleetDeployment fixture and round-trips each document through YAML and JSON.
@Suite("Valid FleetDeployment fixtures")
struct ValidFleetFixtureTests {
    static let folder = "valid-fleet"

    /// The deployments each fixture holds, by name, in stream order.
    static let names: [String: [String]] = [
        "01-vision-pipeline.yaml": ["vision-pipeline"],
        "02-minimal-process.yaml": ["heartbeat"],
        "03-stream-three-deployments.yaml": ["mqtt-broker", "plc-bridge", "log-shipper"],
        "04-canary.json": ["kiosk-ui"],
        "05-every-field.yaml": ["camera-ingest"],
        "06-json-stream.yaml": ["probe-a", "probe-b"],
    ]

    static func deployments(in name: String) throws -> [FleetDeployment] {
        try FleetDeployment.decodeAll(yaml: try Fixture.named(name, in: folder).text)
    }

    @Test func everyFixtureFileIsListed() throws {
        let files = try Fixture.all(in: Self.folder).map(\.name)
        #expect(files.count >= 5)
        #expect(Set(files) == Set(Self.names.keys))
    }

    @Test(arguments: names.keys.sorted())
    func decodesWithoutProblems(fixtureName: String) throws {
        let deployments = try Self.deployments(in: fixtureName)
        #expect(deployments.map(\.documentName) == Self.names[fixtureName])
        for deployment in deployments {
            #expect(deployment.validationProblems().isEmpty)
            #expect(deployment.apiVersion == FleetDeployment.currentAPIVersion)
            #expect(deployment.kind == "FleetDeployment")
        }
    }

    @Test(arguments: names.keys.sorted())
    func roundTripsThroughYAML(fixtureName: String) throws {
        for deployment in try Self.deployments(in: fixtureName) {
            let yaml = try deployment.yamlString()
            let decoded = try FleetDeployment(yaml: yaml)
            #expect(decoded == deployment, "\(yaml)")
            // Maps are written in sorted key order, so encoding is stable text, not just an equal value.
            #expect(try decoded.yamlString() == yaml)
        }
    }

    @Test(arguments: names.keys.sorted())
    func roundTripsThroughJSON(fixtureName: String) throws {
        for deployment in try Self.deployments(in: fixtureName) {
            for prettyPrinted in [false, true] {
                let data = try deployment.jsonData(prettyPrinted: prettyPrinted)
                #expect(try FleetDeployment(data: data) == deployment)
                #expect(try JSONDecoder().decode(FleetDeployment.self, from: data) == deployment)
            }
        }
    }

    @Test func aWholeStreamRoundTripsAsOneText() throws {
        let deployments = try Self.deployments(in: "03-stream-three-deployments.yaml")
        let stream = try deployments.map { try $0.yamlString() }.joined(separator: "---\n")
        #expect(try FleetDeployment.decodeAll(yaml: stream) == deployments)
        let error = try #require(throws: DocumentError.self) { try FleetDeployment(yaml: stream) }
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.message.contains("expected one document") == true)
    }

    @Test func fillsInTheDocumentedDefaults() throws {
        let deployment = try #require(try Self.deployments(in: "02-minimal-process.yaml").first)
        let workload = try #require(deployment.spec.workloads.first)
        #expect(deployment.metadata.labels.isEmpty)
        #expect(deployment.spec.target == FleetTarget())
        #expect(deployment.spec.placement == .everyNode)
        #expect(workload.process?.command == ["/usr/local/bin/heartbeat"])
        #expect(workload.restartPolicy == .always)
        #expect(workload.healthCheck == nil)
        #expect(workload.stopTimeout.seconds == 10)
        #expect(deployment.spec.rollout == RolloutPolicy())
        #expect(deployment.spec.rollout.strategy == .rolling)
        #expect(deployment.spec.rollout.steps.isEmpty)
        #expect(deployment.spec.rollout.progressDeadline.seconds == 600)
    }

    @Test func readsTheDesignExample() throws {
        let deployment = try #require(try Self.deployments(in: "01-vision-pipeline.yaml").first)
        let detector = try #require(deployment.spec.workloads.first?.container)
        #expect(detector.imageReference?.registry == "registry.local")
        #expect(detector.mounts == [Mount(source: "/srv/models", target: "/models", readOnly: true)])
        #expect(detector.resources?.cpu?.milliValue == 500)
        #expect(detector.resources?.memory?.value == 268_435_456)
        #expect(detector.hostNetwork)
        #expect(deployment.spec.workloads.last?.process?.command.count == 3)
        #expect(deployment.spec.rollout.steps.map(\.description) == ["5%", "25%", "100%"])
        #expect(deployment.spec.rollout.failureThreshold.value == 5)
        #expect(deployment.spec.target.matchesNode(["gpu": "a100"]))
        #expect(!deployment.spec.target.matchesSite(["region": "us-east"]))
    }

    @Test func readsPlacementAndStrategies() throws {
        let stream = try Self.deployments(in: "03-stream-three-deployments.yaml")
        #expect(stream[0].spec.placement == .replicas(count: 2, perSite: true))
        #expect(stream[0].spec.rollout.maxUnavailable == .count(1))
        #expect(stream[0].metadata.labels == ["app.kubernetes.io/part-of": "plant-7"])
        #expect(stream[1].spec.rollout.strategy == .allAtOnce)
        #expect(stream[1].spec.workloads[0].stopTimeout.seconds == 90)
        #expect(stream[1].spec.workloads[0].container?.env["RETRIES"] == "5")
        #expect(stream[2].spec.workloads[0].restartPolicy == .never)
        #expect(stream[2].spec.workloads[0].process?.resources?.cpu?.milliValue == 250)
        let canary = try #require(try Self.deployments(in: "04-canary.json").first)
        #expect(canary.spec.rollout.steps.map(\.value) == [2.5, 20, 60, 100])
        #expect(canary.spec.workloads[0].stopTimeout.seconds == 0.5)
        #expect(canary.spec.workloads[0].container?.imageReference?.digest?.hasPrefix("sha256:") == true)
        let probes = try Self.deployments(in: "06-json-stream.yaml")
        #expect(probes[1].spec.placement == .replicas(count: 1, perSite: false))
        #expect(probes[1].spec.workloads[0].stopTimeout.text == "2")
    }
}
