import Foundation
import ServiceLifecycle
import Subprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ProcessRuntime {
    /// Supervises the workloads' processes until cancelled or until the service group shuts down gracefully.
    ///
    /// It first stops what an earlier Edge Node process left running (see ``ProcessRuntime``), then spawns each
    /// start handed to it, in a child task that waits for the process's exit, and checks logs against their limit
    /// every ``ProcessRuntimeConfiguration/logCheckInterval``. On the way out it stops every process still
    /// running (SIGTERM to the group, its `stopTimeout`, SIGKILL), fails starts it had not picked up with
    /// ``RuntimeError/Code/runtimeUnavailable``, and ends every ``events()`` stream. It runs once.
    public func run() async throws {
        try state.withLock { table throws(RuntimeError) in try table.beginRunLoop() }
        await cancelWhenGracefulShutdown { await self.superviseAll() }
        let waiters = state.withLock { $0.finishRunLoop() }
        let error = RuntimeError(code: .runtimeUnavailable, message: "the process runtime stopped before the start")
        for waiter in waiters { waiter.resume(returning: .failure(error)) }
        broadcaster.finish()
    }

    private func superviseAll() async {
        await withDiscardingTaskGroup { group in
            await recoverOrphans()
            group.addTask { await self.capLogs() }
            for await request in requests {
                guard let launch = beginSpawn(request) else { continue }
                group.addTask { await self.supervise(launch) }
            }
            // The stream ends when the task is cancelled, which cancels the children too: each supervised process
            // gets its teardown, and the group waits for them all to be reaped.
            group.cancelAll()
        }
    }

    /// Moves a queued start to spawning; `nil` when it was withdrawn meanwhile.
    private func beginSpawn(_ request: SpawnRequest) -> ProcessLaunch? {
        guard let record = state.withLock({ $0.beginSpawn(request.id, request: request.request) }) else { return nil }
        do {
            return try launch(of: record, id: request.id)
        } catch {
            failSpawn(request.id, error)
            return nil
        }
    }

    /// Spawns the workload's process and waits for it to exit; runs in a child task of the run loop's group.
    private func supervise(_ launch: ProcessLaunch) async {
        let id = launch.id
        let log = logFile(of: id)
        rotate(log)
        let fd: Int32
        do {
            fd = try log.openForAppending()
        } catch {
            failSpawn(
                id,
                RuntimeError(code: .failed, message: "cannot start \(id): no log file", runtimeMessage: error.osMessage)
            )
            return
        }
        var spawned: Int32?
        let status: Result<TerminationStatus, any Error>
        do {
            let result = try await Subprocess.run(
                launch.configuration, input: .none,
                output: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: true),
                error: .combinedWithOutput
            ) { execution in
                // Returning lets `run` go on to wait for the exit; the start is reported now.
                spawned = execution.processIdentifier.value
                self.didSpawn(id, pid: execution.processIdentifier.value)
            }
            status = .success(result.terminationStatus)
        } catch {
            status = .failure(error)
        }
        guard let pid = spawned else {
            if case .failure(let error) = status { failSpawn(id, Self.spawnError(error, launch: launch)) }
            return
        }
        switch status {
        case .success(let termination):
            didExit(id, pid: pid, code: Self.exitCode(termination), log: log)
        case .failure(let error):
            logger.error(
                "lost track of a workload process",
                metadata: ["workload": "\(id)", "pid": "\(pid)", "error": "\(error)"])
            didExit(id, pid: pid, code: nil, log: log)
        }
    }

    private func didSpawn(_ id: String, pid: Int32) {
        let run = ProcessRecord.Run(
            pid: pid, processStartTicks: ProcStat.load(pid)?.startTicks ?? 0, bootID: ProcStat.bootID,
            startedAt: Date())
        guard let (record, waiters) = state.withLock({ $0.spawned(id, run: run) }) else { return }
        // On disk before start() returns: from now on a crash of the Edge Node leaves a findable orphan.
        persist(record, id: id)
        logger.info("started a workload process", metadata: ["workload": "\(id)", "pid": "\(pid)"])
        broadcaster.send(RuntimeEvent(id: id, kind: .started, at: run.startedAt))
        for waiter in waiters { waiter.resume(returning: .success(())) }
    }

    private func didExit(_ id: String, pid: Int32, code: Int32?, log: CappedLogFile) {
        // What the main process left running in its group goes with it; then nothing writes the log any more, and
        // it is capped before anyone can see the exit.
        ProcessGroup(id: pid).signal(SIGKILL)
        rotate(log)
        let now = Date()
        guard let (record, waiters) = state.withLock({ $0.exited(id, pid: pid, code: code, at: now) }) else { return }
        persist(record, id: id)
        logger.info(
            "a workload process exited", metadata: ["workload": "\(id)", "pid": "\(pid)", "code": "\(code ?? -1)"])
        broadcaster.send(RuntimeEvent(id: id, kind: .exited(code: code ?? -1), at: now))
        for waiter in waiters { waiter.resume(returning: true) }
    }

    private func failSpawn(_ id: String, _ error: RuntimeError) {
        logger.warning("cannot start a workload", metadata: ["workload": "\(id)", "error": "\(error)"])
        for waiter in state.withLock({ $0.spawnFailed(id) }) { waiter.resume(returning: .failure(error)) }
    }

    /// Checks running workloads' logs against the limit, every `logCheckInterval`, until cancelled.
    private func capLogs() async {
        while true {
            do {
                try await clock.sleep(for: configuration.logCheckInterval)
            } catch {
                return
            }
            for id in state.withLock({ $0.runningIDs }) { rotate(logFile(of: id)) }
        }
    }

    // MARK: Stopping

    /// What `stop` does for a process of this runtime.
    func stopProcess(_ id: String, pid: Int32, timeout: Duration) async throws(RuntimeError) {
        let group = ProcessGroup(id: pid)
        group.signal(SIGTERM)
        switch await waitForExit(id, pid: pid, timeout: timeout) {
        case .exited:
            return
        case .cancelled:
            throw Self.cancelled("stop \(id)")
        case .timedOut:
            logger.notice(
                "a workload ignored SIGTERM; killing its process group",
                metadata: ["workload": "\(id)", "pid": "\(pid)", "timeout": "\(timeout)"])
            group.signal(SIGKILL)
            guard await exit(of: id, pid: pid) else { throw Self.cancelled("stop \(id)") }
        }
    }

    private enum ExitWait: Sendable {
        case exited, timedOut, cancelled
    }

    private func waitForExit(_ id: String, pid: Int32, timeout: Duration) async -> ExitWait {
        await withTaskGroup(of: ExitWait.self) { group in
            group.addTask { await self.exit(of: id, pid: pid) ? .exited : .cancelled }
            group.addTask {
                do {
                    try await self.clock.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
    }

    /// Waits for process `pid` of `id` to exit: `true` once it has (or was not running), `false` if cancelled.
    private func exit(of id: String, pid: Int32) async -> Bool {
        let token = state.withLock { $0.makeToken() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: ProcessTable.ExitWaiter) in
                let outcome = state.withLock { table -> Bool? in
                    if Task.isCancelled { return false }
                    return table.addExitWaiter(id, pid: pid, token: token, waiter: waiter) ? nil : true
                }
                if let outcome { waiter.resume(returning: outcome) }
            }
        } onCancel: {
            state.withLock { $0.removeExitWaiter(id, token: token) }?.resume(returning: false)
        }
    }

    /// Waits for a spawn of `id` under way to succeed or fail.
    func awaitSpawn(_ id: String) async {
        let token = state.withLock { $0.makeToken() }
        _ = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: ProcessTable.StartWaiter) in
                let joined = state.withLock { table in
                    !Task.isCancelled && table.joinSpawn(id, token: token, waiter: waiter)
                }
                if !joined { waiter.resume(returning: .success(())) }
            }
        } onCancel: {
            state.withLock { $0.withdrawStartWaiter(id, token: token) }?.resume(returning: .success(()))
        }
    }

    // MARK: Orphans

    /// Stops every group earlier Edge Node processes left running, all at once.
    private func recoverOrphans() async {
        let orphans = state.withLock { $0.orphans }
        guard !orphans.isEmpty else { return }
        await withDiscardingTaskGroup { group in
            for orphan in orphans {
                group.addTask { await self.stopOrphan(orphan.id, group: orphan.group, timeout: orphan.timeout) }
            }
        }
    }

    /// Stops a group an earlier Edge Node process left running. Not our child, so its exit status is not ours to
    /// read: it is reported as the signal that ended it would make it, 143 after SIGTERM, 137 after SIGKILL.
    func stopOrphan(_ id: String, group: ProcessGroup, timeout: Duration) async {
        logger.notice(
            "stopping a workload left running by an earlier Edge Node",
            metadata: ["workload": "\(id)", "processGroup": "\(group.id)"])
        group.signal(SIGTERM)
        var code = 128 + SIGTERM
        if await !waitUntilEmpty(group, timeout: timeout) {
            group.signal(SIGKILL)
            code = 128 + SIGKILL
            _ = await waitUntilEmpty(group, timeout: .seconds(5))
        }
        let now = Date()
        guard let record = state.withLock({ $0.orphanStopped(id, group: group, code: code, at: now) }) else { return }
        persist(record, id: id)
        broadcaster.send(RuntimeEvent(id: id, kind: .exited(code: code), at: now))
    }

    /// Polls (it is not our child, so there is nothing to wait on) until no live process is left in `group`.
    private func waitUntilEmpty(_ group: ProcessGroup, timeout: Duration) async -> Bool {
        let step = Duration.milliseconds(100)
        var waited = Duration.zero
        while group.liveMembers.isEmpty == false {
            guard waited < timeout else { return false }
            do {
                try await clock.sleep(for: step)
            } catch {
                return group.liveMembers.isEmpty
            }
            waited += step
        }
        return true
    }

    // MARK: Mapping

    /// The exit code, or 128 + the signal that killed the process.
    static func exitCode(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// A spawn failure as a ``RuntimeError`` with the OS's words.
    static func spawnError(_ error: any Error, launch: ProcessLaunch) -> RuntimeError {
        let id = launch.id
        guard let error = error as? SubprocessError else {
            return RuntimeError(code: .failed, message: "cannot start \(id)", runtimeMessage: "\(error)")
        }
        let osWords = error.underlyingError.map { SystemCallError.osMessage($0.rawValue) }
        switch error.code {
        case .executableNotFound:
            return RuntimeError(
                code: .imageUnavailable, message: "cannot start \(id): executable \(launch.command[0]) is not usable",
                runtimeMessage: osWords ?? "not found")
        case .failedToChangeWorkingDirectory:
            return RuntimeError(
                code: .failed, message: "cannot start \(id) in working directory \(launch.workingDirectory)",
                runtimeMessage: osWords ?? "\(error)")
        default:
            return RuntimeError(
                code: .failed, message: "cannot start \(id): \(launch.command[0])",
                runtimeMessage: osWords ?? "\(error)")
        }
    }
}
