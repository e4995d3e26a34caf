internal import GRPCCore
internal import Synchronization

/// A network inside one process: EOS tiers that share one reach each other by ``MargoEndpoint`` as they would over
/// TCP, with no sockets, no TLS and no copies through the kernel.
///
/// It is for fleets that run in one process: simulations of thousands of nodes, benchmarks of the orchestrators,
/// tests. Every tier still encodes and decodes every message and still has each call checked by the
/// ``PeerIdentityInterceptor``: the caller's identity is the one its ``TLSMaterial`` carries, attested by the network
/// instead of a TLS handshake (everything in the process is trusted to hold its own certificate). A client that pins
/// its server (``MargoPeerExpectation``) is refused the same way as over TLS, and a call to an endpoint where nothing
/// listens fails `UNAVAILABLE`, so reconnecting, retries and a parent restarting behave as on a real network.
///
/// Give the same instance to every tier, as ``MargoNetwork/inProcess(_:)``.
public final class InProcessNetwork: Sendable {
    private struct State {
        var listening: [MargoEndpoint: InProcessServerTransport] = [:]
        /// The next port handed to a server that asked for port 0; ports are never reused while the network lives,
        /// so a call meant for a server that stopped never reaches the next one.
        var nextPort = 40_000
    }

    private let state = Mutex(State())

    /// Creates an empty network.
    public init() {}

    /// The endpoints where a server listens now.
    public var listeningEndpoints: [MargoEndpoint] {
        state.withLock { Array($0.listening.keys) }
    }

    /// `endpoint`, with a port of the network's choosing when it asks for port 0.
    func assign(_ endpoint: MargoEndpoint) -> MargoEndpoint {
        guard endpoint.port == 0 else { return endpoint }
        return state.withLock { state in
            var candidate = MargoEndpoint(host: endpoint.host, port: state.nextPort)
            while state.listening[candidate] != nil {
                candidate.port += 1
            }
            state.nextPort = candidate.port + 1
            return candidate
        }
    }

    /// Starts routing calls for `server.endpoint` to `server`.
    func bind(_ server: InProcessServerTransport) throws(RPCError) {
        let taken = state.withLock { state in
            if let holder = state.listening[server.endpoint], holder !== server { return true }
            state.listening[server.endpoint] = server
            return false
        }
        if taken {
            throw RPCError(
                code: .unavailable, message: "\(server.endpoint) is already in use in this process's network")
        }
    }

    /// Stops routing calls to `server`.
    func unbind(_ server: InProcessServerTransport) {
        state.withLock { state in
            if state.listening[server.endpoint] === server { state.listening[server.endpoint] = nil }
        }
    }

    /// The server listening at `endpoint`, if any.
    func server(at endpoint: MargoEndpoint) -> InProcessServerTransport? {
        state.withLock { $0.listening[endpoint] }
    }
}
