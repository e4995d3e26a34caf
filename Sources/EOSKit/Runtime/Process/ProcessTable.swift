import Foundation

/// The process runtime's bookkeeping: each workload's record and where it is in its life, who waits on it, and
/// whether the run loop is up.
///
/// Pure state with no I/O: ``ProcessRuntime`` holds it in a `Mutex` and does what its methods answer (spawn,
/// signal, resume a waiter, write a record). Every transition of a workload's process goes through here, so a
/// start, a stop, an exit and a remove racing each other each see one consistent state.
struct ProcessTable {
    /// A caller of `start` (or a `stop` joining one) waiting for the spawn's outcome.
    typealias StartWaiter = CheckedContinuation<Result<Void, RuntimeError>, Never>
    /// A caller waiting for a running process to exit: resumed with `true` when it has, `false` when withdrawn.
    typealias ExitWaiter = CheckedContinuation<Bool, Never>

    /// Where the runtime's `run()` is.
    enum RunLoop: Equatable {
        case notStarted, running, finished
    }

    /// Where a workload's process is.
    enum Phase {
        /// Not running: created, or ended (the record's last run says which).
        case idle
        /// A start waits for the run loop to pick it up; `request` tells it from an older, withdrawn one.
        case queued(request: UInt64, waiters: [UInt64: StartWaiter])
        /// The run loop is spawning it.
        case spawning(waiters: [UInt64: StartWaiter])
        /// Its process runs; the pid is also the group id.
        case running(pid: Int32)
    }

    /// One workload.
    struct Entry {
        /// What is on disk for it.
        var record: ProcessRecord
        /// Where its process is.
        var phase: Phase = .idle
        /// What an earlier Edge Node process left running of it, until that is stopped.
        var orphan: ProcessGroup?
        /// A remove is under way, so starts are refused.
        var removing = false
        /// Who waits for the running process to exit.
        var exitWaiters: [UInt64: ExitWaiter] = [:]
    }

    /// What `start` does next.
    enum StartAction {
        /// Fail at once.
        case fail(RuntimeError)
        /// Succeed at once: it runs already.
        case succeed
        /// Hand the request to the run loop, then wait.
        case enqueue(request: UInt64)
        /// Wait: a start is under way and the waiter joined it.
        case wait
    }

    /// What `stop` does next.
    enum StopTarget {
        /// Nothing to stop.
        case none
        /// A start that had not reached the run loop was withdrawn; fail its waiters, then look again.
        case withdrawn([StartWaiter])
        /// A spawn is under way: wait for it, then look again.
        case spawning
        /// Stop what an earlier Edge Node process left running.
        case orphan(ProcessGroup)
        /// Stop the running process.
        case running(pid: Int32)
    }

    private(set) var entries: [String: Entry] = [:]
    private(set) var runLoop: RunLoop = .notStarted
    private var lastToken: UInt64 = 0

    /// A number no other waiter or request has.
    mutating func makeToken() -> UInt64 {
        lastToken += 1
        return lastToken
    }

    // MARK: Records

    /// Adds a workload; `false` when the id is taken.
    mutating func insert(_ id: String, record: ProcessRecord, orphan: ProcessGroup? = nil) -> Bool {
        guard entries[id] == nil else { return false }
        entries[id] = Entry(record: record, orphan: orphan)
        return true
    }

    /// Drops a workload whose creation failed half-way.
    mutating func discard(_ id: String) {
        if case .idle = entries[id]?.phase { entries[id] = nil }
    }

    /// What is known about `id`, or `nil` for an unknown id.
    func inspection(_ id: String) -> WorkloadInspection? {
        guard let entry = entries[id] else { return nil }
        let record = entry.record
        var inspection = WorkloadInspection(
            id: id, deployment: record.deployment, generation: record.generation, state: .created)
        if case .running(let pid) = entry.phase, let run = record.lastRun {
            inspection.state = .running
            inspection.pid = pid
            inspection.startedAt = run.startedAt
        } else if let orphan = entry.orphan {
            inspection.state = .running
            inspection.pid = orphan.id
            inspection.startedAt = record.lastRun?.startedAt
        } else if let run = record.lastRun {
            inspection.state = .exited
            inspection.exitCode = run.exitCode
            inspection.startedAt = run.startedAt
            inspection.finishedAt = run.finishedAt
        }
        return inspection
    }

