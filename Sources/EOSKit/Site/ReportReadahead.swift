internal import EOSModel
internal import Synchronization

/// Reads a child's status reports off its stream ahead of the intake, up to ``capacity`` of them, so that the
/// intake takes every report that arrived while it was recording the last ones in one turn: one transaction for
/// many reports when a child sends faster than one report can be recorded, and still one report at once when it
/// does not.
///
/// Run ``read(_:)`` in a child task beside the one calling ``takeAll()``; cancelling either wakes the other.
final class ReportReadahead: Sendable {
    private struct State {
        var reports: [StatusReport] = []
        var ended = false
        var failure: (any Error)?
        var cancelled = false
        var taker: CheckedContinuation<Void, Never>?
        var reader: CheckedContinuation<Void, Never>?
    }

    /// The most reports read ahead; the reader waits while this many are not yet taken.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// Reads `reports` until they end, fail or the task is cancelled, waiting while ``capacity`` reports are not yet
    /// taken.
    func read(_ reports: some AsyncSequence<StatusReport, any Error>) async {
        do {
            for try await report in reports {
                try await waitForRoom()
                let taker = state.withLock { state in
                    state.reports.append(report)
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
    /// ended and everything was taken; the stream's error, after its last report.
    func takeAll() async throws -> [StatusReport]? {
        try await withTaskCancellationHandler {
            while true {
                let (batch, reader, ended, failure) = state.withLock { state in
                    let batch = state.reports
                    state.reports = []
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
                    guard state.reports.count >= capacity, !state.cancelled else { return true }
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
