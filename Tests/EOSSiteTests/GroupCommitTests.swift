import EOSTesting
import Foundation
import GRDB
import Synchronization
import Testing

@testable import EOSSite

@Suite("GroupCommit")
struct GroupCommitTests {
    struct Refused: Error {}

    /// A number the callers' closures share.
    final class Shared: Sendable {
        private let number: Mutex<Int>
        init(_ number: Int) { self.number = Mutex(number) }
        var value: Int { number.withLock { $0 } }
        func set(_ value: Int) { number.withLock { $0 = value } }
        func increment() { number.withLock { $0 += 1 } }
    }

    /// A database whose writer is held busy until `release` is signalled, so that callers pile up behind it.
    static func busyWriter() throws -> (DatabaseQueue, DispatchSemaphore) {
        let database = try DatabaseQueue()
        try database.write { db in try db.execute(sql: "CREATE TABLE items (caller INTEGER, item INTEGER)") }
        let release = DispatchSemaphore(value: 0)
        database.asyncWriteWithoutTransaction { _ in release.wait() }
        return (database, release)
    }

    @Test("what callers hand over while the writer is busy is committed in one transaction, each caller's in order")
    func gathers() async throws {
        let (database, release) = try Self.busyWriter()
        let group = GroupCommit<[[Int]], Void>()
        let commits = Shared(0)
        let callers = 50
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for caller in 0..<callers {
                tasks.addTask {
                    try await group.submit([[caller, 0], [caller, 1], [caller, 2]], to: database) { db, entries in
                        commits.increment()
                        try db.inTransaction {
                            for item in entries.joined() {
                                try db.execute(
                                    sql: "INSERT INTO items (caller, item) VALUES (?, ?)",
                                    arguments: [item[0], item[1]])
                            }
                            return .commit
                        }
                        return entries.map { _ in () }
                    }
                    // On disk once the call returns.
                    let written = try await database.read { db in
                        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE caller = ?", arguments: [caller])
                    }
                    #expect(written == 3)
                }
            }
            try await eventually("every caller waiting") { group.waitingCount == callers }
            release.signal()
            try await tasks.waitForAll()
        }
        #expect(commits.value == 1)
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT caller, item FROM items ORDER BY rowid").map {
                [$0[0] as Int, $0[1] as Int]
            }
        }
        #expect(rows.count == callers * 3)
        for caller in 0..<callers {
            #expect(rows.filter { $0[0] == caller }.map { $0[1] } == [0, 1, 2], "caller \(caller)'s items in order")
        }
    }

    @Test("a failed transaction fails every caller in it, and the next turn starts afresh")
    func failure() async throws {
        let (database, release) = try Self.busyWriter()
        let group = GroupCommit<Int, Void>()
        let refuse = Shared(1)
        let commit: @Sendable (Database, [Int]) throws -> [Void] = { db, items in
            if refuse.value == 1 { throw Refused() }
            for item in items {
                try db.execute(sql: "INSERT INTO items (caller, item) VALUES (?, 0)", arguments: [item])
            }
            return items.map { _ in () }
        }
        let outcomes = try await withThrowingTaskGroup(of: Bool.self, returning: [Bool].self) { tasks in
            for caller in 0..<3 {
                tasks.addTask {
                    do {
                        try await group.submit(caller, to: database, commit)
                        return true
                    } catch is Refused {
                        return false
                    }
                }
            }
            try await eventually("every caller waiting") { group.waitingCount == 3 }
            release.signal()
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == [false, false, false])
        refuse.set(0)
        try await group.submit(7, to: database, commit)
        #expect(try await database.read { db in try Int.fetchAll(db, sql: "SELECT caller FROM items") } == [7])
    }

    @Test("each caller gets the outcome the commit answered for its own entry")
    func outcomes() async throws {
        let (database, release) = try Self.busyWriter()
        let group = GroupCommit<Int, Int64>()
        let callers = 20
        let rows = try await withThrowingTaskGroup(of: (Int, Int64).self, returning: [Int: Int64].self) { tasks in
            for caller in 0..<callers {
                tasks.addTask {
                    let row = try await group.submit(caller, to: database) { db, entries in
                        try entries.map { entry in
                            try db.execute(sql: "INSERT INTO items (caller, item) VALUES (?, 0)", arguments: [entry])
                            return db.lastInsertedRowID
                        }
                    }
                    return (caller, row)
                }
            }
            try await eventually("every caller waiting") { group.waitingCount == callers }
            release.signal()
            return try await tasks.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for (caller, row) in rows {
            let stored = try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT caller FROM items WHERE rowid = ?", arguments: [row])
            }
            #expect(stored == caller, "caller \(caller) was answered the row it wrote")
        }
        #expect(rows.count == callers)
    }
}
