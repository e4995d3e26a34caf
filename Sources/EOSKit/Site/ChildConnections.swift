public import EOSMargo
public import EOSModel
public import EOSSecurity
public import GRPCCore

/// One mutual-TLS connection per child a parent calls (an LO its nodes, the central its sites), kept open between
/// calls and pinned to the child's identity: a rollout to 500 nodes makes 500 handshakes once, not one per call. A
/// connection with no call for ``idleTimeout`` closes, so a quiet parent does not hold a connection to every child;
/// the next call reconnects. Every connection shares one TLS context (``MargoClientTLS``).
public actor ChildConnections {
    private struct Connection {
        let endpoint: MargoEndpoint
        let client: GRPCClient<MargoClientTransport>
        let task: Task<Void, Never>
    }

    /// How long a connection to a child stays open with no call.
    public static let idleTimeout = Duration.seconds(30)

    private let tls: MargoClientTLS
    private let kind: ChildKind
    private let network: MargoNetwork
    private var connections: [String: Connection] = [:]

    /// Connections from the holder of `tls` to its children of `kind`, over `network`.
    public init(tls: TLSMaterial, kind: ChildKind, network: MargoNetwork = .mutualTLS) {
        self.tls = MargoClientTLS(tls)
        self.kind = kind
        self.network = network
    }

    /// The client for child `id` at `endpoint`; a child that moved gets a new connection.
    public func client(for id: String, at endpoint: MargoEndpoint) throws -> GRPCClient<MargoClientTransport> {
        if let existing = connections[id], existing.endpoint == endpoint { return existing.client }
        close(id)
        let identity =
            kind == .node
            ? try SPIFFEIdentity.node(id, in: tls.material.trustDomain)
            : try SPIFFEIdentity.site(id, in: tls.material.trustDomain)
        let client = GRPCClient(
            transport: try MargoClientTransport(
                connectingTo: endpoint, tls: tls, network: network, expecting: .identity(identity),
                idleTimeout: Self.idleTimeout),
            interceptors: [TraceContextClientInterceptor()])
        let task = Task { _ = try? await client.runConnections() }
        connections[id] = Connection(endpoint: endpoint, client: client, task: task)
        return client
    }

    /// Closes the connection to child `id`, if any.
    public func close(_ id: String) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        connection.client.beginGracefulShutdown()
    }

    /// Closes every connection and waits for them to end.
    public func closeAll() async {
        let all = connections.values
        connections = [:]
        for connection in all { connection.client.beginGracefulShutdown() }
        for connection in all { await connection.task.value }
    }
}
