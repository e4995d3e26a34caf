public import EOSSecurity
public import GRPCCore
internal import GRPCNIOTransportHTTP2
public import Logging
internal import Metrics
internal import Synchronization
internal import X509

/// Refuses, before any handler runs, every call whose caller may not make it, and hands the verified caller to
/// the handler.
///
/// The caller's identity is the `spiffe://` URI SAN of the client certificate the mTLS transport verified against
/// the fleet's CA (on an ``InProcessNetwork``, the identity the network attests in ``InProcessPeer``). The method
/// decides the rule (DESIGN §5): only the central identity calls `LocalOrchestrator`, only a node's parent calls
/// `EdgeNode`, only sites and nodes call `Upstream`. Rules about what a request claims (a node registering as itself)
/// are checked by the service with ``VerifiedPeer/authorization``, since they need the message. Refusals are
/// `PERMISSION_DENIED` with the reason; each is logged as a warning with the method and the caller, and counted in
/// ``denials`` and in the `eos_margo_denials_total` metric (dimension `method`).
///
/// A call on a mutual-TLS connection whose client certificate the transport could not read is not a refusal: the
/// handshake admits no connection without one, so that happens only when the connection closes as the call opens.
/// It is answered `UNAVAILABLE`, which callers retry, and is neither logged nor counted.
public struct PeerIdentityInterceptor: ServerInterceptor {
    /// Where the caller's identity comes from.
    public enum IdentitySource: Sendable {
        /// The verified client certificate of an mTLS connection, or the identity an ``InProcessNetwork`` attests.
        case clientCertificate
        /// A fixed identity, for in-process transports, which have no certificates (tests and single-process fleets).
        case assumed(SPIFFEIdentity)
    }

    /// The serving peer's policy, as it stands now.
    public var authorization: PeerAuthorization { currentAuthorization() }
    private let currentAuthorization: @Sendable () -> PeerAuthorization
    /// Where the caller's identity comes from.
    public let source: IdentitySource
    private let denialCount = DenialCounter()
    private let identities = CertificateIdentities()
    private let logger: Logger

    /// The metric counting refusals.
    public static let denialsMetric = "eos_margo_denials_total"

    /// Creates the interceptor for a peer with `authorization`.
    ///
    /// - Parameter logger: where refusals are logged, as warnings.
    public init(
        authorization: PeerAuthorization, source: IdentitySource = .clientCertificate,
        logger: Logger = Logger(label: "eos.margo.peer-identity")
    ) {
        self.init(currentAuthorization: { authorization }, source: source, logger: logger)
    }

    /// Creates the interceptor for a peer whose policy can change while it serves: an Edge Node that learns its
    /// parent when it first reaches its upstream. `currentAuthorization` is asked on every call.
    public init(
        currentAuthorization: @escaping @Sendable () -> PeerAuthorization,
        source: IdentitySource = .clientCertificate, logger: Logger = Logger(label: "eos.margo.peer-identity")
    ) {
        self.currentAuthorization = currentAuthorization
        self.source = source
        self.logger = logger
    }

    /// How many calls were refused so far.
    public var denials: Int { denialCount.value }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        // Checked in a synchronous function: this frame lives as long as the call, which for a node's Attach stream is
        // as long as its connection, so it keeps only what the call needs.
        try await next(request, verified(context))
    }

    /// `context` with the verified caller in it, or the refusal.
    private func verified(_ context: ServerContext) throws -> ServerContext {
        guard let rpc = Self.rpc(context.descriptor) else {
            throw deny(nil, "\(context.descriptor) is not an EOS method")
        }
        let caller: SPIFFEIdentity
        switch source {
        case .assumed(let identity):
            caller = identity
        case .clientCertificate:
            if let peer = context.transportSpecific as? InProcessPeer {
                caller = peer.identity
                break
            }
            guard let connection = context.transportSpecific as? HTTP2ServerTransport.Posix.Context else {
                throw deny(rpc, "\(rpc) needs a client certificate carrying an EOS identity, and the caller has none")
            }
            guard let certificate = connection.peerCertificate else {
                // The handshake admitted no connection without a verified client certificate, so the transport
                // could not read it: the connection closed between the call opening and this check.
                throw RPCError(
                    code: .unavailable,
                    message: "\(rpc): the connection closed before its client certificate could be read; call again")
            }
            do {
                caller = try identities.identity(of: certificate)
            } catch {
                throw deny(rpc, "the caller's certificate carries no usable EOS identity: \(error.message)")
            }
        }
        // Subject rules need the message; here only who may call the method at all. For Upstream the caller's
        // own identity stands in as the subject, which every role-level rule accepts when the caller is a child.
        let subject: AuthorizationSubject? =
            switch (rpc.service, caller.role) {
            case (.upstream, .site): .site(caller.id ?? "")
            case (.upstream, .node): .node(caller.id ?? "")
            default: nil
            }
        let authorization = currentAuthorization()
        if case .deny(let reason) = authorization.decide(rpc, caller: caller, subject: subject) {
            throw deny(rpc, reason)
        }
        var verified = context
        verified.transportSpecific = VerifiedPeer(
            identity: caller, authorization: authorization, transportContext: context.transportSpecific)
        return verified
    }

    /// Each EOS method by its name, with the fully qualified service that serves it: finding a call's RPC is then
    /// one lookup and one comparison, not text built and matched on every call.
    private static let rpcsByMethod: [String: (service: String, rpc: MargoRPC)] = Dictionary(
        uniqueKeysWithValues: MargoRPC.allCases.map {
            ($0.method, (service: "\(MargoRPC.protoPackage).\($0.service.rawValue)", rpc: $0))
        })

    /// The EOS RPC a call is for, or `nil` when it is not an EOS method.
    private static func rpc(_ descriptor: MethodDescriptor) -> MargoRPC? {
        if let known = rpcsByMethod[descriptor.method], known.service == descriptor.service.fullyQualifiedService {
            return known.rpc
        }
        return MargoRPC(service: descriptor.service.fullyQualifiedService, method: descriptor.method)
    }

    private func deny(_ rpc: MargoRPC?, _ reason: String) -> RPCError {
        denialCount.increment()
        let method = rpc.map { "\($0)" } ?? "unknown"
        Counter(label: Self.denialsMetric, dimensions: [("method", method)]).increment()
        logger.warning(
            "refused a call", metadata: ["method": "\(method)", "reason": "\(reason)"])
        return RPCError(code: .permissionDenied, message: "permission denied: \(reason)")
    }
}

/// A thread-safe count of refusals.
private final class DenialCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// The EOS identities of the client certificates seen last, so a connection's calls read its certificate's SAN once.
///
/// The transport hands every call the client certificate of its connection; the identity is a function of the
/// certificate's bytes, which are compared in full, so a cached identity is exactly what parsing would give. Only
/// the most recent few are kept: a peer's callers are its parent, or its children, reconnecting now and then.
private final class CertificateIdentities: Sendable {
    private static let capacity = 16
    private let recent = Mutex<[(certificate: Certificate, identity: SPIFFEIdentity)]>([])

    /// The identity `certificate` carries, as ``PeerAuthorization/identity(of:)`` reads it.
    func identity(of certificate: Certificate) throws(SecurityError) -> SPIFFEIdentity {
        let known = recent.withLock { recent in
            recent.firstIndex { $0.certificate == certificate }.map { recent[$0].identity }
        }
        if let known { return known }
        let identity = try PeerAuthorization.identity(of: certificate)
        recent.withLock { recent in
            recent.insert((certificate, identity), at: 0)
            if recent.count > Self.capacity { recent.removeLast() }
        }
        return identity
    }
}
