import EOSKit
import EOSTesting
import Foundation
import Testing

@Suite("CentralOrchestrator end to end", .timeLimit(.minutes(5)))
struct CentralOrchestratorTests {
    static func canary(image: String, autoRollback: Bool = true) -> FleetDeployment {
        FleetDeployment(
            metadata: ObjectMetadata(name: "vision", labels: ["team": "ml"]),
            spec: FleetDeploymentSpec(
                workloads: [Workload(name: "detector", kind: .container(ContainerSpec(image: image)))],
                rollout: RolloutPolicy(
                    strategy: .canary, steps: [Percentage(10)!, Percentage(50)!, Percentage(100)!],
                    failureThreshold: Percentage(0)!, autoRollback: autoRollback)))
    }

    /// A canary goes wave by wave to six nodes at two sites and completes; the next generation fails on its canary
    /// node, stops there and is rolled back everywhere.
    @Test("a canary rollout goes wave by wave and completes; a failing canary stops and rolls back")
    func canaryRollout() async throws {
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
            let first = try await central.deploy(Self.canary(image: "registry.example.com/vision:1"), by: "alice")
            #expect(first.generation == 1)

            // Sample the rollout: no wave ever has more nodes installed than it released.
            var waves: [Int] = []
            try await eventually("generation 1 complete on six nodes") {
                let status = try #require(try await central.status(of: "vision"))
                if waves.last != status.rollout.step { waves.append(status.rollout.step) }
                let released = [1: 1, 2: 3, 3: 6][status.rollout.step] ?? 0
                #expect(status.nodes.installed <= released, "wave \(status.rollout.step): \(status.nodes)")
                return status.phase == .complete && status.nodes.installed == 6
            }
            #expect(waves == waves.sorted(), "the waves went in order: \(waves)")
            let progress = try await central.registry.audit(of: "vision", after: 0, limit: 100)
                .filter { $0.action == .progress }.map(\.detail)
            #expect(progress.contains("Progressing, wave 2") && progress.contains("Progressing, wave 3"))
            #expect(progress.last == "Complete, wave 3")
            let summary = try #require(try await central.status(of: "vision"))
            #expect(summary.sites.map(\.id) == ["site-a", "site-b"])
            #expect(summary.sites.allSatisfy { $0.installed == 3 && $0.failed == 0 })
            #expect(summary.rollout == .init(strategy: .canary, step: 3, steps: 3))

            // Generation 2 fails on its canary: the rollout stops there and generation 3 restores generation 1's spec.
            let second = try await central.deploy(Self.canary(image: "registry.example.com/vision:2-broken"), by: "bob")
            #expect(second.generation == 2)
            var mostOnTwo = 0
            try await eventually("rolled back: generation 3 installed on six nodes") {
                let status = try #require(try await central.status(of: "vision", detail: true))
                mostOnTwo = max(mostOnTwo, status.nodeStatuses?.filter { $0.observedGeneration == 2 }.count ?? 0)
                return status.generation == 3 && status.phase == .rolledBack && status.nodes.installed == 6
            }
            #expect(mostOnTwo <= 1, "only the canary node was given generation 2")
            let restored = try await central.registry.deployment(named: "vision", generation: 3)
            #expect(restored?.spec == first.spec)
            #expect(restored?.createdBy == "eos")
            let failed = try await central.registry.audit(of: "vision", after: 0, limit: 100)
            #expect(failed.contains { $0.action == .progress && $0.generation == 2 && $0.detail.hasPrefix("Failed") })
            #expect(failed.contains { $0.action == .rollback && $0.generation == 3 })
            for node in CentralTestFleet.allNodes {
                let running = try await fleet.runtimes[node]!.list()
                #expect(running.contains { $0.state == .running }, "\(node) runs the restored detector")
            }
        }
    }
}
