/// What a node can host, in the terms of Margo's device capabilities: CPUs, memory, storage, architecture and
/// runtimes.
///
/// A node reports these when it registers; a site reports the sum over its nodes.
public struct NodeCapabilities: Sendable, Hashable, Codable {
    /// CPU cores, in decimal units (a cgroup-limited host may have a fraction).
    public var cpus: Double
    /// Memory in bytes.
    public var memoryBytes: Int64
    /// Storage for workloads in bytes.
    public var storageBytes: Int64
    /// The CPU architecture as Go and OCI name it: `amd64`, `arm64`, `arm`.
    public var architecture: String
    /// The runtimes the node offers, such as `containerd` and `process`.
    public var runtimes: [String]

    /// Creates capabilities.
    public init(cpus: Double, memoryBytes: Int64, storageBytes: Int64, architecture: String, runtimes: [String] = []) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.storageBytes = storageBytes
        self.architecture = architecture
        self.runtimes = runtimes
    }
}
