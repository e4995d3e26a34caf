import EOSMargo
import EOSSecurity
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import Synchronization

/// A gRPC server and one client connected to it, opened before a benchmark's measured region and closed after it.
///
/// The production path is ``mutualTLS(server:client:authorization:services:)``: one HTTP/2 connection over TLS 1.3
/// on 127.0.0.1, the server checking the client's certificate with ``PeerIdentityInterceptor`` and the client
/// pinning the server's identity, as deployed peers do. The plaintext and in-process variants take layers away
/// (TLS, then the network stack) so a run shows what each layer costs.
final class LoopbackConnection<Transport: ClientTransport>: Sendable {
    /// What runs while the connection is open.
    struct Open: Sendable {
        let client: GRPCClient<Transport>
        let connecting: Task<Void, any Error>
        let serving: Task<Void, any Error>
        let shutDownServer: @Sendable () -> Void
    }

    private let opening: @Sendable () async throws -> Open
    private let open = Mutex<Open?>(nil)

    private init(opening: @escaping @Sendable () async throws -> Open) { self.opening = opening }

    /// The client, while the connection is open.
    var client: GRPCClient<Transport> {
        guard let client = open.withLock({ $0?.client }) else {
            fatalError("LoopbackConnection.client used before start() or after stop()")
        }
        return client
    }

    /// Starts the server and connects the client.
    func start() async throws {
        let running = try await opening()
        open.withLock { $0 = running }
    }

    /// Shuts the client and then the server down gracefully and waits for both.
    func stop() async throws {
        guard let running = open.withLock({ $0.take() }) else { return }
        running.client.beginGracefulShutdown()
        try await running.connecting.value
        running.shutDownServer()
        try await running.serving.value
    }

    /// Runs `server` and a client of it on `transport`.
    ///
    /// The benchmark harness offers setup and teardown hooks but no scope that spans the iterations, so the server
    /// and client run in tasks owned by the connection and are shut down and awaited in ``stop()``.
    fileprivate static func running<ServerTransport>(
        _ server: GRPCServer<ServerTransport>, client transport: @Sendable () async throws -> Transport
    ) async throws -> Open {
        let serving = Task { try await server.serve() }
        do {
            let client = GRPCClient(transport: try await transport())
            let connecting = Task { try await client.runConnections() }
            return Open(
                client: client, connecting: connecting, serving: serving,
                shutDownServer: { server.beginGracefulShutdown() })
        } catch {
            server.beginGracefulShutdown()
            _ = await serving.result
            throw error
        }
    }
}

