import EOSModel
import Foundation
import Synchronization
import Testing

@testable import EOSRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@Suite("ProcessRuntime components")
struct ProcessRuntimeComponentTests {
    @Test("a /proc stat line parses, a command name with spaces and parentheses included")
    func procStat() throws {
        let line = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0 98765 1000000 250 0\n"
        let stat = try #require(ProcStat.parse(Array(line.utf8)))
        #expect(stat.pid == 1234 && stat.state == UInt8(ascii: "S") && stat.processGroup == 1234)
        #expect(stat.cpuTicks == 13 && stat.startTicks == 98765 && stat.residentPages == 250)
        #expect(ProcStat.parse(Array("garbage".utf8)) == nil)

        let own = try #require(ProcStat.load(getpid()))
        #expect(own.processGroup == getpgrp() && own.isLive && own.residentPages > 0)
        #expect(ProcStat.bootID != nil)
        #expect(ProcStat.members(ofGroup: getpgrp()).contains { $0.pid == getpid() })
    }

    @Test("copy-truncate keeps the newest part from a line start, and reading spans both files")
    func cappedLogFile() throws {
        let directory = ProcessRuntimeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = CappedLogFile(path: directory.appendingPathComponent("output.log").path, limit: 200)
        #expect(try log.rotateIfNeeded() == false)  // no file yet
        #expect(log.lastLines(3).isEmpty)

        let fd = try log.openForAppending()
        defer { close(fd) }
        func append(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        }
        for index in 0..<100 { append("line \(index)\n") }
        #expect(try log.rotateIfNeeded())
        let rotated = try String(contentsOfFile: log.rotatedPath, encoding: .utf8)
        #expect(rotated.utf8.count <= 200 && rotated.hasPrefix("line ") && rotated.hasSuffix("line 99\n"))
        #expect(log.size == 0)
        #expect(log.lastLines(2) == ["line 98", "line 99"])

        append("after 1\nafter 2\npartial")
        #expect(try log.rotateIfNeeded() == false)
        #expect(log.size == 23)  // appends land at the new end: no hole where the old content was
        #expect(log.lastLines(4) == ["line 99", "after 1", "after 2", "partial"])
        #expect(log.lastLines(0).isEmpty)
    }

    @Test("the table takes a start from queued to spawning to running to exited, joining concurrent starts")
    func table() async throws {
        let instance = ProcessRuntimeFixture.command("job", ["sleep", "1"])
        let id = instance.id
        let shared = Shared()
        #expect(shared.table.withLock { $0.insert(id, record: ProcessRecord(instance)) })
        #expect(!shared.table.withLock { $0.insert(id, record: ProcessRecord(instance)) })
        try shared.table.withLock { table throws(RuntimeError) in try table.beginRunLoop() }
        #expect(throws: RuntimeError.self) {
            try shared.table.withLock { table throws(RuntimeError) in try table.beginRunLoop() }
        }

        let results = await withTaskGroup(of: Result<Void, RuntimeError>.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await withCheckedContinuation { (waiter: ProcessTable.StartWaiter) in
                        let action = shared.table.withLock {
                            $0.requestStart(id, token: $0.makeToken(), waiter: waiter)
                        }
                        if case .enqueue = action { shared.enqueued.withLock { $0 += 1 } }
                    }
                }
            }
            // Both callers wait on one queued request.
            var request: UInt64?
            while request == nil {
                await Task.yield()
                request = shared.table.withLock { table -> UInt64? in
                    guard case .queued(let request, let waiters) = table.entries[id]?.phase, waiters.count == 2
                    else { return nil }
                    return request
                }
            }
            #expect(shared.table.withLock { $0.beginSpawn(id, request: request! + 1000) } == nil)
            #expect(shared.table.withLock { $0.beginSpawn(id, request: request!) } != nil)
            let run = ProcessRecord.Run(pid: 4242, processStartTicks: 7, bootID: "boot", startedAt: Date())
            let spawned = shared.table.withLock { $0.spawned(id, run: run) }
            #expect(spawned?.1.count == 2)
            for waiter in spawned?.1 ?? [] { waiter.resume(returning: .success(())) }
            return await Array(group)
        }
        #expect(shared.enqueued.withLock { $0 } == 1)
        #expect(results.count == 2 && results.allSatisfy { (try? $0.get()) != nil })
        #expect(shared.table.withLock { $0.inspection(id) }?.state == .running)
        #expect(shared.table.withLock { $0.inspection(id) }?.pid == 4242)
        guard case .running(4242) = shared.table.withLock({ $0.stopTarget(id) }) else {
            Issue.record("a running process is what a stop targets")
            return
        }

        let exited = shared.table.withLock { $0.exited(id, pid: 4242, code: 3, at: Date()) }
        #expect(exited?.0.lastRun?.exitCode == 3 && exited?.0.lastRun?.ended == true)
        #expect(shared.table.withLock { $0.exited(id, pid: 4242, code: 3, at: Date()) } == nil)
        let inspection = shared.table.withLock { $0.inspection(id) }
        #expect(inspection?.state == .exited && inspection?.exitCode == 3 && inspection?.pid == nil)

        // A start the run loop never picks up fails when it ends.
        let failure = await withCheckedContinuation { (waiter: ProcessTable.StartWaiter) in
            _ = shared.table.withLock { $0.requestStart(id, token: $0.makeToken(), waiter: waiter) }
            for waiter in shared.table.withLock({ $0.finishRunLoop() }) {
                waiter.resume(returning: .failure(RuntimeError(code: .runtimeUnavailable, message: "ended")))
            }
        }
        #expect(throws: RuntimeError.self) { try failure.get() }
        #expect(shared.table.withLock { $0.inspection(id) }?.state == .exited)
    }

    /// A table and a counter the test's child tasks share.
    private final class Shared: Sendable {
        let table = Mutex(ProcessTable())
        let enqueued = Mutex(0)
    }
}
