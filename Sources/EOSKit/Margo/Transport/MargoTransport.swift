public import EOSSecurity
public import GRPCNIOTransportHTTP2

/// The mutual-TLS HTTP/2 transports every EOS tier talks over.
///
/// Both sides present their certificate and verify the other's against the fleet's CA (`ca.pem` of the
/// ``TLSMaterial``). Host names are not what identifies a peer: its SPIFFE identity is, so the server checks the
/// client's identity in ``PeerIdentityInterceptor`` and a client may pin the server's expected identity
/// (``MargoPeerExpectation``). Both sides close a connection that negotiated anything older than TLS 1.3 right after
/// the handshake, before any gRPC data crosses it. Keepalive pings detect dead links; a client reconnects by itself
/// with jittered exponential backoff when the peer restarts.
public enum MargoTransport {
    /// How often an idle connection is pinged, and how long a ping may go unanswered.
    public static let keepalive = (interval: Duration.seconds(30), timeout: Duration.seconds(10))

    /// The HTTP/2 flow-control window a server gives each connection and each call by default: the protocol's
    /// initial one, 64 KB less a byte.
    public static let defaultReceiveWindow = 65_535

    /// The window a parent gives its children (the central its sites, a site its nodes): they send small messages
    /// on long streams, and hundreds of them may flush an outbox at once when a link returns. What a connection has
    /// in flight is held in the parent's memory as slices of larger read buffers, about ten times its size, so a
    /// central taking the statuses of 100 sites at full speed held about 80 MB more with the default window and
    /// about 20 MB more with this one, and still took 75,000 statuses a second. 16 KB.
    public static let childrenReceiveWindow = 16 * 1024

    /// A server transport listening on `endpoint` with `tls`, requiring a client certificate from the same CA, and
    /// letting each connection and call send `receiveWindow` bytes ahead of what the server has read. The messages a
    /// call has not taken yet hold only their own bytes (``DataFrameCompactor``).
    public static func server(
        listeningOn endpoint: MargoEndpoint, tls: TLSMaterial, receiveWindow: Int = defaultReceiveWindow
    ) -> HTTP2ServerTransport.Posix {
        let security = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [.bytes(Array(tls.certificatePEM.utf8), format: .pem)],
            privateKey: .bytes(Array(tls.privateKeyPEM.utf8), format: .pem)
        ) { config in
            config.trustRoots = .certificates([.bytes(Array(tls.caCertificatePEM.utf8), format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.connection.keepalive.time = keepalive.interval
        config.connection.keepalive.timeout = keepalive.timeout
        config.connection.keepalive.clientBehavior.allowWithoutCalls = true
        config.connection.keepalive.clientBehavior.minPingIntervalWithoutCalls = .seconds(10)
        config.http2.targetWindowSize = receiveWindow
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
            TLSSessionGuard.install(on: channel, expectedPeer: nil, endpoint: "client of \(endpoint)")
        }
        config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(DataFrameCompactor(), position: .first)
            }
        }
        return HTTP2ServerTransport.Posix(
            address: address(of: endpoint), transportSecurity: security, config: config)
    }

    /// A client transport to `endpoint` with `tls`, verifying the server's certificate against the same CA.
    ///
    /// - Parameters:
    ///   - server: the identity the server must present; `nil` accepts any certificate from the fleet CA. A
    ///     mismatch closes the connection and calls fail `UNAVAILABLE` (the client keeps trying, in case the right
    ///     server comes back at that address).
    ///   - idleTimeout: how long a connection with no call open stays up; the next call connects again. `nil` keeps
    ///     the transport's default (30 minutes).
    ///   - onServerIdentity: called with the server's identity on every connection that is accepted (an Edge Node
    ///     learns its parent this way).
    public static func client(
        connectingTo endpoint: MargoEndpoint, tls: TLSMaterial, expecting server: MargoPeerExpectation? = nil,
        idleTimeout: Duration? = nil, onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) throws(MargoError) -> HTTP2ClientTransport.Posix {
        try client(
            connectingTo: endpoint, tls: MargoClientTLS(tls), expecting: server, idleTimeout: idleTimeout,
            onServerIdentity: onServerIdentity)
    }

    /// A client transport to `endpoint` whose connections share the TLS context of `tls` (see ``MargoClientTLS``);
    /// otherwise as the one made from ``TLSMaterial``.
    public static func client(
        connectingTo endpoint: MargoEndpoint, tls: MargoClientTLS, expecting server: MargoPeerExpectation? = nil,
        idleTimeout: Duration? = nil, onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) throws(MargoError) -> HTTP2ClientTransport.Posix {
        let context = try tls.context()
        let serverHostname = isAddress(endpoint.host) ? nil : endpoint.host
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.connection.keepalive = .init(
            time: keepalive.interval, timeout: keepalive.timeout, allowWithoutCalls: true)
        if let idleTimeout { config.connection.maxIdleTime = idleTimeout }
        config.backoff = .init(initial: .milliseconds(250), max: .seconds(30), multiplier: 1.6, jitter: 0.2)
        // The transport leaves TLS to this callback (`.customSecure`): it puts the shared context's handler first.
        config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
            TLSSessionGuard.installClient(
                on: channel, context: context, serverHostname: serverHostname, expectedPeer: server,
                endpoint: "\(endpoint)", onPeerIdentity: onServerIdentity)
        }
        do {
            return try HTTP2ClientTransport.Posix(
                target: target(of: endpoint), transportSecurity: .customSecure, config: config)
        } catch {
            throw MargoError(code: .unavailable, message: "cannot set up a connection to \(endpoint)", cause: error)
        }
    }

    private static func address(of endpoint: MargoEndpoint) -> GRPCNIOTransportCore.SocketAddress {
        endpoint.host.contains(":")
            ? .ipv6(host: endpoint.host, port: endpoint.port) : .ipv4(host: endpoint.host, port: endpoint.port)
    }

    private static func target(of endpoint: MargoEndpoint) -> any ResolvableTarget {
        if endpoint.host.contains(":") { return .ipv6(address: endpoint.host, port: endpoint.port) }
        if isAddress(endpoint.host) { return .ipv4(address: endpoint.host, port: endpoint.port) }
        return .dns(host: endpoint.host, port: endpoint.port)
    }

    /// Whether `host` is an IP address rather than a name (TLS sends only names as the server name).
    private static func isAddress(_ host: String) -> Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}
