internal import EOSMargo
internal import EOSSecurity
internal import GRPCCore
internal import GRPCNIOTransportHTTP2
internal import Logging

/// One mutual-TLS connection per node the LO calls, kept open between calls and pinned to the node's identity:
/// a rollout to 500 nodes makes 500 handshakes once, not one per call. A connection with no call for
/// ``NodeConnections/idleTimeout`` closes, so a quiet site does not hold a connection to every node; the next call reconnects.
actor NodeConnections {
    private struct Connection {
        let endpoint: MargoEndpoint
        let client: GRPCClient<HTTP2ClientTransport.Posix>
        let task: Task<Void, Never>
    }

    /// How long a connection to a node stays open with no call.
    static let idleTimeout = Duration.seconds(30)

    private let tls: TLSMaterial
    private let policy: MargoCallPolicy
    private var connections: [String: Connection] = [:]

    init(tls: TLSMaterial, policy: MargoCallPolicy) {
        self.tls = tls
        self.policy = policy
    }

    /// The client for `node` at `endpoint`; a node that moved gets a new connection.
    func client(for node: String, at endpoint: MargoEndpoint) throws -> EdgeClient<HTTP2ClientTransport.Posix> {
        if let existing = connections[node], existing.endpoint == endpoint {
            return EdgeClient(existing.client, policy: policy)
        }
        close(node)
        let identity = try SPIFFEIdentity.node(node, in: tls.trustDomain)
        let client = GRPCClient(
            transport: try MargoTransport.client(
                connectingTo: endpoint, tls: tls, expecting: .identity(identity), idleTimeout: Self.idleTimeout))
        let task = Task { _ = try? await client.runConnections() }
        connections[node] = Connection(endpoint: endpoint, client: client, task: task)
        return EdgeClient(client, policy: policy)
    }

    /// Closes the connection to `node`, if any.
    func close(_ node: String) {
        guard let connection = connections.removeValue(forKey: node) else { return }
        connection.client.beginGracefulShutdown()
    }

    /// Closes every connection and waits for them to end.
    func closeAll() async {
        let all = connections.values
        connections = [:]
        for connection in all { connection.client.beginGracefulShutdown() }
        for connection in all { await connection.task.value }
    }
}
