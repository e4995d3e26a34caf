public import ServiceLifecycle

/// What runs workloads on an edge host: containerd, child processes, or a simulation.
///
/// The Edge Node drives a runtime through these calls and nothing else, so an embedder can add another (a
/// systemd unit runner, a VM manager) by conforming to this protocol. Every call is async and honours task
/// cancellation; failures are ``RuntimeError``s carrying the runtime's own message.
///
/// A runtime is also a `Service`: its ``run()`` does the background work it needs (supervising child processes,
/// following containerd's event stream) for as long as the Edge Node runs. Calls may be made before `run()`
/// starts; ones that need it (starting a process) wait for it.
///
/// Workloads are named by ``WorkloadInstance/id``. A runtime records each workload's deployment and generation
/// with it, so ``list()`` after an Edge Node restart tells which workloads are EOS's and where they came from;
/// it lists only EOS's workloads, never anything else on the host.
public protocol EdgeRuntime: Service {
    /// The runtime's name in capability reports: `containerd`, `process`, `simulated`.
    var name: String { get }

    /// Makes what `instance` needs available locally: the image imported or pulled for a container, the
    /// executable found for a process. Safe to call again; fails with ``RuntimeError/Code/imageUnavailable``.
    func ensureImage(for instance: WorkloadInstance) async throws(RuntimeError)

    /// Creates the workload without starting it; fails with ``RuntimeError/Code/alreadyExists`` when its id is
    /// taken.
    func create(_ instance: WorkloadInstance) async throws(RuntimeError)

    /// Starts (or restarts, after an exit) a created workload.
    func start(_ id: String) async throws(RuntimeError)

    /// Stops a running workload: a polite signal first, then, after `timeout`, a kill. Stopping a workload that is
    /// not running succeeds.
    func stop(_ id: String, timeout: Duration) async throws(RuntimeError)

    /// Removes a stopped workload and everything the runtime kept for it. Removing an unknown id succeeds.
    func remove(_ id: String) async throws(RuntimeError)

    /// Every EOS workload the runtime holds.
    func list() async throws(RuntimeError) -> [WorkloadInspection]

    /// One workload's state; fails with ``RuntimeError/Code/notFound``.
    func inspect(_ id: String) async throws(RuntimeError) -> WorkloadInspection

    /// A running workload's resource use.
    func stats(_ id: String) async throws(RuntimeError) -> WorkloadStats

    /// The last `lines` lines the workload wrote, oldest first.
    func logs(_ id: String, lines: Int) async throws(RuntimeError) -> [String]

    /// Runs `command` inside the running workload (in its container, or beside the process with its environment
    /// and working directory), for health checks; fails with ``RuntimeError/Code/timedOut`` after `timeout`.
    func exec(_ id: String, command: [String], timeout: Duration) async throws(RuntimeError) -> ExecResult

    /// A new stream of what the runtime notices by itself (starts, exits). Each call makes an independent
    /// stream; it ends when the runtime's ``run()`` ends or the consumer stops listening. A runtime that
    /// cannot notice anything by itself returns a stream that only ends: the Edge Node polls ``list()`` anyway.
    func events() -> AsyncStream<RuntimeEvent>
}
