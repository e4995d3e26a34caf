public import EOSSecurity
internal import NIOSSL
internal import Synchronization

/// The client side of mutual TLS for one holder of ``TLSMaterial``, set up once and shared by every connection the
/// holder opens.
///
/// A TLS context holds the parsed certificate, private key and trust store. A parent that calls many children (a
/// site its nodes, the central its sites) shares one through ``ChildConnections`` instead of parsing the PEM texts
/// and keeping a context per child. The context is made on the first mutual-TLS connection, so a client on the
/// in-process network never makes one. Copies share it.
public struct MargoClientTLS: Sendable {
    /// The certificate, key and trust root the context is made from.
    public let material: TLSMaterial
    private let shared: SharedContext

    /// The client side of mutual TLS for `material`.
    public init(_ material: TLSMaterial) {
        self.material = material
        self.shared = SharedContext()
    }

    /// The TLS context, made on first use: the holder's chain and key, the fleet CA as the only trust root, and the
    /// server's certificate verified against it without a host name check (a peer is its SPIFFE identity, which
    /// ``TLSSessionGuard`` checks). TLS 1.2 is still negotiated so that the guard, not the handshake, refuses it
    /// with a message that says why.
    func context() throws(MargoError) -> NIOSSLContext {
        do {
            return try shared.context.withLock { context in
                if let context { return context }
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8))
                    .map { .certificate($0) }
                configuration.privateKey = .privateKey(
                    try NIOSSLPrivateKey(bytes: Array(material.privateKeyPEM.utf8), format: .pem))
                configuration.trustRoots = .certificates(
                    try NIOSSLCertificate.fromPEMBytes(Array(material.caCertificatePEM.utf8)))
                configuration.certificateVerification = .noHostnameVerification
                configuration.minimumTLSVersion = .tlsv12
                configuration.applicationProtocols = ["grpc-exp", "h2"]
                let made = try NIOSSLContext(configuration: configuration)
                context = made
                return made
            }
        } catch {
            throw MargoError(
                code: .unavailable, message: "cannot set up TLS as \(material.identity)", cause: error)
        }
    }

    private final class SharedContext: Sendable {
        let context = Mutex<NIOSSLContext?>(nil)
    }
}
