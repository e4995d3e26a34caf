internal import GRDB
internal import Synchronization

/// Writes that many callers hand over at once, gathered so that one transaction in a database writer's turn takes
/// every entry that arrived while the previous one ran.
///
/// A site's nodes report at the same moments (a rollout's wave installs together), and the site's calls to them end
/// together: each report or acknowledgement written in a transaction of its own costs a commit, and a write-ahead
/// log append of every page it touched, per node. Handed over here, the callers wait without holding a thread, and
/// the writer's next turn commits all they handed over in the order they did; each caller resumes once its entry is
/// on disk, with what the commit answered for it, or with the transaction's error.
final class GroupCommit<Entry: Sendable, Outcome: Sendable>: Sendable {
    private struct Pending {
        var entries: [Entry] = []
        var waiters: [CheckedContinuation<Outcome, any Error>] = []
        /// Whether a turn of the writer is already asked for, which will take what is pending then.
        var scheduled = false
    }

    private let pending = Mutex(Pending())

    /// How many callers wait for the next turn.
    var waitingCount: Int { pending.withLock { $0.waiters.count } }

    /// Hands `entry` to the next turn of `database`'s writer, where `commit` writes it with every other caller's
    /// (its callers all pass the same `commit`), answering one outcome per entry in their order; returns this entry's
    /// outcome once it is committed.
    func submit(
        _ entry: Entry, to database: any DatabaseWriter,
        _ commit: @escaping @Sendable (Database, [Entry]) throws -> [Outcome]
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            let schedule = pending.withLock { pending in
                pending.entries.append(entry)
                pending.waiters.append(continuation)
                defer { pending.scheduled = true }
                return !pending.scheduled
            }
            guard schedule else { return }
            database.asyncWriteWithoutTransaction { db in
                let (entries, waiters) = self.pending.withLock { pending in
                    defer { pending = Pending() }
                    return (pending.entries, pending.waiters)
                }
                do {
                    let outcomes = try commit(db, entries)
                    precondition(outcomes.count == waiters.count, "a group commit answers once for every entry")
                    for (waiter, outcome) in zip(waiters, outcomes) { waiter.resume(returning: outcome) }
                } catch {
                    for waiter in waiters { waiter.resume(throwing: error) }
                }
            }
        }
    }
}
