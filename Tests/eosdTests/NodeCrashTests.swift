import EOSKit
import EOSTesting
import Foundation
import Testing

@Suite("eosd node: a crash and a reboot with the upstream down", .timeLimit(.minutes(6)))
struct NodeCrashTests {
    /// Two process workloads; `base` makes each generation's command lines unique on the host.
    static func deployment(generation: Int64, base: Int) -> FleetDesiredState {
        FleetDesiredState(
            deployment: "hello", generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(name: "greeter", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(base + 1)"]))),
                Workload(name: "cache", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(base + 2)"]))),
            ]))
    }

    static func running(base: Int) -> Int {
        WorkloadProcesses.pids(running: ["/bin/sleep", "\(base + 1)"]).count
            + WorkloadProcesses.pids(running: ["/bin/sleep", "\(base + 2)"]).count
    }

    /// SIGKILL right after an apply, then a reboot with the upstream down: the node starts the new generation by
    /// itself, and the returning parent receives every status change once, in order.
    @Test("killed mid-apply and rebooted offline, the node recovers and reports every change once, in order")
    func crashMidApply() async throws {
        let fleet = try await NodeTestFleet()
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let base1 = Int.random(in: 100_000...400_000)
        let base2 = base1 + 500_000
        // One parent for the whole test: "gone" means it answers UNAVAILABLE, so it never gives up its port.
        let parent = RecordingUpstream()
        try await fleet.serving(parent) { upstream in
            // Generation 1 is installed with the parent up.
            let node = try EOSDProcess(fleet.nodeArguments(upstream: upstream))
            let endpoint = try await NodeTestFleet.endpoint(of: node)
            try await eventually("registration") { !parent.recorded.registrations.isEmpty }
            let registration = try #require(parent.recorded.registrations.first)
            #expect(registration.labels == ["zone": "north"])
            #expect(registration.capabilities?.runtimes == ["process"])
            let result = try await fleet.asParent(of: endpoint) {
                try await $0.applyDeploy(Self.deployment(generation: 1, base: base1))
            }
            #expect(result.outcome == .accepted)
            try await eventually("generation 1 installed upstream") {
                parent.statuses(of: "hello").last.map { $0.observedGeneration == 1 && $0.state == .installed } ?? false
            }
            #expect(Self.running(base: base1) == 2)
            // Killed only once the parent's acknowledgement is on disk: a report the parent took but the node had not
            // yet marked sent would rightly be sent again after the restart, and counted as a duplicate here.
            let outbox = try EdgeStore(directory: fleet.dataDirectory)
            try await eventually("generation 1's reports acknowledged") { try outbox.pendingCount() == 0 }
            node.signal(SIGKILL)
            _ = await node.wait()

            // The parent is gone. The node comes back, takes generation 2, and is killed before it can finish it;
            // the host then reboots: every workload process dies too.
            parent.setAvailable(false)
            let before = parent.recorded.statuses.count
            let second = try EOSDProcess(fleet.nodeArguments(upstream: upstream))
            let secondEndpoint = try await NodeTestFleet.endpoint(of: second)
            let update = try await fleet.asParent(of: secondEndpoint) {
                try await $0.applyDeploy(Self.deployment(generation: 2, base: base2))
            }
            #expect(update.outcome == .accepted)
            second.signal(SIGKILL)
            _ = await second.wait()
            for pid in WorkloadProcesses.pids(running: ["/bin/sleep", "\(base1 + 1)"])
                + WorkloadProcesses.pids(running: ["/bin/sleep", "\(base1 + 2)"])
                + WorkloadProcesses.pids(running: ["/bin/sleep", "\(base2 + 1)"])
                + WorkloadProcesses.pids(running: ["/bin/sleep", "\(base2 + 2)"])
            {
                kill(pid, SIGKILL)
            }

            // After the reboot, still without a parent, the node runs generation 2 by itself.
            let rebooted = try EOSDProcess(fleet.nodeArguments(upstream: upstream))
            try await eventually("generation 2 running with no upstream") {
                Self.running(base: base2) == 2 && Self.running(base: base1) == 0
            }
            let rebootedEndpoint = try await NodeTestFleet.endpoint(of: rebooted)
            let status = try await fleet.asParent(of: rebootedEndpoint) { try await $0.nodeStatus() }
            let hello = try #require(status.deployments.first { $0.deployment == "hello" })
            #expect(hello.observedGeneration == 2)
            #expect(hello.state == .installed)
            rebooted.signal(SIGTERM)
            let stopped = await rebooted.wait()
            #expect(stopped.status == 0, "SIGTERM ends the node cleanly: \(stopped.stderr)")

            let store = try EdgeStore(directory: fleet.dataDirectory)
            let queued = try store.pendingReports().flatMap(\.statuses)
            #expect(queued.contains { $0.observedGeneration == 2 && $0.state == .installed })
            #expect(parent.recorded.statuses.count == before)

            // The parent returns: the node delivers its outbox, every report once and in order.
            parent.setAvailable(true)
            let last = try EOSDProcess(fleet.nodeArguments(upstream: upstream))
            try await eventually("outbox delivered") {
                try store.pendingCount() == 0 && parent.recorded.statuses.count >= before + queued.count
            }
            // Process workloads stop with the agent; this run starts them again and reports it.
            try await eventually("generation 2 installed again") {
                parent.statuses(of: "hello").last.map { $0.observedGeneration == 2 && $0.state == .installed } ?? false
            }
            last.signal(SIGTERM)
            _ = await last.wait()

            let delivered = parent.recorded
            #expect(Array(delivered.statuses.dropFirst(before).prefix(queued.count)) == queued)
            #expect(delivered.duplicates == 0)
            #expect(delivered.sequences == delivered.sequences.sorted())
            #expect(Set(delivered.sequences).count == delivered.sequences.count)
            // Generation 1's reports come before generation 2's, which ends installed.
            let generations = parent.statuses(of: "hello").map(\.observedGeneration)
            #expect(generations == generations.sorted())
        }
    }
}
