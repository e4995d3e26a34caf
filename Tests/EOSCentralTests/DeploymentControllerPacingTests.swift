import EOSKit
import EOSTesting
import Foundation
import Logging
import Testing

@testable import EOSCentral

/// A clock whose time never passes: a wait on it ends only by cancellation, so whatever a component does while its
/// clock is frozen, it did because something woke it.
struct FrozenClock: Clock {
    let now = ContinuousClock.now
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

@Suite("The deployment controller's pacing")
struct DeploymentControllerPacingTests {
    static let spec = FleetDeploymentSpec(
        workloads: [Workload(name: "w", kind: .process(ProcessSpec(command: ["/bin/sleep", "60"])))])

    /// The generation of `hello` the controller's current plan gives site-a.
    static func planned(_ controller: DeploymentController) async throws -> Int64? {
        try await controller.currentPlan().sites["site-a"]?["hello"]?.generation
    }

    /// The controller rests between passes, so that a storm of status reports is taken in by few passes; an
    /// operator's change must not wait for that rest. The controller measures its passes and its rests on the
    /// frozen clock too: no time passes there, so every rest lasts its 20 ms minimum, which on that clock never
    /// ends by itself. What the controller does after a rest, it does because it was woken for it.
    @Test("a status wake waits out the rest after a pass; an operator's change ends it at once")
    func operatorChangeEndsTheRest() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-pacing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Timestamp.now
        let registry = try SQLiteFleetRegistry(directory: root)
        let children = try ChildRegistry(directory: root)
        // A site that gave no address: the plan is worked out for it, and nothing is pushed.
        _ = try children.register(ChildRegistration(kind: .site, id: "site-a"))
        try await registry.replaceNodes(
            of: "site-a",
            with: ["n1", "n2"].map {
                NodeRecord(id: $0, siteID: "site-a", liveness: LivenessStatus(liveness: .ready), updatedAt: now)
            })
        _ = try await registry.putDeployment(name: "hello", spec: Self.spec, labels: [:], by: "alice", at: now)
        let controller = try await DeploymentController.standalone(
            registry: registry, children: children, label: "test.pacing")
        let wake = ReconcileSignal()
        let operatorChange = ReconcileSignal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await controller.run(
                    wake: wake, operatorChange: operatorChange, interval: .seconds(1), clock: FrozenClock())
            }
            // The first pass starts at once; it records the rollout before anything asks for the plan, which would
            // otherwise make a pass of its own and let the loop's first pass find generation 2.
            try await eventually("the first pass") { try await registry.rollout(of: "hello") != nil }
            try await eventually("generation 1 planned") { try await Self.planned(controller) == 1 }

            // Generation 2 is recorded, and the controller woken as a status report wakes it: it rests first.
            var changed = Self.spec
            changed.workloads[0].name = "w2"
            _ = try await registry.putDeployment(name: "hello", spec: changed, labels: [:], by: "alice", at: now)
            wake.signal()
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await Self.planned(controller) == 1, "a status wake-up waits for the rest to end")

            // An operator's change ends the rest.
            operatorChange.signal()
            try await eventually("generation 2 planned") { try await Self.planned(controller) == 2 }

            // After that pass the controller rests again, however many status wake-ups arrive.
            _ = try await registry.putDeployment(name: "hello", spec: Self.spec, labels: [:], by: "alice", at: now)
            wake.signal()
            wake.signal()
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await Self.planned(controller) == 2, "status wake-ups wait for the rest to end")

            operatorChange.signal()
            try await eventually("generation 3 planned") { try await Self.planned(controller) == 3 }
            group.cancelAll()
        }
    }
}
