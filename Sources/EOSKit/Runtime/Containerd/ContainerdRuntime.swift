internal import EOSModel
internal import Foundation
public import Logging
internal import Synchronization

/// Runs container workloads on a real containerd, driving it through its `ctr` command-line client.
///
/// Everything lives in one containerd namespace (``ContainerdConfiguration/namespace``, `eos` by default); EOS's
/// containers carry the labels `eos.deployment`, `eos.generation` and `eos.workload`, and ``list()`` reports only
/// those. How a workload spec becomes a container is described on ``ContainerdConfiguration`` (images) and in
/// `ContainerOptions` (process, environment, mounts, limits, network).
///
/// - Start runs the task detached with its stdout and stderr going to a size-capped file under
///   ``ContainerdConfiguration/stateDirectory``; ``logs(_:lines:)`` reads its tail. Starting after an exit deletes
///   the old task first.
/// - Stop sends the image's stop signal (SIGTERM unless the image says otherwise), waits up to the timeout, sends
///   SIGKILL, and deletes the task.
/// - Exit codes: `ctr tasks ls` shows a stopped task without its exit code. The runtime takes the code from
///   containerd's `/tasks/exit` event while ``run()`` follows events, or else from deleting the stopped task
///   (`ctr tasks delete` reports a non-zero code), and records it in the state folder, so it survives the task and
///   an Edge Node restart. containerd reports a process killed by a signal as 128 + the signal (137 for SIGKILL).
/// - ``events()`` carries `/tasks/start` and `/tasks/exit` as they happen while ``run()`` runs `ctr events`; `run()`
///   also rotates the log files. Idle, it costs one sleeping `ctr events` process and a timer.
///
/// Every `ctr` call has a deadline (``ContainerdConfiguration/commandTimeout``, ``ContainerdConfiguration/pullTimeout``
/// for images) and is stopped when the calling task is cancelled.
public final class ContainerdRuntime: EdgeRuntime {
    /// The runtime's name in capability reports.
    public let name = "containerd"
    /// Where containerd is and where the runtime keeps its files.
    public let configuration: ContainerdConfiguration

    private let ctr: CtrCommand
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let broadcaster = RuntimeEventBroadcaster()
    private let records: TaskRecordStore
    private let logFiles: WorkloadLogFiles
    private let locks = WorkloadLocks()
    /// Container labels by id: a container's labels never change, and `list()` would otherwise ask for each one.
    private let labelCache = Mutex<[String: [String: String]]>([:])

