public import EOSSecurity
public import GRPCCore
public import GRPCNIOTransportHTTP2
internal import Synchronization

/// A server's end of an ``InProcessNetwork``: while it listens, calls to its endpoint reach it, each carrying the
/// caller's identity in ``InProcessPeer``.
///
/// Like a TCP listener, it takes its endpoint when ``listen(streamHandler:)`` starts and gives it up when it stops;
/// a graceful shutdown stops new calls at once and lets open ones finish.
public final class InProcessServerTransport: ServerTransport {
    public typealias Bytes = GRPCNIOTransportBytes

    /// Where the server listens (its port chosen by the network when it asked for port 0).
    public let endpoint: MargoEndpoint
    /// The server's identity, which clients check against what they expect.
    public let identity: SPIFFEIdentity
    private let network: InProcessNetwork
    private let calls: AsyncStream<InProcessCall>
    private let callsContinuation: AsyncStream<InProcessCall>.Continuation
    private let state = Mutex(State())
    /// Where the server listens, told to whoever asks once it does, or `nil` when it stops first.
    private let announcement = ListeningAnnouncement()

    private struct State {
        var phase = Phase.idle
        /// Calls handed over but not yet picked up: if the server stops first, they fail instead of hanging.
        var queued: [ObjectIdentifier: InProcessCall] = [:]
    }

    private enum Phase {
        case idle
        case listening
        case draining
        case stopped
    }

    /// A server for `identity` at `endpoint` of `network`; it is reachable once it listens.
    public init(listeningOn endpoint: MargoEndpoint, identity: SPIFFEIdentity, network: InProcessNetwork) {
        self.endpoint = network.assign(endpoint)
        self.identity = identity
        self.network = network
        (calls, callsContinuation) = AsyncStream.makeStream()
    }

    /// Where the server listens, once it does; `nil` if it stopped (or was shut down) before listening, or the
    /// asking task was cancelled first.
    public var listeningEndpoint: MargoEndpoint? {
        get async {
            if case .stopped = state.withLock({ $0.phase }) { return nil }
            return await announcement.endpoint
        }
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        do {
            try network.bind(self)
        } catch {
            settle(.stopped)
            throw error
        }
        settle(.listening)
        let local = "in-process:\(endpoint)"
        await withDiscardingTaskGroup { group in
            for await call in calls {
                state.withLock { _ = $0.queued.removeValue(forKey: ObjectIdentifier(call)) }
                group.addTask {
                    await withServerContextRPCCancellationHandle { handle in
                        call.handling(with: handle)
                        var context = ServerContext(
                            descriptor: call.serverStream.descriptor, remotePeer: "in-process:\(call.caller)",
                            localPeer: local, cancellation: handle)
                        context.transportSpecific = InProcessPeer(identity: call.caller)
                        await streamHandler(call.serverStream, context)
                        // A handler that ended without closing its side (cancelled, say) must not leave the client
                        // waiting: closing again after a normal close changes nothing.
                        await call.serverStream.outbound.finish(
                            throwing: RPCError(code: .unavailable, message: "the server ended the call"))
                    }
                }
            }
        }
        await stop()
    }

    /// Stops taking calls; open calls go on until they end or the listening task is cancelled.
    public func beginGracefulShutdown() {
        network.unbind(self)
        let neverListened = state.withLock { state in
            if case .listening = state.phase { state.phase = .draining }
            if case .idle = state.phase { return true }
            return false
        }
        if neverListened { settle(.stopped) }
        callsContinuation.finish()
    }

    /// Hands the server a new call, or fails `UNAVAILABLE` when it does not take calls now.
    func accept(_ call: InProcessCall) throws(RPCError) {
        let accepted = state.withLock { state in
            guard case .listening = state.phase else { return false }
            state.queued[ObjectIdentifier(call)] = call
            return true
        }
        guard accepted else {
            throw RPCError(code: .unavailable, message: "the server at \(endpoint) does not take calls now")
        }
        callsContinuation.yield(call)
    }

    private func settle(_ phase: Phase) {
        let settled = state.withLock { state in
            if case .stopped = state.phase { return false }
            state.phase = phase
            return true
        }
        guard settled else { return }
        announcement.announce(phase == .listening ? endpoint : nil)
    }

    /// Ends listening: the endpoint is free again, and calls never picked up fail.
    private func stop() async {
        network.unbind(self)
        settle(.stopped)
        callsContinuation.finish()
        let stranded = state.withLock { state in
            defer { state.queued = [:] }
            return Array(state.queued.values)
        }
        let error = RPCError(code: .unavailable, message: "the server at \(endpoint) stopped")
        for call in stranded {
            await call.serverStream.outbound.finish(throwing: error)
        }
    }
}

/// The caller of a call that came over an ``InProcessNetwork``, as the network attests it; the
/// ``PeerIdentityInterceptor`` takes it as it takes a verified client certificate.
public struct InProcessPeer: ServerContext.TransportSpecific {
    /// The caller's identity: the one its ``TLSMaterial`` carries.
    public let identity: SPIFFEIdentity
}
