import EOSModel
import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A runtime that runs scripts and binaries as child processes of the Edge Node (Linux).
///
/// **Processes.** Each workload's process leads a new session, so it and every process it starts share one
/// process group, which stop and remove signal as a whole: SIGTERM, the timeout, then SIGKILL. It runs with the
/// instance's effective environment (plus `PATH` from the configuration when that sets none), in the spec's
/// working directory or else the workload's own folder, with stdin from `/dev/null` and stdout and stderr appended
/// to the workload's log file. When the main process exits, whatever it left running in its group is killed, as
/// systemd does for a service, so a restart never finds an older copy still at work. An exit is reported as the
/// exit code, or 128 + the signal that killed the process (137 after SIGKILL).
///
/// **Run loop.** ``run()`` owns every child process: ``start(_:)`` hands the spawn to it and waits for the result
/// (the pid, or the spawn error with the OS's words), so a process is always supervised by a task of the run
/// loop's task group, which waits for its exit and reports it through ``events()``. A start made before `run()`
/// begins waits for it; one made after it ended fails with ``RuntimeError/Code/runtimeUnavailable``. When `run()`
/// is cancelled or the service group shuts down gracefully, it stops every workload still running (SIGTERM to the
/// group, the workload's `stopTimeout`, SIGKILL), reaps them, and only then returns: a clean Edge Node shutdown
/// leaves neither orphans nor zombies. (The Edge Node stops its workloads itself before that; this is the backstop.)
///
/// **State and recovery.** Each workload's folder under
/// ``ProcessRuntimeConfiguration/stateDirectory`` records its instance and its last run's pid, process start
/// time (`/proc/PID/stat` field 22) and boot id, so a new runtime on the same folder ``list()``s the workloads with
/// their deployment and generation. If the Edge Node was killed (SIGKILL, a crash), its workloads kept running as
/// orphans; the new runtime recognises them (pid, start time and boot id must all match, so a reused pid is never
/// mistaken for one) and reports them as running until its ``run()`` starts, which first stops their groups
/// (SIGTERM, `stopTimeout`, SIGKILL) and reports each as exited, before any start is spawned; the Edge Node then
/// starts them afresh.
///
/// **Logs.** Output goes straight from the process to its file, costing the Edge Node nothing per byte, and
/// outlives an Edge Node crash (a pipe through the Edge Node would break, killing the workload with SIGPIPE or
/// blocking it). The file is kept under ``ProcessRuntimeConfiguration/logSizeLimit`` by copy-truncate into one
/// rotated file, checked when the process starts and exits and every
/// ``ProcessRuntimeConfiguration/logCheckInterval`` while it runs (one `open`/`fstat` per running workload). A
/// log can outgrow the limit by what the workload writes in one interval, and what it writes in the instant of a
/// rotation can be lost, the price of copy-truncate.
///
/// **Cost when idle.** Exits are noticed by swift-subprocess's pidfd monitor, not by polling; the only timers are
/// the log check and swift-subprocess's cancellation watcher, which wakes once a second per running process.
public final class ProcessRuntime: EdgeRuntime {
    /// A start handed to the run loop.
    struct SpawnRequest: Sendable {
        var id: String
        var request: UInt64
    }

    /// The runtime's name in capability reports.
    public let name = "process"

    let configuration: ProcessRuntimeConfiguration
    let clock: any Clock<Duration>
    let logger: Logger
    let state: Mutex<ProcessTable>
    let broadcaster = RuntimeEventBroadcaster()
    let requests: AsyncStream<SpawnRequest>
    let requestSink: AsyncStream<SpawnRequest>.Continuation
    /// Serialises log rotations (the run loop's timer and exits both rotate).
    let rotation = Mutex(())

