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
/// The file uses SQLite's write-ahead log. What the node reads on every reconcile pass and every send is kept in
/// memory too, changed with the file under one lock: the desired states and removals (decoded once, when the store
/// opens), the restart counts, the last reported statuses, the settings, the outbox's length, and the outbox itself
/// while it is short (up to ``outboxMemoryLimit`` reports, as it is between changes on a connected node). A long
/// outage's outbox is read from the file instead, until it drains.
///
/// A store opened with no folder has no file: it lives in memory alone, with the same rules, and ends with the
/// process. It is for simulated nodes, thousands to a process, which have nothing to bring back.
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
        /// The latest status queued of each deployment, as in the `reported` table.
        var reported: [String: NodeDeploymentStatus]
        /// The settings, as in the `settings` table.
        var settings: [String: String]
        /// How many reports the outbox dropped, as its `outbox.dropped` counter.
        var dropped: Int
        /// How many reports the outbox holds.
        var outboxCount: Int
        /// Every report in the outbox, in order, while there are no more than ``outboxMemoryLimit``; `nil` once it
        /// outgrew that, until it is empty again.
        var outbox: [StatusReport]?
        /// The last outbox sequence given, for a store with no file: from its creation time in microseconds, as a
        /// file's.
        var sequence = UInt64(Date().timeIntervalSince1970 * 1_000_000)

        /// The newest generation of `deployment` the node holds or removed.
        func heldGeneration(of deployment: String) -> Int64? {
            [desired[deployment]?.generation, removed[deployment]].compactMap { $0 }.max()
        }
    }

    /// The file name inside the node's data folder.
    public static let fileName = "edge.sqlite"
    /// The most outbox reports kept in memory as well as in the file.
    public static let outboxMemoryLimit = 256

    /// The file, or `nil` for a store in memory alone.
    private let database: (any DatabaseWriter)?
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
                let database = try DatabasePool(path: path, configuration: configuration)
                try Self.migrator.migrate(database)
                memory = Mutex(try database.read(Self.load))
                self.database = database
            } else {
                memory = Mutex(
                    Memory(
                        desired: [:], removed: [:], restarts: [:], reported: [:], settings: [:], dropped: 0,
                        outboxCount: 0, outbox: []))
                database = nil
            }
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
        var reported: [String: NodeDeploymentStatus] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT deployment, status FROM reported") {
            let deployment: String = row["deployment"]
            do {
                reported[deployment] = try NodeDeploymentStatus(margoBinary: row["status"] as Data)
            } catch {
                throw EdgeStoreError(message: "the last reported status of \(deployment) is unreadable", cause: error)
            }
        }
        var settings: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM settings") {
            settings[row["name"]] = row["value"]
        }
        let dropped = try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'outbox.dropped'") ?? 0
        let outboxCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
        return Memory(
            desired: desired, removed: removed, restarts: restarts, reported: reported, settings: settings,
            dropped: dropped, outboxCount: outboxCount,
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
        try write("apply \(state.deployment) generation \(state.generation)") { memory, db in
            let held = memory.heldGeneration(of: state.deployment)
            let outcome = state.outcome(over: held)
            guard outcome == .accepted else { return ApplyResult(outcome: outcome, generation: held ?? 0) }
            if let db {
                let data = try Self.encoder.encode(state)
                try db.inTransaction {
                    try db.cachedStatement(
                        sql: "INSERT OR REPLACE INTO desired (deployment, generation, state) VALUES (?, ?, ?)"
                    ).execute(arguments: [state.deployment, state.generation, data])
                    try db.cachedStatement(sql: "DELETE FROM removed WHERE deployment = ?")
                        .execute(arguments: [state.deployment])
                    return .commit
                }
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
            if let db {
                try db.inTransaction {
                    try db.cachedStatement(sql: "DELETE FROM desired WHERE deployment = ?")
                        .execute(arguments: [removal.deployment])
                    try db.cachedStatement(
                        sql: "INSERT OR REPLACE INTO removed (deployment, generation) VALUES (?, ?)"
                    ).execute(arguments: [removal.deployment, generation])
                    return .commit
                }
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
        try write("queue \(statuses.count) status reports") { memory, db in
            let excess = max(0, memory.outboxCount + statuses.count - outboxLimit)
            let queued =
                try db.map { db in try Self.enqueue(statuses, dropping: excess, db) }
                ?? statuses.map { status in
                    memory.sequence += 1
                    return StatusReport(sequence: memory.sequence, statuses: [status])
                }
            for status in statuses { memory.reported[status.deployment] = status.state == .removed ? nil : status }
            memory.dropped += excess
            memory.outboxCount += statuses.count - excess
            // A store with no file keeps its whole outbox in memory.
            if var outbox = memory.outbox, db == nil || outbox.count + queued.count <= Self.outboxMemoryLimit {
                memory.outbox = nil
                outbox += queued
                outbox.removeFirst(excess)
                memory.outbox = outbox
            } else {
                memory.outbox = nil
            }
        }
    }

    /// Appends `statuses` to the file's outbox and last reported statuses, dropping the `excess` oldest reports, in
    /// one transaction; answers the reports queued.
    private static func enqueue(
        _ statuses: [NodeDeploymentStatus], dropping excess: Int, _ db: Database
    ) throws -> [StatusReport] {
        var queued: [StatusReport] = []
        try db.inTransaction {
            for status in statuses {
                let data = try status.margoBinary()
                try db.cachedStatement(sql: "INSERT INTO outbox (status) VALUES (?)").execute(arguments: [data])
                queued.append(StatusReport(sequence: UInt64(db.lastInsertedRowID), statuses: [status]))
                if status.state == .removed {
                    try db.cachedStatement(sql: "DELETE FROM reported WHERE deployment = ?")
                        .execute(arguments: [status.deployment])
                } else {
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO reported (deployment, status) VALUES (?, ?)")
                        .execute(arguments: [status.deployment, data])
                }
            }
            if excess > 0 {
                try db.execute(
                    sql: "DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM outbox ORDER BY sequence LIMIT ?)",
                    arguments: [excess])
                try db.execute(
                    sql: """
                        INSERT INTO counters (name, value) VALUES ('outbox.dropped', ?)
                        ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                        """, arguments: [excess])
            }
            return .commit
        }
        return queued
    }

    /// The last status queued for each deployment the node holds or is removing, by deployment: what the node
    /// compares with to report only changes, across restarts.
    public func lastReported() throws(EdgeStoreError) -> [String: NodeDeploymentStatus] {
        memory.withLock { $0.reported }
    }

    /// The oldest `limit` unacknowledged reports, in order; each report's sequence is its place in the outbox.
    public func pendingReports(limit: Int = 500) throws(EdgeStoreError) -> [StatusReport] {
        if let outbox = memory.withLock({ $0.outbox }) { return Array(outbox.prefix(limit)) }
        // Only a store with a file lets its outbox outgrow the memory.
        guard let database else { return [] }
        do {
            return try database.read { db in try Self.reports(limit: limit, db) }
        } catch {
            throw EdgeStoreError(message: "cannot read the outbox from the node store", cause: error)
        }
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
            if let db {
                try db.cachedStatement(sql: "DELETE FROM outbox WHERE sequence <= ?")
                    .execute(arguments: [Int64(clamping: sequence)])
                memory.outboxCount -= db.changesCount
                memory.outbox?.removeAll { $0.sequence <= sequence }
            } else {
                memory.outbox?.removeAll { $0.sequence <= sequence }
                memory.outboxCount = memory.outbox?.count ?? 0
            }
            if memory.outboxCount == 0 { memory.outbox = [] }
        }
    }

    /// How many reports wait in the outbox, as the file has it now (another store open on the same file may have
    /// sent some).
    public func pendingCount() throws(EdgeStoreError) -> Int {
        guard let database else { return memory.withLock { $0.outboxCount } }
        do {
            return try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
        } catch {
            throw EdgeStoreError(message: "cannot count the outbox in the node store", cause: error)
        }
    }

    /// How many reports the outbox dropped because it was full, over the store's life.
    public func droppedCount() throws(EdgeStoreError) -> Int {
        memory.withLock { $0.dropped }
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
                try db?.cachedStatement(sql: "INSERT OR REPLACE INTO workloads (id, restarts) VALUES (?, ?)")
                    .execute(arguments: [id, restarts])
            } else {
                try db?.cachedStatement(sql: "DELETE FROM workloads WHERE id = ?").execute(arguments: [id])
            }
            memory.restarts[id] = restarts
        }
    }

    // MARK: Settings

    /// A remembered setting (such as the parent's identity), or `nil`.
    public func setting(_ name: String) throws(EdgeStoreError) -> String? {
        memory.withLock { $0.settings[name] }
    }

    /// Remembers a setting.
    public func setSetting(_ name: String, to value: String) throws(EdgeStoreError) {
        try write("record the setting \(name)") { memory, db in
            try db?.execute(
                sql: "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", arguments: [name, value])
            memory.settings[name] = value
        }
    }

    // MARK: Access

    /// Runs `body` with the memory's lock held and, for a store with a file, on the writer's connection: a change
    /// made in one transaction there lands in the memory before the next write begins. (A single statement is a
    /// transaction of its own.)
    private func write<T: Sendable>(
        _ what: String, _ body: (inout Memory, Database?) throws -> T
    ) throws(EdgeStoreError) -> T {
        do {
            return try memory.withLock { memory in
                guard let database else { return try body(&memory, nil) }
                return try database.writeWithoutTransaction { db in try body(&memory, db) }
            }
        } catch {
            throw EdgeStoreError(message: "cannot \(what) in the node store", cause: error)
        }
    }
}
