import EOSModel
import EOSSite
import Foundation
import GRDB
import Testing

@Suite("SiteStore")
struct SiteStoreTests {
    static func status(
        _ node: String, _ deployment: String, _ generation: Int64, _ state: MargoDeploymentState
    ) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: deployment, observedGeneration: generation, nodeID: node, state: state,
            observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), reportedBy: "node/\(node)")
    }

    @Test("what each node holds follows applies, registrations and statuses, and reads the same after a reopen")
    func appliedAcrossReopen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "eos-site-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SiteStore(directory: directory)
        #expect(try store.applied().isEmpty)

        // An apply the node took, one it was told to remove, and what a node said when it registered.
        try await store.setApplied(1, of: "hello", on: "edge-01")
        try await store.setApplied(4, of: "vision", on: "edge-01")
        try await store.setApplied(nil, of: "vision", on: "edge-01")
        try store.replaceApplied(["hello": 1, "vision": 2], on: "edge-02")
        try store.replaceApplied([:], on: "edge-03")
        // Statuses: a newer generation observed, a removal, and a pending state that holds nothing yet.
        try await store.record([
            Self.status("edge-01", "hello", 2, .installed),
            Self.status("edge-02", "vision", 2, .removed),
            Self.status("edge-03", "hello", 2, .pending),
        ])
        let expected: [String: [String: Int64]] = ["edge-01": ["hello": 2], "edge-02": ["hello": 1]]
        #expect(try store.applied() == expected)
        #expect(try SiteStore(directory: directory).applied() == expected)

        // Removing what a node holds last leaves no entry for the node.
        try await store.setApplied(nil, of: "hello", on: "edge-02")
        #expect(try store.applied() == ["edge-01": ["hello": 2]])
        #expect(try SiteStore(directory: directory).applied() == ["edge-01": ["hello": 2]])
    }

    @Test("applies and statuses recorded at once for many nodes all land, in memory, on disk and in the outbox")
    func concurrentWrites() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "eos-site-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SiteStore(directory: directory)
        let nodes = (1...50).map { "edge-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask { try await store.setApplied(3, of: "hello", on: node) }
                group.addTask { try await store.record([Self.status(node, "vision", 1, .installed)]) }
            }
            try await group.waitForAll()
        }
        let expected = Dictionary(uniqueKeysWithValues: nodes.map { ($0, ["hello": Int64(3), "vision": 1]) })
        #expect(try store.applied() == expected)
        #expect(try SiteStore(directory: directory).applied() == expected)
        let reports = try store.pendingReports(perReport: 1)
        #expect(Set(reports.flatMap(\.statuses).map(\.nodeID)) == Set(nodes))
        #expect(reports.map(\.sequence) == reports.map(\.sequence).sorted())
        #expect(Set(reports.map(\.sequence)).count == nodes.count)
    }

    @Test("the outbox keeps the latest status per node and deployment, drops and counts the oldest beyond its limit")
    func outbox() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "eos-site-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SiteStore(directory: directory, outboxLimit: 5)
        try await store.record((1...3).map { Self.status("edge-0\($0)", "hello", 1, .installing) })
        // A newer status for a queued node and deployment replaces it and moves to the end.
        try await store.record([Self.status("edge-01", "hello", 1, .installed)])
        #expect(try store.pendingCount() == 3)
        #expect(
            try store.pendingReports(perReport: 1).flatMap(\.statuses).map(\.nodeID) == [
                "edge-02", "edge-03", "edge-01",
            ])
        // Four more: seven queued, so the two oldest go, counted.
        try await store.record((4...7).map { Self.status("edge-0\($0)", "hello", 1, .installed) })
        #expect(try store.pendingCount() == 5)
        #expect(try store.droppedCount() == 2)
        let reports = try store.pendingReports(perReport: 1)
        #expect(reports.flatMap(\.statuses).map(\.nodeID) == ["edge-01", "edge-04", "edge-05", "edge-06", "edge-07"])
        // The central acknowledged the first two.
        try store.acknowledge(through: reports[1].sequence)
        #expect(try store.pendingCount() == 3)
        let reopened = try SiteStore(directory: directory, outboxLimit: 5)
        #expect(try reopened.pendingCount() == 3)
        #expect(try reopened.droppedCount() == 2)
        try await reopened.record([Self.status("edge-08", "hello", 1, .installed)])
        #expect(
            try reopened.pendingReports(perReport: 1).flatMap(\.statuses).map(\.nodeID) == [
                "edge-05", "edge-06", "edge-07", "edge-08",
            ])
        #expect(try reopened.pendingCount() == 4)
    }

    @Test("a store written by the first version, statuses and outbox in JSON, opens with both intact")
    func migratesStatuses() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "eos-site-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var detailed = Self.status("edge-01", "hello", 2, .installed)
        detailed.workloads = [WorkloadStatus(name: "w", state: .running, restarts: 1, health: .healthy)]
        detailed.observedAt = Timestamp(rfc3339: "2026-11-29T10:00:00.250Z")!
        let statuses = [detailed, Self.status("edge-02", "hello", 2, .failed)]
        var sequences: [UInt64] = []
        do {
            let store = try SiteStore(directory: directory)
            try await store.record(statuses)
            sequences = try store.pendingReports().map(\.sequence)
        }
        // The first version's file: the same tables, the second migration not yet run, every status in JSON.
        let database = try DatabaseQueue(path: directory.appendingPathComponent(SiteStore.fileName).path)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2'")
            for status in statuses {
                let json = try JSONEncoder().encode(status)
                try db.execute(
                    sql: "UPDATE statuses SET status = ? WHERE node = ? AND deployment = ?",
                    arguments: [json, status.nodeID, status.deployment])
                try db.execute(
                    sql: "UPDATE outbox SET status = ? WHERE key = ?",
                    arguments: [json, status.nodeID + "/" + status.deployment])
            }
            for table in ["statuses", "outbox"] {
                let json = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM \(table) WHERE hex(substr(status, 1, 1)) = '7B'")
                #expect(json == 2, "the \(table) table holds JSON as the first version wrote it")
            }
        }
        try database.close()

        let reopened = try SiteStore(directory: directory)
        #expect(try reopened.statuses() == statuses)
        #expect(try reopened.applied() == ["edge-01": ["hello": 2], "edge-02": ["hello": 2]])
        let pending = try reopened.pendingReports()
        #expect(pending.map(\.sequence) == sequences)
        #expect(pending.flatMap(\.statuses) == statuses, "the outbox still sends what was queued")
        // Written since in the new form, and read back the same.
        try await reopened.record([Self.status("edge-02", "hello", 3, .installed)])
        #expect(try SiteStore(directory: directory).statuses().map(\.observedGeneration) == [2, 3])
    }
}
