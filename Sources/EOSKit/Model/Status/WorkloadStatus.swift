/// What the runtime says about one workload on one node.
public struct WorkloadStatus: Sendable, Hashable, Codable {
    /// Whether the workload's process or container is running.
    public enum RunState: String, DocumentEnum {
        /// Not created yet, or being set up (image pull, container create).
        case pending
        /// Running.
        case running
        /// Exited; see `exitCode`. Restarted or not according to the restart policy.
        case exited
        /// The runtime cannot say (the node agent lost track of it).
        case unknown
    }

    /// What the health check says.
    public enum Health: String, DocumentEnum {
        /// No health check is configured, or none has finished yet.
        case unknown
        /// The last checks passed.
        case healthy
        /// `failureThreshold` consecutive checks failed.
        case unhealthy
    }

    /// The workload's name in its deployment.
    public var name: String
    /// Running, exited, or pending.
    public var state: RunState
    /// The exit code of the last exit, when it has exited.
    public var exitCode: Int32?
    /// How many times the node agent has restarted it.
    public var restarts: Int
    /// The health check's verdict.
    public var health: Health
    /// When the current run started.
    public var startedAt: Timestamp?
    /// The runtime's own words about a failure, when there is one.
    public var message: String?

    /// Creates a workload status.
    public init(
        name: String, state: RunState, exitCode: Int32? = nil, restarts: Int = 0, health: Health = .unknown,
        startedAt: Timestamp? = nil, message: String? = nil
    ) {
        self.name = name
        self.state = state
        self.exitCode = exitCode
        self.restarts = restarts
        self.health = health
        self.startedAt = startedAt
        self.message = message
    }
}
