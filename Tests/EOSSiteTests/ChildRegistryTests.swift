import EOSModel
import EOSSite
import EOSTesting
import Foundation
import Synchronization
import Testing

@Suite("ChildRegistry")
struct ChildRegistryTests {
    static func temporaryDirectory() -> URL {
        TestScratch.path("eos-child-registry")
    }

    static let capabilities = NodeCapabilities(
        cpus: 2.5, memoryBytes: 4 << 30, storageBytes: 32 << 30, architecture: "arm64",
        runtimes: ["containerd", "process"])

    /// A wall clock the test moves by hand.
    final class ManualWallClock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000.123)) { current = Mutex(start) }
        var now: Timestamp { Timestamp(current.withLock { $0 }) }
        func advance(by seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
        func at(_ seconds: Double, after start: Timestamp) -> Timestamp {
            Timestamp(start.date.addingTimeInterval(seconds))
        }
    }

    @Test("what children said and what the parent recorded survives a reopen")
    func persistence() async throws {
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory)
        #expect(registry.path == directory.appendingPathComponent(ChildRegistry.fileName).path)
        try registry.register(
            ChildRegistration(
                kind: .node, id: "edge-01", labels: ["zone": "north", "gpu": "a2"], capabilities: Self.capabilities,
                appliedGenerations: ["hello": 2], endpoint: "10.0.0.7:7443"))
        try registry.register(ChildRegistration(kind: .site, id: "store-0042", labels: ["region": "eu-west"]))
        #expect(try registry.heartbeat(kind: .node, id: "edge-01") != nil)
        #expect(try await registry.admit(sequence: 7, from: .node, id: "edge-01"))
        try await registry.updateAppliedGeneration(3, of: "hello", kind: .node, id: "edge-01")
        try await registry.updateAppliedGeneration(1, of: "vision", kind: .node, id: "edge-01")
        let before = registry.children()

        let reopened = try ChildRegistry(directory: directory)
        #expect(reopened.children() == before)
        let node = try #require(reopened.child(kind: .node, id: "edge-01"))
        #expect(node.labels == ["zone": "north", "gpu": "a2"])
        #expect(node.capabilities == Self.capabilities)
        #expect(node.endpoint == "10.0.0.7:7443")
        #expect(node.appliedGenerations == ["hello": 3, "vision": 1])
        #expect(node.lastSequence == 7)
        #expect(node.heartbeatInterval == .seconds(5))
        #expect(reopened.children(of: .site).map(\.id) == ["store-0042"])
        #expect(reopened.children(of: .node).map(\.id) == ["edge-01"])
        #expect(reopened.child(kind: .site, id: "edge-01") == nil)

        // A forgotten child stays forgotten.
        #expect(try reopened.forget(kind: .site, id: "store-0042") != nil)
        #expect(try ChildRegistry(directory: directory).children().map(\.id) == ["edge-01"])
    }

    @Test("a registration replaces what the child says about itself and keeps its last report sequence")
    func reregistration() async throws {
        let registry = try ChildRegistry()
        #expect(registry.path == ":memory:")
        try registry.register(
            ChildRegistration(kind: .node, id: "edge-01", labels: ["zone": "north"], endpoint: "10.0.0.7:7443"))
        #expect(try await registry.admit(sequence: 4, from: .node, id: "edge-01"))
        let again = try registry.register(
            ChildRegistration(kind: .node, id: "edge-01", labels: ["zone": "south"], appliedGenerations: ["a": 1]))
        #expect(again.labels == ["zone": "south"])
        #expect(again.endpoint == nil)
        #expect(again.appliedGenerations == ["a": 1])
        #expect(again.lastSequence == 4)
        #expect(registry.count == 1)
        // Unknown children: nothing to update.
        #expect(try registry.heartbeat(kind: .node, id: "edge-02") == nil)
        #expect(try registry.heartbeat(kind: .site, id: "edge-01") == nil)
        #expect(try registry.touch(kind: .node, id: "edge-02") == nil)
        #expect(try registry.updateAppliedGenerations([:], kind: .node, id: "edge-02") == nil)
        #expect(try registry.forget(kind: .node, id: "edge-02") == nil)
        #expect(registry.count == 1)
    }

    @Test("a child is Ready while heard from, Unknown since its last contact after three intervals, then Offline")
    func liveness() async throws {
        let clock = ManualWallClock()
        let registry = try ChildRegistry(offlineAfter: .seconds(60), now: { clock.now })
        var events = registry.events().makeAsyncIterator()
        let start = clock.now
        let child = try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        #expect(child.lastSeen == start)
        #expect(child.heartbeatInterval == .seconds(5))
        #expect(await events.next() == .registered(child))

        #expect(registry.liveness(of: child, at: clock.at(1, after: start)).liveness == .ready)
        #expect(registry.liveness(of: child, at: clock.at(14.9, after: start)).liveness == .ready)
        let unknown = registry.liveness(of: child, at: clock.at(15, after: start))
        #expect(unknown.liveness == .unknown)
        #expect(unknown.since == start)
        #expect(unknown.lastSeen == start)
        #expect(registry.liveness(kind: .node, id: "edge-01", at: clock.at(59, after: start))?.liveness == .unknown)
        #expect(registry.liveness(kind: .node, id: "edge-01", at: clock.at(60, after: start))?.liveness == .offline)
        #expect(registry.liveness(kind: .node, id: "edge-02", at: start) == nil)

        // The owner's sweeps announce each change once.
        #expect(registry.refreshLiveness(at: clock.at(10, after: start)).isEmpty)
        let silent = registry.refreshLiveness(at: clock.at(16, after: start))
        #expect(silent == [.livenessChanged(child, unknown)])
        #expect(await events.next() == silent.first)
        #expect(registry.refreshLiveness(at: clock.at(17, after: start)).isEmpty)
        let offline = registry.refreshLiveness(at: clock.at(61, after: start))
        #expect(offline.count == 1)
        guard case .livenessChanged(_, let status)? = offline.first else {
            Issue.record("no liveness change announced: \(offline)")
            return
        }
        #expect(status.liveness == .offline)
        #expect(await events.next() == offline.first)

        // Heard from again: Ready at once.
        clock.advance(by: 70)
        let back = try #require(try registry.heartbeat(kind: .node, id: "edge-01"))
        #expect(back.lastSeen == clock.now)
        #expect(await events.next() == .livenessChanged(back, LivenessStatus(liveness: .ready, lastSeen: clock.now)))
        #expect(registry.refreshLiveness(at: clock.now).isEmpty)
    }

    @Test("after a reopen a silent child is judged from when it was really last seen")
    func livenessAcrossReopen() throws {
        let clock = ManualWallClock()
        let directory = Self.temporaryDirectory()
        let start = clock.now
        try ChildRegistry(directory: directory, now: { clock.now })
            .register(ChildRegistration(kind: .node, id: "edge-01"))
        clock.advance(by: 20)
        let reopened = try ChildRegistry(directory: directory, now: { clock.now })
        let status = try #require(reopened.liveness(kind: .node, id: "edge-01", at: clock.now))
        #expect(status.liveness == .unknown)
        #expect(status.since == start)
        // Already Unknown when the registry opened: nothing to announce until it changes again.
        #expect(reopened.refreshLiveness(at: clock.now).isEmpty)
    }

    @Test("contact alone is written once the time on disk is two intervals old; a report, at once")
    func contactIsWrittenSparingly() async throws {
        let clock = ManualWallClock()
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory, now: { clock.now })
        try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        let registered = clock.now
        func onDisk() throws -> Timestamp? {
            try ChildRegistry(directory: directory).child(kind: .node, id: "edge-01")?.lastSeen
        }

        // Within two intervals (5 s each) of the time on disk, contact is noted in memory only.
        clock.advance(by: 4)
        #expect(try registry.touch(kind: .node, id: "edge-01")?.lastSeen == clock.now)
        clock.advance(by: 4)
        #expect(try registry.heartbeat(kind: .node, id: "edge-01")?.lastSeen == clock.now)
        #expect(registry.child(kind: .node, id: "edge-01")?.lastSeen == clock.now)
        #expect(try onDisk() == registered)

        // Then it is written.
        clock.advance(by: 2)
        _ = try registry.heartbeat(kind: .node, id: "edge-01")
        let written = clock.now
        #expect(try onDisk() == written)
        clock.advance(by: 1)
        try registry.touch(kind: .node, id: "edge-01")
        #expect(try onDisk() == written)

        // A report is written at once, with its contact.
        clock.advance(by: 1)
        #expect(try await registry.admit(sequence: 1, from: .node, id: "edge-01"))
        #expect(try onDisk() == clock.now)
    }

    @Test("a report taken is contact with the child, kept on disk with its sequence; a replay is not taken")
    func admitNotesContact() async throws {
        let clock = ManualWallClock()
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory, now: { clock.now })
        try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        clock.advance(by: 12)
        #expect(try await registry.admit(sequence: 3, from: .node, id: "edge-01"))
        let heard = clock.now
        clock.advance(by: 5)
        #expect(try await registry.admit(sequence: 3, from: .node, id: "edge-01") == false)
        #expect(try await registry.admit(sequence: 2, from: .node, id: "edge-02") == false)

        let reopened = try #require(try ChildRegistry(directory: directory).child(kind: .node, id: "edge-01"))
        #expect(reopened.lastSeen == heard)
        #expect(reopened.lastSequence == 3)
    }

    @Test("the heartbeat interval grows with the number of children to stay under the rate the parent takes")
    func intervalScaling() throws {
        let registry = try ChildRegistry()
        #expect(registry.heartbeatInterval(forChildren: 0) == .seconds(5))
        #expect(registry.heartbeatInterval(forChildren: 500) == .seconds(5))
        #expect(registry.heartbeatInterval(forChildren: 501) == .milliseconds(5010))
        #expect(registry.heartbeatInterval(forChildren: 1000) == .seconds(10))
        #expect(registry.heartbeatInterval(forChildren: 10_000) == .seconds(100))

        let small = try ChildRegistry(baseHeartbeatInterval: .seconds(5), maximumHeartbeatsPerSecond: 2)
        var first: RegisteredChild?
        for index in 1...12 {
            let child = try small.register(ChildRegistration(kind: .node, id: "edge-\(index)"))
            first = first ?? child
        }
        #expect(first?.heartbeatInterval == .seconds(5))
        #expect(small.heartbeatInterval == .seconds(6))
        #expect(small.child(kind: .node, id: "edge-12")?.heartbeatInterval == .seconds(6))
        // Every heartbeat's answer carries the current interval; liveness follows what the child was asked.
        let updated = try #require(try small.heartbeat(kind: .node, id: "edge-1"))
        #expect(updated.heartbeatInterval == .seconds(6))
        #expect(small.livenessPolicy(for: updated).heartbeatInterval == .seconds(6))

        let unlimited = try ChildRegistry(baseHeartbeatInterval: .seconds(2), maximumHeartbeatsPerSecond: 0)
        #expect(unlimited.heartbeatInterval(forChildren: 1_000_000) == .seconds(2))
    }

    @Test("a report sequence is taken once, above the last, and a replay is still recognised after a reopen")
    func sequenceAdmission() async throws {
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory)
        try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        #expect(try await registry.admit(sequence: 1, from: .node, id: "edge-01"))
        #expect(try await registry.admit(sequence: 2, from: .node, id: "edge-01"))
        #expect(try await registry.admit(sequence: 3, from: .node, id: "edge-01"))
        #expect(try await !registry.admit(sequence: 3, from: .node, id: "edge-01"))
        #expect(try await !registry.admit(sequence: 2, from: .node, id: "edge-01"))
        #expect(try await !registry.admit(sequence: 1, from: .node, id: "edge-02"))

        let reopened = try ChildRegistry(directory: directory)
        #expect(!reopened.isNew(sequence: 3, from: .node, id: "edge-01"))
        #expect(try await !reopened.admit(sequence: 3, from: .node, id: "edge-01"))
        #expect(try await !reopened.admit(sequence: 1, from: .node, id: "edge-01"))
        #expect(try await reopened.admit(sequence: 4, from: .node, id: "edge-01"))
        // A gap (reports the child's full outbox dropped) is still new; what is below the new last is not.
        #expect(try await reopened.admit(sequence: 10, from: .node, id: "edge-01"))
        #expect(try await !reopened.admit(sequence: 9, from: .node, id: "edge-01"))
        // Registering again keeps the sequence: a reconnect is when replays happen.
        try reopened.register(ChildRegistration(kind: .node, id: "edge-01", appliedGenerations: ["hello": 1]))
        #expect(try await !reopened.admit(sequence: 10, from: .node, id: "edge-01"))
        #expect(try ChildRegistry(directory: directory).child(kind: .node, id: "edge-01")?.lastSequence == 10)
    }

    @Test("changes made to many children at once all land, each seeing the ones before it, and survive a reopen")
    func concurrentChanges() async throws {
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory)
        let nodes = (1...60).map { "edge-\($0)" }
        for node in nodes { try registry.register(ChildRegistration(kind: .node, id: node)) }
        let deployments = (1...30).map { "app-\($0)" }
        let taken = try await withThrowingTaskGroup(of: Bool.self, returning: Int.self) { group in
            for node in nodes {
                group.addTask { try await registry.admit(sequence: 1, from: .node, id: node) }
            }
            // One child's generations changed by many callers at once: none may undo another's.
            for (index, deployment) in deployments.enumerated() {
                group.addTask {
                    try await registry.updateAppliedGeneration(
                        Int64(index + 1), of: deployment, kind: .node, id: "edge-1")
                    return false
                }
            }
            // The same report on two streams at once is taken once.
            for _ in 0..<2 {
                group.addTask { try await registry.admit(sequence: 5, from: .node, id: "edge-2") }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == nodes.count + 1)
        let expected = Dictionary(uniqueKeysWithValues: deployments.enumerated().map { ($1, Int64($0 + 1)) })
        for view in [registry, try ChildRegistry(directory: directory)] {
            #expect(view.child(kind: .node, id: "edge-1")?.appliedGenerations == expected)
            #expect(view.child(kind: .node, id: "edge-2")?.lastSequence == 5)
            #expect(view.children().filter { $0.id != "edge-2" }.allSatisfy { $0.lastSequence == 1 })
        }
        #expect(try await registry.updateAppliedGeneration(1, of: "app-1", kind: .node, id: "edge-404") == nil)
    }

    @Test("a child that registers holding nothing (its store was wiped) numbers its reports afresh")
    func wipedChild() async throws {
        let directory = Self.temporaryDirectory()
        let registry = try ChildRegistry(directory: directory)
        try registry.register(ChildRegistration(kind: .node, id: "edge-01", appliedGenerations: ["hello": 3]))
        #expect(try await registry.admit(sequence: 40, from: .node, id: "edge-01"))
        let wiped = try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        #expect(wiped.lastSequence == 0)
        #expect(try await registry.admit(sequence: 1, from: .node, id: "edge-01"))
        #expect(try ChildRegistry(directory: directory).child(kind: .node, id: "edge-01")?.lastSequence == 1)
    }

    @Test("the registry announces registrations, re-registrations and removals, in order")
    func events() async throws {
        let registry = try ChildRegistry()
        var events = registry.events().makeAsyncIterator()
        let first = try registry.register(ChildRegistration(kind: .node, id: "edge-01"))
        let second = try registry.register(ChildRegistration(kind: .node, id: "edge-01", labels: ["a": "b"]))
        let site = try registry.register(ChildRegistration(kind: .site, id: "store-0042"))
        let forgotten = try #require(try registry.forget(kind: .node, id: "edge-01"))
        #expect(await events.next() == .registered(first))
        #expect(await events.next() == .reregistered(second))
        #expect(await events.next() == .registered(site))
        #expect(await events.next() == .forgotten(forgotten))
        #expect(forgotten == second)
    }

    @Test("a file that is not a registry gives an error naming the file and SQLite's reason")
    func corruptFile() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(ChildRegistry.fileName)
        try Data(repeating: 0x5A, count: 8192).write(to: file)
        let error = #expect(throws: ChildRegistryError.self) { _ = try ChildRegistry(directory: directory) }
        #expect(error?.path == file.path)
        #expect(error?.message.contains(file.path) == true)
        #expect(error?.description.contains("not a database") == true)
    }

    @Test("a place the registry cannot write gives an error naming the file")
    func unwritable() throws {
        // Root ignores permission bits, so the folder is made impossible rather than forbidden.
        let occupied = Self.temporaryDirectory()
        try Data("a file, not a folder".utf8).write(to: occupied)
        let noFolder = #expect(throws: ChildRegistryError.self) { _ = try ChildRegistry(directory: occupied) }
        #expect(noFolder?.path == occupied.appendingPathComponent(ChildRegistry.fileName).path)
        #expect(noFolder?.message.contains(occupied.path) == true)
        #expect(noFolder?.cause != nil)

        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(ChildRegistry.fileName), withIntermediateDirectories: true)
        let folderAsFile = #expect(throws: ChildRegistryError.self) { _ = try ChildRegistry(directory: directory) }
        #expect(folderAsFile?.message.contains(directory.appendingPathComponent(ChildRegistry.fileName).path) == true)
        #expect(folderAsFile?.cause != nil)
    }
}
