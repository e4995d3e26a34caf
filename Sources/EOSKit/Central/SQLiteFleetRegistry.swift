internal import EOSMargo
public import EOSModel
public import Foundation
internal import GRDB
internal import Synchronization

/// The fleet registry in one SQLite file, `fleet.sqlite` in the central's data folder: WAL, versioned migrations,
/// every change in one transaction with its audit entry.
///
/// Records are stored as JSON beside the columns that select and order them, so a new optional field needs no
/// migration; a change of shape gets one in ``migrator``. Node statuses, which every site reports many of a second,
/// are stored as their protobuf wire message instead, which is several times quicker to write and read.
public final class SQLiteFleetRegistry: FleetRegistry {
    /// The file name inside the central's data folder.
    public static let fileName = "fleet.sqlite"

    /// The file.
    public let path: String
    private let database: DatabasePool
    /// The nodes, as the file holds them.
    private let nodeIndex: Mutex<NodeIndex>
    /// The latest statuses, as the file holds them.
    private let statusIndex: Mutex<StatusIndex>
    /// Held by a write of nodes around its SQLite write and the index's change after it, so the index takes the
    /// writes in the order the file did; readers of the index do not wait for the file.
    private let nodeWrites = Mutex(())
    /// As `nodeWrites`, for statuses: a site's batch of statuses takes milliseconds to write, and every status query
    /// and deployment controller pass reads the index meanwhile.
    private let statusWrites = Mutex(())
    /// The rollout of each deployment, as the file holds them: every status query and controller pass reads them, and
    /// a rollout lists the nodes it released, 10,000 ids to decode each time in a large fleet.
    private let rolloutIndex: Mutex<[String: RolloutState]>
    /// As `nodeWrites`, for rollouts.
    private let rolloutWrites = Mutex(())
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// Opens (creating if needed) the registry in `directory`, migrating it to the current schema.
    public init(directory: URL) throws(FleetRegistryError) {
        path = directory.appendingPathComponent(Self.fileName).path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
            let nodes = try database.read { db in
                try Data.fetchAll(db, sql: "SELECT record FROM nodes").map { try Self.decode(NodeRecord.self, $0) }
            }
            nodeIndex = Mutex(NodeIndex(nodes))
            let statuses = try database.read { db in
                try Data.fetchAll(db, sql: "SELECT status FROM statuses").map {
                    try NodeDeploymentStatus(margoBinary: $0)
                }
            }
            statusIndex = Mutex(StatusIndex(statuses))
            let rollouts = try database.read { db in
                try Data.fetchAll(db, sql: "SELECT state FROM rollouts").map { try Self.decode(RolloutState.self, $0) }
            }
            rolloutIndex = Mutex(Dictionary(rollouts.map { ($0.deployment, $0) }) { $1 })
        } catch {
            throw FleetRegistryError(.storage, "cannot open the fleet registry \(path)", cause: error)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deployments (name TEXT NOT NULL, generation INTEGER NOT NULL,
                                              removed INTEGER NOT NULL, record BLOB NOT NULL,
                                              PRIMARY KEY (name, generation));
                    CREATE TABLE rollouts (deployment TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL,
                                           state BLOB NOT NULL);
                    CREATE TABLE sites (id TEXT PRIMARY KEY NOT NULL, record BLOB NOT NULL);
                    CREATE TABLE nodes (id TEXT PRIMARY KEY NOT NULL, site TEXT, record BLOB NOT NULL);
                    CREATE INDEX nodes_by_site ON nodes (site, id);
                    CREATE TABLE statuses (node TEXT NOT NULL, deployment TEXT NOT NULL, status BLOB NOT NULL,
                                           PRIMARY KEY (node, deployment));
                    CREATE INDEX statuses_by_deployment ON statuses (deployment, node);
                    CREATE TABLE audit (sequence INTEGER PRIMARY KEY AUTOINCREMENT, deployment TEXT NOT NULL,
                                        entry BLOB NOT NULL);
                    CREATE INDEX audit_by_deployment ON audit (deployment, sequence);
                    """)
        }
        // v2: each status's generation and observation time as columns, so taking a report decides which status is
        // newer in SQLite, without reading back and decoding the stored one.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE statuses ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE statuses ADD COLUMN observed_at REAL NOT NULL DEFAULT 0;
                    """)
            let rows = try Row.fetchAll(db, sql: "SELECT node, deployment, status FROM statuses")
            for row in rows {
                let status = try decode(NodeDeploymentStatus.self, row["status"] as Data)
                try db.execute(
                    sql: "UPDATE statuses SET generation = ?, observed_at = ? WHERE node = ? AND deployment = ?",
                    arguments: [
                        status.observedGeneration, status.observedAt.date.timeIntervalSinceReferenceDate,
                        row["node"] as String, row["deployment"] as String,
                    ])
            }
        }
        // v3: statuses as their protobuf wire message, no longer JSON.
        migrator.registerMigration("v3") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT node, deployment, status FROM statuses")
            for row in rows {
                let status = try decode(NodeDeploymentStatus.self, row["status"] as Data)
                try db.execute(
                    sql: "UPDATE statuses SET status = ? WHERE node = ? AND deployment = ?",
                    arguments: [try status.margoBinary(), row["node"] as String, row["deployment"] as String])
            }
        }
        return migrator
    }

    // MARK: Deployments

    public func putDeployment(
        name: String, spec: FleetDeploymentSpec, labels: [String: String], by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> DeploymentRecord {
        try write("record deployment \(name)") { db in
            let latest = try Self.latest(name, db)
            if let latest, !latest.removed, latest.spec == spec, latest.labels == labels { return latest }
            let record = DeploymentRecord(
                name: name, generation: (latest?.generation ?? 0) + 1, spec: spec, labels: labels, createdAt: time,
                createdBy: actor)
            try Self.insert(record, db)
            try Self.append(
                AuditEntry(
                    at: time, actor: actor, action: .deploy, deployment: name, generation: record.generation,
                    detail: "generation \(record.generation), \(spec.workloads.count) workloads, "
                        + "\(spec.rollout.strategy.rawValue)"), db)
            return record
        }
    }

    public func removeDeployment(
        name: String, by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> DeploymentRecord {
        try write("remove deployment \(name)") { db in
            guard let latest = try Self.latest(name, db) else {
                throw FleetRegistryError(.notFound, "no deployment named \(name)")
            }
            guard !latest.removed else {
                throw FleetRegistryError(
                    .conflict, "deployment \(name) was already removed (generation \(latest.generation))")
            }
            let record = DeploymentRecord(
                name: name, generation: latest.generation + 1, spec: latest.spec, labels: latest.labels,
                createdAt: time, createdBy: actor, removed: true)
            try Self.insert(record, db)
            try Self.append(
                AuditEntry(
                    at: time, actor: actor, action: .remove, deployment: name, generation: record.generation,
                    detail: "removed from every node"), db)
            return record
        }
    }

    public func deployment(named name: String) async throws(FleetRegistryError) -> DeploymentRecord? {
        try read("read deployment \(name)") { db in try Self.latest(name, db) }
    }

    public func deployment(
        named name: String, generation: Int64
    ) async throws(FleetRegistryError) -> DeploymentRecord? {
        try read("read deployment \(name) generation \(generation)") { db in
            try Self.deployment(name, generation: generation, db)
        }
    }

    public func deployments(
        after cursor: String?, limit: Int, includeRemoved: Bool
    ) async throws(FleetRegistryError) -> Page<DeploymentRecord> {
        let records = try read("list deployments") { db in
            try Data.fetchAll(
                db,
                sql: """
                    SELECT d.record FROM deployments d
                    JOIN (SELECT name, MAX(generation) AS generation FROM deployments GROUP BY name) latest
                      ON d.name = latest.name AND d.generation = latest.generation
                    WHERE d.name > ? AND (? OR d.removed = 0)
                    ORDER BY d.name LIMIT ?
                    """, arguments: [cursor ?? "", includeRemoved, max(1, limit) + 1]
            ).map { try Self.decode(DeploymentRecord.self, $0) }
        }
        return Self.page(records, limit: limit) { $0.name }
    }

    // MARK: Rollouts

    public func rollout(of deployment: String) async throws(FleetRegistryError) -> RolloutState? {
        rolloutIndex.withLock { $0[deployment] }
    }

    public func putRollout(_ state: RolloutState, audit: AuditEntry?) async throws(FleetRegistryError) {
        try rolloutWrites.withLock { _ throws(FleetRegistryError) in
            try write("record the rollout of \(state.deployment)") { db in
                let exists =
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM deployments WHERE name = ? AND generation = ?",
                        arguments: [state.deployment, state.generation]) ?? false
                guard exists else {
                    throw FleetRegistryError(
                        .conflict, "deployment \(state.deployment) has no generation \(state.generation) to roll out")
                }
                try Self.store(state, db)
                if let audit { try Self.append(audit, db) }
            }
            rolloutIndex.withLock { $0[state.deployment] = state }
        }
    }

    public func putRollback(
        of name: String, generation: Int64, to target: Int64, reason: String, by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> (record: DeploymentRecord, rollout: RolloutState) {
        try rolloutWrites.withLock { _ throws(FleetRegistryError) in
            let rolledBack = try rollBack(
                of: name, generation: generation, to: target, reason: reason, by: actor, at: time)
            rolloutIndex.withLock { $0[name] = rolledBack.rollout }
            return rolledBack
        }
    }

    private func rollBack(
        of name: String, generation: Int64, to target: Int64, reason: String, by actor: String, at time: Timestamp
    ) throws(FleetRegistryError) -> (record: DeploymentRecord, rollout: RolloutState) {
        try write("roll back deployment \(name)") { db in
            guard let latest = try Self.latest(name, db), latest.generation == generation, !latest.removed else {
                throw FleetRegistryError(
                    .conflict, "\(name) generation \(generation) is no longer the latest, so it is not rolled back")
            }
            guard let restoring = try Self.deployment(name, generation: target, db), !restoring.removed else {
                throw FleetRegistryError(.notFound, "\(name) has no generation \(target) to roll back to")
            }
            let record = DeploymentRecord(
                name: name, generation: generation + 1, spec: restoring.spec, labels: restoring.labels,
                createdAt: time, createdBy: actor)
            let rollout = RolloutState(
                deployment: name, generation: record.generation, rollbackOf: generation, reason: reason,
                updatedAt: time)
            try Self.insert(record, db)
            try Self.store(rollout, db)
            try Self.append(
                AuditEntry(
                    at: time, actor: actor, action: .rollback, deployment: name, generation: record.generation,
                    detail: "\(reason): generation \(record.generation) restores the spec of generation \(target)"),
                db)
            return (record, rollout)
        }
    }

    // MARK: Sites and nodes

    public func putSite(_ site: SiteRecord) async throws(FleetRegistryError) {
        try write("record site \(site.id)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO sites (id, record) VALUES (?, ?)",
                arguments: [site.id, try Self.encoder.encode(site)])
        }
    }

    public func site(id: String) async throws(FleetRegistryError) -> SiteRecord? {
        try read("read site \(id)") { db in
            try Data.fetchOne(db, sql: "SELECT record FROM sites WHERE id = ?", arguments: [id])
                .map { try Self.decode(SiteRecord.self, $0) }
        }
    }

    public func sites(after cursor: String?, limit: Int) async throws(FleetRegistryError) -> Page<SiteRecord> {
        let records = try read("list sites") { db in
            try Data.fetchAll(
                db, sql: "SELECT record FROM sites WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [cursor ?? "", max(1, limit) + 1]
            ).map { try Self.decode(SiteRecord.self, $0) }
        }
        return Self.page(records, limit: limit) { $0.id }
    }

    public func replaceNodes(of site: String?, with nodes: [NodeRecord]) async throws(FleetRegistryError) {
        let nodes = nodes.map { node in
            var node = node
            node.siteID = site
            return node
        }
        try nodeWrites.withLock { _ throws(FleetRegistryError) in
            try write("record the nodes of \(site.map { "site \($0)" } ?? "the central")") { db in
                try db.execute(sql: "DELETE FROM nodes WHERE site IS ?", arguments: [site])
                for node in nodes { try Self.insert(node, db) }
            }
            nodeIndex.withLock { $0.replace(site: site, with: nodes) }
        }
    }

    public func putNode(_ node: NodeRecord) async throws(FleetRegistryError) {
        try nodeWrites.withLock { _ throws(FleetRegistryError) in
            try write("record node \(node.id)") { db in try Self.insert(node, db) }
            nodeIndex.withLock { $0.put(node) }
        }
    }

    public func node(id: String) async throws(FleetRegistryError) -> NodeRecord? {
        nodeIndex.withLock { $0.node(id: id) }
    }

    public func nodes(
        after cursor: String?, limit: Int, site: String?
    ) async throws(FleetRegistryError) -> Page<NodeRecord> {
        nodeIndex.withLock { $0.page(after: cursor, limit: limit, site: site) }
    }

    // MARK: Status

    public func recordStatuses(_ statuses: [NodeDeploymentStatus]) async throws(FleetRegistryError) {
        guard !statuses.isEmpty else { return }
        try statusWrites.withLock { _ throws(FleetRegistryError) in
            try writeStatuses(statuses)
            statusIndex.withLock { $0.record(statuses) }
        }
    }

    private func writeStatuses(_ statuses: [NodeDeploymentStatus]) throws(FleetRegistryError) {
        try write("record \(statuses.count) statuses") { db in
            // A status replaces the stored one only when it supersedes it: a newer generation, or the same one
            // observed no earlier (NodeDeploymentStatus.supersedes, in SQL).
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO statuses (node, deployment, status, generation, observed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (node, deployment) DO UPDATE SET
                        status = excluded.status, generation = excluded.generation, observed_at = excluded.observed_at
                    WHERE excluded.generation > statuses.generation
                        OR (excluded.generation = statuses.generation AND excluded.observed_at >= statuses.observed_at)
                    """)
            let remove = try db.cachedStatement(
                sql: """
                    DELETE FROM statuses WHERE node = ? AND deployment = ?
                        AND (? > generation OR (? = generation AND ? >= observed_at))
                    """)
            for status in statuses {
                let observed = status.observedAt.date.timeIntervalSinceReferenceDate
                if status.state == .removed {
                    try remove.execute(arguments: [
                        status.nodeID, status.deployment, status.observedGeneration, status.observedGeneration,
                        observed,
                    ])
                } else {
                    try upsert.execute(arguments: [
                        status.nodeID, status.deployment, try status.margoBinary(), status.observedGeneration,
                        observed,
                    ])
                }
            }
        }
    }

    public func statuses(of deployment: String) async throws(FleetRegistryError) -> [NodeDeploymentStatus] {
        statusIndex.withLock { $0.statuses(of: deployment) }
    }

    public func statusesByNode(
        of deployment: String
    ) async throws(FleetRegistryError) -> [String: NodeDeploymentStatus] {
        statusIndex.withLock { $0.statusesByNode(of: deployment) }
    }

    public func statuses(ofNode node: String) async throws(FleetRegistryError) -> [NodeDeploymentStatus] {
        statusIndex.withLock { $0.statuses(ofNode: node) }
    }

    // MARK: Audit

    public func audit(
        of deployment: String?, after: Int64, limit: Int
    ) async throws(FleetRegistryError) -> [AuditEntry] {
        try read("read the audit log") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, entry FROM audit WHERE sequence > ? AND (? IS NULL OR deployment = ?)
                    ORDER BY sequence LIMIT ?
                    """, arguments: [after, deployment, deployment, max(1, limit)]
            ).map { row in
                var entry = try Self.decode(AuditEntry.self, row["entry"] as Data)
                entry.sequence = row["sequence"]
                return entry
            }
        }
    }

    public func latestAudit(of deployment: String, limit: Int) async throws(FleetRegistryError) -> [AuditEntry] {
        try read("read the audit log") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT sequence, entry FROM audit WHERE deployment = ? ORDER BY sequence DESC LIMIT ?",
                arguments: [deployment, max(1, limit)]
            ).reversed().map { row in
                var entry = try Self.decode(AuditEntry.self, row["entry"] as Data)
                entry.sequence = row["sequence"]
                return entry
            }
        }
    }

    // MARK: Rows

    private static func latest(_ name: String, _ db: Database) throws -> DeploymentRecord? {
        try Data.fetchOne(
            db, sql: "SELECT record FROM deployments WHERE name = ? ORDER BY generation DESC LIMIT 1", arguments: [name]
        ).map { try decode(DeploymentRecord.self, $0) }
    }

    private static func deployment(_ name: String, generation: Int64, _ db: Database) throws -> DeploymentRecord? {
        try Data.fetchOne(
            db, sql: "SELECT record FROM deployments WHERE name = ? AND generation = ?", arguments: [name, generation]
        ).map { try decode(DeploymentRecord.self, $0) }
    }

    /// Stores a rollout's state, replacing the deployment's previous one.
    private static func store(_ state: RolloutState, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO rollouts (deployment, generation, state) VALUES (?, ?, ?)",
            arguments: [state.deployment, state.generation, try encoder.encode(state)])
    }

    private static func insert(_ record: DeploymentRecord, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO deployments (name, generation, removed, record) VALUES (?, ?, ?, ?)",
            arguments: [record.name, record.generation, record.removed, try encoder.encode(record)])
    }

    private static func insert(_ node: NodeRecord, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO nodes (id, site, record) VALUES (?, ?, ?)",
            arguments: [node.id, node.siteID, try encoder.encode(node)])
    }

    private static func append(_ entry: AuditEntry, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO audit (deployment, entry) VALUES (?, ?)",
            arguments: [entry.deployment, try encoder.encode(entry)])
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    private static func page<T>(_ records: [T], limit: Int, key: (T) -> String) -> Page<T> {
        let limit = max(1, limit)
        guard records.count > limit else { return Page(items: records) }
        let items = Array(records.prefix(limit))
        return Page(items: items, next: items.last.map(key))
    }

    // MARK: Access

    private func write<T>(_ what: String, _ body: (Database) throws -> T) throws(FleetRegistryError) -> T {
        do {
            return try database.write(body)
        } catch let error as FleetRegistryError {
            throw error
        } catch {
            throw FleetRegistryError(.storage, "cannot \(what) in \(path)", cause: error)
        }
    }

    private func read<T>(_ what: String, _ body: (Database) throws -> T) throws(FleetRegistryError) -> T {
        do {
            return try database.read(body)
        } catch let error as FleetRegistryError {
            throw error
        } catch {
            throw FleetRegistryError(.storage, "cannot \(what) from \(path)", cause: error)
        }
    }
}
