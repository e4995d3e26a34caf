public import EOSModel

/// What makes a series: a metric name and its labels. Two samples with the same key are values of one series at
/// different times.
public struct MetricSeriesKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The metric's name.
    public var name: String
    /// The series' labels, sorted by name.
    public var labels: [Label]

    /// One label of a series.
    public struct Label: Sendable, Hashable, Comparable {
        /// The label's name.
        public var name: String
        /// Its value.
        public var value: String

        /// Orders by name, then value.
        public static func < (lhs: Label, rhs: Label) -> Bool { (lhs.name, lhs.value) < (rhs.name, rhs.value) }
    }

    /// The key of a metric `name` with `labels`.
    public init(name: String, labels: [String: String]) {
        self.name = name
        self.labels = labels.map { Label(name: $0.key, value: $0.value) }.sorted()
    }

    /// The key of `point`'s series.
    public init(_ point: MetricPoint) { self.init(name: point.name, labels: point.labels) }

    /// The labels as a dictionary.
    public var labelDictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: labels.map { ($0.name, $0.value) })
    }

    /// The key with the labels named in `names` removed.
    public func removing(_ names: Set<String>) -> MetricSeriesKey {
        var key = self
        key.labels.removeAll { names.contains($0.name) }
        return key
    }

    /// `name{label="value",...}`, as Prometheus writes a series.
    public var description: String {
        labels.isEmpty ? name : name + "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    /// Orders by name, then labels.
    public static func < (lhs: MetricSeriesKey, rhs: MetricSeriesKey) -> Bool {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.labels.lexicographicallyPrecedes(rhs.labels)
    }
}
