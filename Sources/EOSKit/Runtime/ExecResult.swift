/// How a command run inside a workload (a health check) ended.
public struct ExecResult: Sendable, Hashable {
    /// The command's exit code; 0 is success.
    public var exitCode: Int32
    /// The end of what it printed, stdout and stderr together, capped to a few KiB.
    public var output: String

    /// Creates a result.
    public init(exitCode: Int32, output: String) {
        self.exitCode = exitCode
        self.output = output
    }

    /// Whether the command succeeded.
    public var succeeded: Bool { exitCode == 0 }
}
