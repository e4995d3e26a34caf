public import Foundation

/// Where and how a ``ProcessRuntime`` keeps its workloads.
///
/// Each workload gets a folder named by its ``WorkloadInstance/id`` under ``stateDirectory``, holding
/// `instance.json` (deployment, generation, spec, and the pid and start time of its last run) and its output
/// (`output.log`, and `output.log.1` after a rotation). The folder is also the workload's working directory when
/// its spec names none.
public struct ProcessRuntimeConfiguration: Sendable, Hashable {
    /// The folder holding one folder per workload; created when the first workload is.
    public var stateDirectory: URL
    /// The size in bytes each log file is kept under; a file over it is copied, its newest part, to `output.log.1`
    /// (replacing the previous one) and emptied. Default: 1 MiB.
    public var logSizeLimit: Int
    /// How often running workloads' logs are checked against ``logSizeLimit``; they are also checked when a
    /// workload starts and exits. A log can outgrow the limit by what the workload writes in one interval.
    /// Default: 10 s.
    public var logCheckInterval: Duration
    /// The `PATH` a workload runs with when neither its spec nor the Edge Node sets one; also where a command
    /// given by name is looked up.
    public var defaultPath: String
    /// How much of an ``EdgeRuntime/exec(_:command:timeout:)`` command's output is kept, its end. Default: 4 KiB.
    public var execOutputLimit: Int

    /// The `PATH` of a Debian or Ubuntu host.
    public static let standardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Creates a configuration.
    public init(
        stateDirectory: URL, logSizeLimit: Int = 1 << 20, logCheckInterval: Duration = .seconds(10),
        defaultPath: String = Self.standardPath, execOutputLimit: Int = 4096
    ) {
        self.stateDirectory = stateDirectory
        self.logSizeLimit = logSizeLimit
        self.logCheckInterval = logCheckInterval
        self.defaultPath = defaultPath
        self.execOutputLimit = execOutputLimit
    }
}
