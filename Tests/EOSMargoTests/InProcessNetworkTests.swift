import EOSModel
import EOSSecurity
import Foundation
import GRPCCore
import Synchronization
import Testing

@testable import EOSMargo

/// The in-process network: what a call over it does and refuses, the same as over mutual TLS.
@Suite("In-process network", .timeLimit(.minutes(5)))
struct InProcessNetworkTests {
    static let domain = "fleet.example.com"
    static let node = try! SPIFFEIdentity.node("edge-01", in: domain)
    static let site = try! SPIFFEIdentity.site("store-0042", in: domain)
    static let central = try! SPIFFEIdentity.central(in: domain)

    /// An EdgeNode server for `handler` as `node`, parent `site`, at `port` of `network`.
    static func edgeServer(
        _ handler: some EdgeNodeHandler, network: InProcessNetwork, port: Int = 0
    ) -> GRPCServer<InProcessServerTransport> {
        GRPCServer(
            transport: InProcessServerTransport(
                listeningOn: MargoEndpoint(host: "127.0.0.1", port: port), identity: node, network: network),
            services: [EdgeNodeService(handler: handler)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: node, parent: site))])
    }

    /// Serves `services` as `identity` (its parent `parent`) at `endpoint` of `network`, behind the peer-identity
    /// interceptor, until `body` returns; `body` gets where it listens.
    static func serving(
        _ services: [any RegistrableRPCService], as identity: SPIFFEIdentity, parent: SPIFFEIdentity? = nil,
        at endpoint: MargoEndpoint = MargoEndpoint(host: "127.0.0.1", port: 0), network: InProcessNetwork,
        _ body: (MargoEndpoint) async throws -> Void
    ) async throws {
        let server = GRPCServer(
            transport: InProcessServerTransport(listeningOn: endpoint, identity: identity, network: network),
            services: services,
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: identity, parent: parent))])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            try await body(try #require(await server.transport.listeningEndpoint))
            server.beginGracefulShutdown()
        }
    }

    /// Runs `body` with a client of `endpoint` as `caller`.
    static func withClient<T: Sendable>(
        of endpoint: MargoEndpoint, as caller: SPIFFEIdentity, network: InProcessNetwork,
        expecting: MargoPeerExpectation? = nil, onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil,
        _ body: (GRPCClient<InProcessClientTransport>) async throws -> T
    ) async throws -> T {
        let transport = InProcessClientTransport(
            connectingTo: endpoint, identity: caller, network: network, expecting: expecting,
            onServerIdentity: onServerIdentity)
        return try await withGRPCClient(transport: transport) { try await body($0) }
    }

    @Test("a call reaches the server at its endpoint, which learns the caller's identity from the network")
    func callCarriesIdentity() async throws {
        let network = InProcessNetwork()
        let handler = RecordingEdgeNode()
        try await Self.serving(
            [EdgeNodeService(handler: handler)], as: Self.node, parent: Self.site, network: network
        ) { endpoint in
            #expect(network.listeningEndpoints == [endpoint])
            let seen = Mutex<[SPIFFEIdentity]>([])
            let result = try await Self.withClient(
                of: endpoint, as: Self.site, network: network, expecting: .identity(Self.node),
                onServerIdentity: { identity in seen.withLock { $0.append(identity) } }
            ) { client in
                try await EdgeClient(client, policy: .patient).applyDeploy(
                    EdgeNodeCallTests.desiredState(generation: 4))
            }
            #expect(result.outcome == .accepted)
            #expect(result.generation == 4)
            #expect(handler.state.withLock { $0.callers } == [Self.site])
            #expect(handler.state.withLock { $0.applied } == ["hello": 4])
            #expect(seen.withLock { $0 } == [Self.node])
        }
        #expect(network.listeningEndpoints.isEmpty)
    }

    @Test("the peer-identity rules hold: a sibling node may not call a node, and a node may not deploy to a site")
    func authorizationApplies() async throws {
        let network = InProcessNetwork()
        let handler = RecordingEdgeNode()
        try await Self.serving(
            [EdgeNodeService(handler: handler)], as: Self.node, parent: Self.site, network: network
        ) { endpoint in
            let sibling = try SPIFFEIdentity.node("edge-02", in: Self.domain)
            let error = await #expect(throws: MargoError.self) {
                try await Self.withClient(of: endpoint, as: sibling, network: network) { client in
                    try await EdgeClient(client, policy: .patient).applyDeploy(
                        EdgeNodeCallTests.desiredState(generation: 1))
                }
            }
            #expect(error?.code == .permissionDenied)
            #expect(handler.state.withLock { $0.applied }.isEmpty)
        }

        let site = RecordingSite()
        try await Self.serving(
            [LocalOrchestratorService(handler: site)], as: Self.site,
            at: MargoEndpoint(host: "store-0042", port: 7443), network: network
        ) { endpoint in
            #expect(endpoint == MargoEndpoint(host: "store-0042", port: 7443))
            let denied = await #expect(throws: MargoError.self) {
                try await Self.withClient(of: endpoint, as: Self.node, network: network) { client in
                    try await MargoClient(client, policy: .patient).deployFleet(
                        EdgeNodeCallTests.desiredState(generation: 1))
                }
            }
            #expect(denied?.code == .permissionDenied)
            let accepted = try await Self.withClient(of: endpoint, as: Self.central, network: network) { client in
                try await MargoClient(client, policy: .patient).deployFleet(
                    EdgeNodeCallTests.desiredState(generation: 1))
            }
            #expect(accepted.outcome == .accepted)
            #expect(site.deployed.withLock { $0 } == [1])
        }
    }

    @Test("a node reporting as another node is refused, as over TLS")
    func impersonationRefused() async throws {
        let network = InProcessNetwork()
        let parent = RecordingParent()
        try await Self.serving([UpstreamService(handler: parent)], as: Self.central, network: network) { endpoint in
            let error = await #expect(throws: MargoError.self) {
                try await Self.withClient(of: endpoint, as: Self.node, network: network) { client in
                    try await UpstreamClient(client, policy: .patient).register(
                        ChildRegistration(kind: .node, id: "edge-99", labels: [:], capabilities: nil))
                }
            }
            #expect(error?.code == .permissionDenied)
            #expect(parent.registered.withLock { $0 }.isEmpty)
            _ = try await Self.withClient(of: endpoint, as: Self.node, network: network) { client in
                try await UpstreamClient(client, policy: .patient).register(
                    ChildRegistration(kind: .node, id: "edge-01", labels: [:], capabilities: nil))
            }
            #expect(parent.registered.withLock { $0 } == ["edge-01"])
        }
    }

    @Test("nothing listening, or the wrong server listening, fails UNAVAILABLE and reaches no handler")
    func unreachable() async throws {
        let network = InProcessNetwork()
        let nowhere = MargoEndpoint(host: "127.0.0.1", port: 9)
        let once = MargoCallPolicy(timeout: .seconds(60), maxAttempts: 1)
        let missing = await #expect(throws: MargoError.self) {
            try await Self.withClient(of: nowhere, as: Self.site, network: network) { client in
                try await EdgeClient(client, policy: once).nodeStatus()
            }
        }
        #expect(missing?.code == .unavailable)

        let handler = RecordingEdgeNode()
        try await Self.serving(
            [EdgeNodeService(handler: handler)], as: Self.node, parent: Self.site, network: network
        ) { endpoint in
            let other = try SPIFFEIdentity.node("edge-02", in: Self.domain)
            let wrong = await #expect(throws: MargoError.self) {
                try await Self.withClient(of: endpoint, as: Self.site, network: network, expecting: .identity(other)) {
                    try await EdgeClient($0, policy: once).applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
                }
            }
            #expect(wrong?.code == .unavailable)
            #expect(wrong?.message.contains("expected \(other)") == true)
            #expect(handler.state.withLock { $0.applied }.isEmpty)
        }
    }

    @Test("an endpoint is held by one server at a time, and taken again after it stops; port 0 gets a fresh port")
    func endpointsAreExclusive() async throws {
        let network = InProcessNetwork()
        let first = Self.edgeServer(RecordingEdgeNode(), network: network, port: 7000)
        let second = Self.edgeServer(RecordingEdgeNode(), network: network, port: 7000)
        let any1 = InProcessServerTransport(
            listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), identity: Self.node, network: network)
        let any2 = InProcessServerTransport(
            listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), identity: Self.node, network: network)
        #expect(any1.endpoint.port != 0)
        #expect(any1.endpoint != any2.endpoint)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await first.serve() }
            #expect(await first.transport.listeningEndpoint?.port == 7000)
            let error = await #expect(throws: RPCError.self) {
                try await second.transport.listen { stream, _ in await stream.outbound.finish() }
            }
            #expect(error?.code == .unavailable)
            #expect(await second.transport.listeningEndpoint == nil)
            first.beginGracefulShutdown()
        }
        let third = Self.edgeServer(RecordingEdgeNode(), network: network, port: 7000)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await third.serve() }
            #expect(await third.transport.listeningEndpoint?.port == 7000)
            third.beginGracefulShutdown()
        }
    }

    @Test("asking where a server listens ends with nil when it is shut down before listening, or the asker gives up")
    func listeningEndpointEnds() async throws {
        let network = InProcessNetwork()
        let shutDown = InProcessServerTransport(
            listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), identity: Self.node, network: network)
        let asking = Task { await shutDown.listeningEndpoint }
        try await Task.sleep(for: .milliseconds(20))
        shutDown.beginGracefulShutdown()
        #expect(await asking.value == nil)
        #expect(await shutDown.listeningEndpoint == nil)

        let never = InProcessServerTransport(
            listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), identity: Self.node, network: network)
        let impatient = Task { await never.listeningEndpoint }
        try await Task.sleep(for: .milliseconds(20))
        impatient.cancel()
        #expect(await impatient.value == nil)
    }

    @Test("one client goes on working across a server restart at the same endpoint")
    func reachesRestartedServer() async throws {
        let network = InProcessNetwork()
        let before = RecordingEdgeNode()
        let after = RecordingEdgeNode()
        let endpoint = MargoEndpoint(host: "127.0.0.1", port: 7100)
        let client = GRPCClient(
            transport: InProcessClientTransport(connectingTo: endpoint, identity: Self.site, network: network))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await client.runConnections() }
            let edge = EdgeClient(client, policy: .patient)
            let first = Self.edgeServer(before, network: network, port: 7100)
            group.addTask { try await first.serve() }
            _ = await first.transport.listeningEndpoint
            #expect(try await edge.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1)).generation == 1)
            first.beginGracefulShutdown()
            // Down: the client's call fails as a refused connection would, and is retried once the server is back.
            let second = Self.edgeServer(after, network: network, port: 7100)
            try await Task.sleep(for: .milliseconds(50))
            group.addTask { try await second.serve() }
            #expect(try await edge.applyDeploy(EdgeNodeCallTests.desiredState(generation: 2)).generation == 2)
            second.beginGracefulShutdown()
            client.beginGracefulShutdown()
        }
        #expect(before.state.withLock { $0.applied } == ["hello": 1])
        #expect(after.state.withLock { $0.applied } == ["hello": 2])
    }

    @Test("a client stream arrives whole and in order; a server that stops mid-stream ends the call, not hangs it")
    func streams() async throws {
        let network = InProcessNetwork()
        let parent = RecordingParent()
        let server = GRPCServer(
            transport: InProcessServerTransport(
                listeningOn: MargoEndpoint(host: "central", port: 0), identity: Self.central, network: network),
            services: [UpstreamService(handler: parent)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: Self.central))])
        let serving = Task { try await server.serve() }
        let endpoint = try #require(await server.transport.listeningEndpoint)
        let reports = (1...1000).map { UpstreamCallTests.report(UInt64($0), node: "edge-01") }
        let acknowledgement = try await Self.withClient(of: endpoint, as: Self.node, network: network) { client in
            try await UpstreamClient(client, policy: .patient).reportStatus(
                AsyncStream { continuation in
                    for report in reports { continuation.yield(report) }
                    continuation.finish()
                })
        }
        #expect(acknowledgement.lastSequence == 1000)
        #expect(parent.reported.withLock { $0 } == Array(1...1000))

        // A stream that never ends, and a server that goes away under it.
        let (endless, feed) = AsyncStream<StatusReport>.makeStream()
        feed.yield(UpstreamCallTests.report(2000, node: "edge-01"))
        let streaming = Task {
            try await Self.withClient(of: endpoint, as: Self.node, network: network) { client in
                try await UpstreamClient(client, policy: .patient).reportStatus(endless)
            }
        }
        try await eventually { parent.reported.withLock { $0.last } == 2000 }
        serving.cancel()
        let ended = await streaming.result
        #expect(throws: MargoError.self) { try ended.get() }
        feed.finish()
    }
}

/// A site that records the generations it was asked to deploy.
final class RecordingSite: LocalOrchestratorHandler {
    let deployed = Mutex<[Int64]>([])

    func deployFleet(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        deployed.withLock { $0.append(desiredState.generation) }
        return ApplyResult(outcome: .accepted, generation: desiredState.generation)
    }

    func removeFleet(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        ApplyResult(outcome: .accepted, generation: removal.generation)
    }

    func siteStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> SiteStatus {
        SiteStatus(siteID: "store-0042", observedAt: .now)
    }
}

/// Polls `condition` until it holds, for up to a minute.
private func eventually(_ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(10))
    }
}
