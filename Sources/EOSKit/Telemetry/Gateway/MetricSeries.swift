public import EOSModel

/// One series as the central serves it: a metric, its labels, and its samples oldest first.
public struct MetricSeries: Sendable, Hashable, Codable {
    /// One value at one moment.
    public struct Sample: Sendable, Hashable, Codable {
        /// When it was taken.
        public var timestamp: Timestamp
        /// The value.
        public var value: Double

        /// Creates a sample.
        public init(timestamp: Timestamp, value: Double) {
            self.timestamp = timestamp
            self.value = value
        }
    }

    /// The metric's name: `eos_host_cpu_utilization_ratio`.
    public var name: String
    /// The series' labels, without the `node` and `site` the answer is about.
    public var labels: [String: String]
    /// Gauge or counter.
    public var kind: MetricPoint.Kind
    /// The unit, when the metric has one.
    public var unit: String?
    /// The newest sample.
    public var latest: Sample?
    /// The samples kept, oldest first.
    public var samples: [Sample]

    /// Creates a series.
    public init(
        name: String, labels: [String: String], kind: MetricPoint.Kind, unit: String?, samples: [Sample]
    ) {
        self.name = name
        self.labels = labels
        self.kind = kind
        self.unit = unit
        self.samples = samples
        self.latest = samples.last
    }
}
