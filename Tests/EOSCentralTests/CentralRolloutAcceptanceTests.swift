import EOSKit
import EOSTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The central's acceptance: a central, two sites and six nodes over loopback mutual TLS, driven through the REST
/// API as an operator would, with GraphQL asked the same questions.
@Suite("Canary rollouts through the REST API", .timeLimit(.minutes(5)))
struct CentralRolloutAcceptanceTests {
    static func canary(image: String) -> String {
        """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata:
          name: vision
          labels: {team: ml}
        spec:
          workloads:
            - name: detector
              container: {image: "\(image)"}
          rollout:
            strategy: Canary
            steps: ["10%", "50%", "100%"]
            failureThreshold: "0%"
            autoRollback: true
        """
    }

    /// A canary goes wave by wave to six nodes at two sites and completes; the next generation fails on its canary
    /// node, stops there and is rolled back everywhere; REST and GraphQL tell the same numbers throughout.
    @Test("POST /deploy/fleet: a canary goes wave by wave to Complete; a failing wave stops and rolls back")
    func canaryOverREST() async throws {
        let fleet = try CentralTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        // Generation 2's image cannot be pulled on any node: only its canary will ever try.
        for runtime in fleet.runtimes.values {
            runtime.inject(SimulatedFault(.ensureImage, matching: "broken", message: "manifest unknown"))
        }
        try await fleet.run { central in
            try await eventually("the central knows six ready nodes at two sites") {
                let nodes = try await central.registry.nodes(after: nil, limit: 100, site: nil).items
                return nodes.count == 6 && nodes.allSatisfy { $0.liveness.liveness == .ready }
            }
            let app = CentralAPI(central: central, token: APIClient.token).application(host: "127.0.0.1", port: 0)
            try await app.test(.live) { client in
                let api = APIClient(client: client)
                let first = try await api.post(
                    "/deploy/fleet", yaml: Self.canary(image: "registry.example.com/vision:1"))
                #expect(first.status == .accepted)
                #expect(try api.decode(DeployAccepted.self, first) == DeployAccepted(name: "vision", generation: 1))

                // Sample the rollout: the waves go in order, and no wave has more nodes installed than it released.
                var waves: [Int] = []
                try await eventually("generation 1 complete on six nodes") {
                    let status = try await api.status("vision")
                    if waves.last != status.rollout.step { waves.append(status.rollout.step) }
                    let released = [1: 1, 2: 3, 3: 6][status.rollout.step] ?? 0
                    #expect(status.nodes.installed <= released, "wave \(status.rollout.step): \(status.nodes)")
                    return status.phase == .complete && status.nodes.installed == 6
                }
                #expect(waves == waves.sorted(), "the waves went in order: \(waves)")
                #expect(waves.count >= 2, "the rollout was seen in more than one wave: \(waves)")
                let progress = try await central.registry.audit(of: "vision", after: 0, limit: 100)
                    .filter { $0.action == .progress }.map(\.detail)
                #expect(progress.contains("Progressing, wave 2") && progress.contains("Progressing, wave 3"))
                #expect(progress.last == "Complete, wave 3")
                let complete = try await api.status("vision")
                #expect(complete.sites.map(\.id) == ["site-a", "site-b"])
                #expect(complete.sites.allSatisfy { $0.installed == 3 && $0.failed == 0 })
                #expect(complete.rollout == .init(strategy: .canary, step: 3, steps: 3, released: 6))
                try await Self.expectGraphQLAgrees(with: complete, api)

                // Generation 2 fails on its canary: the rollout stops there and generation 3 restores generation 1.
                let second = try await api.post(
                    "/deploy/fleet", yaml: Self.canary(image: "registry.example.com/vision:2-broken"))
                #expect(try api.decode(DeployAccepted.self, second).generation == 2)
                var mostOnTwo = 0
                try await eventually("rolled back: generation 3 installed on six nodes") {
                    let status = try await api.status("vision", detail: true)
                    mostOnTwo = max(mostOnTwo, status.nodeStatuses?.filter { $0.observedGeneration == 2 }.count ?? 0)
                    return status.generation == 3 && status.phase == .rolledBack && status.nodes.installed == 6
                }
                #expect(mostOnTwo <= 1, "only the canary node was given generation 2")
                let restored = try api.decode(Deployment.self, try await api.get("/deployments/vision"))
                #expect(restored.generation == 3 && restored.createdBy == "eos")
                let audit = try await central.registry.audit(of: "vision", after: 0, limit: 100)
                #expect(
                    audit.contains { $0.action == .progress && $0.generation == 2 && $0.detail.hasPrefix("Failed") })
                #expect(audit.contains { $0.action == .rollback && $0.generation == 3 })
                for node in CentralTestFleet.allNodes {
                    let running = try await fleet.runtimes[node]!.list()
                    #expect(running.contains { $0.state == .running }, "\(node) runs the restored detector")
                }
                try await Self.expectGraphQLAgrees(with: try await api.status("vision"), api)
            }
        }
    }

    /// GraphQL's status, per site and per node, equals REST's.
    static func expectGraphQLAgrees(with rest: DeploymentStatusSummary, _ api: APIClient) async throws {
        let answer = try await api.graphQL(
            """
            { status(name: "vision") { generation phase
                nodes { targeted installed installing pending failed unreachable }
                rollout { strategy step steps }
                sites { id targeted installed failed unreachable }
                nodeStatuses { nodeId generation state } } }
            """)
        let status = try #require(answer["status"] as? [String: Any], "\(answer)")
        #expect(status["generation"] as? Int == Int(rest.generation))
        #expect(status["phase"] as? String == rest.phase.rawValue)
        let nodes = try #require(status["nodes"] as? [String: Int])
        #expect(
            nodes == [
                "targeted": rest.nodes.targeted, "installed": rest.nodes.installed,
                "installing": rest.nodes.installing, "pending": rest.nodes.pending, "failed": rest.nodes.failed,
                "unreachable": rest.nodes.unreachable,
            ])
        let rollout = try #require(status["rollout"] as? [String: Any])
        #expect(rollout["strategy"] as? String == rest.rollout.strategy.rawValue)
        #expect(rollout["step"] as? Int == rest.rollout.step && rollout["steps"] as? Int == rest.rollout.steps)
        let sites = try #require(status["sites"] as? [[String: Any]])
        #expect(sites.map { $0["id"] as? String } == rest.sites.map(\.id))
        #expect(sites.map { $0["installed"] as? Int } == rest.sites.map(\.installed))
        #expect(sites.map { $0["failed"] as? Int } == rest.sites.map(\.failed))
        let reports = try #require(status["nodeStatuses"] as? [[String: Any]])
        #expect(reports.count == rest.nodes.targeted)
        #expect(
            reports.filter { $0["state"] as? String == "installed" && $0["generation"] as? Int == Int(rest.generation) }
                .count == rest.nodes.installed)
    }

    /// `GET /deployments/NAME` as a client reads it.
    struct Deployment: Decodable {
        var name: String
        var generation: Int64
        var createdBy: String
    }
}

