internal import EOSSecurity
internal import GRPCCore
internal import GRPCNIOTransportHTTP2
internal import Synchronization

/// One call on an ``InProcessNetwork``: two pipes, requests from the client to the server and responses back, and
/// the server's cancellation handle, which the client trips when it gives the call up (as a reset stream would).
final class InProcessCall: Sendable {
    typealias Bytes = GRPCNIOTransportBytes

    /// The client's side: reads responses, writes requests.
    let clientStream: RPCStream<InProcessClientTransport.Inbound, InProcessClientTransport.Outbound>
    /// The server's side: reads requests, writes responses.
    let serverStream: RPCStream<InProcessServerTransport.Inbound, InProcessServerTransport.Outbound>
    /// Who made the call, as the network attests it.
    let caller: SPIFFEIdentity
    private let cancellation = Mutex<CancellationState>(.waiting)

    private enum CancellationState {
        case waiting
        case handling(ServerContext.RPCCancellationHandle)
        case cancelled
    }

    init(descriptor: MethodDescriptor, caller: SPIFFEIdentity) {
        let requests = AsyncThrowingStream<RPCRequestPart<Bytes>, any Error>.makeStream()
        let responses = AsyncThrowingStream<RPCResponsePart<Bytes>, any Error>.makeStream()
        clientStream = RPCStream(
            descriptor: descriptor, inbound: RPCAsyncSequence(wrapping: PipeReader(stream: responses.stream)),
            outbound: RPCWriter.Closable(wrapping: PipeWriter(continuation: requests.continuation)))
        serverStream = RPCStream(
            descriptor: descriptor, inbound: RPCAsyncSequence(wrapping: PipeReader(stream: requests.stream)),
            outbound: RPCWriter.Closable(wrapping: PipeWriter(continuation: responses.continuation)))
        self.caller = caller
    }

    /// Called by the server as it starts handling the call; a call the client already gave up is cancelled at once.
    func handling(with handle: ServerContext.RPCCancellationHandle) {
        let cancelled = cancellation.withLock { state in
            if case .cancelled = state { return true }
            state = .handling(handle)
            return false
        }
        if cancelled { handle.cancel() }
    }

    /// Called by the client when it gives the call up before it ended: the server's handler learns it is cancelled.
    func cancel() {
        let handle = cancellation.withLock { state -> ServerContext.RPCCancellationHandle? in
            defer { state = .cancelled }
            if case .handling(let handle) = state { return handle }
            return nil
        }
        handle?.cancel()
    }
}

/// The reading end of a pipe. A reader whose task is cancelled gets `CancellationError`, not the end of the
/// stream: a handler cancelled part way through a client's stream must not take what it read so far for all of it.
private struct PipeReader<Element: Sendable>: AsyncSequence, Sendable {
    let stream: AsyncThrowingStream<Element, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Element, any Error>.AsyncIterator

        mutating func next() async throws -> Element? {
            let element = try await base.next()
            if element == nil, Task.isCancelled { throw CancellationError() }
            return element
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }
}

/// The writing end of a pipe. Writing after the reader is gone fails, as writing to a reset stream does.
private struct PipeWriter<Element: Sendable>: ClosableRPCWriterProtocol {
    let continuation: AsyncThrowingStream<Element, any Error>.Continuation

    func write(_ element: Element) async throws {
        if case .terminated = continuation.yield(element) {
            throw RPCError(code: .unavailable, message: "the other end of the in-process call closed it")
        }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await write(element) }
    }

    func finish() async {
        continuation.finish()
    }

    func finish(throwing error: any Error) async {
        continuation.finish(throwing: error)
    }
}
