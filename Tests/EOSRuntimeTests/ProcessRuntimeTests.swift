import EOSModel
import Foundation
import Testing

@testable import EOSRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the process runtime tests share: temporary state folders, script workloads, a running runtime, waiting.
enum ProcessRuntimeFixture {
    /// A fresh folder for one test.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("eos-process-runtime-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A workload running `/bin/sh -c script`.
    static func script(
        _ name: String, _ script: String, env: [String: String] = [:], workingDirectory: String? = nil,
        stopTimeout: Int = 10, generation: Int64 = 1
    ) -> WorkloadInstance {
        command(
            name, ["/bin/sh", "-c", script], env: env, workingDirectory: workingDirectory,
            stopTimeout: stopTimeout, generation: generation)
    }

    /// A workload running `command`.
    static func command(
        _ name: String, _ command: [String], env: [String: String] = [:], workingDirectory: String? = nil,
        stopTimeout: Int = 10, generation: Int64 = 1
    ) -> WorkloadInstance {
        WorkloadInstance(
            deployment: "site", generation: generation,
            workload: Workload(
                name: name,
                kind: .process(ProcessSpec(command: command, env: env, workingDirectory: workingDirectory)),
                stopTimeout: DurationValue(seconds: stopTimeout)),
            environment: ["EOS_NODE_ID": "edge-01"])
    }

    /// A runtime on `directory`.
    static func runtime(
        _ directory: URL, logSizeLimit: Int = 1 << 20, logCheckInterval: Duration = .seconds(10)
    ) -> ProcessRuntime {
        ProcessRuntime(
            configuration: ProcessRuntimeConfiguration(
                stateDirectory: directory, logSizeLimit: logSizeLimit, logCheckInterval: logCheckInterval))
    }

    /// Runs `body` while `runtime.run()` runs, then cancels it and waits for it to end.
    static func running<T: Sendable>(
        _ runtime: ProcessRuntime, _ body: (ProcessRuntime) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.run() }
            let result = try await body(runtime)
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    /// Creates and starts `instance`, after checking its executable.
    static func launch(_ instance: WorkloadInstance, on runtime: ProcessRuntime) async throws {
        try await runtime.ensureImage(for: instance)
        try await runtime.create(instance)
        try await runtime.start(instance.id)
    }

    /// Whether `condition` holds within `limit` (generous: CI machines are loaded).
    static func eventually(
        within limit: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while clock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The next event for `id`.
    static func nextEvent(
        for id: String, in iterator: inout AsyncStream<RuntimeEvent>.Iterator
    ) async -> RuntimeEvent.Kind? {
        while let event = await iterator.next() {
            if event.id == id { return event.kind }
        }
        return nil
    }

    /// The error `body` fails with, `nil` when it succeeds.
    static func failure(_ body: () async throws(RuntimeError) -> Void) async -> RuntimeError? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    /// Whether process `pid` runs (a zombie does not: it has exited and waits to be reaped).
    static func isAlive(_ pid: Int32) -> Bool { ProcStat.load(pid)?.isLive ?? false }

    /// The pids a script wrote into `file`, one a line.
    static func pids(in file: URL) -> [Int32] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }
}

@Suite("ProcessRuntime", .timeLimit(.minutes(2)))
struct ProcessRuntimeTests {
    typealias Fixture = ProcessRuntimeFixture

    @Test("a script runs, its output is logged, its exit is inspected and reported; it restarts")
    func lifecycle() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            var events = runtime.events().makeAsyncIterator()
            let job = Fixture.script("job", "echo hello; echo oops >&2; exit 3")
            try await runtime.ensureImage(for: job)
            try await runtime.create(job)
            #expect(try await runtime.inspect(job.id).state == .created)
            try await runtime.start(job.id)

            #expect(await Fixture.nextEvent(for: job.id, in: &events) == .started)
            #expect(await Fixture.nextEvent(for: job.id, in: &events) == .exited(code: 3))
            let exited = try await runtime.inspect(job.id)
            #expect(exited.state == .exited && exited.exitCode == 3 && exited.pid == nil)
            #expect(exited.deployment == "site" && exited.generation == 1)
            #expect(exited.startedAt != nil && exited.finishedAt != nil)
            #expect(try await runtime.logs(job.id, lines: 10) == ["hello", "oops"])

            try await runtime.start(job.id)
            #expect(await Fixture.nextEvent(for: job.id, in: &events) == .started)
            #expect(await Fixture.nextEvent(for: job.id, in: &events) == .exited(code: 3))
            #expect(try await runtime.logs(job.id, lines: 3) == ["oops", "hello", "oops"])
            #expect(try await runtime.list().map(\.id) == [job.id])

