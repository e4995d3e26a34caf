public import CoreMetrics
public import EOSModel
internal import Synchronization

/// EOS's own swift-metrics (RPC refusals, and whatever an embedder's code counts) as telemetry: a `MetricsFactory`
/// that keeps every counter, meter, recorder and timer in memory and answers them at each collection.
///
/// Bootstrap it once per process (`MetricsSystem.bootstrap(source)`, as `eosd` does) and add it to the agent's
/// pipeline. Names are made Prometheus-safe and prefixed `eos_` when they are not already; counters end in
/// `_total`; a timer answers two counters, `NAME_seconds_total` (time spent) and `NAME_calls_total`.
public final class SwiftMetricsSource: TelemetrySource, MetricsFactory {
    /// `eos`.
    public let name = "eos"
    private let cells = Mutex([MetricSeriesKey: MetricCell]())

    /// An empty source.
    public init() {}

    /// Every metric recorded so far, stamped `time`.
    public func collect(at time: Timestamp) async -> [MetricPoint] {
        let held = cells.withLock { $0 }
        return held.sorted { $0.key < $1.key }.flatMap { key, cell in cell.points(key, at: time) }
    }

    private func cell(_ label: String, _ dimensions: [(String, String)], _ make: () -> MetricCell) -> MetricCell {
        var labels: [String: String] = [:]
        for (name, value) in dimensions { labels[PrometheusName.label(name)] = value }
        let key = MetricSeriesKey(name: PrometheusName.metric(label), labels: labels)
        return cells.withLock { cells in
            if let cell = cells[key] { return cell }
            let cell = make()
            cells[key] = cell
            return cell
        }
    }

    // MARK: MetricsFactory

    /// A counter kept here.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        cell(label, dimensions) { MetricCell(.counter) }
    }

    /// A floating-point counter kept here.
    public func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        cell(label, dimensions) { MetricCell(.counter) }
    }

    /// A meter (a gauge that goes up and down) kept here.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        cell(label, dimensions) { MetricCell(.gauge) }
    }

    /// A recorder kept here as its last value.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        cell(label, dimensions) { MetricCell(.gauge) }
    }

    /// A timer kept here as a total and a count.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        cell(label, dimensions) { MetricCell(.timer) }
    }

    /// Keeps the counter: its total stays visible.
    public func destroyCounter(_ handler: any CounterHandler) {}
    /// Keeps the counter: its total stays visible.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    /// Keeps the meter's last value.
    public func destroyMeter(_ handler: any MeterHandler) {}
    /// Keeps the recorder's last value.
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    /// Keeps the timer's totals.
    public func destroyTimer(_ handler: any TimerHandler) {}
}
