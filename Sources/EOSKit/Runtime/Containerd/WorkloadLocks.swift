internal import Synchronization

/// One async lock per workload id, so the steps of one operation on a workload (delete the old task, start a new
/// one; read an exit code, delete the task) do not interleave with another's. Operations on different workloads run
/// in parallel.
///
/// A waiter is not interrupted by cancellation: every holder is bounded by `ctr` timeouts. The operation checks for
/// cancellation once it holds the lock.
final class WorkloadLocks: Sendable {
    private struct State {
        /// Ids that are held, each with the callers waiting for it, first come first served.
        var held: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    /// Runs `body` while holding `id`'s lock.
    func withLock<T: Sendable>(
        _ id: String, _ body: () async throws(RuntimeError) -> T
    ) async throws(RuntimeError)
        -> T
    {
        await acquire(id)
        defer { release(id) }
        if Task.isCancelled { throw RuntimeError(code: .cancelled, message: "cancelled while working on \(id)") }
        return try await body()
    }

    private func acquire(_ id: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.held[id] == nil {
                    state.held[id] = []
                    return true
                }
                state.held[id]?.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func release(_ id: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var waiters = state.held[id], !waiters.isEmpty else {
                state.held[id] = nil
                return nil
            }
            let next = waiters.removeFirst()
            state.held[id] = waiters
            return next
        }
        // The lock passes straight to the next waiter.
        next?.resume()
    }
}