    /// Every workload, by id.
    var inspections: [WorkloadInspection] { entries.keys.sorted().compactMap(inspection) }

    /// The pid of `id`'s running process; `nil` when it does not run, `.none` when `id` is unknown.
    func runningPID(_ id: String) -> Int32?? {
        guard let entry = entries[id] else { return .none }
        if case .running(let pid) = entry.phase { return .some(pid) }
        return .some(nil)
    }

    /// The ids of workloads whose process runs.
    var runningIDs: [String] {
        entries.compactMap { id, entry in
            if case .running = entry.phase { return id }
            return nil
        }
    }

    // MARK: Run loop

    /// Marks the run loop started; it runs once.
    mutating func beginRunLoop() throws(RuntimeError) {
        guard runLoop == .notStarted else {
            throw RuntimeError(code: .failed, message: "the process runtime's run() runs only once")
        }
        runLoop = .running
    }

    /// Marks the run loop ended and withdraws every start it had not picked up; their waiters fail.
    mutating func finishRunLoop() -> [StartWaiter] {
        runLoop = .finished
        var waiters: [StartWaiter] = []
        for (id, entry) in entries {
            if case .queued(_, let queued) = entry.phase {
                waiters += queued.values
                entries[id]?.phase = .idle
            }
        }
        return waiters
    }

    /// The groups earlier Edge Node processes left running, with their workloads' stop timeouts.
    var orphans: [(id: String, group: ProcessGroup, timeout: Duration)] {
        entries.compactMap { id, entry in
            entry.orphan.map { (id, $0, entry.record.workload.stopTimeout.duration) }
        }
    }

    // MARK: Start

    /// Registers `waiter` for a start of `id` and says what to do.
    mutating func requestStart(_ id: String, token: UInt64, waiter: StartWaiter) -> StartAction {
        guard var entry = entries[id] else { return .fail(Self.notFound(id)) }
        guard !entry.removing else {
            return .fail(RuntimeError(code: .failed, message: "cannot start \(id): it is being removed"))
        }
        guard runLoop != .finished else {
            return .fail(
                RuntimeError(code: .runtimeUnavailable, message: "cannot start \(id): the process runtime has stopped"))
        }
        switch entry.phase {
        case .running:
            return .succeed
        case .queued(let request, var waiters):
            waiters[token] = waiter
            entry.phase = .queued(request: request, waiters: waiters)
            entries[id] = entry
            return .wait
        case .spawning(var waiters):
            waiters[token] = waiter
            entry.phase = .spawning(waiters: waiters)
            entries[id] = entry
            return .wait
        case .idle:
            let request = makeToken()
            entry.phase = .queued(request: request, waiters: [token: waiter])
            entries[id] = entry
            return .enqueue(request: request)
        }
    }

    /// Registers `waiter` for the outcome of a spawn under way; `false` when none is.
    mutating func joinSpawn(_ id: String, token: UInt64, waiter: StartWaiter) -> Bool {
        guard case .spawning(var waiters) = entries[id]?.phase else { return false }
        waiters[token] = waiter
        entries[id]?.phase = .spawning(waiters: waiters)
        return true
    }

    /// Takes back the waiter of a cancelled caller; a queued start nobody waits for any more is withdrawn.
    mutating func withdrawStartWaiter(_ id: String, token: UInt64) -> StartWaiter? {
        switch entries[id]?.phase {
        case .queued(let request, var waiters):
            let waiter = waiters.removeValue(forKey: token)
            entries[id]?.phase = waiters.isEmpty ? .idle : .queued(request: request, waiters: waiters)
            return waiter
        case .spawning(var waiters):
            let waiter = waiters.removeValue(forKey: token)
            entries[id]?.phase = .spawning(waiters: waiters)
            return waiter
        default:
            return nil
        }
    }

    /// The run loop picks up request `request`: the record to launch, or `nil` when the request was withdrawn.
    mutating func beginSpawn(_ id: String, request: UInt64) -> ProcessRecord? {
        guard let entry = entries[id], case .queued(request, let waiters) = entry.phase else { return nil }
        entries[id]?.phase = .spawning(waiters: waiters)
        return entry.record
    }

