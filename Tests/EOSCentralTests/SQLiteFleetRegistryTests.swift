import EOSCentral
import EOSModel
import EOSTesting
import Foundation
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
        }
        let reopened = try SQLiteFleetRegistry(directory: root)
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
}
