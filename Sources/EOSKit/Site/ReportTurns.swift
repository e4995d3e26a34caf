internal import EOSModel
internal import Synchronization

/// A child, as a key.
struct ChildKey: Hashable {
    var kind: ChildKind
    var id: String
}

/// One turn at a time per child: a waiting report is handed the turn when the one before it is done.
///
/// A report whose call ends while it waits (its child reconnected, or the parent is shutting down) leaves the line
/// at once, and the turn passes over it.
final class ReportTurns: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var busy: Set<ChildKey> = []
        var waiting: [ChildKey: [Waiter]] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `body` in `key`'s turn, after every turn asked for before.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits (`body` does not run then), or what
    ///   `body` throws.
    func withTurn<Value>(_ key: ChildKey, _ body: () async throws -> Value) async throws -> Value {
        try await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: ChildKey) async throws {
        // The turn is taken without suspending when nobody holds it: most reports find it free.
        let (granted, id) = state.withLock { state -> (Bool, UInt64) in
            if state.busy.insert(key).inserted { return (true, 0) }
            defer { state.nextID &+= 1 }
            return (false, state.nextID)
        }
        if granted { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.busy.insert(key).inserted { return .success(()) }
                    state.waiting[key, default: []].append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard var queue = state.waiting[key], let index = queue.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                let waiter = queue.remove(at: index)
                state.waiting[key] = queue.isEmpty ? nil : queue
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ key: ChildKey) {
        let next = state.withLock { state -> Waiter? in
            guard var queue = state.waiting[key], !queue.isEmpty else {
                state.busy.remove(key)
                return nil
            }
            // The turn passes straight to the next in line; the child stays busy.
            let next = queue.removeFirst()
            state.waiting[key] = queue.isEmpty ? nil : queue
            return next
        }
        next?.continuation.resume()
    }
}
