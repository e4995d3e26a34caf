import EOSMargo
import EOSSecurity
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Synchronization

/// A site's `Upstream` server and one node attached to it (`Upstream.Attach`) over mutual TLS on loopback, opened
/// before a benchmark's measured region and closed after it: the road a site's calls to its nodes take.
final class LoopbackAttachment: Sendable {
    private struct Open: Sendable {
        let child: AttachedChild
        let client: GRPCClient<HTTP2ClientTransport.Posix>
        let connecting: Task<Void, any Error>
        let attached: Task<Void, any Error>
        let serving: Task<Void, any Error>
        let shutDownServer: @Sendable () -> Void
    }

    private let open = Mutex<Open?>(nil)

    /// The node, as the site calls it, while attached.
    var child: AttachedChild {
        guard let child = open.withLock({ $0?.child }) else {
            fatalError("LoopbackAttachment.child used before start() or after stop()")
        }
        return child
    }

    /// Starts the site's server, connects the node with `handler` answering, and waits until it is attached.
    func start(handler: some EdgeNodeHandler) async throws {
        let domain = "fleet.example.com"
        let site = try SPIFFEIdentity.site("store-0042", in: domain)
        let node = try SPIFFEIdentity.node("edge-01", in: domain)
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let attachments = ChildAttachments()
        let server = GRPCServer(
            transport: MargoTransport.server(
                listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0),
                tls: try await TLSMaterial(authority.issue(identity: site))),
            services: [UpstreamService(handler: CountingParent(attachments: attachments))],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: site))])
        let serving = Task { try await server.serve() }
        guard let address = try await server.listeningAddress?.ipv4 else {
            server.beginGracefulShutdown()
            throw LoopbackFailure(message: "the server did not bind an IPv4 address on loopback")
        }
        let client = GRPCClient(
            transport: try MargoTransport.client(
                connectingTo: MargoEndpoint(host: address.host, port: address.port),
                tls: try await TLSMaterial(authority.issue(identity: node)), expecting: .identity(site)))
        let connecting = Task { try await client.runConnections() }
        let attached = Task {
            try await UpstreamClient(client).attach(
                serving: handler, server: { site }, authorization: { PeerAuthorization(server: node, parent: site) },
                logger: Logger(label: "benchmark"))
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while attachments.child("edge-01") == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        guard let child = attachments.child("edge-01") else {
            throw LoopbackFailure(message: "the node did not attach within 30 s")
        }
        open.withLock {
            $0 = Open(
                child: child, client: client, connecting: connecting, attached: attached, serving: serving,
                shutDownServer: { server.beginGracefulShutdown() })
        }
    }

    /// Detaches the node, closes its client and the server, and waits for all of them.
    func stop() async throws {
        guard let running = open.withLock({ $0.take() }) else { return }
        running.attached.cancel()
        _ = await running.attached.result
        running.client.beginGracefulShutdown()
        try await running.connecting.value
        running.shutDownServer()
        try await running.serving.value
    }
}