    /// Creates a runtime; nothing is checked until the first call (containerd may come up after the Edge Node).
    public init(
        configuration: ContainerdConfiguration = ContainerdConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "eos.runtime.containerd")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        ctr = CtrCommand(configuration: configuration, clock: clock)
        let state = configuration.stateDirectory.appendingPathComponent(configuration.namespace, isDirectory: true)
        records = TaskRecordStore(directory: state.appendingPathComponent("tasks", isDirectory: true))
        logFiles = WorkloadLogFiles(
            directory: state.appendingPathComponent("logs", isDirectory: true),
            maxBytes: max(4096, configuration.logSizeLimit))
    }

    // MARK: - Images

    /// Makes the workload's image present in the namespace: already there, imported from
    /// ``ContainerdConfiguration/imageArchives``, or pulled. Fails with ``RuntimeError/Code/imageUnavailable`` and
    /// `ctr`'s message.
    public func ensureImage(for instance: WorkloadInstance) async throws(RuntimeError) {
        let image = try Self.image(of: instance)
        try await locks.withLock("image:" + image) { () throws(RuntimeError) in
            if try await imagePresent(image) { return }
            if let folder = configuration.imageArchives {
                let archive = folder.appendingPathComponent(ContainerdConfiguration.archiveFileName(for: image))
                if FileManager.default.fileExists(atPath: archive.path) {
                    try await importArchive(archive, as: image)
                    return
                }
            }
            try await pull(image)
        }
    }

    private func imagePresent(_ image: String) async throws(RuntimeError) -> Bool {
        let result = try await ctr.check(
            ["images", "ls", "--quiet"], timeout: configuration.commandTimeout, doing: "cannot list images")
        return CtrOutputParser.quietList(result.standardOutput).contains(image)
    }

    private func importArchive(_ archive: URL, as image: String) async throws(RuntimeError) {
        var arguments = ["images", "import", "--base-name=\(Self.imageName(image))"]
        if image.contains("@") { arguments.append("--digests=true") }
        if let snapshotter = configuration.snapshotter { arguments.append("--snapshotter=\(snapshotter)") }
        arguments += ["--", archive.path]
        logger.info("importing image archive", metadata: ["image": "\(image)", "archive": "\(archive.path)"])
        let result = try await ctr.run(arguments, timeout: configuration.pullTimeout)
        if !result.succeeded {
            var error = CtrCommand.error(for: result, doing: "cannot import \(archive.path) for image \(image)")
            if error.code != .runtimeUnavailable { error.code = .imageUnavailable }
            throw error
        }
        guard try await imagePresent(image) else {
            throw RuntimeError(
                code: .imageUnavailable, message: "cannot make image \(image) available",
                runtimeMessage: "\(archive.path) holds no image named \(image)")
        }
    }

    private func pull(_ image: String) async throws(RuntimeError) {
        var arguments = ["images", "pull"]
        if let snapshotter = configuration.snapshotter { arguments.append("--snapshotter=\(snapshotter)") }
        arguments += ["--", image]
        logger.info("pulling image", metadata: ["image": "\(image)"])
        let result = try await ctr.run(arguments, timeout: configuration.pullTimeout)
        if !result.succeeded {
            var error = CtrCommand.error(for: result, doing: "cannot pull image \(image)")
            if error.code != .runtimeUnavailable { error.code = .imageUnavailable }
            throw error
        }
    }

    /// The entrypoint and command in the image's config, read from containerd's content store.
    private func imageProcess(_ image: String) async throws(RuntimeError) -> CtrOutputParser.ImageProcess {
        let unreadable = { (detail: String) in
            RuntimeError(
                code: .imageUnavailable, message: "cannot read the config of image \(image)", runtimeMessage: detail)
        }
        let listed = try await ctr.check(
            ["images", "ls"], timeout: configuration.commandTimeout, doing: "cannot list images")
        guard let entry = CtrOutputParser.images(listed.standardOutput).first(where: { $0.reference == image }) else {
            throw unreadable("image \"\(image)\": not found")
        }
        var manifestDigest = entry.digest
        if CtrOutputParser.isIndex(mediaType: entry.mediaType) {
            let index = try await content(entry.digest, of: image)
            guard
                let digest = CtrOutputParser.manifestDigest(
                    inIndex: index, os: "linux", architecture: Self.architecture)
            else { throw unreadable("no linux/\(Self.architecture) manifest in \(entry.digest)") }
            manifestDigest = digest
        }
        let manifest = try await content(manifestDigest, of: image)
        guard let configDigest = CtrOutputParser.configDigest(inManifest: manifest) else {
            throw unreadable("\(manifestDigest) is not an image manifest")
        }
        guard let process = CtrOutputParser.imageProcess(inConfig: try await content(configDigest, of: image)) else {
            throw unreadable("\(configDigest) is not an image config")
        }
        return process
    }

    private func content(_ digest: String, of image: String) async throws(RuntimeError) -> String {
        try await ctr.check(
            ["content", "get", "--", digest], timeout: configuration.commandTimeout,
            doing: "cannot read the config of image \(image)"
        ).standardOutput
    }

    // MARK: - Life cycle

    /// Creates the container (`ctr containers create`) with the workload's labels, without starting it.
    public func create(_ instance: WorkloadInstance) async throws(RuntimeError) {
        let image = try Self.image(of: instance)
        var entrypoint: [String]?
        if let spec = instance.workload.container, ContainerOptions.needsImageEntrypoint(spec) {
            entrypoint = try await imageProcess(image).entrypoint
        }
        let options = try ContainerOptions(
            instance: instance, imageEntrypoint: entrypoint, snapshotter: configuration.snapshotter)
        let id = instance.id
        try Self.prepareMountSources(options.mounts, of: id)
        try await locks.withLock(id) { () throws(RuntimeError) in
            let result = try await ctr.run(options.createArguments, timeout: configuration.commandTimeout)
            if !result.succeeded {
                var error = CtrCommand.error(for: result, doing: "cannot create container \(id)")
                if error.code == .alreadyExists {
                    error.message = "workload \(id) exists already"
                } else if error.code == .notFound, error.runtimeMessage?.hasPrefix("image ") == true {
                    error.code = .imageUnavailable
                }
                throw error
            }
            // A new container starts with no history, even if one of the same id left files behind.
            records.remove(id)
            logFiles.remove(id)
            labelCache.withLock {
                $0[id] = Dictionary(uniqueKeysWithValues: options.labels.map { ($0.name, $0.value) })
            }
        }
    }

    /// Creates the host folder of each writable bind mount that does not exist yet (mode 0755, as a container
    /// engine does for a volume), so a workload's state folder needs no preparation on the host. A read-only mount
    /// of a missing path is left to fail at start with containerd's own message: there is nothing to read.
    static func prepareMountSources(_ mounts: [Mount], of id: String) throws(RuntimeError) {
        for mount in mounts where !mount.readOnly && !FileManager.default.fileExists(atPath: mount.source) {
            do {
                try FileManager.default.createDirectory(
                    atPath: mount.source, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw RuntimeError(
                    code: .failed,
                    message: "workload \(id): cannot create the host folder \(mount.source) of its mount at "
                        + "\(mount.target): \(error.localizedDescription)")
            }
        }
    }

    /// Starts the container's task detached, its output going to the workload's log file; restarting after an exit
    /// deletes the old task first. Starting a running workload succeeds; a container that is not EOS's is
    /// ``RuntimeError/Code/notFound``.
    public func start(_ id: String) async throws(RuntimeError) {
        try await locks.withLock(id) { () throws(RuntimeError) in
            guard try await ownership(id) == true else { throw Self.notFound(id) }
            if let task = try await task(id) {
                if task.status == "RUNNING" || task.status == "PAUSED" || task.status == "PAUSING" { return }
                try await deleteTask(id, task)
            }
            try logFiles.prepare()
            logFiles.rotateIfNeeded(id)
            // Written before the task starts, so the /tasks/exit of an earlier run that arrives late is told apart.
            records.update(id) { $0 = TaskRecordStore.Record(startedAt: Date()) }
            let result = try await ctr.run(
                ["tasks", "start", "--detach=true", "--log-uri=\(logFiles.uri(id))", "--", id],
                timeout: configuration.commandTimeout)
            guard result.succeeded else {
                records.remove(id)
                var error = CtrCommand.error(for: result, doing: "cannot start \(id)")
                if error.code == .notFound {
                    error.message = "no workload \(id)"
                } else if let message = error.runtimeMessage, Self.isMissingExecutable(message) {
                    error.code = .imageUnavailable
                }
                throw error
            }
        }
    }

    /// Sends the stop signal, waits up to `timeout` for the task to exit, kills it, and deletes the task, keeping
    /// its exit code. Stopping a workload that is not running, or a container that is not EOS's, succeeds and
    /// changes nothing.
    public func stop(_ id: String, timeout: Duration) async throws(RuntimeError) {
        try await locks.withLock(id) { () throws(RuntimeError) in
            guard try await ownership(id) == true, let task = try await task(id) else { return }
            if task.status == "CREATED" {
                // Never started: nothing to signal.
                try await deleteTask(id, task)
                return
            }
            if task.status != "STOPPED" {
                let signal = await stopSignal(id)
                try await kill(id, signal: signal)
                if !(try await waitForExit(id, within: timeout)) {
                    logger.info(
                        "workload did not stop in time; killing it", metadata: ["id": "\(id)", "signal": "\(signal)"])
                    try await kill(id, signal: "SIGKILL")
                    guard try await waitForExit(id, within: configuration.commandTimeout) else {
                        throw RuntimeError(
                            code: .timedOut,
                            message: "\(id) did not exit within \(configuration.commandTimeout) of SIGKILL")
                    }
                }
            }
            if let stopped = try await self.task(id) { try await deleteTask(id, stopped) }
        }
    }

    /// Deletes the workload's task, container and snapshot, and its log files and records. Removing a running
    /// workload fails (stop it first); removing an unknown id succeeds, and a container without EOS's labels is left
    /// alone.
    public func remove(_ id: String) async throws(RuntimeError) {
        try await locks.withLock(id) { () throws(RuntimeError) in
            switch try await ownership(id) {
            case nil:
                // Gone from containerd already; what EOS kept for it goes too.
                records.remove(id)
                logFiles.remove(id)
                return
            case false?:
                return  // not EOS's: not ours to remove
            case true?:
                break
            }
            if let task = try await task(id) {
                guard task.status == "STOPPED" || task.status == "CREATED" else {
                    throw RuntimeError(
                        code: .failed, message: "cannot remove \(id)",
                        runtimeMessage: "its task is \(task.status.lowercased()); stop it first")
                }
                try await deleteTask(id, task)
            }
            // Deletes the container's snapshot with it.
            let result = try await ctr.run(["containers", "delete", "--", id], timeout: configuration.commandTimeout)
            if !result.succeeded {
                let error = CtrCommand.error(for: result, doing: "cannot remove \(id)")
                guard error.code == .notFound else { throw error }
            }
            records.remove(id)
            logFiles.remove(id)
            _ = labelCache.withLock { $0.removeValue(forKey: id) }
        }
    }

    // MARK: - Inspection

    /// Every container in the namespace with EOS's labels, with its task's state.
    public func list() async throws(RuntimeError) -> [WorkloadInspection] {
        let listed = try await ctr.check(
            ["containers", "ls", "--quiet", "labels.\"\(ContainerOptions.workloadLabel)\""],
            timeout: configuration.commandTimeout, doing: "cannot list containers")
        let tasks = try await tasks()
        var inspections: [WorkloadInspection] = []
        for id in CtrOutputParser.quietList(listed.standardOutput).sorted() {
            let containerLabels: [String: String]
            do {
                containerLabels = try await self.labels(of: id)
            } catch {
                guard error.code == .notFound else { throw error }
                continue  // removed since it was listed
            }
            inspections.append(try await inspection(id, labels: containerLabels, task: tasks[id]))
        }
        return inspections
    }

    /// One EOS workload's state; fails with ``RuntimeError/Code/notFound`` for an unknown id or a container that is
    /// not EOS's.
    public func inspect(_ id: String) async throws(RuntimeError) -> WorkloadInspection {
        let info = try await containerInfo(id)
        guard info.labels[ContainerOptions.workloadLabel] != nil else { throw Self.notFound(id) }
        return try await inspection(id, labels: info.labels, task: try await tasks()[id])
    }

    /// What a workload looks like from its labels, its task (`nil`: none) and its record, or `nil` when the task has
    /// stopped with an exit code nobody recorded yet.
    static func inspection(
        _ id: String, labels: [String: String], task: CtrOutputParser.Task?, record: TaskRecordStore.Record?
    ) -> WorkloadInspection? {
        var inspection = WorkloadInspection(
            id: id, deployment: labels[ContainerOptions.deploymentLabel],
            generation: labels[ContainerOptions.generationLabel].flatMap { Int64($0) }, state: .created)
        switch task?.status {
        case nil:
            if let record, record.exited {
                inspection.state = .exited
                inspection.exitCode = record.exitCode
                inspection.startedAt = record.startedAt
                inspection.finishedAt = record.finishedAt
            }
        case "RUNNING"?:
            inspection.state = .running
            inspection.pid = task?.pid
            inspection.startedAt = record?.startedAt
        case "STOPPED"?:
            guard let record, record.exited, record.pid == task?.pid else { return nil }
            inspection.state = .exited
            inspection.exitCode = record.exitCode
            inspection.startedAt = record.startedAt
            inspection.finishedAt = record.finishedAt
        case "CREATED"?:
            inspection.state = .created
        default:
            inspection.state = .unknown
            inspection.pid = task?.pid
            inspection.startedAt = record?.startedAt
        }
        return inspection
    }

    private func inspection(
        _ id: String, labels: [String: String], task: CtrOutputParser.Task?
    )
        async throws(RuntimeError) -> WorkloadInspection
    {
        if let inspection = Self.inspection(id, labels: labels, task: task, record: records.record(id)) {
            return inspection
        }
        // Stopped with an exit nobody saw: deleting the task yields its exit code (and frees its shim).
        return try await locks.withLock(id) { () throws(RuntimeError) in
            let current = try await self.task(id)
            if let current, current.status == "STOPPED",
                Self.inspection(id, labels: labels, task: current, record: records.record(id)) == nil
            {
                try await deleteTask(id, current)
            }
            let again = try await self.task(id)
            return Self.inspection(id, labels: labels, task: again, record: records.record(id))
                ?? WorkloadInspection(id: id, state: .unknown)
        }
    }

    /// The running workload's CPU time and memory use, from `ctr tasks metrics` (cgroup v1 or v2).
    public func stats(_ id: String) async throws(RuntimeError) -> WorkloadStats {
        let result = try await ctr.run(
            ["tasks", "metrics", "--format=json", "--", id], timeout: configuration.commandTimeout)
        guard result.succeeded else {
            var error = CtrCommand.error(for: result, doing: "cannot read the metrics of \(id)")
            if error.code == .notFound, error.runtimeMessage?.contains("no running task") == true {
                error.code = .failed
                error.message = "\(id) is not running"
            }
            throw error
        }
        guard let stats = CtrOutputParser.stats(result.standardOutput) else {
            throw RuntimeError(
                code: .failed, message: "cannot read the metrics of \(id)",
                runtimeMessage: String(result.standardOutput.prefix(200)))
        }
        return stats
    }

    /// The last `lines` lines the workload printed on stdout and stderr (interleaved as the shim wrote them),
    /// across its restarts, up to about twice ``ContainerdConfiguration/logSizeLimit``.
    public func logs(_ id: String, lines: Int) async throws(RuntimeError) -> [String] {
        if let tail = logFiles.tail(id, lines: lines) { return tail }
        _ = try await containerInfo(id)  // notFound when there is no such workload
        return []
    }

    /// Runs `command` in the running container (`ctr tasks exec`) and returns its exit code and the end of its
    /// output. After `timeout` the process is killed and the call fails with ``RuntimeError/Code/timedOut``. A
    /// command that does not exist in the container ends with exit code 127, as in a shell.
    public func exec(_ id: String, command: [String], timeout: Duration) async throws(RuntimeError) -> ExecResult {
        guard !command.isEmpty else {
            throw RuntimeError(code: .failed, message: "cannot exec in \(id)", runtimeMessage: "empty command")
        }
        let execID = "eos-exec-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        // No `--`: `ctr tasks exec` reads flags only before the container id and passes the rest on verbatim.
        let arguments = ["tasks", "exec", "--exec-id=\(execID)", id] + command
        let result: CtrCommand.Result
        do {
            result = try await ctr.run(arguments, timeout: timeout, outputLimit: 1 << 20)
        } catch {
            guard error.code == .timedOut else { throw error }
            // ctr is gone (it passed its SIGTERM on to the process first); the process may not be.
            _ = try? await ctr.run(
                ["tasks", "kill", "--exec-id=\(execID)", "--signal=SIGKILL", "--", id],
                timeout: configuration.commandTimeout)
            _ = try? await ctr.run(
                ["tasks", "delete", "--exec-id=\(execID)", "--force", "--", id], timeout: configuration.commandTimeout)
            throw RuntimeError(
                code: .timedOut, message: "\(command.joined(separator: " ")) in \(id) did not finish within \(timeout)")
        }
        if let message = Self.ctrFailure(in: result) {
            if Self.isMissingExecutable(message) { return ExecResult(exitCode: 127, output: message) }
            var error = RuntimeError(
                code: CtrCommand.classify(message), message: "cannot exec in \(id)", runtimeMessage: message)
            if message.contains("stopped state") || message.contains("no running task") { error.code = .failed }
            throw error
        }
        let output = result.standardOutput + result.standardError
        return ExecResult(exitCode: result.exitCode, output: String(output.suffix(4096)))
    }

    /// `ctr`'s own message when it failed rather than the command it ran: a non-zero exit whose stderr ends with
    /// a `ctr: …` line.
    static func ctrFailure(in result: CtrCommand.Result) -> String? {
        guard !result.succeeded,
            let last = result.standardError.split(whereSeparator: \.isNewline).last, last.hasPrefix("ctr: ")
        else { return nil }
        return String(last.dropFirst("ctr: ".count))
    }

    /// Whether runc said the process' executable is not there.
    static func isMissingExecutable(_ message: String) -> Bool {
        message.contains("executable file not found")
            || message.contains("exec:") && message.contains("no such file or directory")
    }

    // MARK: - Events

    /// A new stream of starts and exits, as containerd reports them while ``run()`` runs.
    public func events() -> AsyncStream<RuntimeEvent> { broadcaster.subscribe() }

    /// Follows containerd's task events (restarting `ctr events` with backoff when it ends) and rotates log files,
    /// until cancelled; then ends every ``events()`` stream.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.followEvents() }
            group.addTask { await self.rotateLogs() }
            await group.waitForAll()
        }
        broadcaster.finish()
    }

    private func followEvents() async {
        let namespace = configuration.namespace
        let filters = ["/tasks/start", "/tasks/exit"].map { "namespace==\(namespace),topic==\"\($0)\"" }
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            var handled = false
            do {
                let result = try await ctr.stream(["events", "--"] + filters) { line in
                    guard let event = CtrOutputParser.event(line, namespace: namespace) else { return }
                    handled = true
                    await self.handle(event)
                }
                logger.warning(
                    "ctr events ended; following again after a pause",
                    metadata: [
                        "exitCode": "\(result.exitCode)",
                        "message": "\(CtrOutputParser.errorMessage(stderr: result.standardError) ?? "")",
                    ])
            } catch {
                if error.code == .cancelled { return }
                logger.warning("cannot follow containerd's events", metadata: ["error": "\(error)"])
            }
            if handled { backoff = .milliseconds(250) }
            do {
                try await clock.sleep(for: backoff)
            } catch {
                return
            }
            backoff = min(backoff * 2, max(.milliseconds(250), configuration.eventsMaxBackoff))
        }
    }

    private func handle(_ event: CtrOutputParser.Event) async {
        switch event {
        case .started(let id, let pid):
            guard await isEOS(id) else { return }
            records.update(id) { record in
                if record == nil || record?.exited == true {
                    record = TaskRecordStore.Record(pid: pid, startedAt: Date())
                } else {
                    record?.pid = pid
                }
            }
            broadcaster.send(RuntimeEvent(id: id, kind: .started))
        case .exited(let id, let pid, let code, let at):
            guard await isEOS(id) else { return }
            let exitedAt = at ?? Date()
            var stale = false
            records.update(id) { record in
                // The exit of a run older than the one started since: keep the newer run's record.
                if let startedAt = record?.startedAt, startedAt > exitedAt, record?.pid != pid {
                    stale = true
                    return
                }
                record = TaskRecordStore.Record(
                    pid: pid, startedAt: record?.startedAt, exitCode: code, finishedAt: exitedAt)
            }
            if !stale { broadcaster.send(RuntimeEvent(id: id, kind: .exited(code: code), at: exitedAt)) }
        }
    }

    private func isEOS(_ id: String) async -> Bool {
        guard let containerLabels = try? await labels(of: id) else { return false }
        return containerLabels[ContainerOptions.workloadLabel] != nil
    }

    private func rotateLogs() async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: configuration.logCheckInterval)
            } catch {
                return
            }
            logFiles.rotateAll()
        }
    }

    // MARK: - ctr plumbing

    private func containerInfo(_ id: String) async throws(RuntimeError) -> CtrOutputParser.ContainerInfo {
        let result = try await ctr.run(["containers", "info", "--", id], timeout: configuration.commandTimeout)
        guard result.succeeded else {
            let error = CtrCommand.error(for: result, doing: "cannot inspect \(id)")
            throw error.code == .notFound ? Self.notFound(id) : error
        }
        guard let info = CtrOutputParser.containerInfo(result.standardOutput) else {
            throw RuntimeError(
                code: .failed, message: "cannot read ctr containers info for \(id)",
                runtimeMessage: String(result.standardOutput.prefix(200)))
        }
        labelCache.withLock { $0[id] = info.labels }
        return info
    }

    /// Whether container `id` carries EOS's labels; `nil` when there is no such container.
    private func ownership(_ id: String) async throws(RuntimeError) -> Bool? {
        do {
            return try await labels(of: id)[ContainerOptions.workloadLabel] != nil
        } catch {
            guard error.code == .notFound else { throw error }
            return nil
        }
    }

    private func labels(of id: String) async throws(RuntimeError) -> [String: String] {
        if let cached = labelCache.withLock({ $0[id] }) { return cached }
        return try await containerInfo(id).labels
    }

    private func tasks() async throws(RuntimeError) -> [String: CtrOutputParser.Task] {
        let result = try await ctr.check(
            ["tasks", "ls"], timeout: configuration.commandTimeout, doing: "cannot list tasks")
        return CtrOutputParser.tasks(result.standardOutput)
    }

    private func task(_ id: String) async throws(RuntimeError) -> CtrOutputParser.Task? {
        try await tasks()[id]
    }

    /// Deletes the workload's task, recording the exit code `ctr tasks delete` reports when none is recorded for it.
    private func deleteTask(_ id: String, _ task: CtrOutputParser.Task) async throws(RuntimeError) {
        var arguments = ["tasks", "delete"]
        // A created task never ran; force is what deletes one whose process is still waiting to start.
        if task.status == "CREATED" { arguments.append("--force") }
        let result = try await ctr.run(arguments + ["--", id], timeout: configuration.commandTimeout)
        guard result.succeeded else {
            let error = CtrCommand.error(for: result, doing: "cannot delete the task of \(id)")
            if error.code == .notFound { return }  // deleted meanwhile
            throw error
        }
        guard task.status == "STOPPED" else { return }
        let code = CtrOutputParser.deletedTaskExitCode(stderr: result.standardError)
        records.update(id) { record in
            if let existing = record, existing.exited, existing.pid == task.pid { return }
            record = TaskRecordStore.Record(
                pid: task.pid, startedAt: record?.startedAt, exitCode: code, finishedAt: record?.finishedAt ?? Date())
        }
    }

    private func kill(_ id: String, signal: String) async throws(RuntimeError) {
        let result = try await ctr.run(
            ["tasks", "kill", "--signal=\(signal)", "--", id], timeout: configuration.commandTimeout)
        guard result.succeeded else {
            let error = CtrCommand.error(for: result, doing: "cannot send \(signal) to \(id)")
            if error.code == .notFound { return }  // "process already finished"
            throw error
        }
    }

    /// Waits until the task is stopped or gone, checking at growing intervals (50 ms up to 500 ms); whether it
    /// happened within `limit` (counted in pauses, so the `ctr` calls between them come on top).
    private func waitForExit(_ id: String, within limit: Duration) async throws(RuntimeError) -> Bool {
        var waited = Duration.zero
        var interval = Duration.milliseconds(50)
        while true {
            let task = try await task(id)
            if task == nil || task?.status == "STOPPED" { return true }
            if waited >= limit { return false }
            let pause = min(interval, limit - waited)
            do {
                try await clock.sleep(for: pause)
            } catch {
                throw RuntimeError(code: .cancelled, message: "cancelled while stopping \(id)")
            }
            waited += pause
            interval = min(interval * 2, .milliseconds(500))
        }
    }

    /// The signal the image asks to be stopped with (`io.containerd.image.config.stop-signal`), SIGTERM by default.
    private func stopSignal(_ id: String) async -> String {
        let containerLabels = (try? await labels(of: id)) ?? [:]
        return containerLabels["io.containerd.image.config.stop-signal"].flatMap { $0.isEmpty ? nil : $0 } ?? "SIGTERM"
    }

    // MARK: - Helpers

    private static func image(of instance: WorkloadInstance) throws(RuntimeError) -> String {
        guard let spec = instance.workload.container else {
            throw RuntimeError(
                code: .unsupported,
                message: "workload \(instance.id) is a process; the containerd runtime runs containers only")
        }
        return spec.image
    }

    /// The image's name without tag or digest: the `--base-name` an archive is imported with.
    static func imageName(_ image: String) -> String {
        if case .success(let reference) = ImageReference.parse(image) {
            return (reference.registry.map { "\($0)/" } ?? "") + reference.repository
        }
        var name = Substring(image)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return String(name)
    }

    /// The host's architecture as OCI platforms name it.
    static var architecture: String {
        #if arch(x86_64)
        "amd64"
        #elseif arch(arm64)
        "arm64"
        #elseif arch(arm)
        "arm"
        #elseif arch(riscv64)
        "riscv64"
        #elseif arch(powerpc64le)
        "ppc64le"
        #elseif arch(s390x)
        "s390x"
        #else
        "unknown"
        #endif
    }

    private static func notFound(_ id: String) -> RuntimeError {
        RuntimeError(code: .notFound, message: "no workload \(id)")
    }
}
