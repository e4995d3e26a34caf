internal import EOSMargo
public import EOSModel
public import Foundation
internal import GRDB
internal import Synchronization

/// The Local Orchestrator's durable state in one SQLite file: the desired state of every deployment the central
/// gave the site, what each node has acknowledged, where `Replicas` workloads are placed, each node's latest status,
/// and the outbox of statuses the central has not acknowledged.
///
/// The outbox coalesces: a newer status for the same node and deployment replaces the queued one (latest wins) and
/// moves to the end, so a long outage costs one entry per node and deployment, not one per change. Beyond
/// ``outboxLimit`` the oldest are dropped and counted. Every write is on disk before the call returns. The latest
/// statuses and what each node holds are also kept in memory, and the desired states, removals and placements are
/// decoded once per change, so planning (a pass per finished call in a rollout) and status queries never read or
/// decode them again.
public final class SiteStore: Sendable {
    private struct StatusKey: Hashable {
        var node: String
        var deployment: String
    }

    /// A status to record, with its wire message as the file keeps it.
    private struct EncodedStatus: Sendable {
        var status: NodeDeploymentStatus
        var data: Data
    }

    /// A change a caller hands to the writer's next transaction, which takes every caller's at once.
    private enum Change: Sendable {
        /// Statuses to record.
        case statuses([EncodedStatus])
        /// What a node holds of a deployment after a call to it (`nil`: none of it).
        case applied(Int64?, deployment: String, node: String)
    }

    /// What the file holds that every plan reads, changed under its lock in the same order as the file.
    private struct Memory {
        /// Each node's latest status on each deployment, as in the `statuses` table.
        var statuses: [StatusKey: NodeDeploymentStatus]
        /// What each node holds, node → deployment → generation, as in the `applied` table.
        var applied: [String: [String: Int64]]
        /// How many statuses the outbox holds: every status transaction keeps it within ``outboxLimit``, and
        /// counting the table there would read all of it, up to 100,000 entries in an outage, every time.
        var queued: Int

        /// Notes that `node` holds `generation` of `deployment` (`nil`: none); a node that holds nothing has no entry.
        mutating func setApplied(_ generation: Int64?, of deployment: String, on node: String) {
            applied[node, default: [:]][deployment] = generation
            if applied[node]?.isEmpty == true { applied[node] = nil }
        }
    }

    /// The file name inside the LO's data folder.
    public static let fileName = "site.sqlite"

    private let database: DatabasePool
    /// The desired states, decoded once per change: every node's heartbeat and sync, and every plan, read them.
    private let desired = ReadThroughCache<[FleetDesiredState]>()
    /// The removals and the placements, decoded once per change: every plan reads them.
    private let removed = ReadThroughCache<[FleetRemoval]>()
    private let placed = ReadThroughCache<[String: Set<String>]>()
    private let memory: Mutex<Memory>
    /// The statuses and acknowledgements callers are recording, gathered into the writer's next transaction.
    private let changes = GroupCommit<Change, Void>()
    /// The most statuses the outbox holds.
    public let outboxLimit: Int
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private static let decoder = JSONDecoder()

