public import EOSSecurity
public import GRPCCore
public import GRPCNIOTransportHTTP2
internal import Synchronization

/// A client's end of an ``InProcessNetwork``: every call goes to whichever server listens at ``endpoint`` when it
/// is made, and carries the client's ``identity``.
///
/// A call fails `UNAVAILABLE` when nothing listens there, or when the server there is not the one the client
/// expects (as a TLS client refuses a server with the wrong identity); the caller retries as it would over TCP.
public final class InProcessClientTransport: ClientTransport {
    public typealias Bytes = GRPCNIOTransportBytes

    /// Where calls go.
    public let endpoint: MargoEndpoint
    /// The client's identity, attested to the server with every call.
    public let identity: SPIFFEIdentity
    /// The server's identity the client accepts; `nil` accepts any.
    public let expecting: MargoPeerExpectation?
    public let retryThrottle: RetryThrottle? = nil
    private let network: InProcessNetwork
    private let onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)?
    private let state = Mutex(State())

    private struct State {
        var closing = false
        var open: [Int: InProcessCall] = [:]
        var nextCall = 0
        /// Ends ``connect()`` once the transport is closing and no call is open.
        var ended: AsyncStream<Void>.Continuation?
    }

    /// A client of `network` calling `endpoint` as `identity`.
    ///
    /// - Parameters:
    ///   - server: the identity the server must have; `nil` accepts any.
    ///   - onServerIdentity: called with the server's identity before every call it takes.
    public init(
        connectingTo endpoint: MargoEndpoint, identity: SPIFFEIdentity, network: InProcessNetwork,
        expecting server: MargoPeerExpectation? = nil,
        onServerIdentity: (@Sendable (SPIFFEIdentity) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.identity = identity
        self.network = network
        self.expecting = server
        self.onServerIdentity = onServerIdentity
    }

    public func connect() async throws {
        let (ended, continuation) = AsyncStream<Void>.makeStream()
        let finished = state.withLock { state in
            if state.closing, state.open.isEmpty { return true }
            state.ended = continuation
            return false
        }
        if finished { return }
        for await _ in ended {}
        // Cancelled rather than closed gracefully: the open calls end now.
        let open = state.withLock { state in
            state.closing = true
            defer { state.open = [:] }
            return Array(state.open.values)
        }
        for call in open {
            call.cancel()
            await call.clientStream.outbound.finish(throwing: CancellationError())
            await call.serverStream.outbound.finish(throwing: CancellationError())
        }
    }

    public func beginGracefulShutdown() {
        let ended = state.withLock { state in
            state.closing = true
            return state.open.isEmpty ? state.ended : nil
        }
        ended?.finish()
    }

    public func withStream<T: Sendable>(
        descriptor: MethodDescriptor, options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        guard let server = network.server(at: endpoint) else {
            throw RPCError(code: .unavailable, message: "nothing listens at \(endpoint) in this process's network")
        }
        if let problem = expecting?.problem(with: server.identity) {
            throw RPCError(code: .unavailable, message: "\(endpoint): \(problem)")
        }
        onServerIdentity?(server.identity)
        let call = InProcessCall(descriptor: descriptor, caller: identity)
        let id = try state.withLock { state throws(RPCError) in
            guard !state.closing else {
                throw RPCError(code: .failedPrecondition, message: "the client transport is closed")
            }
            defer { state.nextCall += 1 }
            state.open[state.nextCall] = call
            return state.nextCall
        }
        defer { release(id) }
        try server.accept(call)
        let context = ClientContext(
            descriptor: descriptor, remotePeer: "in-process:\(endpoint)", localPeer: "in-process:\(identity)")
        do {
            let result = try await closure(call.clientStream, context)
            await call.clientStream.outbound.finish()
            return result
        } catch {
            // Given up part way, as a reset stream: the server's handler is cancelled and reads no more requests.
            call.cancel()
            await call.clientStream.outbound.finish(throwing: RPCError(code: .cancelled, message: "the client gave up"))
            throw error
        }
    }

    public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? { nil }

    private func release(_ id: Int) {
        let ended = state.withLock { state in
            state.open[id] = nil
            return state.closing && state.open.isEmpty ? state.ended : nil
        }
        ended?.finish()
    }
}
