internal import EOSModel
internal import Synchronization

/// Reads a child's status reports off its stream ahead of the intake, up to ``capacity`` statuses in them, so that
/// the intake takes every report that arrived while it was recording the last ones in one turn: one transaction for
/// many reports when a child sends faster than one report can be recorded, and still one report at once when it
/// does not.
///
/// The bound is in statuses, not reports: a site sends up to 50 statuses a report and a node one, and what waits
/// here is held decoded. The statuses read ahead also come out of a ``ReadaheadBudget`` that all of a parent's
/// streams share, and go back to it when the intake asks for the next batch (the one before is recorded then), or
/// when the readahead ends.
///
/// Run ``read(_:)`` in a child task beside the one calling ``takeAll()``; cancelling either wakes the other.
final class ReportReadahead: Sendable {
    private struct State {
        var reports: [StatusReport] = []
        /// What `reports` took from the budget: their statuses, a report without any counting as one.
        var budgeted = 0
        /// What the last batch handed out took from the budget.
        var handedOut = 0
        var ended = false
        var failure: (any Error)?
        var cancelled = false
        var taker: CheckedContinuation<Void, Never>?
        var reader: CheckedContinuation<Void, Never>?
    }

    /// The most statuses read ahead; the reader waits while this many are not yet taken. The default is what a site
    /// sends in one stream.
    let capacity: Int
    private let budget: ReadaheadBudget
    private let state = Mutex(State())

    /// A readahead of `capacity` statuses, taking them from `budget` (by default, one of its own as large).
    init(capacity: Int = 1000, budget: ReadaheadBudget? = nil) {
        self.capacity = capacity
        self.budget = budget ?? ReadaheadBudget(capacity: capacity)
    }

    deinit {
        let outstanding = state.withLock { $0.budgeted + $0.handedOut }
        budget.give(outstanding)
    }

    /// Reads `reports` until they end, fail or the task is cancelled, waiting while ``capacity`` statuses are not yet
    /// taken.
    func read(_ reports: some AsyncSequence<StatusReport, any Error>) async {
        do {
            for try await report in reports {
                try await waitForRoom()
                let taken = try await budget.take(max(1, report.statuses.count))
                let taker = state.withLock { state in
                    state.reports.append(report)
                    state.budgeted += taken
                    return Self.take(&state.taker)
                }
                taker?.resume()
            }
            end(nil)
        } catch {
            end(error)
        }
    }

    /// Every report read and not yet taken, in order, waiting for one when there is none; `nil` once the stream
    /// ended and everything was taken; the stream's error, after its last report. The batch handed out before goes
    /// back to the budget.
    func takeAll() async throws -> [StatusReport]? {
        let recorded = state.withLock { state in
            defer { state.handedOut = 0 }
            return state.handedOut
        }
        budget.give(recorded)
        return try await withTaskCancellationHandler {
            while true {
                let (batch, reader, ended, failure) = state.withLock { state in
                    let batch = state.reports
                    state.reports = []
                    state.handedOut = state.budgeted
                    state.budgeted = 0
                    return (batch, batch.isEmpty ? nil : Self.take(&state.reader), state.ended, state.failure)
                }
                reader?.resume()
                if !batch.isEmpty { return batch }
                if ended {
                    if let failure { throw failure }
                    return nil
                }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { state in
                        guard state.reports.isEmpty, !state.ended, !state.cancelled else { return true }
                        state.taker = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
                try Task.checkCancellation()
            }
        } onCancel: {
            cancelWaiters()
        }
    }

    private func waitForRoom() async throws {
        try await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    guard state.budgeted >= capacity, !state.cancelled else { return true }
                    state.reader = continuation
                    return false
                }
                if now { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            cancelWaiters()
        }
    }

    private func end(_ failure: (any Error)?) {
        let taker = state.withLock { state in
            state.ended = true
            state.failure = failure
            return Self.take(&state.taker)
        }
        taker?.resume()
    }

    private func cancelWaiters() {
        let (taker, reader) = state.withLock { state in
            state.cancelled = true
            return (Self.take(&state.taker), Self.take(&state.reader))
        }
        taker?.resume()
        reader?.resume()
    }

    private static func take(
        _ slot: inout CheckedContinuation<Void, Never>?
    ) -> CheckedContinuation<Void, Never>? {
        defer { slot = nil }
        return slot
    }
}
