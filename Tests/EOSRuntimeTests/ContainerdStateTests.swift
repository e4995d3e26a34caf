import Foundation
import Synchronization
import Testing

@testable import EOSRuntime

@Suite("containerd: state EOS keeps beside containerd")
struct ContainerdStateTests {
    static let labels = ["eos.deployment": "shop", "eos.generation": "4", "eos.workload": "web"]

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eos-containerd-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a workload's state from its task and record")
    func inspection() throws {
        let started = Date(timeIntervalSince1970: 1_000)
        let finished = Date(timeIntervalSince1970: 2_000)
        typealias Record = TaskRecordStore.Record

        let created = try #require(
            ContainerdRuntime.inspection("shop_web", labels: Self.labels, task: nil, record: nil))
        #expect(created.state == .created && created.deployment == "shop" && created.generation == 4)

        let running = try #require(
            ContainerdRuntime.inspection(
                "shop_web", labels: Self.labels, task: .init(id: "shop_web", pid: 42, status: "RUNNING"),
                record: Record(startedAt: started)))
        #expect(running.state == .running && running.pid == 42 && running.startedAt == started)

        // Stopped and recorded for this very task: exited with the recorded code.
        let recorded = Record(pid: 42, startedAt: started, exitCode: 137, finishedAt: finished)
        let exited = try #require(
            ContainerdRuntime.inspection(
                "shop_web", labels: Self.labels, task: .init(id: "shop_web", pid: 42, status: "STOPPED"),
                record: recorded))
        #expect(exited.state == .exited && exited.exitCode == 137 && exited.pid == nil && exited.finishedAt == finished)

        // Stopped, but the record is another run's (or missing): the code must be read from the task first.
        #expect(
            ContainerdRuntime.inspection(
                "shop_web", labels: Self.labels, task: .init(id: "shop_web", pid: 43, status: "STOPPED"),
                record: recorded)
                == nil)
        #expect(
            ContainerdRuntime.inspection(
                "shop_web", labels: Self.labels, task: .init(id: "shop_web", pid: 43, status: "STOPPED"), record: nil)
                == nil)

        // The task was deleted after its exit was recorded.
        let gone = try #require(
            ContainerdRuntime.inspection("shop_web", labels: Self.labels, task: nil, record: recorded))
        #expect(gone.state == .exited && gone.exitCode == 137)

        let paused = try #require(
            ContainerdRuntime.inspection(
                "shop_web", labels: [:], task: .init(id: "shop_web", pid: 42, status: "PAUSED"), record: nil))
        #expect(paused.state == .unknown && paused.deployment == nil && paused.generation == nil)
    }

    @Test("records survive a new store on the same folder, and can be removed")
    func records() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = TaskRecordStore(directory: directory.appendingPathComponent("tasks"))
        #expect(store.record("a_b") == nil)
        let at = Date(timeIntervalSince1970: 1_700_000_000.25)
        store.update("a_b") { $0 = TaskRecordStore.Record(pid: 7, startedAt: at) }
        store.update("a_b") {
            $0?.exitCode = 3
            $0?.finishedAt = at
        }
        let reopened = TaskRecordStore(directory: directory.appendingPathComponent("tasks"))
        #expect(reopened.record("a_b") == TaskRecordStore.Record(pid: 7, startedAt: at, exitCode: 3, finishedAt: at))
        reopened.remove("a_b")
        #expect(TaskRecordStore(directory: directory.appendingPathComponent("tasks")).record("a_b") == nil)
    }

    @Test("log files: the tail across the rotated part, rotation over the cap")
    func logFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = WorkloadLogFiles(directory: directory.appendingPathComponent("logs"), maxBytes: 100)
        #expect(files.tail("w", lines: 10) == nil)
        try files.prepare()
        #expect(files.uri("w").hasPrefix("file:///") && files.uri("w").hasSuffix("/logs/w.log"))

        let first = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try Data(first.utf8).write(to: files.current("w"))
        #expect(files.tail("w", lines: 2) == ["line 29", "line 30"])
        files.rotateIfNeeded("w")
        #expect(try Data(contentsOf: files.current("w")).isEmpty)
        #expect(try Data(contentsOf: files.previous("w")) == Data(first.utf8))

        // The writer keeps appending to the truncated file; a line without its newline yet still counts.
        let handle = try FileHandle(forWritingTo: files.current("w"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("line 31\r\nline 32".utf8))
        try handle.close()
        #expect(files.tail("w", lines: 4) == ["line 29", "line 30", "line 31", "line 32"])
        #expect(files.tail("w", lines: 0) == [])

        files.rotateAll()  // under the cap: untouched
        #expect(files.tail("w", lines: 1) == ["line 32"])
        files.remove("w")
        #expect(files.tail("w", lines: 1) == nil)
    }

    /// How many holders were inside at once.
    final class Occupancy: Sendable {
        let inside = Mutex(0)
        let most = Mutex(0)
    }

    @Test("one workload's operations take turns; other workloads' do not wait")
    func locks() async throws {
        let locks = WorkloadLocks()
        let occupancy = Occupancy()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await locks.withLock("a") { () throws(RuntimeError) in
                        let now = occupancy.inside.withLock {
                            $0 += 1
                            return $0
                        }
                        occupancy.most.withLock { $0 = max($0, now) }
                        try? await Task.sleep(for: .milliseconds(5))
                        occupancy.inside.withLock { $0 -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(occupancy.most.withLock { $0 } == 1)
        // Another id is free while "a" is held.
        try await locks.withLock("a") { () throws(RuntimeError) in
            try await locks.withLock("b") { () throws(RuntimeError) in }
        }
    }
}