            try await runtime.remove(job.id)
            #expect(try await runtime.list().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(job.id).path))
            try await runtime.remove(job.id)  // removing what is gone succeeds
        }
    }

    @Test("the environment, PATH, working directory and /dev/null stdin are applied")
    func environment() async throws {
        let directory = Fixture.temporaryDirectory()
        let work = Fixture.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: work)
        }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            let script = "cat; echo \"$GREETING $EOS_NODE_ID\"; echo \"$PATH\"; pwd -P"
            let explicit = Fixture.script("explicit", script, env: ["GREETING": "hi"], workingDirectory: work.path)
            let implicit = Fixture.script("implicit", script, env: ["EOS_NODE_ID": "spec-wins"])
            for instance in [explicit, implicit] {
                try await Fixture.launch(instance, on: runtime)
                #expect(
                    try await Fixture.eventually { try await runtime.inspect(instance.id).state == .exited })
                #expect(try await runtime.inspect(instance.id).exitCode == 0)
            }
            let standardPath = ProcessRuntimeConfiguration.standardPath
            #expect(
                try await runtime.logs(explicit.id, lines: 5)
                    == ["hi edge-01", standardPath, work.resolvingSymlinksInPath().path])
            #expect(
                try await runtime.logs(implicit.id, lines: 5)
                    == [
                        " spec-wins", standardPath,
                        directory.appendingPathComponent(implicit.id).resolvingSymlinksInPath().path,
                    ])

            let ownPath = Fixture.script("own-path", "echo \"$PATH\"", env: ["PATH": "/bin"])
            try await Fixture.launch(ownPath, on: runtime)
            #expect(try await Fixture.eventually { try await runtime.logs(ownPath.id, lines: 1) == ["/bin"] })
        }
    }

    @Test("stop signals the whole process group: a script's children do not survive")
    func stopKillsTheGroup() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            var events = runtime.events().makeAsyncIterator()
            let parent = Fixture.script(
                "parent", "sleep 1000 & echo $! > children; sleep 1000 & echo $! >> children; echo ready; wait")
            try await Fixture.launch(parent, on: runtime)
            #expect(await Fixture.nextEvent(for: parent.id, in: &events) == .started)
            #expect(try await Fixture.eventually { try await runtime.logs(parent.id, lines: 1) == ["ready"] })
            let children = Fixture.pids(
                in: directory.appendingPathComponent(parent.id).appendingPathComponent("children"))
            let running = try await runtime.inspect(parent.id)
            let pid = try #require(running.pid)
            #expect(running.state == .running && children.count == 2)
            #expect(children.allSatisfy(Fixture.isAlive) && Fixture.isAlive(pid))
            let stats = try await runtime.stats(parent.id)
            #expect(stats.memoryBytes > 0)

            try await runtime.stop(parent.id, timeout: .seconds(20))
            let stopped = try await runtime.inspect(parent.id)
            #expect(stopped.state == .exited && stopped.exitCode == 143)
            #expect(await Fixture.nextEvent(for: parent.id, in: &events) == .exited(code: 143))
            #expect(await Fixture.eventually { !(children + [pid]).contains(where: Fixture.isAlive) })
            try await runtime.stop(parent.id, timeout: .seconds(1))  // stopping what does not run succeeds
            try await runtime.stop("site_unknown", timeout: .seconds(1))
        }
    }

    @Test("a script that ignores SIGTERM is killed after the timeout and reports 137")
    func sigkillAfterTimeout() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            let stubborn = Fixture.script("stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done")
            try await Fixture.launch(stubborn, on: runtime)
            #expect(try await Fixture.eventually { try await runtime.logs(stubborn.id, lines: 1) == ["ready"] })
            let pid = try #require(try await runtime.inspect(stubborn.id).pid)
            let clock = ContinuousClock()
            let started = clock.now
            try await runtime.stop(stubborn.id, timeout: .seconds(1))
            #expect(clock.now - started >= .seconds(1))
            #expect(try await runtime.inspect(stubborn.id).exitCode == 137)
            #expect(await Fixture.eventually { !Fixture.isAlive(pid) })
        }
    }

    @Test("remove stops a running workload first, with its stopTimeout")
    func removeRunning() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            let server = Fixture.command("server", ["sleep", "1000"])
            try await Fixture.launch(server, on: runtime)
            let pid = try #require(try await runtime.inspect(server.id).pid)
            try await runtime.remove(server.id)
            #expect(await Fixture.eventually { !Fixture.isAlive(pid) })
            let gone = await #expect(throws: RuntimeError.self) { try await runtime.inspect(server.id) }
            #expect(gone?.code == .notFound)
        }
    }

    @Test("the log cap holds when a process exits, and the latest lines are kept")
    func logCapOnExit() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let limit = 16 * 1024
        // No timer during the test: the rotation at the exit is the only one, so no line is lost to a race.
        let runtime = Fixture.runtime(directory, logSizeLimit: limit, logCheckInterval: .seconds(3600))
        try await Fixture.running(runtime) { runtime in
            let chatty = Fixture.script("chatty", Self.writeLines)
            try await Fixture.launch(chatty, on: runtime)
            #expect(try await Fixture.eventually { try await runtime.inspect(chatty.id).state == .exited })
            let log = runtime.logFile(of: chatty.id)
            #expect(Self.size(log.path) <= limit && Self.size(log.rotatedPath) <= limit)
            #expect(Self.size(log.rotatedPath) > limit / 2)
            #expect(try await runtime.logs(chatty.id, lines: 3) == ["line 4997", "line 4998", "line 4999"])
        }
    }

    @Test("the log cap holds while a process runs, on the timer")
    func logCapWhileRunning() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let limit = 16 * 1024
        let runtime = Fixture.runtime(directory, logSizeLimit: limit, logCheckInterval: .milliseconds(100))
        try await Fixture.running(runtime) { runtime in
            let lingering = Fixture.script("lingering", Self.writeLines + "; echo done; exec sleep 1000")
            try await Fixture.launch(lingering, on: runtime)
            let log = runtime.logFile(of: lingering.id)
            #expect(
                await Fixture.eventually {
                    Self.size(log.rotatedPath) > 0 && Self.size(log.path) <= limit
                        && Self.size(log.rotatedPath) <= limit
                })
            #expect(try await runtime.inspect(lingering.id).state == .running)
            #expect(try await runtime.logs(lingering.id, lines: 2).count == 2)
            try await runtime.stop(lingering.id, timeout: .seconds(10))
            #expect(Self.size(log.path) <= limit && Self.size(log.rotatedPath) <= limit)
        }
    }

    /// A script line writing about 50 KiB: `line 0` to `line 4999`.
    private static let writeLines = "i=0; while [ $i -lt 5000 ]; do echo \"line $i\"; i=$((i+1)); done"

    @Test("ensureImage and start name a missing or unusable executable; a container spec is unsupported")
    func refusals() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runtime = Fixture.runtime(directory)
        let missing = Fixture.command("missing", ["/nonexistent/bin/uploader", "--once"])
        let error = await #expect(throws: RuntimeError.self) { try await runtime.ensureImage(for: missing) }
        #expect(error?.code == .imageUnavailable)
        #expect(error?.message.contains("/nonexistent/bin/uploader") == true)
        #expect(error?.runtimeMessage == String(cString: strerror(ENOENT)))

        let unnamed = Fixture.command("unnamed", ["eos-no-such-command"])
        let notInPath = await #expect(throws: RuntimeError.self) { try await runtime.ensureImage(for: unnamed) }
        #expect(notInPath?.code == .imageUnavailable)
        #expect(notInPath?.message.contains("eos-no-such-command") == true)

        let plain = directory.appendingPathComponent("plain.txt")
        try "not a program".write(to: plain, atomically: true, encoding: .utf8)
        let notExecutable = Fixture.command("plain", [plain.path])
        let denied = await #expect(throws: RuntimeError.self) { try await runtime.ensureImage(for: notExecutable) }
        #expect(denied?.code == .imageUnavailable)
        #expect(denied?.runtimeMessage == String(cString: strerror(EACCES)))

        try await runtime.ensureImage(for: Fixture.command("by-name", ["sh", "-c", "true"]))
        try await runtime.ensureImage(for: Fixture.command("by-path", ["/bin/sh"]))

        let container = WorkloadInstance(
            deployment: "site", generation: 1,
            workload: Workload(name: "web", kind: .container(ContainerSpec(image: "local/busybox:latest"))))
        let unsupported = await #expect(throws: RuntimeError.self) { try await runtime.ensureImage(for: container) }
        #expect(unsupported?.code == .unsupported)
        let notCreated = await #expect(throws: RuntimeError.self) { try await runtime.create(container) }
        #expect(notCreated?.code == .unsupported)

        try await runtime.create(missing)
        let taken = await #expect(throws: RuntimeError.self) { try await runtime.create(missing) }
        #expect(taken?.code == .alreadyExists)
        let unknown = await #expect(throws: RuntimeError.self) { try await runtime.start("site_nothing") }
        #expect(unknown?.code == .notFound)

        try await Fixture.running(runtime) { runtime in
            let spawn = await #expect(throws: RuntimeError.self) { try await runtime.start(missing.id) }
            #expect(spawn?.code == .imageUnavailable)
            #expect(try await runtime.inspect(missing.id).state == .created)

            let nowhere = Fixture.script("nowhere", "true", workingDirectory: "/nonexistent/work")
            try await runtime.create(nowhere)
            let chdir = await #expect(throws: RuntimeError.self) { try await runtime.start(nowhere.id) }
            #expect(chdir?.code == .failed)
            #expect(chdir?.message.contains("/nonexistent/work") == true)
        }
    }

    @Test("exec runs beside the process with its environment and working directory, and times out")
    func exec() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Fixture.running(Fixture.runtime(directory)) { runtime in
            let server = Fixture.script("server", "exec sleep 1000", env: ["GREETING": "hi"])
            try await runtime.create(server)
            let notRunning = await #expect(throws: RuntimeError.self) {
                try await runtime.exec(server.id, command: ["true"], timeout: .seconds(5))
            }
            #expect(notRunning?.code == .failed)
            try await runtime.start(server.id)

            let result = try await runtime.exec(
                server.id, command: ["sh", "-c", "echo $GREETING; pwd -P; echo err >&2; exit 4"], timeout: .seconds(30))
            let folder = directory.appendingPathComponent(server.id).resolvingSymlinksInPath().path
            #expect(result == ExecResult(exitCode: 4, output: "hi\n\(folder)\nerr\n"))
            #expect(try await runtime.exec(server.id, command: ["true"], timeout: .seconds(30)).succeeded)

            let long = try await runtime.exec(
                server.id, command: ["sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done"],
                timeout: .seconds(30))
            #expect(long.output.utf8.count <= 4096 && long.output.hasSuffix("line 1999\n"))

            let clock = ContinuousClock()
            let started = clock.now
            let timedOut = await #expect(throws: RuntimeError.self) {
                try await runtime.exec(
                    server.id, command: ["sh", "-c", "echo $$ > exec.pid; sleep 1000"], timeout: .milliseconds(500))
            }
            #expect(timedOut?.code == .timedOut)
            #expect(clock.now - started < .seconds(30))
            let execPIDs = Fixture.pids(
                in: directory.appendingPathComponent(server.id).appendingPathComponent("exec.pid"))
            #expect(await Fixture.eventually { !execPIDs.contains(where: Fixture.isAlive) })
            #expect(try await runtime.inspect(server.id).state == .running)
        }
    }

    @Test("a start waits for run(); after run() ends, starts fail and every process has been stopped")
    func runLoopBoundaries() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runtime = Fixture.runtime(directory)
        let early = Fixture.command("early", ["sleep", "1000"], stopTimeout: 1)
        try await runtime.create(early)
        let pid = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.start(early.id) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await runtime.inspect(early.id).state == .created)
            group.addTask { try await runtime.run() }
            #expect(try await Fixture.eventually { try await runtime.inspect(early.id).state == .running })
            let pid = try #require(try await runtime.inspect(early.id).pid)
            group.cancelAll()
            try await group.waitForAll()
            return pid
        }
        // run() returned only after stopping and reaping what ran.
        #expect(!Fixture.isAlive(pid))
        let stopped = try await runtime.inspect(early.id)
        #expect(stopped.state == .exited && stopped.exitCode == 143)
        let late = await #expect(throws: RuntimeError.self) { try await runtime.start(early.id) }
        #expect(late?.code == .runtimeUnavailable)
        var events = runtime.events().makeAsyncIterator()
        #expect(await events.next() == nil)
    }

    @Test("a cancelled start that run() never picked up is withdrawn")
    func cancelledStart() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runtime = Fixture.runtime(directory)
        let job = Fixture.command("job", ["sleep", "1000"])
        try await runtime.create(job)
        let error = await withTaskGroup(of: RuntimeError?.self) { group in
            group.addTask { await Fixture.failure { () async throws(RuntimeError) in try await runtime.start(job.id) } }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return await group.next() ?? nil
        }
        #expect(error?.code == .cancelled)
        try await Fixture.running(runtime) { runtime in
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await runtime.inspect(job.id).state == .created)
        }
    }

    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }
}
