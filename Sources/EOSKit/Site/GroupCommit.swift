internal import GRDB
internal import Synchronization

/// Writes that many callers hand over at once, gathered so that one transaction in a database writer's turn takes
/// every item that arrived while the previous one ran.
///
/// A site's nodes report at the same moments (a rollout's wave installs together): each report written in a
/// transaction of its own costs a commit, and a write-ahead log append of every page it touched, per report. Handed
/// over here, the callers wait without holding a thread, and the writer's next turn commits all they handed over
/// in the order they did; each caller resumes once its items are on disk, or with the transaction's error.
final class GroupCommit<Item: Sendable>: Sendable {
    private struct Pending {
        var items: [Item] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        /// Whether a turn of the writer is already asked for, which will take what is pending then.
        var scheduled = false
    }

    private let pending = Mutex(Pending())

    /// How many callers wait for the next turn.
    var waitingCount: Int { pending.withLock { $0.waiters.count } }

    /// Hands `items` to the next turn of `database`'s writer, where `commit` writes them with every other caller's
    /// (its callers all pass the same `commit`); returns once they are committed.
    func submit(
        _ items: [Item], to database: any DatabaseWriter,
        _ commit: @escaping @Sendable (Database, [Item]) throws -> Void
    ) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let schedule = pending.withLock { pending in
                pending.items += items
                pending.waiters.append(continuation)
                defer { pending.scheduled = true }
                return !pending.scheduled
            }
            guard schedule else { return }
            database.asyncWriteWithoutTransaction { db in
                let (items, waiters) = self.pending.withLock { pending in
                    defer { pending = Pending() }
                    return (pending.items, pending.waiters)
                }
                do {
                    try commit(db, items)
                    for waiter in waiters { waiter.resume() }
                } catch {
                    for waiter in waiters { waiter.resume(throwing: error) }
                }
            }
        }
    }
}
