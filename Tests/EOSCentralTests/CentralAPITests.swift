import EOSKit
import EOSTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Central REST API end to end", .timeLimit(.minutes(5)))
struct CentralAPITests {
    static let token = APIClient.token
    static let hello = """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata:
          name: hello
        spec:
          target:
            nodes: {matchLabels: {line: "1"}}
          workloads:
            - name: greeter
              process:
                command: ["/bin/sleep", "3600"]
          rollout: {strategy: AllAtOnce}
        """

    static func headers(token: String? = Self.token, yaml: Bool = false) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if yaml { headers[.contentType] = "application/yaml" }
        return headers
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: response.body))
    }

    @Test("deploy YAML over REST, watch it converge, read the registry, remove it; errors are problem+json")
    func restRoundTrip() async throws {
        let fleet = try CentralTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try await fleet.runWithAPI { central, api in
            let client = api.client
            // No token: 401 with a challenge.
            try await client.execute(uri: "/status", method: .get, headers: Self.headers(token: nil)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"eos\"")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            // A misspelt field: 422, the problem at its line.
            let broken = Self.hello.replacingOccurrences(of: "command:", with: "comand:")
            try await client.execute(
                uri: "/deploy/fleet", method: .post, headers: Self.headers(yaml: true),
                body: ByteBuffer(string: broken)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let problem = try Self.decode(ProblemDetails.self, response)
                #expect(problem.detail.contains("comand"))
                #expect(problem.problems?.contains { $0.location?.line == 11 } == true, "\(problem)")
            }
            try await client.execute(
                uri: "/deploy/fleet", method: .post, headers: Self.headers(yaml: true),
                body: ByteBuffer(string: Self.hello)
            ) { response in
                #expect(response.status == .accepted)
                let accepted = try Self.decode(DeployAccepted.self, response)
                #expect(accepted == DeployAccepted(name: "hello", generation: 1))
            }
            // Four nodes have line 1 (nodes 1 and 2 of each site).
            try await eventually("hello installed on four nodes") {
                try await client.execute(uri: "/status/hello", method: .get, headers: Self.headers()) { response in
                    let status = try Self.decode(DeploymentStatusSummary.self, response)
                    return status.phase == .complete && status.nodes.installed == 4 && status.nodes.targeted == 4
                }
            }
            try await client.execute(
                uri: "/status/hello?detail=nodes", method: .get, headers: Self.headers()
            ) { response in
                let status = try Self.decode(DeploymentStatusSummary.self, response)
                #expect(status.nodeStatuses?.count == 4)
                #expect(status.sites.map(\.installed) == [2, 2])
                let direct = try await central.status(of: "hello")
                #expect(direct?.nodes == status.nodes)
            }
            try await client.execute(uri: "/sites", method: .get, headers: Self.headers()) { response in
                let sites = try Self.decode(Page<SiteSummary>.self, response)
                #expect(sites.items.map(\.id) == ["site-a", "site-b"])
                #expect(sites.items.allSatisfy { $0.nodes == 3 && $0.liveness.liveness == .ready })
            }
            try await client.execute(uri: "/nodes?limit=4", method: .get, headers: Self.headers()) { response in
                let nodes = try Self.decode(Page<NodeRecord>.self, response)
                #expect(nodes.items.count == 4)
                #expect(nodes.next == nodes.items.last?.id)
            }
            try await client.execute(uri: "/nodes?limit=0", method: .get, headers: Self.headers()) { response in
                #expect(response.status == .badRequest)
                let problem = try Self.decode(ProblemDetails.self, response)
                #expect(problem.detail.hasPrefix("limit:"))
            }
            try await client.execute(uri: "/status/nothing", method: .get, headers: Self.headers()) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/deployments/hello", method: .get, headers: Self.headers()) { response in
                let record = try Self.decode(DeploymentRecord.self, response)
                #expect(record.generation == 1 && record.createdBy == "admin")
            }
            try await client.execute(uri: "/deployments", method: .get, headers: Self.headers()) { response in
                let page = try Self.decode(Page<DeploymentRecord>.self, response)
                #expect(page.items.map(\.name) == ["hello"] && page.next == nil)
            }
            try await client.execute(uri: "/sites/site-b", method: .get, headers: Self.headers()) { response in
                let site = try Self.decode(SiteSummary.self, response)
                #expect(site.nodes == 3)
            }
            try await client.execute(uri: "/sites/site-z", method: .get, headers: Self.headers()) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/nodes/site-a-node-3", method: .get, headers: Self.headers()) {
                response in
                let node = try Self.decode(NodeRecord.self, response)
                #expect(node.siteID == "site-a" && node.labels == ["line": "2"])
            }
            try await client.execute(uri: "/nodes/none", method: .get, headers: Self.headers()) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/nodes?site=site-b", method: .get, headers: Self.headers()) { response in
                let nodes = try Self.decode(Page<NodeRecord>.self, response)
                #expect(nodes.items.map(\.id) == CentralTestFleet.nodes(of: "site-b"))
            }
            // Rollout control: pause and resume; no earlier generation to roll back to; an unknown action.
            try await client.execute(uri: "/deployments/hello/pause", method: .post, headers: Self.headers()) {
                response in
                #expect(response.status == .accepted)
            }
            #expect(try await central.status(of: "hello")?.phase == .paused)
            try await client.execute(uri: "/deployments/hello/resume", method: .post, headers: Self.headers()) {
                response in
                #expect(response.status == .accepted)
            }
            #expect(try await central.status(of: "hello")?.phase != .paused, "resumed")
            try await client.execute(uri: "/deployments/hello/rollback", method: .post, headers: Self.headers()) {
                response in
                #expect(response.status == .conflict)
                let problem = try Self.decode(ProblemDetails.self, response)
                #expect(problem.detail.contains("no earlier generation"))
            }
            try await client.execute(uri: "/deployments/hello/restart", method: .post, headers: Self.headers()) {
                response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/deployments/nothing/pause", method: .post, headers: Self.headers()) {
                response in
                #expect(response.status == .notFound)
                let problem = try Self.decode(ProblemDetails.self, response)
                #expect(problem.detail == "no deployment named nothing")
            }
            // Malformed JSON, and a body over the limit: nothing stored changes.
            var json = Self.headers()
            json[.contentType] = "application/json"
            try await client.execute(
                uri: "/deploy/fleet", method: .post, headers: json, body: ByteBuffer(string: "{\"apiVersion\": ")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let oversized = Self.hello + "\n#" + String(repeating: "x", count: CentralAPI.maximumBodySize)
            try await client.execute(
                uri: "/deploy/fleet", method: .post, headers: Self.headers(yaml: true),
                body: ByteBuffer(string: oversized)
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            #expect(try await central.registry.deployment(named: "hello")?.generation == 1)
            // Prometheus: requests by route, deployments by phase, nodes by liveness, statuses taken in.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                // Each deployment, node and site is counted once, under the phase or liveness it has now
                // (which a loaded machine may see change); every phase and liveness is present.
                let samples = Dictionary(
                    text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
                        line.split(separator: " ").last.flatMap(Double.init).map {
                            (String(line.split(separator: " ")[0]), $0)
                        }
                    }, uniquingKeysWith: { $1 })
                let total = { (name: String) in samples.filter { $0.key.hasPrefix(name + "{") }.values.reduce(0, +)
                }
                #expect(
                    total("eos_deployments") == 1 && total("eos_nodes") == 6 && total("eos_sites") == 2, "\(text)")
                #expect(
                    samples.keys.filter { $0.hasPrefix("eos_deployments{") }.count == DeploymentPhase.allCases.count
                )
                #expect(samples[#"eos_nodes{liveness="Offline"}"#] == 0)
                #expect(text.contains(#"eos_http_requests_total{method="GET",route="/status/{name}",code="200"}"#))
                #expect(
                    text.contains(#"eos_http_requests_total{method="POST",route="/deploy/fleet",code="413"} 1"#))
                let received = text.split(separator: "\n").first { $0.hasPrefix("eos_status_received_total ") }
                #expect(received.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0 >= 4, "\(text)")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/deployments/hello", method: .delete, headers: Self.headers()) {
                response in
                #expect(response.status == .accepted)
                let accepted = try Self.decode(DeployAccepted.self, response)
                #expect(accepted.generation == 2)
            }
            try await eventually("hello removed from every node") {
                var running = 0
                for runtime in fleet.runtimes.values { running += try await runtime.list().count }
                return running == 0
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
