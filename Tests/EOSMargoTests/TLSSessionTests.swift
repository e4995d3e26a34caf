import EOSModel
import EOSSecurity
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOSSL
import Testing

@testable import EOSMargo

@Suite("TLS sessions between EOS peers")
struct TLSSessionTests {
    static let domain = "fleet.example.com"

    /// Runs an EN's `EdgeNode` server over mutual TLS on loopback and hands `body` its endpoint.
    static func withEdgeServer(
        authority: CertificateAuthority, handler: RecordingEdgeNode,
        _ body: (MargoEndpoint) async throws -> Void
    ) async throws {
        let node = try SPIFFEIdentity.node("edge-01", in: domain)
        let site = try SPIFFEIdentity.site("store-0042", in: domain)
        let server = GRPCServer(
            transport: MargoTransport.server(
                listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0),
                tls: try await EdgeNodeCallTests.material(node, from: authority)),
            services: [EdgeNodeService(handler: handler)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: node, parent: site))])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let address = try #require(try await server.listeningAddress?.ipv4)
            try await body(MargoEndpoint(host: address.host, port: address.port))
            server.beginGracefulShutdown()
        }
    }

    /// One attempt, so a refusal is seen as it is; a deadline for a hung call, not for a slow machine: the whole
    /// suite shares two cores, and a refused handshake still ends as `unavailable` long before it.
    static let singleAttempt = MargoCallPolicy(timeout: .seconds(30), maxAttempts: 1)

    /// Expects an apply of `generation` over `transport` to be refused `UNAVAILABLE`, as a refused session is.
    static func expectUnavailable(_ transport: HTTP2ClientTransport.Posix, generation: Int64) async throws {
        try await withGRPCClient(transport: transport) { client in
            let error = await #expect(throws: MargoError.self) {
                try await EdgeClient(client, policy: singleAttempt)
                    .applyDeploy(EdgeNodeCallTests.desiredState(generation: generation))
            }
            #expect(error?.code == .unavailable)
        }
    }

    @Test("a client that pins the server's identity reaches the right server and refuses any other")
    func pinnedServerIdentity() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let siteTLS = try await EdgeNodeCallTests.material(site, from: authority)
        let handler = RecordingEdgeNode()
        try await Self.withEdgeServer(authority: authority, handler: handler) { endpoint in
            let right = try MargoTransport.client(
                connectingTo: endpoint, tls: siteTLS,
                expecting: .identity(try .node("edge-01", in: Self.domain)))
            let applied = try await withGRPCClient(transport: right) { client in
                try await EdgeClient(client, policy: Self.singleAttempt)
                    .applyDeploy(EdgeNodeCallTests.desiredState(generation: 1))
            }
            #expect(applied.outcome == .accepted)

            // Any node of the fleet may serve `EdgeNode`, but this client wants edge-02: edge-01 is refused.
            try await Self.expectUnavailable(
                MargoTransport.client(
                    connectingTo: endpoint, tls: siteTLS,
                    expecting: .identity(try .node("edge-02", in: Self.domain))),
                generation: 2)

            // A child expecting its parent (a site or the central) does not accept a node posing as one.
            try await Self.expectUnavailable(
                MargoTransport.client(
                    connectingTo: endpoint, tls: siteTLS, expecting: .parent(inTrustDomain: Self.domain)),
                generation: 3)
        }
        #expect(handler.state.withLock { $0.applied["hello"] } == 1)
    }

    @Test("clients that share one TLS context each keep their own pinned server and server name")
    func sharedClientContext() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let shared = MargoClientTLS(try await EdgeNodeCallTests.material(site, from: authority))
        let copy = shared
        #expect(try shared.context() === copy.context())
        let handler = RecordingEdgeNode()
        try await Self.withEdgeServer(authority: authority, handler: handler) { endpoint in
            // By address (no server name) and by name (sent as the server name), both pinned to the right node.
            for (generation, target) in [endpoint, MargoEndpoint(host: "localhost", port: endpoint.port)].enumerated() {
                let right = try MargoTransport.client(
                    connectingTo: target, tls: shared, expecting: .identity(try .node("edge-01", in: Self.domain)))
                let applied = try await withGRPCClient(transport: right) { client in
                    try await EdgeClient(client, policy: Self.singleAttempt)
                        .applyDeploy(EdgeNodeCallTests.desiredState(generation: Int64(generation) + 1))
                }
                #expect(applied.outcome == .accepted)
            }
            try await Self.expectUnavailable(
                MargoTransport.client(
                    connectingTo: endpoint, tls: copy, expecting: .identity(try .node("edge-02", in: Self.domain))),
                generation: 3)
        }
        #expect(handler.state.withLock { $0.applied["hello"] } == 2)
    }

    @Test("the server closes a connection that negotiated TLS 1.2 before any call reaches a handler")
    func tls12Refused() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        let siteTLS = try await EdgeNodeCallTests.material(site, from: authority)
        let handler = RecordingEdgeNode()
        try await Self.withEdgeServer(authority: authority, handler: handler) { endpoint in
            // A client offering TLS 1.2 at most, with an otherwise valid certificate from the fleet CA.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.maximumTLSVersion = .tlsv12
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(siteTLS.certificatePEM.utf8)).map {
                .certificate($0)
            }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(siteTLS.privateKeyPEM.utf8), format: .pem))
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(siteTLS.caCertificatePEM.utf8)))
            tls.certificateVerification = .noHostnameVerification
            tls.applicationProtocols = ["grpc-exp", "h2"]
            let context = try NIOSSLContext(configuration: tls)
            var config = HTTP2ClientTransport.Posix.Config.defaults
            config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: nil), position: .first)
                }
            }
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: endpoint.host, port: endpoint.port), transportSecurity: .customSecure,
                config: config)
            try await Self.expectUnavailable(transport, generation: 1)

            // The same certificate over TLS 1.3 is served.
            let modern = try MargoTransport.client(connectingTo: endpoint, tls: siteTLS)
            let applied = try await withGRPCClient(transport: modern) { client in
                try await EdgeClient(client, policy: Self.singleAttempt)
                    .applyDeploy(EdgeNodeCallTests.desiredState(generation: 2))
            }
            #expect(applied.outcome == .accepted)
        }
        #expect(handler.state.withLock { $0.applied["hello"] } == 2)
        #expect(handler.state.withLock { $0.callers.count } == 1)
    }
}