extension LoopbackConnection where Transport == HTTP2ClientTransport.Posix {
    /// EOS's transports: mutual TLS 1.3 over HTTP/2 on 127.0.0.1, certificates from a fresh CA of the server's
    /// trust domain.
    static func mutualTLS(
        server: SPIFFEIdentity, client: SPIFFEIdentity, authorization: PeerAuthorization,
        services: @escaping @Sendable () -> [any RegistrableRPCService]
    ) -> LoopbackConnection {
        LoopbackConnection {
            let authority = try CertificateAuthority.create(trustDomain: server.trustDomain)
            let grpcServer = GRPCServer(
                transport: MargoTransport.server(
                    listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0),
                    tls: try await TLSMaterial(authority.issue(identity: server))),
                services: services(),
                interceptors: [PeerIdentityInterceptor(authorization: authorization)])
            let clientTLS = try await TLSMaterial(authority.issue(identity: client))
            return try await running(grpcServer) {
                let address = try await listeningAddress(of: grpcServer)
                return try MargoTransport.client(connectingTo: address, tls: clientTLS, expecting: .identity(server))
            }
        }
    }

    /// The same HTTP/2 transport without TLS; the caller's identity is assumed instead of read from a certificate.
    static func plaintext(
        client: SPIFFEIdentity, authorization: PeerAuthorization,
        services: @escaping @Sendable () -> [any RegistrableRPCService]
    ) -> LoopbackConnection {
        LoopbackConnection {
            let grpcServer = GRPCServer(
                transport: HTTP2ServerTransport.Posix(
                    address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
                services: services(),
                interceptors: [PeerIdentityInterceptor(authorization: authorization, source: .assumed(client))])
            return try await running(grpcServer) {
                let address = try await listeningAddress(of: grpcServer)
                return try HTTP2ClientTransport.Posix(
                    target: .ipv4(address: address.host, port: address.port), transportSecurity: .plaintext)
            }
        }
    }

    /// grpc-swift-nio-transport's own mutual TLS, no EOS code in the path: `services` with no interceptor, the
    /// transports' certificate checks without EOS's (certificates from a fresh CA, as for ``mutualTLS``).
    static func bareMutualTLS(services: @escaping @Sendable () -> [any RegistrableRPCService]) -> LoopbackConnection {
        LoopbackConnection {
            let authority = try CertificateAuthority.create(trustDomain: "bench.example.com")
            let serverTLS = try await TLSMaterial(authority.issue(identity: .central(in: "bench.example.com")))
            let clientTLS = try await TLSMaterial(authority.issue(identity: .site("bench", in: "bench.example.com")))
            let roots = TLSConfig.TrustRootsSource.certificates([
                .bytes(Array(serverTLS.caCertificatePEM.utf8), format: .pem)
            ])
            let grpcServer = GRPCServer(
                transport: HTTP2ServerTransport.Posix(
                    address: .ipv4(host: "127.0.0.1", port: 0),
                    transportSecurity: .mTLS(
                        certificateChain: [.bytes(Array(serverTLS.certificatePEM.utf8), format: .pem)],
                        privateKey: .bytes(Array(serverTLS.privateKeyPEM.utf8), format: .pem)
                    ) { $0.trustRoots = roots }),
                services: services())
            return try await running(grpcServer) {
                let address = try await listeningAddress(of: grpcServer)
                return try HTTP2ClientTransport.Posix(
                    target: .ipv4(address: address.host, port: address.port),
                    transportSecurity: .mTLS(
                        certificateChain: [.bytes(Array(clientTLS.certificatePEM.utf8), format: .pem)],
                        privateKey: .bytes(Array(clientTLS.privateKeyPEM.utf8), format: .pem)
                    ) { config in
                        config.trustRoots = roots
                        config.serverCertificateVerification = .noHostnameVerification
                    })
            }
        }
    }

    /// grpc-swift-nio-transport's plaintext HTTP/2, no EOS code in the path.
    static func barePlaintext(services: @escaping @Sendable () -> [any RegistrableRPCService]) -> LoopbackConnection {
        LoopbackConnection {
            let grpcServer = GRPCServer(
                transport: HTTP2ServerTransport.Posix(
                    address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
                services: services())
            return try await running(grpcServer) {
                let address = try await listeningAddress(of: grpcServer)
                return try HTTP2ClientTransport.Posix(
                    target: .ipv4(address: address.host, port: address.port), transportSecurity: .plaintext)
            }
        }
    }

    private static func listeningAddress(
        of server: GRPCServer<HTTP2ServerTransport.Posix>
    ) async throws -> MargoEndpoint {
        guard let address = try await server.listeningAddress?.ipv4 else {
            throw LoopbackFailure(message: "the server did not bind an IPv4 address on loopback")
        }
        return MargoEndpoint(host: address.host, port: address.port)
    }
}

extension LoopbackConnection where Transport == InProcessTransport.Client {
    /// gRPC's in-process transport: no sockets, no HTTP/2, no TLS; what remains is gRPC's call machinery,
    /// protobuf and EOS's mapping and checks.
    static func inProcess(
        client: SPIFFEIdentity, authorization: PeerAuthorization,
        services: @escaping @Sendable () -> [any RegistrableRPCService]
    ) -> LoopbackConnection {
        LoopbackConnection {
            let transport = InProcessTransport()
            let grpcServer = GRPCServer(
                transport: transport.server, services: services(),
                interceptors: [PeerIdentityInterceptor(authorization: authorization, source: .assumed(client))])
            return try await running(grpcServer) { transport.client }
        }
    }
}

extension LoopbackConnection where Transport == InProcessTransport.Client {
    /// gRPC's in-process transport with `services` and no interceptor: gRPC's call machinery alone.
    static func bareInProcess(services: @escaping @Sendable () -> [any RegistrableRPCService]) -> LoopbackConnection {
        LoopbackConnection {
            let transport = InProcessTransport()
            return try await running(GRPCServer(transport: transport.server, services: services())) { transport.client }
        }
    }
}

/// Why a loopback connection could not be set up or a benchmark's answer was wrong.
struct LoopbackFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
