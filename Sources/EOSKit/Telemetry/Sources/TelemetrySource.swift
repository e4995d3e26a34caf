public import EOSModel

/// Where a ``TelemetryPipeline`` takes samples from: the host, the workloads, EOS's own metrics, or anything an
/// embedder adds (a PLC's registers, a GPU's counters).
///
/// A source is asked once per collection, at the pipeline's interval, and answers the samples it has now, all
/// stamped `time`. It must not block: a source that reads slow hardware keeps its own cache and answers from it.
/// A source that cannot read something leaves it out rather than failing the whole collection.
public protocol TelemetrySource: Sendable {
    /// The source's name, for logs: `host`, `workloads`, `eos`.
    var name: String { get }

    /// The samples this source has now, stamped `time`.
    func collect(at time: Timestamp) async -> [MetricPoint]
}
