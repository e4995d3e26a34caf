internal import EOSSecurity
internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import X509

/// Closes a connection, right after its TLS handshake and before any gRPC data crosses it, when the session is not
/// what EOS peers speak: TLS older than 1.3, or (on a client that pins its server) a server whose SPIFFE identity
/// is not the expected one.
///
/// The handshake itself has already checked the peer's chain against the fleet CA; this guard adds what the gRPC
/// transport does not let a caller configure. It sits right behind the TLS handler, so nothing the peer sent
/// reaches HTTP/2 once the session is refused.
final class TLSSessionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let expectedPeer: MargoPeerExpectation?
    private let endpoint: String
    private let onPeerIdentity: (@Sendable (SPIFFEIdentity) -> Void)?
    private var refused = false

    init(
        expectedPeer: MargoPeerExpectation?, endpoint: String, onPeerIdentity: (@Sendable (SPIFFEIdentity) -> Void)?
    ) {
        self.expectedPeer = expectedPeer
        self.endpoint = endpoint
        self.onPeerIdentity = onPeerIdentity
    }

    /// Installs a guard behind the channel's TLS handler, followed by a ``PlaintextCompactor``; a channel without a
    /// TLS handler is left alone.
    static func install(
        on channel: any Channel, expectedPeer: MargoPeerExpectation?, endpoint: String,
        onPeerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            guard let tls = try? operations.handler(type: NIOSSLHandler.self) else { return }
            try operations.addHandlers(
                [
                    TLSSessionGuard(expectedPeer: expectedPeer, endpoint: endpoint, onPeerIdentity: onPeerIdentity),
                    PlaintextCompactor(),
                ],
                position: .after(tls))
        }
    }

    /// Puts a TLS client handler on `context` first in a client connection's pipeline, with a guard and a
    /// ``PlaintextCompactor`` behind it, for a transport that leaves TLS to its caller.
    ///
    /// - Parameter serverHostname: the name sent as the server name, or `nil` for an endpoint given as an address.
    static func installClient(
        on channel: any Channel, context: NIOSSLContext, serverHostname: String?,
        expectedPeer: MargoPeerExpectation?, endpoint: String, onPeerIdentity: (@Sendable (SPIFFEIdentity) -> Void)?
    ) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
                [
                    try NIOSSLClientHandler(context: context, serverHostname: serverHostname),
                    TLSSessionGuard(expectedPeer: expectedPeer, endpoint: endpoint, onPeerIdentity: onPeerIdentity),
                    PlaintextCompactor(),
                ],
                position: .first)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent, let problem = sessionProblem(context) {
            refused = true
            context.fireErrorCaught(MargoError(code: .permissionDenied, message: "\(endpoint): \(problem)"))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        context.fireChannelRead(data)
    }

    /// Why the session just negotiated is refused, or `nil` when it is fine.
    private func sessionProblem(_ context: ChannelHandlerContext) -> String? {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self) else {
            return "the TLS session is gone"
        }
        guard tls.tlsVersion == .tlsv13 else {
            return
                "the peer negotiated \(tls.tlsVersion.map { "\($0)" } ?? "an unknown TLS version"); EOS requires TLS 1.3"
        }
        guard expectedPeer != nil || onPeerIdentity != nil else { return nil }
        guard let presented = tls.peerCertificate else { return "the peer presented no certificate" }
        let identity: SPIFFEIdentity
        do {
            identity = try PeerAuthorization.identity(of: Certificate(derEncoded: presented.toDERBytes()))
        } catch {
            return "the peer's certificate carries no EOS identity: \(error)"
        }
        if let problem = expectedPeer?.problem(with: identity) { return problem }
        onPeerIdentity?(identity)
        return nil
    }
}