/// Calls the central's REST and GraphQL APIs through a HummingbirdTesting client with the test token.
struct APIClient {
    static let token = "dev-token-for-tests"
    let client: any TestClientProtocol

    func headers(yaml: Bool = false, json: Bool = false) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(Self.token)"
        if yaml { headers[.contentType] = "application/yaml" }
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers(), body: nil)
    }

    func post(_ uri: String, yaml: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers(yaml: true), body: ByteBuffer(string: yaml))
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: response.body))
    }

    func status(_ name: String, detail: Bool = false) async throws -> DeploymentStatusSummary {
        let response = try await get("/status/\(name)" + (detail ? "?detail=nodes" : ""))
        try #require(response.status == .ok, "\(String(buffer: response.body))")
        return try decode(DeploymentStatusSummary.self, response)
    }

    /// The `data` of a GraphQL answer; fails the test when it has errors.
    func graphQL(_ query: String, variables: [String: Any] = [:]) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        let response = try await client.execute(
            uri: "/graphql", method: .post, headers: headers(json: true), body: ByteBuffer(bytes: body))
        try #require(response.status == .ok, "\(String(buffer: response.body))")
        let answer = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        try #require(answer["errors"] == nil, "\(answer)")
        return try #require(answer["data"] as? [String: Any], "\(answer)")
    }
}
