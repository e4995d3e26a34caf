import EOSModel
import EOSSecurity
import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import Synchronization
import Testing

@testable import EOSMargo

/// An EN that records what it was asked and applies generations in order, as the real agent must.
final class RecordingEdgeNode: EdgeNodeHandler {
    struct State {
        var applied: [String: Int64] = [:]
        var callers: [SPIFFEIdentity] = []
    }
    let state = Mutex(State())

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try state.withLock { state in
            state.callers.append(caller)
            let current = state.applied[desiredState.deployment] ?? 0
            if desiredState.generation < current {
                throw MargoError(
                    code: .staleGeneration,
                    message: "generation \(desiredState.generation) is older than the applied \(current)")
            }
            if desiredState.generation == current { return ApplyResult(outcome: .unchanged, generation: current) }
            state.applied[desiredState.deployment] = desiredState.generation
            return ApplyResult(outcome: .accepted, generation: desiredState.generation)
        }
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        state.withLock { state in
            state.callers.append(caller)
            state.applied[removal.deployment] = nil
        }
        return ApplyResult(outcome: .accepted, generation: removal.generation)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        let applied = state.withLock { $0.applied }
        let reports = applied.sorted { $0.key < $1.key }.map { name, generation in
            NodeDeploymentStatus(
                deployment: name, observedGeneration: generation, nodeID: "edge-01", state: .installed,
                observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), reportedBy: "node/edge-01")
        }
        return NodeStatus(nodeID: "edge-01", liveness: nil, deployments: reports)
    }
}

@Suite("EdgeNode calls end to end")
struct EdgeNodeCallTests {
    static let domain = "fleet.example.com"

    static func desiredState(generation: Int64) throws -> FleetDesiredState {
        let fleet = try FleetDeployment(
            yaml: """
                apiVersion: eos/v1
                kind: FleetDeployment
                metadata: {name: hello}
                spec:
                  workloads:
                    - name: greeter
                      process: {command: [/bin/sh, -c, "echo hi"]}
                """)
        return FleetDesiredState(
            deployment: "hello", generation: generation, spec: fleet.spec, wave: 1, nodeIDs: ["edge-01"])
    }

    @Test(
        "over the in-process transport: apply is idempotent by generation, an older one is refused, status comes back")
    func inProcess() async throws {
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let handler = RecordingEdgeNode()
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: node, parent: site), source: .assumed(site))
        try await withGRPCServer(
            transport: transport.server, services: [EdgeNodeService(handler: handler)], interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                let edge = EdgeClient(client, policy: .patient)
                #expect(try await edge.applyDeploy(Self.desiredState(generation: 2)).outcome == .accepted)
                #expect(try await edge.applyDeploy(Self.desiredState(generation: 2)).outcome == .unchanged)
                let stale = await #expect(throws: MargoError.self) {
                    try await edge.applyDeploy(Self.desiredState(generation: 1))
                }
                #expect(stale?.code == .staleGeneration)
                let status = try await edge.nodeStatus()
                #expect(status.deployments.map(\.deployment) == ["hello"])
                #expect(status.deployments.first?.observedGeneration == 2)
                #expect(
                    try await edge.removeDeploy(FleetRemoval(deployment: "hello", generation: 3)).outcome == .accepted)
            }
        }
        #expect(handler.state.withLock { $0.callers }.allSatisfy { $0 == site })
    }

    @Test("a caller that is not the node's parent is refused PERMISSION_DENIED before the handler runs")
    func notTheParent() async throws {
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let otherSite = try SPIFFEIdentity.site("store-0099", in: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let handler = RecordingEdgeNode()
        let transport = InProcessTransport()
        let interceptor = PeerIdentityInterceptor(
            authorization: PeerAuthorization(server: node, parent: site), source: .assumed(otherSite))
        try await withGRPCServer(
            transport: transport.server, services: [EdgeNodeService(handler: handler)], interceptors: [interceptor]
        ) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                let error = await #expect(throws: MargoError.self) {
                    try await EdgeClient(client, policy: .patient).applyDeploy(Self.desiredState(generation: 1))
                }
                #expect(error?.code == .permissionDenied)
                #expect(error?.message.contains("store-0099") == true)
            }
        }
        #expect(handler.state.withLock { $0.callers }.isEmpty)
        #expect(interceptor.denials == 1)
    }

    /// Issues TLS material for `identity` from `authority`.
    static func material(_ identity: SPIFFEIdentity, from authority: CertificateAuthority) async throws -> TLSMaterial {
        let issued = try authority.issue(identity: identity)
        return try await TLSMaterial(
            certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM,
            caCertificatePEM: issued.caCertificatePEM)
    }

    @Test("over mutual TLS on loopback: the parent's certificate is accepted, a sibling node's is refused")
    func mutualTLS() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let sibling = try SPIFFEIdentity.node("edge-02", in: Self.domain)
        let serverTLS = try await Self.material(node, from: authority)
        let handler = RecordingEdgeNode()
        let server = GRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), tls: serverTLS),
            services: [EdgeNodeService(handler: handler)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: node, parent: site))])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let address = try #require(try await server.listeningAddress?.ipv4)
            let endpoint = MargoEndpoint(host: address.host, port: address.port)

            let parentTLS = try await Self.material(site, from: authority)
            let parentTransport = try MargoTransport.client(connectingTo: endpoint, tls: parentTLS)
            let first = try await withGRPCClient(transport: parentTransport) { client in
                try await EdgeClient(client, policy: .patient).applyDeploy(Self.desiredState(generation: 1))
            }
            #expect(first.outcome == .accepted)

            let siblingTLS = try await Self.material(sibling, from: authority)
            let siblingTransport = try MargoTransport.client(connectingTo: endpoint, tls: siblingTLS)
            try await withGRPCClient(transport: siblingTransport) { client in
                let error = await #expect(throws: MargoError.self) {
                    try await EdgeClient(client, policy: .patient).applyDeploy(Self.desiredState(generation: 2))
                }
                #expect(error?.code == .permissionDenied)
            }

            // A client whose certificate comes from another CA cannot even complete the handshake.
            let strangerCA = try CertificateAuthority.create(trustDomain: Self.domain)
            let strangerTLS = try await Self.material(site, from: strangerCA)
            // One attempt; the deadline is for a hung call only, as the refused handshake ends the call at once.
            let options = MargoCallPolicy(timeout: .seconds(30), maxAttempts: 1)
            let strangerTransport = try MargoTransport.client(connectingTo: endpoint, tls: strangerTLS)
            try await withGRPCClient(transport: strangerTransport) { client in
                let error = await #expect(throws: MargoError.self) {
                    try await EdgeClient(client, policy: options).applyDeploy(Self.desiredState(generation: 3))
                }
                #expect(error?.code == .unavailable)
            }
            server.beginGracefulShutdown()
        }
        #expect(handler.state.withLock { $0.callers } == [site])
        #expect(handler.state.withLock { $0.applied["hello"] } == 1)
    }
}
