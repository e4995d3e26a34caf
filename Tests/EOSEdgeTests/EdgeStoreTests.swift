import EOSModel
import EOSTesting
import Foundation
import GRDB
import Testing

@testable import EOSEdge

@Suite("EdgeStore")
struct EdgeStoreTests {
    static func temporaryDirectory() -> URL {
        TestScratch.path("eos-edge-store")
    }

    static func state(_ deployment: String = "shop", generation: Int64) -> FleetDesiredState {
        FleetDesiredState(
            deployment: deployment, generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(name: "web", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(generation)"])))
            ]))
    }

    static func status(
        _ deployment: String, _ state: MargoDeploymentState, generation: Int64 = 1
    ) -> NodeDeploymentStatus {
        NodeDeploymentStatus(
            deployment: deployment, observedGeneration: generation, nodeID: "edge-01", state: state,
            observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), reportedBy: "node/edge-01")
    }

    @Test("apply is idempotent by generation and refuses an older one; a removal's generation counts")
    func generations() throws {
        let store = try EdgeStore(directory: Self.temporaryDirectory())
        #expect(try store.apply(Self.state(generation: 2)) == ApplyResult(outcome: .accepted, generation: 2))
        #expect(try store.apply(Self.state(generation: 2)) == ApplyResult(outcome: .unchanged, generation: 2))
        #expect(try store.apply(Self.state(generation: 1)) == ApplyResult(outcome: .stale, generation: 2))
        #expect(try store.desiredStates() == [Self.state(generation: 2)])
        #expect(try store.remove(FleetRemoval(deployment: "shop", generation: 3)).outcome == .accepted)
        #expect(try store.desiredStates().isEmpty)
        #expect(try store.apply(Self.state(generation: 2)).outcome == .stale)
        #expect(try store.apply(Self.state(generation: 4)).outcome == .accepted)
        #expect(try store.appliedGenerations() == ["shop": 4])
        #expect(try store.remove(FleetRemoval(deployment: "other", generation: 1)).outcome == .unchanged)
    }

    @Test("a store in memory keeps the same rules and outbox, and each one opened is a new, empty store")
    func inMemory() throws {
        let store = try EdgeStore(directory: nil)
        #expect(try store.apply(Self.state(generation: 2)).outcome == .accepted)
        #expect(try store.apply(Self.state(generation: 1)).outcome == .stale)
        try store.enqueue([Self.status("shop", .installing, generation: 2)])
        #expect(try store.pendingReports().map(\.statuses) == [[Self.status("shop", .installing, generation: 2)]])
        #expect(try store.appliedGenerations() == ["shop": 2])
        let another = try EdgeStore(directory: nil)
        #expect(try another.desiredStates().isEmpty)
        #expect(try another.pendingReports().isEmpty)
    }

    @Test("a store in memory keeps an outbox longer than a file's memory, in order, drops beyond its limit, and more")
    func inMemoryOutbox() throws {
        let store = try EdgeStore(directory: nil, outboxLimit: EdgeStore.outboxMemoryLimit + 10)
        let count = EdgeStore.outboxMemoryLimit + 12
        for index in 0..<count { try store.enqueue([Self.status("d\(index)", .installing)]) }
        let pending = try store.pendingReports(limit: count)
        #expect(pending.map { $0.statuses[0].deployment } == (2..<count).map { "d\($0)" })
        #expect(pending.map(\.sequence) == pending.map(\.sequence).sorted())
        #expect(try store.droppedCount() == 2)
        try store.acknowledge(through: pending[4].sequence)
        #expect(try store.pendingCount() == count - 2 - 5)
        #expect(try store.pendingReports(limit: 1).first == pending[5])
        try store.enqueue([Self.status("d3", .removed)])
        #expect(try store.lastReported()["d3"] == nil)
        #expect(try store.lastReported()["d4"]?.state == .installing)
        try store.acknowledge(through: UInt64.max)
        #expect(try store.pendingReports().isEmpty)
        try store.setSetting("parent", to: "spiffe://fleet.example.com/eos/site/s1")
        #expect(try store.setting("parent") == "spiffe://fleet.example.com/eos/site/s1")
    }

    @Test("everything survives closing and reopening the file")
    func durable() throws {
        let directory = Self.temporaryDirectory()
        do {
            let store = try EdgeStore(directory: directory)
            _ = try store.apply(Self.state(generation: 5))
            try store.enqueue([Self.status("shop", .installing, generation: 5)])
            try store.setRestartCount(3, for: "shop_web")
            try store.setSetting("parent", to: "spiffe://fleet.example.com/eos/site/s1")
        }
        let reopened = try EdgeStore(directory: directory)
        #expect(try reopened.desiredStates() == [Self.state(generation: 5)])
        #expect(try reopened.pendingReports().map(\.statuses) == [[Self.status("shop", .installing, generation: 5)]])
        #expect(try reopened.lastReported()["shop"]?.state == .installing)
        #expect(try reopened.restartCounts() == ["shop_web": 3])
        #expect(try reopened.setting("parent") == "spiffe://fleet.example.com/eos/site/s1")
    }

    @Test("a store written before statuses were kept in protobuf opens with its outbox and last reports intact")
    func migratesStatuses() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var detailed = Self.status("shop", .installed, generation: 5)
        detailed.workloads = [WorkloadStatus(name: "web", state: .running, restarts: 2, health: .healthy)]
        let queued = [Self.status("shop", .installing, generation: 5), detailed, Self.status("cafe", .failed)]
        let sequences = try {
            let store = try EdgeStore(directory: directory)
            try store.enqueue(queued)
            return try store.pendingReports().map(\.sequence)
        }()
        // The file as the version before wrote it: the third migration not yet run, every status in JSON.
        let database = try DatabaseQueue(path: directory.appendingPathComponent(EdgeStore.fileName).path)
        try database.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3: statuses in protobuf'")
            for (sequence, status) in zip(sequences, queued) {
                try db.execute(
                    sql: "UPDATE outbox SET status = ? WHERE sequence = ?",
                    arguments: [try JSONEncoder().encode(status), Int64(sequence)])
            }
            for status in [detailed, Self.status("cafe", .failed)] {
                try db.execute(
                    sql: "UPDATE reported SET status = ? WHERE deployment = ?",
                    arguments: [try JSONEncoder().encode(status), status.deployment])
            }
            for table in ["outbox", "reported"] {
                let json = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM \(table) WHERE hex(substr(status, 1, 1)) = '7B'")
                let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)")
                #expect(json == rows && json ?? 0 > 0, "the \(table) table holds JSON as the version before wrote it")
            }
        }
        try database.close()

        let reopened = try EdgeStore(directory: directory)
        let pending = try reopened.pendingReports()
        #expect(pending.map(\.sequence) == sequences)
        #expect(pending.flatMap(\.statuses) == queued, "the outbox still sends what was queued, in order")
        #expect(try reopened.lastReported() == ["shop": detailed, "cafe": Self.status("cafe", .failed)])
    }

    @Test("the outbox keeps order, forgets what is acknowledged, and counts what it drops when full")
    func outbox() throws {
        let store = try EdgeStore(directory: Self.temporaryDirectory(), outboxLimit: 3)
        try store.enqueue([Self.status("a", .installing), Self.status("a", .installed)])
        try store.enqueue([Self.status("b", .installing)])
        let pending = try store.pendingReports()
        #expect(pending.map { $0.statuses[0].deployment } == ["a", "a", "b"])
        #expect(pending.map(\.sequence) == pending.map(\.sequence).sorted())
        try store.acknowledge(through: pending[0].sequence)
        #expect(try store.pendingCount() == 2)
        try store.enqueue([Self.status("b", .installed), Self.status("c", .installing)])
        let after = try store.pendingReports()
        #expect(
            after.map { "\($0.statuses[0].deployment):\($0.statuses[0].state)" }
                == ["b:installing", "b:installed", "c:installing"])
        #expect(try store.droppedCount() == 1)
        #expect(try store.pendingCount() == 3)
        try store.enqueue([Self.status("c", .removed)])
        #expect(try store.lastReported()["c"] == nil)
        #expect(try store.lastReported()["b"]?.state == .installed)

        // Acknowledging past the end empties it; what is queued next is pending again.
        try store.acknowledge(through: UInt64.max)
        #expect(try store.pendingCount() == 0)
        #expect(try store.pendingReports().isEmpty)
        try store.enqueue([Self.status("d", .installing)])
        #expect(try store.pendingCount() == 1)
        #expect(try store.pendingReports().map { $0.statuses[0].deployment } == ["d"])
    }

    @Test(
        "an outbox longer than the memory holds is read from the file in order, and the memory takes over once drained")
    func longOutbox() throws {
        let directory = Self.temporaryDirectory()
        let store = try EdgeStore(directory: directory)
        let count = EdgeStore.outboxMemoryLimit + 44
        for index in 0..<count { try store.enqueue([Self.status("d\(index)", .installing)]) }
        let all = try store.pendingReports(limit: count + 10)
        #expect(all.map { $0.statuses[0].deployment } == (0..<count).map { "d\($0)" })
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
        #expect(try store.pendingReports(limit: 5) == Array(all.prefix(5)))

        // Acknowledged in part, it is still longer than the memory holds; then short; then empty.
        try store.acknowledge(through: all[9].sequence)
        #expect(try store.pendingReports(limit: count) == Array(all.dropFirst(10)))
        try store.acknowledge(through: all[count - 3].sequence)
        #expect(try store.pendingReports() == Array(all.suffix(2)))
        try store.enqueue([Self.status("late", .installed)])
        #expect(
            try store.pendingReports().map { $0.statuses[0].deployment } == ["d\(count - 2)", "d\(count - 1)", "late"])
        try store.acknowledge(through: UInt64.max)
        #expect(try store.pendingReports().isEmpty)
        try store.enqueue([Self.status("next", .installing)])
        let next = try store.pendingReports()
        #expect(next.map { $0.statuses[0].deployment } == ["next"])
        #expect(try #require(next.first?.sequence) > all[count - 1].sequence)

        // What the store keeps in memory is what its file holds.
        _ = try store.apply(Self.state("shop", generation: 3))
        _ = try store.apply(Self.state("old", generation: 1))
        #expect(try store.remove(FleetRemoval(deployment: "old", generation: 2)).outcome == .accepted)
        try store.setRestartCount(2, for: "shop_web")
        let reopened = try EdgeStore(directory: directory)
        #expect(try reopened.pendingReports() == next)
        #expect(try reopened.desiredStates() == store.desiredStates())
        #expect(try reopened.appliedGenerations() == ["shop": 3])
        #expect(try reopened.restartCounts() == ["shop_web": 2])
        #expect(try reopened.apply(Self.state("old", generation: 1)).outcome == .stale)
    }

    @Test("a store that cannot be created says which file")
    func unusable() throws {
        let file = Self.temporaryDirectory()
        try Data("not a folder".utf8).write(to: file)
        let error = #expect(throws: EdgeStoreError.self) { try EdgeStore(directory: file) }
        #expect(error?.message.contains(file.path) == true)
    }
}
