/// Resource use of one running workload, as its runtime measures it.
public struct WorkloadStats: Sendable, Hashable {
    /// CPU time used since it started, user and system, in nanoseconds.
    public var cpuNanoseconds: UInt64
    /// Memory in use now, in bytes (resident set for a process, the cgroup's usage for a container).
    public var memoryBytes: UInt64

    /// Creates stats.
    public init(cpuNanoseconds: UInt64, memoryBytes: UInt64) {
        self.cpuNanoseconds = cpuNanoseconds
        self.memoryBytes = memoryBytes
    }
}