    /// Creates a runtime keeping its workloads in `configuration.stateDirectory`, and reads what an earlier one
    /// recorded there. `clock` paces stop timeouts, exec timeouts and the log check.
    public init(
        configuration: ProcessRuntimeConfiguration, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "eos.runtime.process")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.state = Mutex(Self.load(configuration.stateDirectory, logger: logger))
        (requests, requestSink) = AsyncStream.makeStream(of: SpawnRequest.self, bufferingPolicy: .unbounded)
    }

    // MARK: EdgeRuntime

    /// Checks that the command's executable exists and may be executed: a path (relative ones from the working
    /// directory), or a name looked up in the workload's `PATH`. A container spec is
    /// ``RuntimeError/Code/unsupported``.
    public func ensureImage(for instance: WorkloadInstance) async throws(RuntimeError) {
        try Self.checkCancellation("ensureImage \(instance.id)")
        let launch = try launch(of: ProcessRecord(instance), id: instance.id)
        _ = try launch.resolveExecutable()
    }

    /// Records the instance in its folder; a container spec is ``RuntimeError/Code/unsupported``.
    public func create(_ instance: WorkloadInstance) async throws(RuntimeError) {
        let id = instance.id
        try Self.checkCancellation("create \(id)")
        guard !id.isEmpty, !id.contains("/"), !id.hasPrefix(".") else {
            throw RuntimeError(code: .failed, message: "cannot create \(id): not a valid workload id")
        }
        let record = ProcessRecord(instance)
        _ = try launch(of: record, id: id)
        guard state.withLock({ $0.insert(id, record: record) }) else {
            throw RuntimeError(code: .alreadyExists, message: "workload \(id) exists already")
        }
        do {
            try FileManager.default.createDirectory(at: folder(of: id), withIntermediateDirectories: true)
            try record.write(to: folder(of: id))
        } catch {
            state.withLock { $0.discard(id) }
            throw RuntimeError(
                code: .failed, message: "cannot record \(id) in \(folder(of: id).path)",
                runtimeMessage: Self.osWords(error))
        }
    }

    /// Starts the workload's process through the run loop and returns once it runs (or failed to spawn, with the
    /// OS's words). Starting a running workload succeeds. If the caller is cancelled while the spawn is under way,
    /// the process may still start: ``inspect(_:)`` tells.
    public func start(_ id: String) async throws(RuntimeError) {
        try Self.checkCancellation("start \(id)")
        let token = state.withLock { $0.makeToken() }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: ProcessTable.StartWaiter) in
                let action = state.withLock { table -> ProcessTable.StartAction in
                    if Task.isCancelled { return .fail(Self.cancelled("start \(id)")) }
                    return table.requestStart(id, token: token, waiter: waiter)
                }
                switch action {
                case .fail(let error): waiter.resume(returning: .failure(error))
                case .succeed: waiter.resume(returning: .success(()))
                case .enqueue(let request): requestSink.yield(SpawnRequest(id: id, request: request))
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.withdrawStartWaiter(id, token: token) }
            waiter?.resume(returning: .failure(Self.cancelled("start \(id)")))
        }
        try result.get()
    }

    /// Sends SIGTERM to the workload's process group, waits up to `timeout` for the process to exit, then sends
    /// SIGKILL to the group; returns once it has exited. A workload that does not run (or an unknown id) is
    /// stopped already; a start that had not been spawned yet is withdrawn.
    public func stop(_ id: String, timeout: Duration) async throws(RuntimeError) {
        while true {
            try Self.checkCancellation("stop \(id)")
            switch state.withLock({ $0.stopTarget(id) }) {
            case .none:
                return
            case .withdrawn(let waiters):
                let error = RuntimeError(code: .failed, message: "start of \(id) withdrawn: stopped before it ran")
                for waiter in waiters { waiter.resume(returning: .failure(error)) }
            case .spawning:
                await awaitSpawn(id)
            case .orphan(let group):
                await stopOrphan(id, group: group, timeout: timeout)
                return
            case .running(let pid):
                try await stopProcess(id, pid: pid, timeout: timeout)
                return
            }
        }
    }

    /// Stops the workload (with its `stopTimeout`) if it runs, then deletes its folder, log included.
    public func remove(_ id: String) async throws(RuntimeError) {
        try Self.checkCancellation("remove \(id)")
        let timeout = state.withLock { table -> Duration? in
            guard table.beginRemove(id) else { return nil }
            return table.entries[id]?.record.workload.stopTimeout.duration
        }
        guard let timeout else { return }
        do {
            try await stop(id, timeout: timeout)
        } catch {
            state.withLock { $0.abandonRemove(id) }
            throw error
        }
        guard state.withLock({ $0.finishRemove(id) }) else {
            throw RuntimeError(code: .failed, message: "cannot remove \(id): it still runs")
        }
        do {
            try FileManager.default.removeItem(at: folder(of: id))
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            return
        } catch {
            throw RuntimeError(
                code: .failed, message: "cannot delete \(folder(of: id).path)", runtimeMessage: Self.osWords(error))
        }
    }

    /// Every workload in the state folder, by id.
    public func list() async throws(RuntimeError) -> [WorkloadInspection] {
        try Self.checkCancellation("list")
        return state.withLock { $0.inspections }
    }

    /// One workload: state, pid, exit code, start and finish times.
    public func inspect(_ id: String) async throws(RuntimeError) -> WorkloadInspection {
        try Self.checkCancellation("inspect \(id)")
        guard let inspection = state.withLock({ $0.inspection(id) }) else { throw ProcessTable.notFound(id) }
        return inspection
    }

    /// CPU time and resident memory of the workload's process group: every live process in it (found by reading
    /// `/proc/*/stat`, a few hundred small reads on a typical host) plus the children they reaped.
    public func stats(_ id: String) async throws(RuntimeError) -> WorkloadStats {
        try Self.checkCancellation("stats \(id)")
        guard let pid = try runningPID(id) else {
            throw RuntimeError(code: .failed, message: "\(id) is not running")
        }
        var members = ProcessGroup(id: pid).liveMembers
        if members.isEmpty, let leader = ProcStat.load(pid) { members = [leader] }
        guard !members.isEmpty else { throw RuntimeError(code: .failed, message: "\(id) is not running") }
        let ticks = members.reduce(0) { $0 + $1.cpuTicks }
        let pages = members.reduce(0) { $0 + $1.residentPages }
        return WorkloadStats(
            cpuNanoseconds: ticks * (1_000_000_000 / ProcStat.ticksPerSecond),
            memoryBytes: pages * ProcStat.pageSize)
    }

    /// The last `lines` lines of the workload's output, stdout and stderr together, from the rotated file too when
    /// needed.
    public func logs(_ id: String, lines: Int) async throws(RuntimeError) -> [String] {
        try Self.checkCancellation("logs \(id)")
        guard state.withLock({ $0.entries[id] != nil }) else { throw ProcessTable.notFound(id) }
        return logFile(of: id).lastLines(lines)
    }

    /// A new stream of starts and exits, ending when ``run()`` ends.
    public func events() -> AsyncStream<RuntimeEvent> { broadcaster.subscribe() }

    // MARK: Shared

    /// The folder of workload `id`.
    func folder(of id: String) -> URL {
        configuration.stateDirectory.appendingPathComponent(id, isDirectory: true)
    }

    /// The log of workload `id`.
    func logFile(of id: String) -> CappedLogFile {
        CappedLogFile(
            path: folder(of: id).appendingPathComponent("output.log").path, limit: configuration.logSizeLimit)
    }

    /// How `record`'s workload runs; a container spec is ``RuntimeError/Code/unsupported``.
    func launch(of record: ProcessRecord, id: String) throws(RuntimeError) -> ProcessLaunch {
        guard let launch = ProcessLaunch(record, id: id, folder: folder(of: id), defaultPath: configuration.defaultPath)
        else {
            throw RuntimeError(
                code: .unsupported, message: "\(id) is a container; the process runtime runs only processes")
        }
        guard !launch.command.isEmpty, !launch.command[0].isEmpty else {
            throw RuntimeError(code: .imageUnavailable, message: "\(id) has no command")
        }
        return launch
    }

    /// The pid of `id`'s running process, `nil` when it does not run; unknown ids are ``RuntimeError/Code/notFound``.
    func runningPID(_ id: String) throws(RuntimeError) -> Int32? {
        guard let pid = state.withLock({ $0.runningPID(id) }) else { throw ProcessTable.notFound(id) }
        return pid
    }

    /// Writes `record` into the folder of `id`; a failure is logged, since the process runs either way.
    func persist(_ record: ProcessRecord, id: String) {
        do {
            try record.write(to: folder(of: id))
        } catch {
            logger.warning(
                "cannot record the run of a workload",
                metadata: ["workload": "\(id)", "error": "\(Self.osWords(error))"])
        }
    }

    /// Rotates a log over its limit; a failure is logged.
    func rotate(_ log: CappedLogFile) {
        rotation.withLock { _ in
            do {
                if try log.rotateIfNeeded() {
                    logger.debug("rotated a workload log", metadata: ["file": "\(log.path)"])
                }
            } catch {
                logger.warning("cannot rotate a workload log", metadata: ["error": "\(error)"])
            }
        }
    }

    static func checkCancellation(_ operation: String) throws(RuntimeError) {
        if Task.isCancelled { throw cancelled(operation) }
    }

    static func cancelled(_ operation: String) -> RuntimeError {
        RuntimeError(code: .cancelled, message: "\(operation) cancelled")
    }

    /// The OS's words in a Foundation file error (its underlying POSIX error), else the error's description.
    static func osWords(_ error: any Error) -> String {
        if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
            return SystemCallError.osMessage(underlying.code.rawValue)
        }
        if let error = error as? POSIXError { return SystemCallError.osMessage(error.code.rawValue) }
        return "\(error)"
    }

    /// The records in `directory`, with the orphans of an earlier Edge Node process recognised.
    private static func load(_ directory: URL, logger: Logger) -> ProcessTable {
        var table = ProcessTable()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(ProcessRecord.fileName).path)
            else { continue }
            do {
                var record = try ProcessRecord.read(from: folder)
                var orphan: ProcessGroup?
                if var run = record.lastRun, !run.ended {
                    orphan = ProcessGroup.leftOver(by: run)
                    if orphan == nil {
                        // It ended while no Edge Node watched: how is unknown.
                        run.ended = true
                        record.lastRun = run
                    } else {
                        logger.notice(
                            "found a workload left running by an earlier Edge Node; run() stops it",
                            metadata: ["workload": "\(name)", "pid": "\(run.pid)"])
                    }
                }
                _ = table.insert(name, record: record, orphan: orphan)
            } catch {
                logger.warning(
                    "skipping an unreadable workload record",
                    metadata: ["folder": "\(folder.path)", "error": "\(error)"])
            }
        }
        return table
    }
}
