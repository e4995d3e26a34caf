internal import EOSModel
internal import Synchronization

/// A child, as a key.
struct ChildKey: Hashable {
    var kind: ChildKind
    var id: String
}

/// One turn at a time per child: a waiting report is handed the turn when the one before it is done.
///
/// A child's turn is a ``ReadaheadBudget`` of one, which already hands out in the order asked and lets a waiter
/// whose call ends (its child reconnected, or the parent is shutting down) leave the line at once. A child's entry
/// lives while a report holds or waits for its turn.
final class ReportTurns: Sendable {
    private let turns = Mutex<[ChildKey: (turn: ReadaheadBudget, users: Int)]>([:])

    /// Runs `body` in `key`'s turn, after every turn asked for before.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits (`body` does not run then), or what
    ///   `body` throws.
    func withTurn<Value>(_ key: ChildKey, _ body: () async throws -> Value) async throws -> Value {
        let turn = turns.withLock { turns in
            let entry = turns[key] ?? (ReadaheadBudget(capacity: 1), 0)
            turns[key] = (entry.turn, entry.users + 1)
            return entry.turn
        }
        defer {
            turns.withLock { turns in
                guard let entry = turns[key] else { return }
                turns[key] = entry.users > 1 ? (entry.turn, entry.users - 1) : nil
            }
        }
        _ = try await turn.take(1)
        defer { turn.give(1) }
        return try await body()
    }
}
