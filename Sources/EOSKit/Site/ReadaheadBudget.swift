internal import Synchronization

/// How many statuses the status streams of all of a parent's children may hold read ahead at once, together
/// (``ReportReadahead``).
///
/// Each stream also has a bound of its own, 1,000 statuses, but a central whose 100 sites flush their outboxes at
/// once to a slow disk could hold 100 of those decoded, 100,000 statuses, tens of MB once workloads' details come
/// with them. With one budget for all, a stream that finds it spent waits its turn, its child's sending stops at the
/// transport's flow-control window, and the parent still records batches of about 100 statuses per stream.
///
/// Statuses are taken in the order streams ask for them: a large report waiting for room is not overtaken by small
/// ones.
final class ReadaheadBudget: Sendable {
    private struct Waiter {
        let id: UInt64
        let count: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    /// The statuses the budget holds in all.
    let capacity: Int
    private let state: Mutex<State>

    init(capacity: Int) {
        precondition(capacity > 0, "a readahead budget holds at least one status")
        self.capacity = capacity
        self.state = Mutex(State(available: capacity))
    }

    /// The statuses not taken now.
    var available: Int { state.withLock { $0.available } }

    /// Takes `count` statuses from the budget, the whole budget for more than it holds, waiting behind those that
    /// asked before until they are free; returns how many it took, for ``give(_:)``.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits; nothing is taken then.
    func take(_ count: Int) async throws -> Int {
        let count = min(max(count, 0), capacity)
        // What fits with nobody waiting is taken without suspending: the intake reads every report through here.
        let (taken, id) = state.withLock { state -> (Bool, UInt64) in
            if state.waiters.isEmpty, state.available >= count {
                state.available -= count
                return (true, 0)
            }
            defer { state.nextID &+= 1 }
            return (false, state.nextID)
        }
        if taken { return count }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.waiters.isEmpty, state.available >= count {
                        state.available -= count
                        return .success(())
                    }
                    state.waiters.append(Waiter(id: id, count: count, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
            // The one that waited behind it may fit now.
            give(0)
        }
        return count
    }

    /// Returns `count` statuses taken with ``take(_:)``, and lets those waiting in turn take what now fits.
    func give(_ count: Int) {
        let woken = state.withLock { state -> [Waiter] in
            state.available = min(capacity, state.available + count)
            var woken: [Waiter] = []
            while let first = state.waiters.first, first.count <= state.available {
                state.available -= first.count
                woken.append(state.waiters.removeFirst())
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }
}
