public import EOSSecurity
public import GRPCCore
public import GRPCNIOTransportHTTP2

/// The client transport of an EOS tier: mutual TLS over TCP, or an in-process network, chosen by ``MargoNetwork``.
public struct MargoClientTransport: ClientTransport {
    public typealias Bytes = GRPCNIOTransportBytes

    private enum Kind: Sendable {
        case mutualTLS(HTTP2ClientTransport.Posix)
        case inProcess(InProcessClientTransport)
    }

    private let kind: Kind

    /// A client of `endpoint` on `network`, as the holder of `tls`.
    ///
    /// - Parameters:
    ///   - server: the identity the server must have; `nil` accepts any from the fleet CA. A mismatch fails calls
    ///     `UNAVAILABLE`.
    ///   - idleTimeout: how long a TLS connection with no call open stays up (see ``MargoTransport``).
    ///   - onServerIdentity: called with the server's identity on every connection (or in-process call) it accepts.
    public init(
        connectingTo endpoint: MargoEndpoint, tls: TLSMaterial, network: MargoNetwork = .mutualTLS,
        expecting server: MargoPeerExpectation? = nil, idleTimeout: Duration? = nil,
        onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) throws(MargoError) {
        try self.init(
            connectingTo: endpoint, tls: MargoClientTLS(tls), network: network, expecting: server,
            idleTimeout: idleTimeout, onServerIdentity: onServerIdentity)
    }

    /// A client of `endpoint` on `network` whose TLS connections share the context of `tls`, as a parent's
    /// connections to its children do; otherwise as the one made from ``TLSMaterial``.
    public init(
        connectingTo endpoint: MargoEndpoint, tls: MargoClientTLS, network: MargoNetwork = .mutualTLS,
        expecting server: MargoPeerExpectation? = nil, idleTimeout: Duration? = nil,
        onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) throws(MargoError) {
        switch network {
        case .mutualTLS:
            kind = .mutualTLS(
                try MargoTransport.client(
                    connectingTo: endpoint, tls: tls, expecting: server, idleTimeout: idleTimeout,
                    onServerIdentity: onServerIdentity))
        case .inProcess(let network):
            kind = .inProcess(
                InProcessClientTransport(
                    connectingTo: endpoint, identity: tls.material.identity, network: network, expecting: server,
                    onServerIdentity: onServerIdentity))
        }
    }

    public var retryThrottle: RetryThrottle? {
        switch kind {
        case .mutualTLS(let transport): transport.retryThrottle
        case .inProcess(let transport): transport.retryThrottle
        }
    }

    public func connect() async throws {
        switch kind {
        case .mutualTLS(let transport): try await transport.connect()
        case .inProcess(let transport): try await transport.connect()
        }
    }

    public func beginGracefulShutdown() {
        switch kind {
        case .mutualTLS(let transport): transport.beginGracefulShutdown()
        case .inProcess(let transport): transport.beginGracefulShutdown()
        }
    }

    public func withStream<T: Sendable>(
        descriptor: MethodDescriptor, options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        switch kind {
        case .mutualTLS(let transport):
            try await transport.withStream(descriptor: descriptor, options: options, closure)
        case .inProcess(let transport):
            try await transport.withStream(descriptor: descriptor, options: options, closure)
        }
    }

    public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? {
        switch kind {
        case .mutualTLS(let transport): transport.config(forMethod: descriptor)
        case .inProcess(let transport): transport.config(forMethod: descriptor)
        }
    }
}
