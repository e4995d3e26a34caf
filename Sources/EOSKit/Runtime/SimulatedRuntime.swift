internal import Foundation
internal import Synchronization

/// A runtime with no side effects: workloads "run" in memory, with configurable latency and injected failures.
///
/// It is what fleet-scale tests and `eosd dev --runtime simulated` use: cheap enough to run 10,000 of them in
/// one process (one small record per workload, no timers). A simulated workload runs until the test makes it
/// exit (``exit(_:code:)``) or stops it; its health check answers what ``setHealthy(_:_:)`` last said
/// (healthy by default).
public final class SimulatedRuntime: EdgeRuntime {
    private struct Record {
        var instance: WorkloadInstance
        var inspection: WorkloadInspection
        var healthy = true
        var logs: [String] = []
    }

    private struct State {
        var records: [String: Record] = [:]
        var images: Set<String> = []
        var faults: [SimulatedFault] = []
    }

    private let state = Mutex(State())
    private let broadcaster = RuntimeEventBroadcaster()
    private let latency: Duration
    private let clock: any Clock<Duration>

    /// The runtime's name in capability reports.
    public let name = "simulated"

    /// Creates a runtime whose every operation takes `latency` on `clock`.
    public init(latency: Duration = .zero, clock: any Clock<Duration> = ContinuousClock()) {
        self.latency = latency
        self.clock = clock
    }

