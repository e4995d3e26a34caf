import EOSEdge
import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSSite
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Synchronization
import Testing

@Suite("UpstreamIntake over loopback mTLS")
struct UpstreamIntakeTests {
    static let domain = "fleet.example.com"
    /// Deadlines about hung calls, not slow machines: the whole suite shares two cores.
    static let policy = MargoCallPolicy(timeout: .seconds(120))

    struct Fleet {
        let authority: CertificateAuthority
        let site: SPIFFEIdentity
        let siteTLS: TLSMaterial
        let centralTLS: TLSMaterial
        let nodeTLS: TLSMaterial

        init() async throws {
            authority = try CertificateAuthority.create(trustDomain: UpstreamIntakeTests.domain)
            site = try SPIFFEIdentity.site("store-0042", in: UpstreamIntakeTests.domain)
            siteTLS = try await TLSMaterial(authority.issue(identity: site))
            centralTLS = try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.central(in: UpstreamIntakeTests.domain)))
            nodeTLS = try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.node("edge-01", in: UpstreamIntakeTests.domain)))
        }

        func tls(forNode id: String) async throws -> TLSMaterial {
            try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.node(id, in: UpstreamIntakeTests.domain)))
        }

        func tls(forSite id: String) async throws -> TLSMaterial {
            try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.site(id, in: UpstreamIntakeTests.domain)))
        }
    }

    /// What the site wants its nodes to hold: every deployment the test applied.
    final class SiteDesiredStates: ChildDesiredStates {
        private let states = Mutex<[String: FleetDesiredState]>([:])

        func want(_ state: FleetDesiredState) { states.withLock { $0[state.deployment] = state } }

        func desiredGenerations(for child: RegisteredChild) async throws -> [String: Int64] {
            states.withLock { $0.mapValues(\.generation) }
        }

        func sync(applied: [String: Int64], for child: RegisteredChild) async throws -> SyncResponse {
            SyncResponse(desired: states.withLock { Array($0.values) }, applied: applied)
        }
    }

    /// Every status the intake passed on, in order, with the child that reported it.
    final class RecordingSink: ChildStatusSink {
        private let received = Mutex<[NodeDeploymentStatus]>([])

        var statuses: [NodeDeploymentStatus] { received.withLock { $0 } }

        func states(of deployment: String, generation: Int64? = nil) -> [MargoDeploymentState] {
            statuses.filter {
                $0.deployment == deployment && (generation == nil || $0.observedGeneration == generation)
            }
            .map(\.state)
        }

        func receive(_ statuses: [NodeDeploymentStatus], from child: RegisteredChild) async throws {
            received.withLock { $0 += statuses }
        }
    }

    static func deployment(generation: Int64) -> FleetDesiredState {
        FleetDesiredState(
            deployment: "hello", generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(name: "greeter", kind: .process(ProcessSpec(command: ["/bin/sleep", "1000"])))
            ]))
    }

    static func intake(
        _ registry: ChildRegistry, accepting kinds: Set<ChildKind> = [.node], desired: SiteDesiredStates,
        sink: RecordingSink
    ) -> UpstreamIntake {
        UpstreamIntake(
            registry: registry, accepting: kinds, desiredStates: desired, statusSink: sink,
            logger: Logger(label: "test.intake"))
    }

    /// Serves `intake` as `Upstream` under the identity of `tls` until `body` returns.
    static func serve<T>(
        _ intake: UpstreamIntake, as tls: TLSMaterial, port: Int = 0, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        try await intake.serving(as: tls, port: port, body)
    }

    static func serve<T>(
        _ intake: UpstreamIntake, fleet: Fleet, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        try await serve(intake, as: fleet.siteTLS, body)
    }

    /// Runs Edge Node `edge-01` on a simulated runtime until `body` returns.
    static func withNode<T>(
        directory: URL, upstream: MargoEndpoint, fleet: Fleet, runtime: SimulatedRuntime,
        _ body: (EdgeNode, MargoEndpoint) async throws -> T
    ) async throws -> T {
        let configuration = EdgeNodeConfiguration(
            nodeID: "edge-01", labels: ["zone": "north"], dataDirectory: directory,
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream, parent: fleet.site,
            reconcileInterval: .seconds(1),
            restartBackoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1)),
            maximumReconnectDelay: .seconds(1), callPolicy: Self.policy)
        let node = try EdgeNode(
            configuration: configuration, tls: fleet.nodeTLS, runtime: runtime, logger: Logger(label: "test.edge"))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await node.run() }
            let endpoint = try #require(await node.listeningEndpoint)
            let result = try await body(node, endpoint)
            group.cancelAll()
            return result
        }
    }

    /// Applies `state` to the node as the site, and records it as what the site wants.
    static func apply(
        _ state: FleetDesiredState, to endpoint: MargoEndpoint, fleet: Fleet, desired: SiteDesiredStates
    ) async throws -> ApplyResult {
        desired.want(state)
        let transport = try MargoTransport.client(connectingTo: endpoint, tls: fleet.siteTLS)
        return try await withGRPCClient(transport: transport) { client in
            try await EdgeClient(client, policy: Self.policy).applyDeploy(state)
        }
    }

    /// Calls `Upstream` at `endpoint` with `tls`'s identity.
    static func asChild<T: Sendable>(
        _ tls: TLSMaterial, at endpoint: MargoEndpoint,
        _ body: @Sendable (UpstreamClient<HTTP2ClientTransport.Posix>) async throws -> T
    ) async throws -> T {
        let transport = try MargoTransport.client(connectingTo: endpoint, tls: tls)
        return try await withGRPCClient(transport: transport) { client in
            try await body(UpstreamClient(client, policy: Self.policy))
        }
    }

    static func temporaryDirectory(_ what: String) -> URL {
        TestScratch.path("eos-intake-\(what)")
    }

    @Test("a node registers with what it is, heartbeats, and its statuses reach the sink once, in order")
    func registerHeartbeatAndReport() async throws {
        let fleet = try await Fleet()
        let registry = try ChildRegistry(baseHeartbeatInterval: .milliseconds(300))
        let desired = SiteDesiredStates()
        let sink = RecordingSink()
        let intake = Self.intake(registry, desired: desired, sink: sink)
        try await Self.serve(intake, fleet: fleet) { upstream in
            try await Self.withNode(
                directory: Self.temporaryDirectory("node"), upstream: upstream, fleet: fleet,
                runtime: SimulatedRuntime()
            ) { _, endpoint in
                try await eventually("registration") { registry.child(kind: .node, id: "edge-01") != nil }
                let child = try #require(registry.child(kind: .node, id: "edge-01"))
                #expect(child.labels == ["zone": "north"])
                #expect(child.capabilities?.runtimes == ["simulated"])
                #expect((child.capabilities?.cpus ?? 0) >= 1)
                #expect(child.endpoint == "\(endpoint)")
                #expect(child.heartbeatInterval == .milliseconds(300))

                // Heartbeats keep it Ready well past three intervals.
                try await eventually("heartbeats") {
                    guard let child = registry.child(kind: .node, id: "edge-01") else { return false }
                    return child.lastSeen.date.timeIntervalSince(child.registeredAt.date) > 1.5
                }
                #expect(registry.liveness(kind: .node, id: "edge-01", at: .now)?.liveness == .ready)

                let result = try await Self.apply(
                    Self.deployment(generation: 1), to: endpoint, fleet: fleet, desired: desired)
                // A heartbeat between wanting the state and applying it makes the node sync it first; the apply then
                // finds it already taken.
                #expect([.accepted, .unchanged].contains(result.outcome))
                try await eventually("installed reported") { sink.states(of: "hello").last == .installed }
                // The heartbeat's syncRequired brings the node to sync, which records what it holds.
                try await eventually("applied generations synced") {
                    registry.child(kind: .node, id: "edge-01")?.appliedGenerations == ["hello": 1]
                }
            }
        }
        let statuses = sink.statuses
        #expect(sink.states(of: "hello").first == .installing)
        #expect(Set(statuses).count == statuses.count)
        #expect(statuses.map(\.observedAt) == statuses.map(\.observedAt).sorted())
        #expect(statuses.allSatisfy { $0.nodeID == "edge-01" && $0.observedGeneration == 1 })
        #expect((registry.child(kind: .node, id: "edge-01")?.lastSequence ?? 0) >= UInt64(statuses.count))
    }

    @Test("an intake restarted over the same registry file passes no replayed report on again")
    func replaysAfterRestart() async throws {
        let fleet = try await Fleet()
        let registryDirectory = Self.temporaryDirectory("registry")
        let nodeDirectory = Self.temporaryDirectory("node")
        let runtime = SimulatedRuntime()
        let desired = SiteDesiredStates()

        let first = RecordingSink()
        let before = try ChildRegistry(directory: registryDirectory, baseHeartbeatInterval: .milliseconds(300))
        try await Self.serve(Self.intake(before, desired: desired, sink: first), fleet: fleet) { upstream in
            try await Self.withNode(directory: nodeDirectory, upstream: upstream, fleet: fleet, runtime: runtime) {
                _, endpoint in
                try await eventually("registration") { before.child(kind: .node, id: "edge-01") != nil }
                _ = try await Self.apply(Self.deployment(generation: 1), to: endpoint, fleet: fleet, desired: desired)
                try await eventually("installed reported") { first.states(of: "hello").last == .installed }
            }
        }
        let delivered = first.statuses
        let last = try #require(before.child(kind: .node, id: "edge-01")?.lastSequence)
        let firstRegistration = try #require(before.child(kind: .node, id: "edge-01")?.registeredAt)
        #expect(last >= 2)

        // The parent restarts over the same file; the node resends reports whose acknowledgement it never got.
        let second = RecordingSink()
        let after = try ChildRegistry(directory: registryDirectory, baseHeartbeatInterval: .milliseconds(300))
        #expect(after.child(kind: .node, id: "edge-01")?.lastSequence == last)
        try await Self.serve(Self.intake(after, desired: desired, sink: second), fleet: fleet) { upstream in
            let replays = [
                StatusReport(sequence: 1, statuses: [try #require(delivered.first)]),
                StatusReport(sequence: last, statuses: [try #require(delivered.last)]),
            ]
            let acknowledgement = try await Self.asChild(fleet.nodeTLS, at: upstream) { upstream in
                try await upstream.reportStatus(replays.async)
            }
            #expect(acknowledgement.lastSequence == last)
            #expect(acknowledgement.accepted == 2)
            #expect(second.statuses.isEmpty)

            // The node itself comes back, and what it reports from now on arrives once.
            try await Self.withNode(directory: nodeDirectory, upstream: upstream, fleet: fleet, runtime: runtime) {
                _, endpoint in
                try await eventually("registered again") {
                    (after.child(kind: .node, id: "edge-01")?.registeredAt).map { $0 > firstRegistration } ?? false
                }
                _ = try await Self.apply(Self.deployment(generation: 2), to: endpoint, fleet: fleet, desired: desired)
                try await eventually("generation 2 installed") {
                    second.states(of: "hello", generation: 2).last == .installed
                }
            }
        }
        let redelivered = second.statuses
        #expect(redelivered.allSatisfy { !delivered.contains($0) })
        #expect(Set(redelivered).count == redelivered.count)
        #expect(redelivered.map(\.observedAt) == redelivered.map(\.observedAt).sorted())
        #expect((after.child(kind: .node, id: "edge-01")?.lastSequence ?? 0) > last)
    }

    @Test("a node reinstalled with an empty store numbers its reports from 1 again, and they still arrive")
    func wipedNode() async throws {
        let fleet = try await Fleet()
        let registry = try ChildRegistry(baseHeartbeatInterval: .milliseconds(300))
        let desired = SiteDesiredStates()
        let sink = RecordingSink()
        let nodeDirectory = Self.temporaryDirectory("node")
        try await Self.serve(Self.intake(registry, desired: desired, sink: sink), fleet: fleet) { upstream in
            try await Self.withNode(
                directory: nodeDirectory, upstream: upstream, fleet: fleet, runtime: SimulatedRuntime()
            ) { _, endpoint in
                try await eventually("registration") { registry.child(kind: .node, id: "edge-01") != nil }
                _ = try await Self.apply(Self.deployment(generation: 1), to: endpoint, fleet: fleet, desired: desired)
                try await eventually("installed reported") { sink.states(of: "hello").last == .installed }
            }
            let before = sink.statuses.count
            try FileManager.default.removeItem(at: nodeDirectory)

            try await Self.withNode(
                directory: nodeDirectory, upstream: upstream, fleet: fleet, runtime: SimulatedRuntime()
            ) { _, _ in
                // A new store: its report sequence starts over (the Edge Node starts it at the store's creation
                // time; the registry also starts afresh for a child that registers holding nothing).
                try await eventually("installed reported again") {
                    sink.statuses.dropFirst(before).last?.state == .installed
                }
            }
            #expect(sink.statuses.dropFirst(before).first?.state == .installing)
        }
    }

    @Test("a node the registry does not know is told so on its heartbeat, and registers again")
    func unknownNodeRegistersAgain() async throws {
        let fleet = try await Fleet()
        let registry = try ChildRegistry(baseHeartbeatInterval: .milliseconds(300))
        let intake = Self.intake(registry, desired: SiteDesiredStates(), sink: RecordingSink())
        var events = registry.events().makeAsyncIterator()
        try await Self.serve(intake, fleet: fleet) { upstream in
            try await Self.withNode(
                directory: Self.temporaryDirectory("node"), upstream: upstream, fleet: fleet,
                runtime: SimulatedRuntime()
            ) { _, _ in
                // Past registration and its first sync, into the heartbeats.
                try await eventually("heartbeats") {
                    guard let child = registry.child(kind: .node, id: "edge-01") else { return false }
                    return child.lastSeen.date.timeIntervalSince(child.registeredAt.date) > 1
                }
                try registry.forget(kind: .node, id: "edge-01")
                try await eventually("registered again") { registry.child(kind: .node, id: "edge-01") != nil }
            }

            // A node that never registered: its heartbeat, sync and reports are refused until it does.
            let stranger = try await fleet.tls(forNode: "edge-02")
            let refusal = try await Self.asChild(stranger, at: upstream) { upstream in
                do {
                    _ = try await upstream.heartbeat(Heartbeat(kind: .node, id: "edge-02", sentAt: .now))
                    return nil as MargoError?
                } catch {
                    return error as? MargoError
                }
            }
            #expect(refusal?.message.contains("node edge-02 is not registered") == true)
            let report = try await Self.asChild(stranger, at: upstream) { upstream in
                do {
                    _ = try await upstream.reportStatus([StatusReport(sequence: 1, statuses: [])].async)
                    return nil as MargoError?
                } catch {
                    return error as? MargoError
                }
            }
            #expect(report?.message.contains("not registered") == true)
            #expect(registry.child(kind: .node, id: "edge-02") == nil)
        }
        var seen: [String] = []
        while seen.count < 3, let event = await events.next() {
            switch event {
            case .registered: seen.append("registered")
            case .forgotten: seen.append("forgotten")
            case .reregistered, .livenessChanged: break
            }
        }
        #expect(seen == ["registered", "forgotten", "registered"])
    }

    @Test("a site may not register with an intake that takes nodes only; a node may, and its telemetry is counted")
    func siteRefused() async throws {
        let fleet = try await Fleet()
        let otherSite = try await fleet.tls(forSite: "store-0099")
        let registration = ChildRegistration(kind: .site, id: "store-0099", labels: ["region": "eu-west"])

        // Served by a site (an LO): a site calling a site is refused before the intake sees it.
        let registry = try ChildRegistry()
        let intake = Self.intake(registry, desired: SiteDesiredStates(), sink: RecordingSink())
        let atSite = try await Self.serve(intake, fleet: fleet) { upstream in
            try await Self.asChild(otherSite, at: upstream) { upstream in
                do {
                    _ = try await upstream.register(registration)
                    return nil as MargoError?
                } catch {
                    return error as? MargoError
                }
            }
        }
        #expect(atSite?.code == .permissionDenied)
        #expect(registry.count == 0)

        // Served under the central identity, so the peer rules let a site through: the intake itself refuses.
        let nodesOnly = try ChildRegistry()
        let strict = Self.intake(nodesOnly, accepting: [.node], desired: SiteDesiredStates(), sink: RecordingSink())
        let (refused, node) = try await Self.serve(strict, as: fleet.centralTLS) { upstream in
            let refused = try await Self.asChild(otherSite, at: upstream) { upstream in
                do {
                    _ = try await upstream.register(registration)
                    return nil as MargoError?
                } catch {
                    return error as? MargoError
                }
            }
            let node = try await Self.asChild(fleet.nodeTLS, at: upstream) { upstream in
                try await upstream.register(ChildRegistration(kind: .node, id: "edge-01"))
            }
            // What a node may send is taken: telemetry is counted.
            let point = MetricPoint(name: "eos_node_load", value: 0.5, timestamp: .now)
            let telemetry = try await Self.asChild(fleet.nodeTLS, at: upstream) { upstream in
                try await upstream.reportTelemetry(
                    [
                        TelemetryBatch(sourceID: "edge-01", sequence: 1, points: [point, point]),
                        TelemetryBatch(sourceID: "edge-01", sequence: 2, droppedCount: 4, points: [point]),
                    ].async)
            }
            #expect(telemetry == ReportAcknowledgement(lastSequence: 2, accepted: 2))
            return (refused, node)
        }
        #expect(strict.telemetryBatchesReceived == 2)
        #expect(strict.telemetryPointsReceived == 3)
        #expect(strict.telemetryPointsDroppedAtSource == 4)
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message.contains("takes nodes only") == true)
        #expect(nodesOnly.children().map(\.id) == ["edge-01"])
        #expect(node.heartbeatInterval == .seconds(5))
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for a report stream.
    fileprivate var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
