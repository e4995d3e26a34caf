internal import EOSMargo
public import EOSModel
public import Foundation
internal import GRDB
internal import Synchronization

/// The Edge Node's durable state in one SQLite file: the desired state of every deployment it runs, the
/// generations of deployments removed from it, its outbox of status reports the upstream has not acknowledged,
/// and the restart count of each workload.
///
/// Every write is a transaction that is on disk before the call returns, so an apply acknowledged to the parent
/// survives a crash or a power cut, and after a reboot with no network the node starts what it last applied.
/// The file uses SQLite's write-ahead log. A store opened with no folder lives in memory and ends with the process:
/// for simulated nodes, thousands to a process, which have nothing to bring back.
///
/// What the node reads on every reconcile pass and every send is kept in memory too, changed with the file under one
/// lock: the desired states and removals (decoded once, when the store opens), the restart counts, the outbox's
/// length, and the outbox itself while it is short (up to ``outboxMemoryLimit`` reports, as it is between changes on a
/// connected node). A long outage's outbox is read from the file instead, until it drains.
public final class EdgeStore: Sendable {
    /// What the file holds that the node reads all the time, changed under its lock in the same transaction order.
    private struct Memory {
        /// Each deployment's desired state, as in the `desired` table.
        var desired: [String: FleetDesiredState]
        /// The desired states in deployment order, once asked for; forgotten when one changes.
        var ordered: [FleetDesiredState]?
        /// The generation of each deployment removed, as in the `removed` table.
        var removed: [String: Int64]
        /// Each workload's restart count, as in the `workloads` table.
        var restarts: [String: Int]
        /// How many reports the outbox holds.
        var outboxCount: Int
        /// Every report in the outbox, in order, while there are no more than ``outboxMemoryLimit``; `nil` once it
        /// outgrew that, until it is empty again.
        var outbox: [StatusReport]?

        /// The newest generation of `deployment` the node holds or removed.
        func heldGeneration(of deployment: String) -> Int64? {
            [desired[deployment]?.generation, removed[deployment]].compactMap { $0 }.max()
        }
    }

    /// The file name inside the node's data folder.
    public static let fileName = "edge.sqlite"
    /// The most outbox reports kept in memory as well as in the file.
    public static let outboxMemoryLimit = 256

    private let database: any DatabaseWriter
    /// Held across each write, so the memory changes in the order the file does.
    private let memory: Mutex<Memory>
    /// The most reports the outbox holds; beyond it the oldest are dropped and counted.
    public let outboxLimit: Int
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private static let decoder = JSONDecoder()

