internal import GRDB

extension DatabaseWriter {
    /// Runs `body` as one transaction in the writer's turn; once it is committed, and still in the writer's turn,
    /// passes its result to `committed`. A store that keeps what its file holds in memory too changes the memory
    /// there: in the order the file changes, yet without holding its memory's lock across SQLite, so that readers of
    /// the memory never wait for a write.
    func writeThen<Value>(_ body: (Database) throws -> Value, committed: (Value) -> Void) throws -> Value {
        try writeWithoutTransaction { db in
            let result = try db.committing(body)
            committed(result)
            return result
        }
    }
}

extension Database {
    /// Runs `body` as one transaction on this connection, which is in the writer's turn, and answers its result once
    /// it is committed.
    func committing<Value>(_ body: (Database) throws -> Value) throws -> Value {
        var result: Value?
        try inTransaction {
            result = try body(self)
            return .commit
        }
        guard let result else { preconditionFailure("a committed transaction has a result") }
        return result
    }
}
