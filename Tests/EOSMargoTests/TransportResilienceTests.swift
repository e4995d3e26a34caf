import EOSModel
import EOSSecurity
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization
import Testing

@testable import EOSMargo

/// An EN whose `ApplyDeploy` never answers: it stays silent until gRPC cancels the RPC.
///
/// gRPC tells a server handler that its RPC is over (the deadline passed, the caller reset the stream, the server is
/// shutting down) through the RPC's cancellation handle, not by cancelling the handler's task, so the handler
/// listens for that; a server with such a call still in flight could not finish a graceful shutdown otherwise.
final class UnansweringEdgeNode: EdgeNodeHandler {
    struct State {
        var started = 0
        var finished = 0
    }
    let state = Mutex(State())

    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        state.withLock { $0.started += 1 }
        defer { state.withLock { $0.finished += 1 } }
        let (silence, end) = AsyncStream<Never>.makeStream()
        // The loop ends when `end` finishes (gRPC cancelled the RPC) or when this task is cancelled.
        await withRPCCancellationHandler {
            for await _ in silence {}
        } onCancelRPC: {
            end.finish()
        }
        try Task.checkCancellation()
        // What a server says when it gives up on a call whose deadline passed, should this reach the caller first.
        throw RPCError(code: .deadlineExceeded, message: "ApplyDeploy was cancelled before it answered")
    }

    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        ApplyResult(outcome: .accepted, generation: removal.generation)
    }

    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus {
        NodeStatus(nodeID: "edge-01", liveness: nil, deployments: [])
    }
}

/// How the mTLS transport behaves when the far side goes away or is slow. Outcomes only, never timings: these run
/// on a loaded two-core CI machine beside the rest of the suite.
@Suite("Margo transport resilience", .timeLimit(.minutes(5)))
struct TransportResilienceTests {
    static let domain = "fleet.example.com"

    /// An EdgeNode server for `handler` on 127.0.0.1:`port` (0: any free port), its parent `site`.
    static func edgeServer(
        port: Int, tls: TLSMaterial, handler: some EdgeNodeHandler, node: SPIFFEIdentity, parent site: SPIFFEIdentity
    ) -> GRPCServer<HTTP2ServerTransport.Posix> {
        GRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: port), tls: tls),
            services: [EdgeNodeService(handler: handler)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: node, parent: site))])
    }

    @Test("one long-lived client reconnects by itself to a server restarted on the same port")
    func reconnectsAfterRestart() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let serverTLS = try await EdgeNodeCallTests.material(node, from: authority)
        let clientTLS = try await EdgeNodeCallTests.material(site, from: authority)
        let beforeRestart = RecordingEdgeNode()
        let afterRestart = RecordingEdgeNode()

        let firstServer = Self.edgeServer(port: 0, tls: serverTLS, handler: beforeRestart, node: node, parent: site)
        // `async let` ties each server and the client to this scope: an early `throw` cancels and awaits them.
        async let firstServing: Void = firstServer.serve()
        let address = try #require(try await firstServer.listeningAddress?.ipv4)
        let endpoint = MargoEndpoint(host: address.host, port: address.port)

        let client = GRPCClient(transport: try MargoTransport.client(connectingTo: endpoint, tls: clientTLS))
        async let clientRunning: Void = client.runConnections()
        let edge = EdgeClient(client, policy: MargoCallPolicy.patient)
        #expect(try await edge.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1)).outcome == .accepted)

        // Down fully: no listener, and the client's connection closed by the server.
        firstServer.beginGracefulShutdown()
        try await firstServing

        let secondServer = Self.edgeServer(
            port: address.port, tls: serverTLS, handler: afterRestart, node: node, parent: site)
        async let secondServing: Void = secondServer.serve()
        #expect(try await secondServer.listeningAddress?.ipv4?.port == address.port)

        // The same client, no new transport: waitForReady holds the call while the client reconnects, however long
        // its backoff takes on a busy machine, within a generous deadline.
        var patient = MargoCallPolicy.patient
        patient.waitForReady = true
        let second = try await EdgeClient(client, policy: patient).applyDeploy(
            EdgeNodeCallTests.desiredState(generation: 2))
        #expect(second.outcome == .accepted)
        #expect(second.generation == 2)
        // Once reconnected, the typed client works over it again.
        let status = try await edge.nodeStatus()
        #expect(status.deployments.map(\.observedGeneration) == [2])

        secondServer.beginGracefulShutdown()
        client.beginGracefulShutdown()
        try await secondServing
        try await clientRunning

        // Each call reached the server that was up at the time, from the parent site.
        #expect(beforeRestart.state.withLock { $0.applied } == ["hello": 1])
        #expect(afterRestart.state.withLock { $0.applied } == ["hello": 2])
        #expect(beforeRestart.state.withLock { $0.callers } == [site])
        #expect(afterRestart.state.withLock { $0.callers } == [site])
    }

    @Test("a call whose handler never answers fails deadlineExceeded, and the silent handler is freed")
    func deadlineExpires() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let node = try SPIFFEIdentity.node("edge-01", in: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let serverTLS = try await EdgeNodeCallTests.material(node, from: authority)
        let clientTLS = try await EdgeNodeCallTests.material(site, from: authority)
        let handler = UnansweringEdgeNode()

        let server = Self.edgeServer(port: 0, tls: serverTLS, handler: handler, node: node, parent: site)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let address = try #require(try await server.listeningAddress?.ipv4)
            let transport = try MargoTransport.client(
                connectingTo: MargoEndpoint(host: address.host, port: address.port), tls: clientTLS)
            try await withGRPCClient(transport: transport) { client in
                // The connection is up before the short deadline starts, so only the handler's silence spends it.
                _ = try await EdgeClient(client, policy: MargoCallPolicy.patient).nodeStatus()
                let impatient = EdgeClient(client, policy: MargoCallPolicy(timeout: .milliseconds(300), maxAttempts: 1))
                let error = await #expect(throws: MargoError.self) {
                    try await impatient.applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
                }
                #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
            }
            // Returns only once every call in flight has ended: the silent handler must have been let go.
            server.beginGracefulShutdown()
        }
        let state = handler.state.withLock { $0 }
        #expect(state.started <= 1, "one attempt only, never retried")
        #expect(state.finished == state.started)
    }
}