    /// Opens (creating if needed) the store in `directory`, or a store in memory when `directory` is `nil`.
    public init(directory: URL?, outboxLimit: Int = 100_000) throws(EdgeStoreError) {
        let path = directory.map { $0.appendingPathComponent(Self.fileName).path } ?? ":memory:"
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            if let directory {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                database = try DatabasePool(path: path, configuration: configuration)
            } else {
                database = try DatabaseQueue(configuration: configuration)
            }
            try Self.migrator.migrate(database)
            memory = Mutex(try database.read(Self.load))
        } catch {
            throw EdgeStoreError(message: "cannot open the node store \(path)", cause: error)
        }
        self.outboxLimit = outboxLimit
    }

    /// What the memory holds of the file.
    private static func load(_ db: Database) throws -> Memory {
        var desired: [String: FleetDesiredState] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT deployment, state FROM desired") {
            let deployment: String = row["deployment"]
            do {
                desired[deployment] = try decoder.decode(FleetDesiredState.self, from: row["state"] as Data)
            } catch {
                throw EdgeStoreError(message: "the stored desired state of \(deployment) is unreadable", cause: error)
            }
        }
        var removed: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT deployment, generation FROM removed") {
            removed[row["deployment"]] = row["generation"]
        }
        var restarts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, restarts FROM workloads") {
            restarts[row["id"]] = row["restarts"]
        }
        let outboxCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
        return Memory(
            desired: desired, removed: removed, restarts: restarts, outboxCount: outboxCount,
            outbox: outboxCount <= outboxMemoryLimit ? try reports(limit: outboxMemoryLimit, db) : nil)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE desired (deployment TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL,
                                          state BLOB NOT NULL);
                    CREATE TABLE removed (deployment TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL);
                    CREATE TABLE outbox (sequence INTEGER PRIMARY KEY AUTOINCREMENT, status BLOB NOT NULL);
                    CREATE TABLE workloads (id TEXT PRIMARY KEY NOT NULL, restarts INTEGER NOT NULL);
                    CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    CREATE TABLE reported (deployment TEXT PRIMARY KEY NOT NULL, status BLOB NOT NULL);
                    CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v2: outbox sequences start at the store's creation") { db in
            // The parent drops a report whose sequence is not above the last it took from this node. A node whose
            // store is lost (a reimaged host) starts a new one: its sequences start at the creation time in
            // microseconds, above anything an earlier store sent.
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('outbox', MAX(?,
                        COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)))
                    """, arguments: [Int64(Date().timeIntervalSince1970 * 1_000_000)])
        }
        // v3: statuses, in the outbox and the last reported, as their protobuf wire message (as they travel), no
        // longer JSON: quicker to write and to read for every change the node reports.
        migrator.registerMigration("v3: statuses in protobuf") { db in
            for table in ["outbox", "reported"] {
                for row in try Row.fetchAll(db, sql: "SELECT rowid AS id, status FROM \(table)") {
                    let status = try decoder.decode(NodeDeploymentStatus.self, from: row["status"] as Data)
                    try db.execute(
                        sql: "UPDATE \(table) SET status = ? WHERE rowid = ?",
                        arguments: [try status.margoBinary(), row["id"] as Int64])
                }
            }
        }
        return migrator
    }

    // MARK: Desired state

    /// Records `state` if it is newer than what the node holds (a removal's generation counts), and says what
    /// happened: accepted, unchanged (the same generation again) or stale (older).
    public func apply(_ state: FleetDesiredState) throws(EdgeStoreError) -> ApplyResult {
        let data: Data
        do {
            data = try Self.encoder.encode(state)
        } catch {
            throw EdgeStoreError(message: "cannot encode the desired state of \(state.deployment)", cause: error)
        }
        return try write("apply \(state.deployment) generation \(state.generation)") { memory, db in
            let held = memory.heldGeneration(of: state.deployment)
            let outcome = state.outcome(over: held)
            guard outcome == .accepted else { return ApplyResult(outcome: outcome, generation: held ?? 0) }
            try db.inTransaction {
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO desired (deployment, generation, state) VALUES (?, ?, ?)"
                )
                .execute(arguments: [state.deployment, state.generation, data])
                try db.cachedStatement(sql: "DELETE FROM removed WHERE deployment = ?")
                    .execute(arguments: [state.deployment])
                return .commit
            }
            memory.desired[state.deployment] = state
            memory.ordered = nil
            memory.removed[state.deployment] = nil
            return ApplyResult(outcome: .accepted, generation: state.generation)
        }
    }

    /// Forgets a deployment's desired state, remembering the removal's generation so an older apply arriving
    /// late is refused.
    public func remove(_ removal: FleetRemoval) throws(EdgeStoreError) -> ApplyResult {
        try write("remove \(removal.deployment)") { memory, db in
            let held = memory.heldGeneration(of: removal.deployment)
            let outcome = removal.outcome(over: held)
            guard outcome == .accepted else { return ApplyResult(outcome: outcome, generation: held ?? 0) }
            let generation = max(removal.generation, held ?? 0)
            try db.inTransaction {
                try db.cachedStatement(sql: "DELETE FROM desired WHERE deployment = ?")
                    .execute(arguments: [removal.deployment])
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO removed (deployment, generation) VALUES (?, ?)")
                    .execute(arguments: [removal.deployment, generation])
                return .commit
            }
            memory.desired[removal.deployment] = nil
            memory.ordered = nil
            memory.removed[removal.deployment] = generation
            return ApplyResult(outcome: .accepted, generation: removal.generation)
        }
    }

    /// Every deployment's desired state, in deployment order.
    public func desiredStates() throws(EdgeStoreError) -> [FleetDesiredState] {
        memory.withLock { memory in
            if let ordered = memory.ordered { return ordered }
            let ordered = memory.desired.values.sorted { $0.deployment < $1.deployment }
            memory.ordered = ordered
            return ordered
        }
    }

    /// The generation of each deployment the node holds, as `Register` and `Sync` report it.
    public func appliedGenerations() throws(EdgeStoreError) -> [String: Int64] {
        memory.withLock { $0.desired.mapValues(\.generation) }
    }

    // MARK: Outbox

    /// Appends status changes to the outbox, in order, each as its own report, and remembers each deployment's
    /// latest as the last reported (a `removed` one is forgotten); drops (and counts) the oldest reports beyond
    /// ``outboxLimit``.
    public func enqueue(_ statuses: [NodeDeploymentStatus]) throws(EdgeStoreError) {
        guard !statuses.isEmpty else { return }
        var encoded: [Data] = []
        for status in statuses {
            do {
                encoded.append(try status.margoBinary())
            } catch {
                throw EdgeStoreError(message: "cannot encode the status of \(status.deployment)", cause: error)
            }
        }
        try write("queue \(statuses.count) status reports") { memory, db in
            var queued: [StatusReport] = []
            let excess = max(0, memory.outboxCount + statuses.count - outboxLimit)
            try db.inTransaction {
                for (status, data) in zip(statuses, encoded) {
                    try db.cachedStatement(sql: "INSERT INTO outbox (status) VALUES (?)").execute(arguments: [data])
                    queued.append(StatusReport(sequence: UInt64(db.lastInsertedRowID), statuses: [status]))
                    if status.state == .removed {
                        try db.cachedStatement(sql: "DELETE FROM reported WHERE deployment = ?")
                            .execute(arguments: [status.deployment])
                    } else {
                        try db.cachedStatement(
                            sql: "INSERT OR REPLACE INTO reported (deployment, status) VALUES (?, ?)"
                        ).execute(arguments: [status.deployment, data])
                    }
                }
                if excess > 0 {
                    try db.execute(
                        sql: """
                            DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM outbox ORDER BY sequence LIMIT ?)
                            """, arguments: [excess])
                    try db.execute(
                        sql: """
                            INSERT INTO counters (name, value) VALUES ('outbox.dropped', ?)
                            ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                            """, arguments: [excess])
                }
                return .commit
            }
            memory.outboxCount += statuses.count - excess
            if var outbox = memory.outbox, outbox.count + queued.count <= Self.outboxMemoryLimit {
                memory.outbox = nil
                outbox += queued
                outbox.removeFirst(excess)
                memory.outbox = outbox
            } else {
                memory.outbox = nil
            }
        }
    }

    /// The last status queued for each deployment the node holds or is removing, by deployment: what the node
    /// compares with to report only changes, across restarts.
    public func lastReported() throws(EdgeStoreError) -> [String: NodeDeploymentStatus] {
        let rows = try read("read the last reported statuses") { db in
            try Row.fetchAll(db, sql: "SELECT deployment, status FROM reported")
        }
        var statuses: [String: NodeDeploymentStatus] = [:]
        for row in rows {
            let deployment: String = row["deployment"]
            do {
                statuses[deployment] = try NodeDeploymentStatus(margoBinary: row["status"] as Data)
            } catch {
                throw EdgeStoreError(message: "the last reported status of \(deployment) is unreadable", cause: error)
            }
        }
        return statuses
    }

    /// The oldest `limit` unacknowledged reports, in order; each report's sequence is its place in the outbox.
    public func pendingReports(limit: Int = 500) throws(EdgeStoreError) -> [StatusReport] {
        if let outbox = memory.withLock({ $0.outbox }) { return Array(outbox.prefix(limit)) }
        return try read("read the outbox") { db in try Self.reports(limit: limit, db) }
    }

    private static func reports(limit: Int, _ db: Database) throws -> [StatusReport] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT sequence, status FROM outbox ORDER BY sequence LIMIT ?"),
            arguments: [limit])
        var reports: [StatusReport] = []
        for row in rows {
            let sequence: Int64 = row["sequence"]
            do {
                let status = try NodeDeploymentStatus(margoBinary: row["status"] as Data)
                reports.append(StatusReport(sequence: UInt64(sequence), statuses: [status]))
            } catch {
                throw EdgeStoreError(message: "outbox entry \(sequence) is unreadable", cause: error)
            }
        }
        return reports
    }

    /// Deletes every report up to and including `sequence`, which the upstream acknowledged.
    public func acknowledge(through sequence: UInt64) throws(EdgeStoreError) {
        try write("acknowledge reports through \(sequence)") { memory, db in
            try db.inTransaction {
                try db.cachedStatement(sql: "DELETE FROM outbox WHERE sequence <= ?")
                    .execute(arguments: [Int64(clamping: sequence)])
                return .commit
            }
            memory.outboxCount -= db.changesCount
            if memory.outboxCount == 0 {
                memory.outbox = []
            } else {
                memory.outbox?.removeAll { $0.sequence <= sequence }
            }
        }
    }

    /// How many reports wait in the outbox, as the file has it now (another store open on the same file may have
    /// sent some).
    public func pendingCount() throws(EdgeStoreError) -> Int {
        try read("count the outbox") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    /// How many reports the outbox dropped because it was full, over the store's life.
    public func droppedCount() throws(EdgeStoreError) -> Int {
        try read("read the drop count") { db in
            try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'outbox.dropped'") ?? 0
        }
    }

    // MARK: Workloads

    /// The restart count of every workload, by runtime id.
    public func restartCounts() throws(EdgeStoreError) -> [String: Int] {
        memory.withLock { $0.restarts }
    }

    /// Records a workload's restart count; `nil` forgets the workload.
    public func setRestartCount(_ restarts: Int?, for id: String) throws(EdgeStoreError) {
        try write("record the restarts of \(id)") { memory, db in
            guard memory.restarts[id] != restarts else { return }
            if let restarts {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO workloads (id, restarts) VALUES (?, ?)")
                    .execute(arguments: [id, restarts])
            } else {
                try db.cachedStatement(sql: "DELETE FROM workloads WHERE id = ?").execute(arguments: [id])
            }
            memory.restarts[id] = restarts
        }
    }

    // MARK: Settings

    /// A remembered setting (such as the parent's identity), or `nil`.
    public func setting(_ name: String) throws(EdgeStoreError) -> String? {
        try read("read the setting \(name)") { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name])
        }
    }

    /// Remembers a setting.
    public func setSetting(_ name: String, to value: String) throws(EdgeStoreError) {
        try write("record the setting \(name)") { _, db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", arguments: [name, value])
        }
    }

    // MARK: Access

    /// Runs `body` on the writer's connection with the memory's lock held: a change made in one transaction there
    /// lands in the memory before the next write begins. (A single statement is a transaction of its own.)
    private func write<T: Sendable>(
        _ what: String, _ body: (inout Memory, Database) throws -> T
    ) throws(EdgeStoreError) -> T {
        do {
            return try memory.withLock { memory in
                try database.writeWithoutTransaction { db in try body(&memory, db) }
            }
        } catch {
            throw EdgeStoreError(message: "cannot \(what) in the node store", cause: error)
        }
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(EdgeStoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw EdgeStoreError(message: "cannot \(what) from the node store", cause: error)
        }
    }
}
