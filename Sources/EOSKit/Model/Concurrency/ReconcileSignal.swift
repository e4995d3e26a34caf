internal import Synchronization

/// Wakes a loop that waits for work: signals arriving while it is busy collapse into one wake-up, and a wait ends
/// at a signal, at its timeout or at cancellation, whichever comes first. The Edge Node's and the Local
/// Orchestrator's reconcile loops and outboxes wait on one each.
///
/// A wait with a timeout does not start a timer of its own. One task sleeps towards the timeout of whoever waits,
/// and outlives the wait that started it: when a signal ends that wait first, the task sleeps on towards the next
/// wait's timeout, or ends when nobody waits. A timer the runtime was given cannot be taken back, only left to fall,
/// so a timer per wait would leave one behind every time a signal came first: in a rollout, a site's loop wakes
/// hundreds of times a second, and 10,000 nodes' loops each wake for their change, and those timers piled up
/// by the tens of thousands, each fired for nothing, a tenth of a whole fleet's CPU in one process.
public final class ReconcileSignal: Sendable {
    /// When a wait's timeout falls, on the clock it was given.
    private struct Timeout: Sendable {
        /// How long until it falls.
        let remaining: @Sendable () -> Duration
        /// Sleeps until it falls, or until the sleeping task is cancelled.
        let sleep: @Sendable () async -> Void
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, Never>
        var timeout: Timeout?
    }

    private struct State {
        var pending = false
        var waiter: Waiter?
        /// Waits cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var lastID: UInt64 = 0
        /// The task sleeping towards a waiter's timeout, and that timeout; `nil` when none sleeps.
        var sleeper: (id: UInt64, timeout: Timeout)?

        mutating func nextID() -> UInt64 {
            lastID += 1
            return lastID
        }
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
        await nextSignal(timeout: nil)
    }

    /// Waits for a signal, at most `timeout` on `clock`; one waiter at a time, and one clock for all of a signal's
    /// waits.
    public func wait(upTo timeout: Duration, clock: any Clock<Duration>) async {
        if takePending() { return }
        await nextSignal(timeout: Self.timeout(timeout, on: clock))
    }

    private static func timeout<C: Clock<Duration>>(_ duration: Duration, on clock: C) -> Timeout {
        let deadline = clock.now.advanced(by: duration)
        return Timeout(
            remaining: { clock.now.duration(to: deadline) },
            sleep: { try? await clock.sleep(until: deadline, tolerance: nil) })
    }

    /// Whether a signal was pending, which this takes.
    private func takePending() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    private func nextSignal(timeout: Timeout?) async {
        let id = state.withLock { $0.nextID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (resumeNow, sleeper) = state.withLock { state -> (Bool, UInt64?) in
                    if state.pending || state.cancelled.remove(id) != nil {
                        state.pending = false
                        return (true, nil)
                    }
                    state.waiter = Waiter(id: id, continuation: continuation, timeout: timeout)
                    guard let timeout else { return (false, nil) }
                    if let sleeper = state.sleeper, sleeper.timeout.remaining() <= timeout.remaining() {
                        // A task already sleeps until this timeout or before it, and sleeps on from there.
                        return (false, nil)
                    }
                    let sleeper = state.nextID()
                    state.sleeper = (sleeper, timeout)
                    return (false, sleeper)
                }
                if resumeNow { continuation.resume() }
                if let sleeper { Task { await self.sleep(sleeper) } }
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

    /// Sleeps towards the waiter's timeout, ending a waiter whose timeout fell, and on towards the next waiter's;
    /// ends when nobody waits with a timeout, or when a task sleeping towards an earlier one took over.
    private func sleep(_ id: UInt64) async {
        while let timeout = state.withLock({ $0.sleeper?.id == id ? $0.sleeper?.timeout : nil }) {
            await timeout.sleep()
            let due = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard state.sleeper?.id == id else { return nil }
                guard let waiter = state.waiter, let next = waiter.timeout else {
                    state.sleeper = nil
                    return nil
                }
                guard next.remaining() <= .zero else {
                    state.sleeper = (id, next)
                    return nil
                }
                state.waiter = nil
                state.sleeper = nil
                return waiter.continuation
            }
            due?.resume()
        }
    }
}
