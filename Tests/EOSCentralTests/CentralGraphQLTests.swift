import EOSKit
import EOSTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Central GraphQL API end to end", .timeLimit(.minutes(5)))
struct CentralGraphQLTests {
    static let hello = CentralAPITests.hello

    @Test("deploy, read nested sites, nodes and statuses with filters, pause and resume, and remove through GraphQL")
    func graphQLRoundTrip() async throws {
        let fleet = try CentralTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try await fleet.runWithAPI { central, api in
            let deployed = try await api.graphQL(
                "mutation($document: String!) { deploy(document: $document) { name generation statusURL } }",
                variables: ["document": Self.hello])
            let accepted = try #require(deployed["deploy"] as? [String: Any])
            #expect(accepted["name"] as? String == "hello" && accepted["generation"] as? Int == 1)
            #expect(accepted["statusURL"] as? String == "/status/hello")
            try await eventually("hello installed on the four nodes of line 1") {
                let status = try await api.status("hello")
                return status.phase == .complete && status.nodes.installed == 4
            }

            // Per site, per node, with filters.
            let sites = try await api.graphQL(
                """
                { sites(liveness: Ready) { id liveness nodeCount labels { key value }
                    nodes(label: "line=1") { id liveness deployments { deployment generation state
                      workloads { name state } } } } }
                """)
            let siteList = try #require(sites["sites"] as? [[String: Any]])
            #expect(siteList.map { $0["id"] as? String } == ["site-a", "site-b"])
            for site in siteList {
                #expect(site["nodeCount"] as? Int == 3 && site["liveness"] as? String == "Ready")
                let labels = try #require(site["labels"] as? [[String: String]])
                #expect(labels == [["key": "site", "value": site["id"] as! String]])
                let nodes = try #require(site["nodes"] as? [[String: Any]])
                #expect(nodes.count == 2, "two nodes of each site have line 1")
                for node in nodes {
                    let reports = try #require(node["deployments"] as? [[String: Any]])
                    #expect(reports.count == 1)
                    #expect(reports.first?["state"] as? String == "installed")
                    let workloads = try #require(reports.first?["workloads"] as? [[String: Any]])
                    #expect(workloads.map { $0["name"] as? String } == ["greeter"])
                }
            }
            let filtered = try await api.graphQL(
                #"{ nodes(site: "site-b", label: "line=2") { id site { id } } node(id: "site-a-node-1") { siteId } }"#
            )
            let lineTwo = try #require(filtered["nodes"] as? [[String: Any]])
            #expect(lineTwo.map { $0["id"] as? String } == ["site-b-node-3"])
            #expect((lineTwo.first?["site"] as? [String: Any])?["id"] as? String == "site-b")
            #expect((filtered["node"] as? [String: Any])?["siteId"] as? String == "site-a")
            let paged = try await api.graphQL("{ nodes(limit: 4) { id } }")
            #expect((paged["nodes"] as? [Any])?.count == 4)

            // Filtered by phase (a loaded machine may see a node's heartbeat late, and the phase change).
            var list: [[String: Any]] = []
            try await eventually("hello listed as Complete") {
                let deployments = try await api.graphQL(
                    """
                    { deployments(phase: Complete) { name generation strategy workloads createdBy
                        status { phase nodes { installed } nodeStatuses(site: "site-a") { nodeId } } } }
                    """)
                list = try #require(deployments["deployments"] as? [[String: Any]])
                return !list.isEmpty
            }
            #expect(list.map { $0["name"] as? String } == ["hello"])
            #expect(list.first?["strategy"] as? String == "AllAtOnce")
            #expect(list.first?["workloads"] as? [String] == ["greeter"])
            let nested = try #require(list.first?["status"] as? [String: Any])
            #expect((nested["nodes"] as? [String: Int])?["installed"] == 4)
            #expect((nested["nodeStatuses"] as? [[String: Any]])?.count == 2)
            let none = try await api.graphQL("{ deployments(phase: Failed) { name } }")
            #expect((none["deployments"] as? [Any])?.isEmpty == true)

            // Rollout control, recorded in the audit log under the asking actor.
            _ = try await api.graphQL(#"mutation { pause(name: "hello") { generation } }"#)
            #expect(try await api.status("hello").phase == .paused)
            _ = try await api.graphQL(#"mutation { resume(name: "hello") { generation } }"#)
            #expect(try await api.status("hello").phase != .paused, "resumed")
            let actions = try await central.registry.audit(of: "hello", after: 0, limit: 100)
            #expect(actions.contains { $0.action == .pause && $0.actor == "admin" })

            // Errors name the problem in EOS's words.
            let broken = try await api.graphQLErrors(
                "mutation($document: String!) { deploy(document: $document) { name } }",
                variables: ["document": Self.hello.replacingOccurrences(of: "command:", with: "comand:")])
            #expect(broken.contains { $0.contains("comand") && $0.contains("11:") }, "\(broken)")
            let unknown = try await api.graphQLErrors(#"mutation { rollback(name: "nothing") { name } }"#)
            #expect(unknown.contains { $0.contains("no deployment named nothing") }, "\(unknown)")
            let badLimit = try await api.graphQLErrors("{ sites(limit: 0) { id } }")
            #expect(badLimit.contains { $0.hasPrefix("limit:") }, "\(badLimit)")
            let badField = try await api.graphQLErrors("{ sites { colour } }")
            #expect(badField.contains { $0.contains("colour") }, "\(badField)")
            let malformed = try await api.client.execute(
                uri: "/graphql", method: .post, headers: api.headers(json: true), body: ByteBuffer(string: "{query")
            )
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")

            let removed = try await api.graphQL(#"mutation { remove(name: "hello") { generation } }"#)
            #expect((removed["remove"] as? [String: Any])?["generation"] as? Int == 2)
            let gone = try await api.graphQL(#"{ deployment(name: "hello") { name } }"#)
            #expect(gone["deployment"] is NSNull)
        }
    }
}

extension APIClient {
    /// The error messages of a GraphQL answer that must have some.
    func graphQLErrors(_ query: String, variables: [String: Any] = [:]) async throws -> [String] {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        let response = try await client.execute(
            uri: "/graphql", method: .post, headers: headers(json: true), body: ByteBuffer(bytes: body))
        let answer = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        let errors = try #require(answer["errors"] as? [[String: Any]], "\(answer)")
        return errors.compactMap { $0["message"] as? String }
    }
}
