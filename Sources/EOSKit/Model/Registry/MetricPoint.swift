/// One sample of one metric, as telemetry carries it upward.
public struct MetricPoint: Sendable, Hashable, Codable {
    /// How a metric's values relate over time.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A value that goes up and down: temperature, memory in use.
        case gauge
        /// A running total that only goes up, except when its source restarts: bytes sent, restarts.
        case counter
    }

    /// The metric's name, in Prometheus style: `eos_node_cpu_seconds_total`.
    public var name: String
    /// The sample's labels: `node`, `site`, `deployment`, `workload`, ...
    public var labels: [String: String]
    /// The value.
    public var value: Double
    /// When the sample was taken.
    public var timestamp: Timestamp
    /// The unit, in Prometheus words (`seconds`, `bytes`), when the metric has one.
    public var unit: String?
    /// Gauge or counter.
    public var kind: Kind

    /// Creates a sample.
    public init(
        name: String, labels: [String: String] = [:], value: Double, timestamp: Timestamp, unit: String? = nil,
        kind: Kind = .gauge
    ) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
        self.unit = unit
        self.kind = kind
    }
}