    /// Makes later operations fail as `fault` says.
    public func inject(_ fault: SimulatedFault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// Removes every injected fault.
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    /// Makes a running workload exit with `code`, as if its process ended.
    public func exit(_ id: String, code: Int32) {
        let exited = state.withLock { state -> Bool in
            guard state.records[id]?.inspection.state == .running else { return false }
            state.records[id]?.inspection.state = .exited
            state.records[id]?.inspection.exitCode = code
            state.records[id]?.inspection.pid = nil
            state.records[id]?.inspection.finishedAt = Date()
            return true
        }
        if exited { broadcaster.send(RuntimeEvent(id: id, kind: .exited(code: code))) }
    }

    /// Sets what the workload's health check answers from now on.
    public func setHealthy(_ id: String, _ healthy: Bool) {
        state.withLock { $0.records[id]?.healthy = healthy }
    }

    /// How many workloads the runtime holds.
    public var count: Int { state.withLock { $0.records.count } }

    public func ensureImage(for instance: WorkloadInstance) async throws(RuntimeError) {
        try await operate(.ensureImage, id: instance.id, image: Self.image(of: instance))
        if let image = Self.image(of: instance) { state.withLock { _ = $0.images.insert(image) } }
    }

    public func create(_ instance: WorkloadInstance) async throws(RuntimeError) {
        try await operate(.create, id: instance.id, image: Self.image(of: instance))
        try state.withLock { state throws(RuntimeError) in
            guard state.records[instance.id] == nil else {
                throw RuntimeError(code: .alreadyExists, message: "workload \(instance.id) exists already")
            }
            if let image = Self.image(of: instance), !state.images.contains(image) {
                throw RuntimeError(
                    code: .imageUnavailable, message: "cannot create \(instance.id)",
                    runtimeMessage: "image \"\(image)\": not found")
            }
            state.records[instance.id] = Record(
                instance: instance,
                inspection: WorkloadInspection(
                    id: instance.id, deployment: instance.deployment, generation: instance.generation,
                    state: .created))
        }
    }

    public func start(_ id: String) async throws(RuntimeError) {
        try await operate(.start, id: id, image: image(of: id))
        let started = Date()
        try state.withLock { state throws(RuntimeError) in
            guard var record = state.records[id] else { throw Self.notFound(id) }
            guard record.inspection.state != .running else { return }
            record.inspection.state = .running
            record.inspection.exitCode = nil
            record.inspection.finishedAt = nil
            record.inspection.startedAt = started
            record.inspection.pid = Int32(1000 + (id.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0x3F_FFFF))
            record.logs.append("started \(id) at generation \(record.instance.generation)")
            state.records[id] = record
        }
        broadcaster.send(RuntimeEvent(id: id, kind: .started, at: started))
    }

    public func stop(_ id: String, timeout: Duration) async throws(RuntimeError) {
        try await operate(.stop, id: id, image: image(of: id))
        let stopped = state.withLock { state -> Bool in
            guard state.records[id]?.inspection.state == .running else { return false }
            state.records[id]?.inspection.state = .exited
            state.records[id]?.inspection.exitCode = 143
            state.records[id]?.inspection.pid = nil
            state.records[id]?.inspection.finishedAt = Date()
            return true
        }
        if stopped { broadcaster.send(RuntimeEvent(id: id, kind: .exited(code: 143))) }
    }

    public func remove(_ id: String) async throws(RuntimeError) {
        try await operate(.remove, id: id, image: image(of: id))
        try state.withLock { state throws(RuntimeError) in
            guard let record = state.records[id] else { return }
            guard record.inspection.state != .running else {
                throw RuntimeError(code: .failed, message: "cannot remove \(id)", runtimeMessage: "workload is running")
            }
            state.records[id] = nil
        }
    }

    public func list() async throws(RuntimeError) -> [WorkloadInspection] {
        try await delay()
        return state.withLock { $0.records.values.map(\.inspection) }.sorted { $0.id < $1.id }
    }

    public func inspect(_ id: String) async throws(RuntimeError) -> WorkloadInspection {
        try await delay()
        return try state.withLock { state throws(RuntimeError) in
            guard let record = state.records[id] else { throw Self.notFound(id) }
            return record.inspection
        }
    }

    public func stats(_ id: String) async throws(RuntimeError) -> WorkloadStats {
        let inspection = try await inspect(id)
        guard inspection.state == .running, let startedAt = inspection.startedAt else {
            throw RuntimeError(code: .failed, message: "\(id) is not running")
        }
        // A steady 1% of a core and 8 MiB, so telemetry has something plausible to carry.
        let elapsed = max(0, Date().timeIntervalSince(startedAt))
        return WorkloadStats(cpuNanoseconds: UInt64(elapsed * 10_000_000), memoryBytes: 8 << 20)
    }

    public func logs(_ id: String, lines: Int) async throws(RuntimeError) -> [String] {
        try await delay()
        return try state.withLock { state throws(RuntimeError) in
            guard let record = state.records[id] else { throw Self.notFound(id) }
            return Array(record.logs.suffix(max(0, lines)))
        }
    }

    public func exec(_ id: String, command: [String], timeout: Duration) async throws(RuntimeError) -> ExecResult {
        try await operate(.exec, id: id, image: image(of: id))
        return try state.withLock { state throws(RuntimeError) in
            guard let record = state.records[id] else { throw Self.notFound(id) }
            guard record.inspection.state == .running else {
                throw RuntimeError(code: .failed, message: "cannot exec in \(id)", runtimeMessage: "not running")
            }
            return record.healthy
                ? ExecResult(exitCode: 0, output: "") : ExecResult(exitCode: 1, output: "simulated: unhealthy")
        }
    }

    public func events() -> AsyncStream<RuntimeEvent> { broadcaster.subscribe() }

    /// Waits until cancelled; the simulation needs no background work.
    public func run() async throws {
        let (never, _) = AsyncStream.makeStream(of: Never.self)
        for await _ in never {}
        broadcaster.finish()
    }

    private static func image(of instance: WorkloadInstance) -> String? { instance.workload.container?.image }

    private func image(of id: String) -> String? {
        state.withLock { $0.records[id].flatMap { Self.image(of: $0.instance) } }
    }

    private static func notFound(_ id: String) -> RuntimeError {
        RuntimeError(code: .notFound, message: "no workload \(id)")
    }

    /// Waits the configured latency, then fails if a fault applies.
    private func operate(_ operation: SimulatedFault.Operation, id: String, image: String?) async throws(RuntimeError) {
        try await delay()
        let fault = state.withLock { state -> SimulatedFault? in
            guard let index = state.faults.firstIndex(where: { $0.applies(to: operation, id: id, image: image) })
            else { return nil }
            if let remaining = state.faults[index].remaining { state.faults[index].remaining = remaining - 1 }
            return state.faults[index]
        }
        if let fault {
            throw RuntimeError(code: fault.code, message: "\(operation.rawValue) \(id) failed", runtimeMessage: fault.message)
        }
    }

    private func delay() async throws(RuntimeError) {
        if Task.isCancelled { throw RuntimeError(code: .cancelled, message: "cancelled") }
        guard latency > .zero else { return }
        do {
            try await clock.sleep(for: latency)
        } catch {
            throw RuntimeError(code: .cancelled, message: "cancelled")
        }
    }
}
