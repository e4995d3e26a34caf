import EOSKit
import ServiceLifecycle

/// A runtime adapter of one's own: it runs process workloads through EOS's `ProcessRuntime`, but only those whose
/// executable is on the host's allow-list, and refuses container workloads, which this host does not run. A
/// refusal is a `RuntimeError` like any runtime's, so the workload ends `failed` with the reason at the central.
///
/// Every other call goes to the wrapped runtime unchanged: an adapter only has to add what it is for.
struct AllowListRuntime: EdgeRuntime {
    /// The executables workloads may start, by absolute path.
    let allowed: Set<String>
    /// The runtime that does the work.
    let base: ProcessRuntime

    var name: String { "process-allow-list" }

    func ensureImage(for instance: WorkloadInstance) async throws(RuntimeError) {
        try check(instance)
        try await base.ensureImage(for: instance)
    }

    func create(_ instance: WorkloadInstance) async throws(RuntimeError) {
        try check(instance)
        try await base.create(instance)
    }

    func start(_ id: String) async throws(RuntimeError) { try await base.start(id) }
    func stop(_ id: String, timeout: Duration) async throws(RuntimeError) { try await base.stop(id, timeout: timeout) }
    func remove(_ id: String) async throws(RuntimeError) { try await base.remove(id) }
    func list() async throws(RuntimeError) -> [WorkloadInspection] { try await base.list() }
    func inspect(_ id: String) async throws(RuntimeError) -> WorkloadInspection { try await base.inspect(id) }
    func stats(_ id: String) async throws(RuntimeError) -> WorkloadStats { try await base.stats(id) }
    func logs(_ id: String, lines: Int) async throws(RuntimeError) -> [String] { try await base.logs(id, lines: lines) }
    func exec(_ id: String, command: [String], timeout: Duration) async throws(RuntimeError) -> ExecResult {
        try await base.exec(id, command: command, timeout: timeout)
    }
    func events() -> AsyncStream<RuntimeEvent> { base.events() }
    func run() async throws { try await base.run() }

    private func check(_ instance: WorkloadInstance) throws(RuntimeError) {
        switch instance.workload.kind {
        case .process(let process):
            guard let executable = process.command.first, allowed.contains(executable) else {
                throw RuntimeError(
                    code: .unsupported,
                    message: "\(process.command.first ?? "no command") is not on this host's allow-list: "
                        + allowed.sorted().joined(separator: ", "))
            }
        case .container:
            throw RuntimeError(code: .unsupported, message: "this host runs no containers")
        }
    }
}
