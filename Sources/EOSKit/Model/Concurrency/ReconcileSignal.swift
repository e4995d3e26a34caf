internal import Foundation
internal import Synchronization

/// Wakes a loop that waits for work: signals arriving while it is busy collapse into one wake-up, and a wait ends
/// at a signal, at its timeout or at cancellation, whichever comes first. The Edge Node's and the Local
/// Orchestrator's reconcile loops and outboxes wait on one each.
public final class ReconcileSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UUID, continuation: CheckedContinuation<Void, Never>)?
        var cancelled: Set<UUID> = []
    }

    private let state = Mutex(State())

    /// Creates a signal with no wake-up pending.
    public init() {}

    /// Asks for a wake-up.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Waits for a signal, or for cancellation; one waiter at a time. With no timeout to keep, an idle waiter holds
    /// no timer and no task but its own.
    public func wait() async {
        if takePending() { return }
        await nextSignal()
    }

    /// Waits for a signal, at most `timeout` on `clock`; one waiter at a time.
    public func wait(upTo timeout: Duration, clock: any Clock<Duration>) async {
        if takePending() { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: timeout) }
            group.addTask { await self.nextSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Whether a signal was pending, which this takes.
    private func takePending() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    private func nextSignal() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.cancelled.remove(id) != nil {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.id == id else {
                    state.cancelled.insert(id)
                    return nil
                }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
