internal import Foundation
internal import Synchronization

/// Hands each event to every open ``EdgeRuntime/events()`` stream; the runtimes share it.
public final class RuntimeEventBroadcaster: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<RuntimeEvent>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())
    private let bufferLimit: Int

    /// Creates a broadcaster; each subscriber keeps at most `bufferLimit` unread events, dropping the oldest.
    public init(bufferLimit: Int = 1024) {
        self.bufferLimit = bufferLimit
    }

    /// A new stream of the events sent from now on.
    public func subscribe() -> AsyncStream<RuntimeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RuntimeEvent.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        let key = UUID()
        let finished = state.withLock { state in
            if !state.finished { state.subscribers[key] = continuation }
            return state.finished
        }
        if finished {
            continuation.finish()
        } else {
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: key) }
            }
        }
        return stream
    }

    /// Sends `event` to every subscriber.
    public func send(_ event: RuntimeEvent) {
        for continuation in state.withLock({ Array($0.subscribers.values) }) { continuation.yield(event) }
    }

    /// Ends every stream, now and for later subscribers.
    public func finish() {
        let subscribers = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in subscribers { continuation.finish() }
    }
}
