internal import EOSModel

/// What the gateway keeps of a series once rather than with its samples: its key, and the kind and unit of its first
/// sample. The nodes that send the same series share one list of shapes (``TelemetryGateway``'s layouts), so 10,000
/// nodes hold their kinds and units once, not 130,000 times.
struct SeriesShape: Hashable {
    var key: MetricSeriesKey
    var kind: MetricPoint.Kind
    var unit: String?
}