    /// Opens (creating if needed) the store in `directory`.
    public init(directory: URL, outboxLimit: Int = 100_000) throws(SiteStoreError) {
        let path = directory.appendingPathComponent(Self.fileName).path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
            let (stored, applied, queued) = try database.read { db in
                (
                    try Row.fetchAll(db, sql: "SELECT status FROM statuses").map { row in
                        try NodeDeploymentStatus(margoBinary: row["status"] as Data)
                    },
                    try Self.loadApplied(db),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
                )
            }
            memory = Mutex(
                Memory(
                    statuses: Dictionary(stored.map { (StatusKey(node: $0.nodeID, deployment: $0.deployment), $0) }) {
                        $1
                    },
                    applied: applied, queued: queued))
        } catch {
            throw SiteStoreError(message: "cannot open the site store \(path)", cause: error)
        }
        self.outboxLimit = outboxLimit
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE desired (deployment TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL,
                                          state BLOB NOT NULL);
                    CREATE TABLE removed (deployment TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL);
                    CREATE TABLE applied (node TEXT NOT NULL, deployment TEXT NOT NULL, generation INTEGER NOT NULL,
                                          PRIMARY KEY (node, deployment));
                    CREATE TABLE placements (deployment TEXT NOT NULL, node TEXT NOT NULL,
                                             PRIMARY KEY (deployment, node));
                    CREATE TABLE statuses (node TEXT NOT NULL, deployment TEXT NOT NULL, status BLOB NOT NULL,
                                           PRIMARY KEY (node, deployment));
                    CREATE TABLE outbox (sequence INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
                                         status BLOB NOT NULL);
                    CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    """)
            // The central drops a report whose sequence is not above the last it took from this site. A site whose
            // store is lost starts a new one: its sequences start at the creation time in microseconds, above
            // anything an earlier store sent.
            try db.execute(
                sql: "INSERT INTO counters (name, value) VALUES ('outbox.sequence', ?)",
                arguments: [Int64(Date().timeIntervalSince1970 * 1_000_000)])
        }
        // v2: statuses, in the table and in the outbox, as their protobuf wire message (as the central keeps them),
        // no longer JSON: quicker to write and to read for every report a busy site takes in and sends on.
        migrator.registerMigration("v2") { db in
            for table in ["statuses", "outbox"] {
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

    /// Records `state` if it is newer than what the site holds (a removal's generation counts). The same
    /// generation for other nodes (the next wave of a rollout) adds them to the wave; it is otherwise unchanged.
    public func accept(_ state: FleetDesiredState) throws(SiteStoreError) -> ApplyResult {
        defer {
            desired.invalidate()
            removed.invalidate()
        }
        return try write("accept \(state.deployment) generation \(state.generation)") { db in
            let held = try Self.heldGeneration(of: state.deployment, db)
            var stored = state
            switch state.outcome(over: held) {
            case .stale:
                return ApplyResult(outcome: .stale, generation: held ?? 0)
            case .unchanged:
                guard let current = try Self.desired(state.deployment, db), !current.nodeIDs.isEmpty,
                    state.nodeIDs.isEmpty || !Set(state.nodeIDs).isSubset(of: current.nodeIDs)
                else { return ApplyResult(outcome: .unchanged, generation: state.generation) }
                // A wider wave: the nodes of the earlier waves stay in it. An empty list means every node.
                stored.nodeIDs = state.nodeIDs.isEmpty ? [] : Array(Set(current.nodeIDs + state.nodeIDs)).sorted()
            case .accepted:
                break
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO desired (deployment, generation, state) VALUES (?, ?, ?)",
                arguments: [state.deployment, state.generation, try Self.encoder.encode(stored)])
            try db.execute(sql: "DELETE FROM removed WHERE deployment = ?", arguments: [state.deployment])
            return ApplyResult(outcome: .accepted, generation: state.generation)
        }
    }

    /// Forgets a deployment's desired state, remembering the removal so an older generation arriving late is
    /// refused; the nodes are then told to remove it.
    public func remove(_ removal: FleetRemoval) throws(SiteStoreError) -> ApplyResult {
        defer {
            desired.invalidate()
            removed.invalidate()
            placed.invalidate()
        }
        return try write("remove \(removal.deployment)") { db in
            let held = try Self.heldGeneration(of: removal.deployment, db)
            let outcome = removal.outcome(over: held)
            guard outcome == .accepted else { return ApplyResult(outcome: outcome, generation: held ?? 0) }
            try db.execute(sql: "DELETE FROM desired WHERE deployment = ?", arguments: [removal.deployment])
            try db.execute(sql: "DELETE FROM placements WHERE deployment = ?", arguments: [removal.deployment])
            try db.execute(
                sql: "INSERT OR REPLACE INTO removed (deployment, generation) VALUES (?, ?)",
                arguments: [removal.deployment, max(removal.generation, held ?? 0)])
            return ApplyResult(outcome: .accepted, generation: removal.generation)
        }
    }

    /// Every deployment's desired state, by name.
    public func desiredStates() throws(SiteStoreError) -> [FleetDesiredState] {
        try desired.value { () throws(SiteStoreError) in
            try read("read the desired states") { db in
                try Row.fetchAll(db, sql: "SELECT state FROM desired ORDER BY deployment").map { row in
                    try Self.decoder.decode(FleetDesiredState.self, from: row["state"] as Data)
                }
            }
        }
    }

    /// Every removal the site remembers, by name.
    public func removals() throws(SiteStoreError) -> [FleetRemoval] {
        try removed.value { () throws(SiteStoreError) in
            try read("read the removals") { db in
                try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT deployment, generation FROM removed ORDER BY deployment")
                ).map { row in FleetRemoval(deployment: row["deployment"], generation: row["generation"]) }
            }
        }
    }

    /// The generation of each deployment the site holds: what it tells the central when it registers.
    public func desiredGenerations() throws(SiteStoreError) -> [String: Int64] {
        try read("read the desired generations") { db in
            var generations: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT deployment, generation FROM desired") {
                generations[row["deployment"]] = row["generation"]
            }
            return generations
        }
    }

    private static func desired(_ deployment: String, _ db: Database) throws -> FleetDesiredState? {
        guard
            let data = try Data.fetchOne(
                db, sql: "SELECT state FROM desired WHERE deployment = ?", arguments: [deployment])
        else { return nil }
        return try Self.decoder.decode(FleetDesiredState.self, from: data)
    }

    private static func heldGeneration(of deployment: String, _ db: Database) throws -> Int64? {
        let desired = try Int64.fetchOne(
            db, sql: "SELECT generation FROM desired WHERE deployment = ?", arguments: [deployment])
        let removed = try Int64.fetchOne(
            db, sql: "SELECT generation FROM removed WHERE deployment = ?", arguments: [deployment])
        return [desired, removed].compactMap { $0 }.max()
    }

    // MARK: Nodes

    /// Records that `node` holds `generation` of `deployment` (`nil`: holds none of it), on disk when this returns.
    ///
    /// What the site's calls learn at the same time (a wave of nodes taking their change) shares one transaction
    /// with the statuses being recorded, written in the store's next turn after they arrive.
    public func setApplied(_ generation: Int64?, of deployment: String, on node: String) async throws(SiteStoreError) {
        do {
            try await changes.submit(.applied(generation, deployment: deployment, node: node), to: database) {
                db, batch in try self.commit(batch, db)
            }
        } catch {
            throw SiteStoreError(
                message: "cannot record what \(node) holds of \(deployment) in the site store", cause: error)
        }
    }

    /// Replaces what `node` holds with what it reported when it registered.
    public func replaceApplied(_ generations: [String: Int64], on node: String) throws(SiteStoreError) {
        try write("record what \(node) holds") { db in
            try db.execute(sql: "DELETE FROM applied WHERE node = ?", arguments: [node])
            for (deployment, generation) in generations {
                try db.execute(
                    sql: "INSERT INTO applied (node, deployment, generation) VALUES (?, ?, ?)",
                    arguments: [node, deployment, generation])
            }
        } then: { memory, _ in
            memory.applied[node] = generations.isEmpty ? nil : generations
        }
    }

    /// What each node holds: node → deployment → generation.
    public func applied() throws(SiteStoreError) -> [String: [String: Int64]] {
        memory.withLock { $0.applied }
    }

    private static func loadApplied(_ db: Database) throws -> [String: [String: Int64]] {
        var applied: [String: [String: Int64]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT node, deployment, generation FROM applied")) {
            applied[row["node"], default: [:]][row["deployment"]] = row["generation"]
        }
        return applied
    }

    /// The nodes each `Replicas` deployment is placed on.
    public func placements() throws(SiteStoreError) -> [String: Set<String>] {
        try placed.value { () throws(SiteStoreError) in
            try read("read the placements") { db in
                var placements: [String: Set<String>] = [:]
                for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT deployment, node FROM placements")) {
                    placements[row["deployment"], default: []].insert(row["node"])
                }
                return placements
            }
        }
    }

    /// Places `deployment` on `nodes`, replacing its earlier placement.
    public func setPlacement(_ nodes: Set<String>, of deployment: String) throws(SiteStoreError) {
        defer { placed.invalidate() }
        try write("place \(deployment)") { db in
            try db.execute(sql: "DELETE FROM placements WHERE deployment = ?", arguments: [deployment])
            for node in nodes.sorted() {
                try db.execute(
                    sql: "INSERT INTO placements (deployment, node) VALUES (?, ?)", arguments: [deployment, node])
            }
        }
    }

    // MARK: Statuses and the outbox

    /// Keeps each status as its node's latest on its deployment (a `removed` one is forgotten), notes the
    /// generation the node holds (none once removed), and queues the status for the central, replacing a queued
    /// status for the same node and deployment; all in one transaction, on disk when this returns.
    ///
    /// Statuses recorded at the same time by many callers (a site's nodes reporting a rollout's wave) share one
    /// transaction, written in the store's next turn after they arrive.
    public func record(_ statuses: [NodeDeploymentStatus]) async throws(SiteStoreError) {
        guard !statuses.isEmpty else { return }
        var encoded: [EncodedStatus] = []
        for status in statuses {
            do {
                encoded.append(EncodedStatus(status: status, data: try status.margoBinary()))
            } catch {
                throw SiteStoreError(
                    message: "cannot encode the status of \(status.nodeID) on \(status.deployment)", cause: error)
            }
        }
        do {
            try await changes.submit(.statuses(encoded), to: database) { db, batch in try self.commit(batch, db) }
        } catch {
            throw SiteStoreError(message: "cannot record \(statuses.count) statuses in the site store", cause: error)
        }
    }

    /// What a transaction changed, as the memory takes it.
    private enum Written {
        case status(NodeDeploymentStatus)
        case applied(Int64?, deployment: String, node: String)
    }

    /// Writes `batch` in one transaction, in its order, then, in the same turn of the writer, the memory; answers
    /// once for every change.
    private func commit(_ batch: [Change], _ db: Database) throws -> [Void] {
        let statusCount = batch.reduce(0) { count, change in
            guard case .statuses(let items) = change else { return count }
            return count + items.count
        }
        var queued = memory.withLock { $0.queued }
        let written = try db.committing { db in
            var written: [Written] = []
            var sequence =
                statusCount == 0 ? 0 : try Self.bump("outbox.sequence", by: statusCount, db) - Int64(statusCount)
            for change in batch {
                switch change {
                case .statuses(let items):
                    for item in items {
                        sequence += 1
                        if try Self.write(item, sequence: sequence, db) { queued += 1 }
                        written.append(.status(try NodeDeploymentStatus(margoBinary: item.data)))
                    }
                case .applied(let generation, let deployment, let node):
                    try Self.writeApplied(generation, of: deployment, on: node, db)
                    written.append(.applied(generation, deployment: deployment, node: node))
                }
            }
            if queued > outboxLimit {
                try dropOldest(queued - outboxLimit, db)
                queued = outboxLimit
            }
            return written
        }
        // What was written, read back: the memory holds exactly what the file and the outbox hold.
        memory.withLock { memory in
            memory.queued = queued
            for change in written {
                switch change {
                case .status(let status):
                    let key = StatusKey(node: status.nodeID, deployment: status.deployment)
                    memory.statuses[key] = status.state == .removed ? nil : status
                    if status.state != .pending {
                        memory.setApplied(
                            status.state == .removed ? nil : status.observedGeneration, of: status.deployment,
                            on: status.nodeID)
                    }
                case .applied(let generation, let deployment, let node):
                    memory.setApplied(generation, of: deployment, on: node)
                }
            }
        }
        return Array(repeating: (), count: batch.count)
    }

    /// Keeps a status as its node's latest (forgets it once `removed`), notes what the node holds, and queues it
    /// in the outbox as `sequence`, replacing a queued status for the same node and deployment; answers whether the
    /// outbox holds one more.
    private static func write(_ item: EncodedStatus, sequence: Int64, _ db: Database) throws -> Bool {
        let (status, data) = (item.status, item.data)
        if status.state == .removed {
            try db.cachedStatement(sql: "DELETE FROM statuses WHERE node = ? AND deployment = ?")
                .execute(arguments: [status.nodeID, status.deployment])
            try writeApplied(nil, of: status.deployment, on: status.nodeID, db)
        } else {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO statuses (node, deployment, status) VALUES (?, ?, ?)")
                .execute(arguments: [status.nodeID, status.deployment, data])
            if status.state != .pending {
                try writeApplied(status.observedGeneration, of: status.deployment, on: status.nodeID, db)
            }
        }
        let key = status.nodeID + "/" + status.deployment
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE key = ?").execute(arguments: [key])
        let replaced = db.changesCount > 0
        try db.cachedStatement(sql: "INSERT INTO outbox (sequence, key, status) VALUES (?, ?, ?)")
            .execute(arguments: [sequence, key, data])
        return !replaced
    }

    private static func writeApplied(
        _ generation: Int64?, of deployment: String, on node: String, _ db: Database
    ) throws {
        if let generation {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO applied (node, deployment, generation) VALUES (?, ?, ?)"
            )
            .execute(arguments: [node, deployment, generation])
        } else {
            try db.cachedStatement(sql: "DELETE FROM applied WHERE node = ? AND deployment = ?")
                .execute(arguments: [node, deployment])
        }
    }

    /// Drops the `excess` oldest queued statuses, counting them.
    private func dropOldest(_ excess: Int, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM outbox ORDER BY sequence LIMIT ?)",
            arguments: [excess])
        _ = try Self.bump("outbox.dropped", by: excess, db)
    }

    /// Every node's latest status on every deployment.
    public func statuses() throws(SiteStoreError) -> [NodeDeploymentStatus] {
        memory.withLock { Array($0.statuses.values) }.sorted { ($0.nodeID, $0.deployment) < ($1.nodeID, $1.deployment) }
    }

    /// The oldest unacknowledged statuses, in order, `perReport` to a report; a report's sequence is that of its
    /// last status.
    public func pendingReports(limit: Int = 1000, perReport: Int = 50) throws(SiteStoreError) -> [StatusReport] {
        let rows = try read("read the outbox") { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT sequence, status FROM outbox ORDER BY sequence LIMIT ?"),
                arguments: [limit]
            ).map { row in
                (
                    UInt64(row["sequence"] as Int64),
                    try NodeDeploymentStatus(margoBinary: row["status"] as Data)
                )
            }
        }
        return stride(from: 0, to: rows.count, by: max(1, perReport)).map { start in
            let chunk = rows[start..<min(rows.count, start + max(1, perReport))]
            return StatusReport(sequence: chunk.last!.0, statuses: chunk.map(\.1))
        }
    }

    /// Deletes every queued status up to and including `sequence`, which the central acknowledged.
    public func acknowledge(through sequence: UInt64) throws(SiteStoreError) {
        try write("acknowledge statuses through \(sequence)") { db in
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE sequence <= ?")
                .execute(arguments: [Int64(clamping: sequence)])
            return db.changesCount
        } then: { memory, deleted in
            memory.queued -= deleted
        }
    }

    /// How many statuses wait in the outbox.
    public func pendingCount() throws(SiteStoreError) -> Int {
        memory.withLock { $0.queued }
    }

    /// How many statuses the outbox dropped because it was full, over the store's life.
    public func droppedCount() throws(SiteStoreError) -> Int {
        try read("read the drop count") { db in
            try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'outbox.dropped'") ?? 0
        }
    }

    private static func bump(_ counter: String, by amount: Int, _ db: Database) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO counters (name, value) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                """
        ).execute(arguments: [counter, amount])
        return try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM counters WHERE name = ?"), arguments: [counter]) ?? 0
    }

    // MARK: Access

    private func write<T>(_ what: String, _ body: (Database) throws -> T) throws(SiteStoreError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw SiteStoreError(message: "cannot \(what) in the site store", cause: error)
        }
    }

    /// Writes `body` in one transaction, then applies `change` to the memory with what it answered, before the next
    /// write begins: the memory follows the file in the order of the writes, and its lock is held for the change
    /// alone, so the plans and heartbeats that read it never wait for SQLite, and writers queue in SQLite's order
    /// instead of spinning on the lock.
    @discardableResult
    private func write<T>(
        _ what: String, _ body: (Database) throws -> T, then change: (inout Memory, T) -> Void
    ) throws(SiteStoreError) -> T {
        do {
            return try database.writeThen(body) { result in memory.withLock { change(&$0, result) } }
        } catch {
            throw SiteStoreError(message: "cannot \(what) in the site store", cause: error)
        }
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(SiteStoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw SiteStoreError(message: "cannot \(what) from the site store", cause: error)
        }
    }
}
