import EOSKit
import EOSTesting
import Foundation
import Testing

/// ``CentralClient``, the typed REST client, against a real central with two sites and four simulated nodes.
@Suite("CentralClient: the REST API in EOS's own types", .timeLimit(.minutes(5)))
struct CentralClientTests {
    /// Follows `name`'s rollout until it settles for `generation`.
    static func settle(
        _ client: CentralClient, _ name: String, generation: Int64
    ) async throws -> (
        DeploymentStatusSummary.WaitOutcome, DeploymentStatusSummary
    ) {
        for try await summary in client.watch(name, every: .milliseconds(100)) {
            let outcome = summary.waitOutcome(for: generation)
            if outcome != .waiting { return (outcome, summary) }
        }
        throw CentralClientError(message: "the watch of \(name) ended")
    }

    @Test("lists, deploys, follows a rollout to Complete and a failing canary to RolledBack, controls and removes")
    func typedClient() async throws {
        let fleet = SimulatedFleet()
        for runtime in fleet.runtimes.values {
            runtime.inject(SimulatedFault(.ensureImage, matching: "broken", message: "manifest unknown"))
        }
        try await fleet.run { _, server in
            let client = CentralClient(server: server, token: SimulatedFleet.token)
            #expect(try await client.sites().map(\.id) == ["site-1", "site-2"])
            #expect(try await client.nodes().count == 4)
            #expect(try await client.nodes(site: "site-2").map(\.id) == ["site-2-node-1", "site-2-node-2"])
            // Lists follow the cursor to the end, whatever the page size.
            let paging = CentralClient(server: server, token: SimulatedFleet.token, pageSize: 1)
            #expect(try await paging.nodes().map(\.id) == (try await client.nodes()).map(\.id))

            let first = try await client.deploy(
                document: Data(SimulatedFleet.deployment(name: "app", image: "example/app:1").utf8))
            #expect(first == DeployAccepted(name: "app", generation: 1))
            let (converged, done) = try await Self.settle(client, "app", generation: 1)
            #expect(converged == .converged)
            #expect(done.nodes.installed == 4 && done.nodes.targeted == 4, "\(done.progressLine)")
            #expect(try await client.deployments().map(\.name) == ["app"])

            // Generation 2 fails on its canary and is rolled back: the wait ends as failed, at generation 3.
            let second = try await client.deploy(
                document: Data(SimulatedFleet.deployment(name: "app", image: "example/broken:2", canary: true).utf8))
            #expect(second.generation == 2)
            let (failed, rollback) = try await Self.settle(client, "app", generation: 2)
            #expect(failed == .failed)
            #expect(rollback.generation == 3 && rollback.rollout.rollbackOf == 2)
            let (rolledBack, _) = try await Self.settle(client, "app", generation: 3)
            #expect(rolledBack == .failed, "a finished rollback ends a wait as RolledBack")
            #expect(try await client.status(of: "app").phase == .rolledBack)
            let record = try await client.deployment(named: "app")
            #expect(record.spec.workloads.first?.container?.image == "example/app:1")

            #expect(try await client.control("app", .pause).name == "app")
            #expect(try await client.status(of: "app").phase == .paused)
            _ = try await client.control("app", .resume)
            #expect(try await client.status(of: "app").phase != .paused)

            let removal = try await client.remove("app")
            #expect(removal.generation == 4)
            try await eventually("the removal reaches every node") {
                try await client.status(of: "app", detail: true).nodeStatuses?.allSatisfy { $0.state == .removed }
                    ?? false
            }
        }
    }

    @Test("a refusal carries the server's problem whole: 404, 401, 422 with each problem's line, 409")
    func problems() async throws {
        try await SimulatedFleet(sites: 1, nodesPerSite: 1).run { _, server in
            let client = CentralClient(server: server, token: SimulatedFleet.token)
            let missing = await #expect(throws: CentralClientError.self) { try await client.status(of: "nothing") }
            #expect(missing?.status == 404)
            #expect(missing?.problem?.detail == "no deployment named nothing")

            let stranger = CentralClient(server: server, token: "wrong")
            let refused = await #expect(throws: CentralClientError.self) { try await stranger.sites() }
            #expect(refused?.status == 401)

            let invalid = """
                apiVersion: eos/v1
                kind: FleetDeployment
                metadata: {name: bad}
                spec:
                  workloads:
                    - name: app
                      proces: {command: [/bin/true]}
                """
            let rejected = await #expect(throws: CentralClientError.self) {
                try await client.deploy(document: Data(invalid.utf8))
            }
            #expect(rejected?.status == 422)
            let problem = try #require(rejected?.problem?.problems?.first)
            #expect(problem.location?.line == 7)
            #expect(rejected?.description.contains("unknown field \"proces\"") == true)

            _ = try await client.deploy(
                document: Data(SimulatedFleet.deployment(name: "one", image: "example/one:1").utf8))
            let noEarlier = await #expect(throws: CentralClientError.self) {
                try await client.control("one", .rollback)
            }
            #expect(noEarlier?.status == 409)

            let bad = await #expect(throws: CentralClientError.self) { try await client.remove("../sites") }
            #expect(bad?.status == nil)

            let nowhere = CentralClient(server: URL(string: "http://127.0.0.1:1")!, token: nil)
            let unreachable = await #expect(throws: CentralClientError.self) { try await nowhere.sites() }
            #expect(unreachable?.message.contains("cannot reach the server") == true)
        }
    }
}
