public import EOSSecurity
public import GRPCCore
public import GRPCNIOTransportHTTP2

/// The server transport of an EOS tier: mutual TLS over TCP, or an in-process network, chosen by ``MargoNetwork``.
///
/// The tiers hold this one type whatever the network, so an orchestrator runs unchanged in a simulation of
/// thousands of nodes in one process and on a real fleet.
public struct MargoServerTransport: ServerTransport {
    public typealias Bytes = GRPCNIOTransportBytes

    private enum Kind: Sendable {
        case mutualTLS(HTTP2ServerTransport.Posix)
        case inProcess(InProcessServerTransport)
    }

    private let kind: Kind
    /// Where the mutual-TLS server listens, once it binds or stops.
    private let announcement = ListeningAnnouncement()

    /// A server for the holder of `tls`, listening on `endpoint` of `network`; over mutual TLS, each connection and
    /// call may send `receiveWindow` bytes ahead (``MargoTransport/childrenReceiveWindow`` for a parent's server).
    public init(
        listeningOn endpoint: MargoEndpoint, tls: TLSMaterial, network: MargoNetwork = .mutualTLS,
        receiveWindow: Int = MargoTransport.defaultReceiveWindow
    ) {
        switch network {
        case .mutualTLS:
            kind = .mutualTLS(MargoTransport.server(listeningOn: endpoint, tls: tls, receiveWindow: receiveWindow))
        case .inProcess(let network):
            kind = .inProcess(
                InProcessServerTransport(listeningOn: endpoint, identity: tls.identity, network: network))
        }
    }

    /// Where the server listens, once it does (the port it was given, or the one chosen for port 0); `nil` if it
    /// stopped before listening (see ``serverEnded()``), or the asking task is cancelled first.
    public var listeningEndpoint: MargoEndpoint? {
        get async {
            switch kind {
            case .mutualTLS: await announcement.endpoint
            case .inProcess(let transport): await transport.listeningEndpoint
            }
        }
    }

    /// Tells whoever waits for ``listeningEndpoint`` that the server will not listen (any more): a server shut down
    /// before it served never calls ``listen(streamHandler:)``, and would otherwise leave them waiting for good.
    /// `GRPCServer.serveGracefully(grace:)` calls it when serving ends.
    public func serverEnded() {
        switch kind {
        case .mutualTLS: announcement.announce(nil)
        case .inProcess(let transport): transport.beginGracefulShutdown()
        }
    }

    public func configure(context: GRPCServerContext) {
        switch kind {
        case .mutualTLS(let transport): transport.configure(context: context)
        case .inProcess(let transport): transport.configure(context: context)
        }
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        switch kind {
        case .mutualTLS(let transport):
            defer { announcement.announce(nil) }
            try await withThrowingDiscardingTaskGroup { group in
                // The transport answers its address once bound, or `nil` as its listening ends, so this ends too.
                group.addTask { [announcement] in
                    announcement.announce((try? await transport.listeningAddress).flatMap(MargoEndpoint.init(address:)))
                }
                try await transport.listen(streamHandler: streamHandler)
            }
        case .inProcess(let transport): try await transport.listen(streamHandler: streamHandler)
        }
    }

    public func beginGracefulShutdown() {
        switch kind {
        case .mutualTLS(let transport): transport.beginGracefulShutdown()
        case .inProcess(let transport): transport.beginGracefulShutdown()
        }
    }
}
