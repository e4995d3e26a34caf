import EOSEdge
import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

extension ContainerdTestEnvironment {
    /// Why the containerd suites are skipped, for `.enabled(if:)`.
    static var skipReason: Comment {
        Comment(
            rawValue: "containerd integration tests skipped: \(unavailableReason ?? "") "
                + "(EOS_REQUIRE_INTEGRATION=1 makes this a failure)")
    }
}

/// The Edge Node end to end over a real containerd: a recording parent upstream, the node's own server, and
/// `ContainerdRuntime` in a sandbox namespace per test. Assertions are on outcomes (what containerd holds, what the
/// parent was told), each with a bound meant for a loaded two-core machine, not as a timing claim.
@Suite(
    "EdgeNode over a real containerd",
    .enabled(
        if: ContainerdTestEnvironment.available || ContainerdTestEnvironment.required,
        ContainerdTestEnvironment.skipReason),
    .timeLimit(.minutes(3)))
struct EdgeNodeContainerdTests {
    /// The runtime's id of the one workload the tests deploy.
    static let web = WorkloadInstance.id(deployment: "shop", workload: "web")

    /// Deployment `shop`: one busybox container, `/bin/sleep SECONDS`, restarted always.
    static func shop(
        generation: Int64, image: String = ContainerdTestEnvironment.image, seconds: String = "300"
    ) -> FleetDesiredState {
        FleetDesiredState(
            deployment: "shop", generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(
                    name: "web",
                    kind: .container(ContainerSpec(image: image, command: ["/bin/sleep"], args: [seconds])),
                    // sleep as pid 1 ignores SIGTERM: a replace or removal ends with SIGKILL after this.
                    restartPolicy: .always, stopTimeout: DurationValue(seconds: 2))
            ]))
    }

    /// Runs an Edge Node (`edge-01`) over a sandbox's containerd, with a recording parent upstream, until `body`
    /// returns; the sandbox is then emptied and deleted.
    static func withContainerdNode(
        _ body: (ContainerdSandbox, RecordingUpstream, MargoEndpoint, EdgeNodeTests.Fleet) async throws -> Void
    ) async throws {
        let fleet = try await EdgeNodeTests.Fleet()
        let parent = RecordingUpstream()
        try await ContainerdSandbox.with { sandbox, runtime in
            try await EdgeNodeTests.withParent(parent, fleet: fleet) { upstream in
                let configuration = EdgeNodeTests.configuration(
                    directory: EdgeStoreTests.temporaryDirectory(), upstream: upstream, parent: fleet.site)
                try await EdgeNodeTests.withNode(configuration, fleet: fleet, runtime: runtime) { _, endpoint in
                    try await body(sandbox, parent, endpoint, fleet)
                }
            }
        }
        #expect(parent.recorded.duplicates == 0)
    }

    /// Applies `state` to the node and expects it accepted.
    static func apply(
        _ state: FleetDesiredState, to endpoint: MargoEndpoint, fleet: EdgeNodeTests.Fleet
    )
        async throws
    {
        let result = try await EdgeNodeTests.apply(state, to: endpoint, fleet: fleet)
        #expect(result.outcome == .accepted && result.generation == state.generation)
    }

    /// Waits until containerd runs the workload's task and the parent was told generation `generation` is installed
    /// and running.
    static func waitUntilRunning(
        generation: Int64, _ sandbox: ContainerdSandbox, _ parent: RecordingUpstream
    ) async throws {
        try await eventually("ctr tasks ls shows \(web) RUNNING") {
            sandbox.tasks[web]?.status == "RUNNING"
        }
        try await eventually("generation \(generation) reported installed and running") {
            guard let status = parent.latest(of: "shop") else { return false }
            return status.observedGeneration == generation && status.state == .installed
                && status.workloads.map(\.state) == [.running]
        }
    }

    @Test("an applied container runs in containerd; the parent is told installing, then installed and running")
    func applyRuns() async throws {
        try await Self.withContainerdNode { sandbox, parent, endpoint, fleet in
            try await Self.apply(Self.shop(generation: 1), to: endpoint, fleet: fleet)
            try await Self.waitUntilRunning(generation: 1, sandbox, parent)
            #expect(parent.states(of: "shop").first == .installing)
            #expect(sandbox.containers == [Self.web])
            let info = try #require(sandbox.containerInfo(Self.web))
            #expect(info.arguments == ["/bin/sleep", "300"] && info.image == ContainerdTestEnvironment.image)
            #expect(info.environment.contains("EOS_NODE_ID=edge-01"))
        }
    }

    @Test("a SIGKILLed task is restarted (Always); the parent is told the exit with code 137, then restarts 1")
    func killedIsRestarted() async throws {
        try await Self.withContainerdNode { sandbox, parent, endpoint, fleet in
            try await Self.apply(Self.shop(generation: 1), to: endpoint, fleet: fleet)
            try await Self.waitUntilRunning(generation: 1, sandbox, parent)
            let killedPID = try #require(sandbox.tasks[Self.web]?.pid)

            let killed = sandbox.ctr("tasks", "kill", "--signal", "SIGKILL", "--", Self.web)
            #expect(killed.status == 0, "\(killed.error)")
            try await eventually("a new task runs") {
                let task = sandbox.tasks[Self.web]
                return task?.status == "RUNNING" && task?.pid != killedPID
            }
            try await eventually("restart 1 reported, installed and running") {
                guard let status = parent.latest(of: "shop") else { return false }
                return status.state == .installed && status.workloads.first?.state == .running
                    && status.workloads.first?.restarts == 1
            }
            let exit = parent.recorded.statuses.first { status in
                status.deployment == "shop"
                    && status.workloads.contains { $0.name == "web" && $0.state == .exited && $0.exitCode == 137 }
            }
            #expect(exit != nil, "no report of the exit with code 137: \(parent.recorded.statuses)")
            #expect(exit?.state == .installing)
            #expect(sandbox.containers == [Self.web])
        }
    }

    @Test("generation 2 with a changed argument replaces the container; the parent sees generation 2 installed")
    func newGenerationReplaces() async throws {
        try await Self.withContainerdNode { sandbox, parent, endpoint, fleet in
            try await Self.apply(Self.shop(generation: 1), to: endpoint, fleet: fleet)
            try await Self.waitUntilRunning(generation: 1, sandbox, parent)

            try await Self.apply(Self.shop(generation: 2, seconds: "301"), to: endpoint, fleet: fleet)
            try await Self.waitUntilRunning(generation: 2, sandbox, parent)
            let info = try #require(sandbox.containerInfo(Self.web))
            #expect(info.arguments == ["/bin/sleep", "301"])
            #expect(info.labels["eos.generation"] == "2")
            #expect(sandbox.containers == [Self.web])
            #expect(parent.latest(of: "shop")?.workloads.first?.restarts == 0)
        }
    }

    @Test("removing the deployment leaves no container and no task in the namespace; the parent is told removed")
    func removalLeavesNothing() async throws {
        try await Self.withContainerdNode { sandbox, parent, endpoint, fleet in
            try await Self.apply(Self.shop(generation: 1), to: endpoint, fleet: fleet)
            try await Self.waitUntilRunning(generation: 1, sandbox, parent)

            let transport = try MargoTransport.client(connectingTo: endpoint, tls: fleet.siteTLS)
            let removal = try await withGRPCClient(transport: transport) { client in
                try await EdgeClient(client, policy: EdgeNodeTests.policy)
                    .removeDeploy(FleetRemoval(deployment: "shop", generation: 2))
            }
            #expect(removal.outcome == .accepted)
            try await eventually("no container, task or snapshot left") {
                sandbox.containers.isEmpty && sandbox.tasks.isEmpty && !sandbox.snapshotKeys.contains(Self.web)
            }
            try await eventually("removed reported") { parent.latest(of: "shop")?.state == .removed }
        }
    }

    @Test("an image that exists nowhere ends failed, with the runtime's message in the report")
    func missingImageFails() async throws {
        let image = "local/does-not-exist:1"
        try await Self.withContainerdNode { sandbox, parent, endpoint, fleet in
            try await Self.apply(Self.shop(generation: 1, image: image), to: endpoint, fleet: fleet)
            try await eventually("failed reported") { parent.latest(of: "shop")?.state == .failed }
            let status = try #require(parent.latest(of: "shop"))
            let message = try #require(status.message)
            // EOS's words, then ctr's own.
            #expect(message.contains("web: cannot pull image \(image)"), "\(message)")
            #expect(message.contains("failed to resolve reference \"\(image)\""), "\(message)")
            #expect(status.workloads.first?.state == .pending)
            #expect(status.workloads.first?.message?.contains(image) == true)
            #expect(sandbox.containers.isEmpty)
        }
    }

    @Test("a node stopped while it installs queues no failure; started again, it finishes the install")
    func stoppedWhileInstalling() async throws {
        let fleet = try await EdgeNodeTests.Fleet()
        try await ContainerdSandbox.with { sandbox, runtime in
            // No upstream: what the node reports stays in its outbox, where the test reads it.
            let directory = EdgeStoreTests.temporaryDirectory()
            let configuration = EdgeNodeTests.configuration(directory: directory, upstream: nil, parent: fleet.site)
            try await EdgeNodeTests.withNode(configuration, fleet: fleet, runtime: runtime) { node, endpoint in
                try await Self.apply(Self.shop(generation: 1), to: endpoint, fleet: fleet)
                // `installing` is queued just before the install starts (the image import takes a second or more).
                try await eventually("installing") {
                    await node.status().deployments.first?.state == .installing
                }
            }
            let queued = try EdgeStore(directory: directory).pendingReports().flatMap(\.statuses)
            #expect(queued.first?.state == .installing)
            #expect(!queued.contains { $0.state == .failed }, "a stop reported as a failure: \(queued)")

            // A new agent process: a new runtime over the same namespace and state folder.
            let restarted = ContainerdRuntime(configuration: sandbox.configuration)
            try await EdgeNodeTests.withNode(configuration, fleet: fleet, runtime: restarted) { node, _ in
                try await eventually("installed after the restart") {
                    await node.status().deployments.first?.state == .installed
                }
            }
            #expect(sandbox.tasks[Self.web]?.status == "RUNNING")
        }
    }
}
