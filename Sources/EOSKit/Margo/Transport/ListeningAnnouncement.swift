internal import Synchronization

/// Where a server listens, told once to everyone who asks: the endpoint when it binds, or `nil` when it stopped
/// without listening. A task that asks before then waits; a task cancelled while it waits gets `nil`.
final class ListeningAnnouncement: Sendable {
    private struct State {
        var endpoint: MargoEndpoint??
        var waiters: [Int: CheckedContinuation<MargoEndpoint?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Tells every waiter, now and later, `endpoint`; only the first call counts.
    func announce(_ endpoint: MargoEndpoint?) {
        let waiters = state.withLock { state -> [CheckedContinuation<MargoEndpoint?, Never>] in
            guard state.endpoint == nil else { return [] }
            state.endpoint = .some(endpoint)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: endpoint) }
    }

    /// The announced endpoint, once there is one.
    var endpoint: MargoEndpoint? {
        get async {
            let waiter = state.withLock { state in
                defer { state.nextWaiter += 1 }
                return state.nextWaiter
            }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let known: MargoEndpoint?? = state.withLock { state in
                        if let endpoint = state.endpoint { return .some(endpoint) }
                        if Task.isCancelled { return .some(nil) }
                        state.waiters[waiter] = continuation
                        return .none
                    }
                    if case .some(let endpoint) = known { continuation.resume(returning: endpoint) }
                }
            } onCancel: {
                state.withLock { $0.waiters.removeValue(forKey: waiter) }?.resume(returning: nil)
            }
        }
    }
}
