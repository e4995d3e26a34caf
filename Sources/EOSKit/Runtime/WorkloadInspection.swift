public import Foundation

/// What a runtime knows about one of the workloads it runs.
public struct WorkloadInspection: Sendable, Hashable {
    /// Where the workload is in its life.
    public enum State: String, Sendable, Hashable {
        /// Created, not started yet.
        case created
        /// Running.
        case running
        /// Exited; ``WorkloadInspection/exitCode`` says how.
        case exited
        /// The runtime reports a state EOS does not know, or cannot tell.
        case unknown
    }

    /// The runtime's name for the workload (``WorkloadInstance/id``).
    public var id: String
    /// The deployment it was created for, as recorded with it.
    public var deployment: String?
    /// The generation it was created from, as recorded with it.
    public var generation: Int64?
    /// Where it is in its life.
    public var state: State
    /// The exit code, once it has exited; a process killed by a signal reports 128 + the signal number.
    public var exitCode: Int32?
    /// The main process id while running.
    public var pid: Int32?
    /// When it last started.
    public var startedAt: Date?
    /// When it last exited.
    public var finishedAt: Date?

    /// Creates an inspection.
    public init(
        id: String, deployment: String? = nil, generation: Int64? = nil, state: State, exitCode: Int32? = nil,
        pid: Int32? = nil, startedAt: Date? = nil, finishedAt: Date? = nil
    ) {
        self.id = id
        self.deployment = deployment
        self.generation = generation
        self.state = state
        self.exitCode = exitCode
        self.pid = pid
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
