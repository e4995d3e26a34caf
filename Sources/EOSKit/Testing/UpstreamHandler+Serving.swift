public import EOSKit
internal import GRPCCore
internal import GRPCNIOTransportHTTP2

/// Why a test server could not be served.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
}

extension UpstreamHandler {
    /// Serves this handler as the `Upstream` of the peer `tls` belongs to (a site or the central), behind the
    /// peer-identity interceptor, on loopback mutual TLS until `body` returns; `body` gets the address. Port 0 lets
    /// the system choose; a port given again serves where an earlier server stood, so a test can take a parent
    /// down and bring it back.
    public func serving<T>(
        as tls: TLSMaterial, port: Int = 0, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        let server = GRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: port), tls: tls),
            services: [UpstreamService(handler: self)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: tls.identity))])
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await server.serveGracefully() }
            guard let endpoint = await server.listeningEndpoint else {
                throw TestServerError(description: "the Upstream server did not start on 127.0.0.1:\(port)")
            }
            let result = try await body(endpoint)
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}