    /// The process of `id` was spawned: the record to write and the waiters to resume.
    mutating func spawned(_ id: String, run: ProcessRecord.Run) -> (ProcessRecord, [StartWaiter])? {
        guard var entry = entries[id], case .spawning(let waiters) = entry.phase else { return nil }
        entry.phase = .running(pid: run.pid)
        entry.record.lastRun = run
        entry.orphan = nil
        entries[id] = entry
        return (entry.record, Array(waiters.values))
    }

    /// The spawn of `id` failed: the waiters to fail.
    mutating func spawnFailed(_ id: String) -> [StartWaiter] {
        guard case .spawning(let waiters) = entries[id]?.phase else { return [] }
        entries[id]?.phase = .idle
        return Array(waiters.values)
    }

    // MARK: Stop and exit

    /// What a stop of `id` has to deal with now; withdraws a start the run loop has not picked up.
    mutating func stopTarget(_ id: String) -> StopTarget {
        guard let entry = entries[id] else { return .none }
        switch entry.phase {
        case .queued(_, let waiters):
            entries[id]?.phase = .idle
            return .withdrawn(Array(waiters.values))
        case .spawning:
            return .spawning
        case .running(let pid):
            return .running(pid: pid)
        case .idle:
            return entry.orphan.map { .orphan($0) } ?? .none
        }
    }

    /// Registers `waiter` for the exit of process `pid` of `id`; `false` when it is not running.
    mutating func addExitWaiter(_ id: String, pid: Int32, token: UInt64, waiter: ExitWaiter) -> Bool {
        guard case .running(pid) = entries[id]?.phase else { return false }
        entries[id]?.exitWaiters[token] = waiter
        return true
    }

    /// Takes back the exit waiter of a cancelled caller.
    mutating func removeExitWaiter(_ id: String, token: UInt64) -> ExitWaiter? {
        entries[id]?.exitWaiters.removeValue(forKey: token)
    }

    /// Process `pid` of `id` exited with `code`: the record to write and the waiters to resume.
    mutating func exited(_ id: String, pid: Int32, code: Int32?, at date: Date) -> (ProcessRecord, [ExitWaiter])? {
        guard var entry = entries[id], case .running(pid) = entry.phase else { return nil }
        entry.phase = .idle
        entry.record.lastRun?.ended = true
        entry.record.lastRun?.finishedAt = date
        entry.record.lastRun?.exitCode = code
        let waiters = Array(entry.exitWaiters.values)
        entry.exitWaiters = [:]
        entries[id] = entry
        return (entry.record, waiters)
    }

    /// What an earlier Edge Node process left running of `id` was stopped: the record to write, if it changed.
    mutating func orphanStopped(_ id: String, group: ProcessGroup, code: Int32, at date: Date) -> ProcessRecord? {
        guard var entry = entries[id], entry.orphan == group else { return nil }
        entry.orphan = nil
        if var run = entry.record.lastRun, run.pid == group.id, !run.ended {
            run.ended = true
            run.finishedAt = date
            run.exitCode = code
            entry.record.lastRun = run
        }
        entries[id] = entry
        return entry.record
    }

    // MARK: Remove

    /// Marks `id` as being removed; `false` for an unknown id.
    mutating func beginRemove(_ id: String) -> Bool {
        guard entries[id] != nil else { return false }
        entries[id]?.removing = true
        return true
    }

    /// Forgets `id` if it is stopped; otherwise (something still runs) ends the remove and answers `false`.
    mutating func finishRemove(_ id: String) -> Bool {
        guard let entry = entries[id] else { return true }
        if case .idle = entry.phase, entry.orphan == nil {
            entries[id] = nil
            return true
        }
        entries[id]?.removing = false
        return false
    }

    /// Ends a remove that failed.
    mutating func abandonRemove(_ id: String) {
        entries[id]?.removing = false
    }

    static func notFound(_ id: String) -> RuntimeError {
        RuntimeError(code: .notFound, message: "no workload \(id)")
    }
}
