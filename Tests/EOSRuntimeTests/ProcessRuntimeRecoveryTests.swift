import EOSModel
import Foundation
import Testing

@testable import EOSRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@Suite("ProcessRuntime after an Edge Node restart", .timeLimit(.minutes(2)))
struct ProcessRuntimeRecoveryTests {
    typealias Fixture = ProcessRuntimeFixture

    @Test("a second runtime on the same folder lists the recorded workloads with deployment and generation")
    func listAfterRestart() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let idle = Fixture.script("idle", "true", generation: 4)
        let failing = Fixture.script("failing", "exit 5", generation: 7)
        let server = Fixture.command("server", ["sleep", "1000"], stopTimeout: 1, generation: 2)
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            try await runtime.create(idle)
            try await Fixture.launch(failing, on: runtime)
            try await Fixture.launch(server, on: runtime)
            #expect(try await Fixture.eventually { try await runtime.inspect(failing.id).state == .exited })
        }

        let restarted = Fixture.runtime(directory)
        let listed = try await restarted.list()
        #expect(listed.map(\.id) == [failing.id, idle.id, server.id])
        #expect(listed.map(\.deployment) == ["site", "site", "site"])
        #expect(listed.map(\.generation) == [7, 4, 2])
        #expect(listed.map(\.state) == [.exited, .created, .exited])
        #expect(listed.map(\.exitCode) == [5, nil, 143])
        #expect(listed[0].startedAt != nil && listed[0].finishedAt != nil)
        try await Fixture.running(restarted) { runtime in
            try await runtime.start(server.id)
            #expect(try await runtime.inspect(server.id).state == .running)
            try await runtime.stop(server.id, timeout: .seconds(5))
        }
    }

    @Test("processes an earlier Edge Node left running are stopped when run() starts; a reused pid is not")
    func orphans() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }

        // What a crashed Edge Node leaves: a session leader with a child, recorded with its pid and start time.
        try Self.detach("echo $$ > leader; sleep 1000 & echo $! > child; wait", in: scratch)
        // A script that died while the Edge Node was down, leaving a child in its group.
        try Self.detach("sleep 1000 & echo $! > stray; echo $$ > dead", in: scratch)
        // An unrelated process that happens to have a pid an old record names.
        try Self.detach("echo $$ > decoy; exec sleep 1000", in: scratch)
        let files = ["leader", "child", "stray", "dead", "decoy"].map { scratch.appendingPathComponent($0) }
        #expect(await Fixture.eventually { files.allSatisfy { Fixture.pids(in: $0).count == 1 } })
        let pid = Dictionary(uniqueKeysWithValues: files.map { ($0.lastPathComponent, Fixture.pids(in: $0).first) })
        let leader = try #require(pid["leader"] ?? nil), child = try #require(pid["child"] ?? nil)
        let stray = try #require(pid["stray"] ?? nil), dead = try #require(pid["dead"] ?? nil)
        let decoy = try #require(pid["decoy"] ?? nil)
        // Whatever a failing test leaves behind goes, but never a process that took over one of these pids.
        let started = [leader, child, stray, decoy].compactMap { pid in ProcStat.load(pid).map { (pid, $0.startTicks) }
        }
        defer {
            for (pid, ticks) in started where ProcStat.load(pid)?.startTicks == ticks { kill(pid, SIGKILL) }
        }
        #expect(await Fixture.eventually { !Fixture.isAlive(dead) })

        let orphan = Fixture.command("orphan", ["sleep", "1000"], stopTimeout: 5)
        let leftover = Fixture.command("leftover", ["sleep", "1000"], stopTimeout: 5)
        let reused = Fixture.command("reused", ["sleep", "1000"], stopTimeout: 5)
        let leaderTicks = try #require(ProcStat.load(leader)?.startTicks)
        let decoyTicks = try #require(ProcStat.load(decoy)?.startTicks)
        try Self.record(orphan, pid: leader, startTicks: leaderTicks, in: directory)
        // Its zombie, if nobody reaped it yet, still names it; otherwise the recorded start time goes unchecked.
        try Self.record(leftover, pid: dead, startTicks: ProcStat.load(dead)?.startTicks ?? 1, in: directory)
        try Self.record(reused, pid: decoy, startTicks: decoyTicks + 12_345, in: directory)

        let runtime = Fixture.runtime(directory)
        let before = try await runtime.inspect(orphan.id)
        #expect(before.state == .running && before.pid == leader)
        #expect(try await runtime.inspect(leftover.id).state == .running)
        #expect(try await runtime.inspect(reused.id).state == .exited)

        var events = runtime.events().makeAsyncIterator()
        try await Fixture.running(runtime) { runtime in
            // A start queued behind the recovery: it runs once the old process is gone.
            try await runtime.start(orphan.id)
            #expect(![leader, child].contains(where: Fixture.isAlive))
            let restarted = try await runtime.inspect(orphan.id)
            #expect(restarted.state == .running && restarted.pid != leader)

            #expect(try await Fixture.eventually { try await runtime.inspect(leftover.id).state == .exited })
            #expect(try await runtime.inspect(leftover.id).exitCode == 143)
            #expect(await Fixture.eventually { !Fixture.isAlive(stray) })
            #expect(Fixture.isAlive(decoy))
        }
        // The old process's end first, then the new start.
        #expect(await Fixture.nextEvent(for: orphan.id, in: &events) == .exited(code: 143))
        #expect(await Fixture.nextEvent(for: orphan.id, in: &events) == .started)
    }

    /// Starts `script` with `/bin/sh` in `folder`, in a new session and detached from this process (`setsid -f`
    /// forks, so init adopts it), with default signal handling and nothing blocked, as a crashed Edge Node's
    /// children would be. (Foundation's `Process` passes on the caller's blocked signals, so it cannot stand in.)
    private static func detach(_ script: String, in folder: URL) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["setsid", "-f", "/bin/sh", "-c", "cd '\(folder.path)' || exit 1; \(script)"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/setsid", &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }

    /// Writes the record a runtime would have written for `instance` running as `pid`.
    private static func record(_ instance: WorkloadInstance, pid: Int32, startTicks: UInt64, in directory: URL) throws {
        let folder = directory.appendingPathComponent(instance.id, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var record = ProcessRecord(instance)
        record.lastRun = ProcessRecord.Run(
            pid: pid, processStartTicks: startTicks, bootID: ProcStat.bootID, startedAt: Date())
        try record.write(to: folder)
    }
}
