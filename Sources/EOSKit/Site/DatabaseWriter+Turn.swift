internal import GRDB

extension DatabaseWriter {
    /// Runs `body` as one transaction in the writer's turn; once it is committed, and still in the writer's turn,
    /// passes its result to `committed`. A store that keeps what its file holds in memory too changes the memory
    /// there: in the order the file changes, yet without holding its memory's lock across SQLite, so that readers of
    /// the memory never wait for a write.
    func writeThen<Value>(_ body: (Database) throws -> Value, committed: (Value) -> Void) throws -> Value {
        try writeWithoutTransaction { db in
            var result: Value?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            guard let result else { preconditionFailure("a committed transaction has a result") }
            committed(result)
            return result
        }
    }
}
