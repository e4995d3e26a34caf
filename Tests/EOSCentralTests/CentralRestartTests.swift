import EOSKit
import Foundation
import Logging
import Testing

@testable import EOSCentral

@Suite("A restarted central")
struct CentralRestartTests {
    /// A site that reconnects to a central that has just restarted is told what it should hold, from the registry,
    /// and never that it should hold nothing.
    @Test("answers a site's registration from the registry before its first pass")
    func answersFromTheRegistry() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Timestamp.now
        // What the central recorded before it stopped: one site, two nodes, a deployment released to both.
        do {
            let registry = try SQLiteFleetRegistry(directory: root)
            try await registry.putSite(SiteRecord(id: "site-a", registeredAt: now, lastSeen: now))
            try await registry.replaceNodes(
                of: "site-a",
                with: ["n1", "n2"].map {
                    NodeRecord(id: $0, siteID: "site-a", liveness: LivenessStatus(liveness: .ready), updatedAt: now)
                })
            let record = try await registry.putDeployment(
                name: "hello",
                spec: FleetDeploymentSpec(
                    workloads: [Workload(name: "w", kind: .process(ProcessSpec(command: ["/bin/sleep", "60"])))]),
                labels: [:], by: "alice", at: now)
            try await registry.putRollout(
                RolloutState(
                    deployment: "hello", generation: record.generation, phase: .complete, admitted: ["n1", "n2"],
                    updatedAt: now), audit: nil)
        }
        // The central starts again over the same files; the site registers before any pass has run.
        let registry = try SQLiteFleetRegistry(directory: root)
        let children = try ChildRegistry(directory: root)
        let site = try children.register(ChildRegistration(kind: .site, id: "site-a", appliedGenerations: ["hello": 1]))
        let controller = try await DeploymentController.standalone(
            registry: registry, children: children, label: "test.restart")
        let calls = CentralCalls(controller: controller, registry: registry, metrics: CentralMetrics(), wake: {})
        #expect(try await calls.desiredGenerations(for: site) == ["hello": 1])
        let sync = try await calls.sync(applied: ["hello": 1], for: site)
        #expect(sync.removals.isEmpty, "nothing is removed from a site because the central restarted")
        #expect(sync.desiredStates.isEmpty)
    }
}
