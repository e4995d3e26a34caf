import EOSKit
import EOSTesting
import Foundation
import Testing

/// A whole fleet over the in-process network: the same central, sites and nodes as over mutual TLS, with no socket
/// between them.
@Suite("A fleet over the in-process network", .timeLimit(.minutes(5)))
struct InProcessFleetTests {
    @Test("every tier listens in the network, a canary rollout completes, and a failing one is rolled back")
    func rollouts() async throws {
        let network = InProcessNetwork()
        let fleet = SimulatedFleet(sites: 3, nodesPerSite: 8, network: .inProcess(network))
        for runtime in fleet.runtimes.values {
            runtime.inject(SimulatedFault(.ensureImage, matching: "broken", message: "manifest unknown"))
        }
        try await fleet.run { _, server in
            // The central, three sites and 24 nodes: each serves in the network, none on a socket.
            #expect(network.listeningEndpoints.count == 1 + 3 + 24)
            let client = CentralClient(server: server, token: SimulatedFleet.token)
            #expect(try await client.nodes().count == 24)

            _ = try await client.deploy(
                document: Data(SimulatedFleet.deployment(name: "app", image: "example/app:1", canary: true).utf8))
            let (converged, done) = try await CentralClientTests.settle(client, "app", generation: 1)
            #expect(converged == .converged)
            #expect(done.nodes.installed == 24, "\(done.progressLine)")
            #expect(done.sites.map(\.installed) == [8, 8, 8])

            _ = try await client.deploy(
                document: Data(SimulatedFleet.deployment(name: "app", image: "example/broken:2", canary: true).utf8))
            let (failed, rollback) = try await CentralClientTests.settle(client, "app", generation: 2)
            #expect(failed == .failed)
            #expect(rollback.rollout.rollbackOf == 2)
            let (rolledBack, after) = try await CentralClientTests.settle(client, "app", generation: 3)
            #expect(rolledBack == .failed, "a finished rollback ends a wait as RolledBack")
            #expect(after.nodes.installed == 24, "\(after.progressLine)")
        }
    }
}
