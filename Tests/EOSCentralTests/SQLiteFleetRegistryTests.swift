import EOSCentral
import EOSModel
import EOSTesting
import Foundation
import GRDB
import Testing

@Suite("SQLiteFleetRegistry")
struct SQLiteFleetRegistryTests {
    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("eos-fleet-\(UUID().uuidString)")
    }

    @Test("passes the FleetRegistry conformance suite")
    func conformance() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        try await FleetRegistryConformance {
            try SQLiteFleetRegistry(directory: root.appendingPathComponent(UUID().uuidString))
        }.run()
    }

    @Test("everything survives reopening the file: a restarted central continues from it")
    func reopen() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Timestamp.now
        do {
            let registry = try SQLiteFleetRegistry(directory: root)
            let record = try await registry.putDeployment(
                name: "d", spec: FleetDeploymentSpec(workloads: []), labels: [:], by: "alice", at: now)
            try await registry.putRollout(
                RolloutState(deployment: "d", generation: record.generation, admitted: ["n1"], updatedAt: now),
                audit: nil)
            let ready = LivenessStatus(liveness: .ready, lastSeen: now)
            for site in ["s1", "s2"] {
                try await registry.replaceNodes(
                    of: site,
                    with: (1...3).map {
                        NodeRecord(id: "\(site)-n\($0)", siteID: site, liveness: ready, updatedAt: now)
                    })
            }
            try await registry.recordStatuses([
                NodeDeploymentStatus(
                    deployment: "d", observedGeneration: 1, nodeID: "s1-n1", state: .installed, observedAt: now,
                    reportedBy: "s1")
            ])
        }
        let reopened = try SQLiteFleetRegistry(directory: root)
        // Nodes page in id order from the reopened file, over all sites or one.
        let first = try await reopened.nodes(after: nil, limit: 4, site: nil)
        #expect(first.items.map(\.id) == ["s1-n1", "s1-n2", "s1-n3", "s2-n1"] && first.next == "s2-n1")
        let rest = try await reopened.nodes(after: first.next, limit: 4, site: nil)
        #expect(rest.items.map(\.id) == ["s2-n2", "s2-n3"] && rest.next == nil)
        let atSite = try await reopened.nodes(after: "s2-n1", limit: 10, site: "s2")
        #expect(atSite.items.map(\.id) == ["s2-n2", "s2-n3"])
        #expect(try await reopened.statuses(ofNode: "s1-n1").map(\.state) == [.installed])
        #expect(try await reopened.deployment(named: "d")?.generation == 1)
        #expect(try await reopened.rollout(of: "d")?.admitted == ["n1"])
        #expect(try await reopened.audit(of: "d", after: 0, limit: 10).map(\.actor) == ["alice"])
    }

    @Test("a file that is not a registry fails to open with a message naming it")
    func unreadable() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("not a database".utf8).write(to: root.appendingPathComponent(SQLiteFleetRegistry.fileName))
        #expect {
            _ = try SQLiteFleetRegistry(directory: root)
        } throws: { error in
            guard let error = error as? FleetRegistryError else { return false }
            return error.code == .storage && error.message.contains(SQLiteFleetRegistry.fileName)
        }
    }

    @Test("a registry written by the first version opens with its statuses intact and compared as before")
    func migratesStatuses() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let observed = Timestamp(rfc3339: "2026-11-29T10:00:00.250Z")!
        let stored = NodeDeploymentStatus(
            deployment: "d", observedGeneration: 2, nodeID: "n1", siteID: "s1", state: .installed,
            workloads: [WorkloadStatus(name: "w", state: .running, restarts: 1, health: .healthy)],
            observedAt: observed, reportedBy: "s1")
        // The first version's file: its schema, and a status stored as JSON.
        do {
            let database = try DatabaseQueue(path: root.appendingPathComponent(SQLiteFleetRegistry.fileName).path)
            try await database.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                        INSERT INTO grdb_migrations VALUES ('v1');
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
                try db.execute(
                    sql: "INSERT INTO statuses (node, deployment, status) VALUES (?, ?, ?)",
                    arguments: ["n1", "d", try JSONEncoder().encode(stored)])
            }
        }
        let registry = try SQLiteFleetRegistry(directory: root)
        #expect(try await registry.statuses(of: "d") == [stored])
        // An older report still does not replace it; a newer one does.
        let older = NodeDeploymentStatus(
            deployment: "d", observedGeneration: 1, nodeID: "n1", state: .failed, observedAt: observed,
            reportedBy: "s1")
        try await registry.recordStatuses([older])
        #expect(try await registry.statuses(ofNode: "n1") == [stored])
        var newer = stored
        newer.observedAt = Timestamp(observed.date.addingTimeInterval(1))
        newer.state = .failed
        try await registry.recordStatuses([newer])
        #expect(try await registry.statuses(ofNode: "n1").map(\.state) == [.failed])
    }
}
