public import EOSModel

/// The resource use of each workload an agent runs, as its runtime measures it.
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `eos_workload_cpu_seconds_total` | counter: CPU time since the workload started | `deployment`, `workload` |
/// | `eos_workload_memory_bytes` | gauge: resident memory now | `deployment`, `workload` |
///
/// The source asks a closure, so it depends on no runtime: the Edge Node hands it one over its ``EdgeRuntime``.
public struct WorkloadMetricsSource: TelemetrySource {
    /// One workload's figures.
    public struct Sample: Sendable, Hashable {
        /// The deployment the workload belongs to.
        public var deployment: String
        /// The workload's name in its deployment.
        public var workload: String
        /// CPU time since it started, in nanoseconds.
        public var cpuNanoseconds: UInt64
        /// Resident memory now, in bytes.
        public var memoryBytes: UInt64

        /// Creates a sample.
        public init(deployment: String, workload: String, cpuNanoseconds: UInt64, memoryBytes: UInt64) {
            self.deployment = deployment
            self.workload = workload
            self.cpuNanoseconds = cpuNanoseconds
            self.memoryBytes = memoryBytes
        }
    }

    /// `workloads`.
    public let name = "workloads"
    private let samples: @Sendable () async -> [Sample]

    /// A source answering what `samples` reports: one entry per running workload.
    public init(samples: @escaping @Sendable () async -> [Sample]) { self.samples = samples }

    /// Two samples per running workload.
    public func collect(at time: Timestamp) async -> [MetricPoint] {
        await samples().flatMap { sample in
            let labels = ["deployment": sample.deployment, "workload": sample.workload]
            return [
                MetricPoint(
                    name: "eos_workload_cpu_seconds_total", labels: labels,
                    value: Double(sample.cpuNanoseconds) / 1e9, timestamp: time, unit: "seconds", kind: .counter),
                MetricPoint(
                    name: "eos_workload_memory_bytes", labels: labels, value: Double(sample.memoryBytes),
                    timestamp: time, unit: "bytes"),
            ]
        }
    }
}
