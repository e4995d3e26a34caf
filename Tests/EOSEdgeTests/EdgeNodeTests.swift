import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing

@testable import EOSEdge

@Suite("EdgeNode end to end")
struct EdgeNodeTests {
    static let domain = "fleet.example.com"
    /// Deadlines about hung calls, not slow machines: the whole suite shares two cores.
    static let policy = MargoCallPolicy(timeout: .seconds(120))

    struct Fleet {
        let authority: CertificateAuthority
        let site: SPIFFEIdentity
        let siteTLS: TLSMaterial
        let nodeTLS: TLSMaterial

        init() async throws {
            authority = try CertificateAuthority.create(trustDomain: EdgeNodeTests.domain)
            site = try SPIFFEIdentity.site("store-0042", in: EdgeNodeTests.domain)
            siteTLS = try await TLSMaterial(authority.issue(identity: site))
            nodeTLS = try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.node("edge-01", in: EdgeNodeTests.domain)))
        }
    }

    static func fleetDeployment(generation: Int64, restart: RestartPolicy = .always) -> FleetDesiredState {
        FleetDesiredState(
            deployment: "hello", generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(
                    name: "greeter", kind: .process(ProcessSpec(command: ["/bin/sh", "-c", "sleep 1000"])),
                    restartPolicy: restart),
                Workload(name: "cache", kind: .process(ProcessSpec(command: ["/bin/sleep", "1000"]))),
            ]))
    }

    /// Serves a recording parent's `Upstream` as the site until `body` returns.
    static func withParent<T>(
        _ parent: RecordingUpstream, fleet: Fleet, port: Int = 0, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        try await parent.serving(as: fleet.siteTLS, port: port, body)
    }

    /// Runs an Edge Node until `body` returns.
    static func withNode<T>(
        _ configuration: EdgeNodeConfiguration, fleet: Fleet, runtime: any EdgeRuntime,
        _ body: (EdgeNode, MargoEndpoint) async throws -> T
    ) async throws -> T {
        let node = try EdgeNode(
            configuration: configuration, tls: fleet.nodeTLS, runtime: runtime,
            logger: Logger(label: "test.edge"))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await node.run() }
            let endpoint = try #require(await node.listeningEndpoint)
            let result = try await body(node, endpoint)
            group.cancelAll()
            return result
        }
    }

    static func apply(_ state: FleetDesiredState, to endpoint: MargoEndpoint, fleet: Fleet) async throws -> ApplyResult
    {
        let transport = try MargoTransport.client(connectingTo: endpoint, tls: fleet.siteTLS)
        return try await withGRPCClient(transport: transport) { client in
            try await EdgeClient(client, policy: Self.policy).applyDeploy(state)
        }
    }

    static func configuration(
        directory: URL, upstream: MargoEndpoint?, parent: SPIFFEIdentity? = nil
    )
        -> EdgeNodeConfiguration
    {
        EdgeNodeConfiguration(
            nodeID: "edge-01", labels: ["zone": "north"], dataDirectory: directory,
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream, parent: parent,
            reconcileInterval: .seconds(1),
            restartBackoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1)),
            maximumReconnectDelay: .seconds(1), callPolicy: Self.policy)
    }

    @Test("registers with its parent, runs what the parent applies, and reports installing then installed")
    func applyAndReport() async throws {
        let fleet = try await Fleet()
        let parent = RecordingUpstream()
        let runtime = SimulatedRuntime()
        let directory = EdgeStoreTests.temporaryDirectory()
        try await Self.withParent(parent, fleet: fleet) { upstream in
            try await Self.withNode(
                Self.configuration(directory: directory, upstream: upstream), fleet: fleet, runtime: runtime
            ) { node, endpoint in
                // The node learns its parent from the upstream's certificate before it accepts applies from it.
                try await eventually("registration") { !parent.recorded.registrations.isEmpty }
                #expect(node.parentIdentity == fleet.site)
                let registration = try #require(parent.recorded.registrations.first)
                #expect(registration.labels == ["zone": "north"])
                #expect(registration.capabilities?.runtimes == ["simulated"])
                #expect((registration.capabilities?.cpus ?? 0) >= 1)

                #expect(
                    try await Self.apply(Self.fleetDeployment(generation: 1), to: endpoint, fleet: fleet).outcome
                        == .accepted)
                try await eventually("installed reported") { parent.states(of: "hello").last == .installed }
                #expect(parent.states(of: "hello").first == .installing)
                #expect(try await runtime.list().map(\.id) == ["hello_cache", "hello_greeter"])
                #expect(try await runtime.list().allSatisfy { $0.state == .running })

                // An exit is restarted and reported with its restart count.
                runtime.exit("hello_greeter", code: 9)
                try await eventually("restart reported") {
                    parent.recorded.statuses.last?.workloads.first { $0.name == "greeter" }?.restarts == 1
                }
                let exitReport = parent.recorded.statuses.first {
                    $0.workloads.contains { $0.name == "greeter" && $0.state == .exited && $0.exitCode == 9 }
                }
                #expect(exitReport != nil)
                try await eventually("heartbeats") { parent.recorded.heartbeats >= 2 }
            }
        }
        #expect(parent.recorded.duplicates == 0)
    }

    @Test(
        "with the upstream down, a restarted node keeps its workloads; the parent later gets every change once, in order"
    )
    func autonomy() async throws {
        let fleet = try await Fleet()
        let runtime = SimulatedRuntime()
        let directory = EdgeStoreTests.temporaryDirectory()
        // The parent is down (it answers UNAVAILABLE) and keeps its port for when it comes back.
        let parent = RecordingUpstream()
        parent.setAvailable(false)
        let queued = try await Self.withParent(parent, fleet: fleet) { upstream in
            let configuration = Self.configuration(directory: directory, upstream: upstream, parent: fleet.site)
            try await Self.withNode(configuration, fleet: fleet, runtime: runtime) { _, endpoint in
                let result = try await Self.apply(Self.fleetDeployment(generation: 1), to: endpoint, fleet: fleet)
                #expect(result.outcome == .accepted)
                try await eventually("running") { try await runtime.list().filter { $0.state == .running }.count == 2 }
            }
            // The node is down; a workload dies meanwhile.
            runtime.exit("hello_cache", code: 137)
            try await Self.withNode(configuration, fleet: fleet, runtime: runtime) { node, _ in
                try await eventually("restarted without the upstream") {
                    await node.status().deployments.first?.workloads.first { $0.name == "cache" }?.restarts == 1
                }
            }
            let store = try EdgeStore(directory: directory)
            let queued = try store.pendingReports().flatMap(\.statuses)
            #expect(queued.first?.state == .installing)
            #expect(queued.count >= 3)

            // The parent comes back; a third run of the node delivers the outbox.
            parent.setAvailable(true)
            try await Self.withNode(configuration, fleet: fleet, runtime: runtime) { _, _ in
                try await eventually("outbox delivered") {
                    try store.pendingCount() == 0 && !parent.states(of: "hello").isEmpty
                }
            }
            return queued
        }
        let delivered = parent.recorded.statuses
        #expect(Array(delivered.prefix(queued.count)) == queued)
        #expect(parent.recorded.sequences == parent.recorded.sequences.sorted())
        #expect(parent.recorded.duplicates == 0)
        #expect(delivered.last?.state == .installed)
        #expect(delivered.last?.workloads.first { $0.name == "cache" }?.restarts == 1)
    }

    @Test("a caller that is not the node's parent is refused, and a certificate for another node does not start")
    func refusals() async throws {
        let fleet = try await Fleet()
        let other = try await TLSMaterial(
            fleet.authority.issue(identity: try SPIFFEIdentity.site("store-0099", in: Self.domain)))
        let directory = EdgeStoreTests.temporaryDirectory()
        try await Self.withNode(
            Self.configuration(directory: directory, upstream: nil, parent: fleet.site), fleet: fleet,
            runtime: SimulatedRuntime()
        ) { _, endpoint in
            let transport = try MargoTransport.client(connectingTo: endpoint, tls: other)
            try await withGRPCClient(transport: transport) { client in
                let error = await #expect(throws: MargoError.self) {
                    try await EdgeClient(client, policy: Self.policy).applyDeploy(Self.fleetDeployment(generation: 1))
                }
                #expect(error?.code == .permissionDenied)
            }
        }
        var wrong = Self.configuration(directory: directory, upstream: nil)
        wrong.nodeID = "edge-02"
        let error = #expect(throws: EdgeNodeError.self) {
            _ = try EdgeNode(configuration: wrong, tls: fleet.nodeTLS, runtime: SimulatedRuntime())
        }
        #expect(error?.message.contains("--id edge-02") == true)
    }
}
