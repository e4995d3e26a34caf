public import CoreMetrics
internal import EOSModel
internal import Synchronization

/// One swift-metrics metric that ``SwiftMetricsSource`` keeps: a running value and, for a timer, a count.
public final class MetricCell: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
    TimerHandler, Sendable
{
    /// What the cell measures.
    enum Shape { case counter, gauge, timer }

    private let shape: Shape
    private let state = Mutex((value: 0.0, count: UInt64(0)))

    init(_ shape: Shape) { self.shape = shape }

    /// Adds to a counter.
    public func increment(by amount: Int64) { increment(by: Double(amount)) }
    /// Adds to a counter or a meter.
    public func increment(by amount: Double) { state.withLock { $0.value += amount } }
    /// Takes from a meter.
    public func decrement(by amount: Double) { state.withLock { $0.value -= amount } }
    /// Starts a counter again from zero.
    public func reset() { state.withLock { $0 = (0, 0) } }
    /// Sets a meter or recorder.
    public func set(_ value: Int64) { set(Double(value)) }
    /// Sets a meter or recorder.
    public func set(_ value: Double) { state.withLock { $0.value = value } }
    /// Records a recorder's value.
    public func record(_ value: Int64) { set(Double(value)) }
    /// Records a recorder's value.
    public func record(_ value: Double) { set(value) }
    /// Records one timed call.
    public func recordNanoseconds(_ duration: Int64) {
        state.withLock {
            $0.value += Double(duration) / 1e9
            $0.count += 1
        }
    }

    /// The cell's samples for `key`.
    func points(_ key: MetricSeriesKey, at time: Timestamp) -> [MetricPoint] {
        let (value, count) = state.withLock { $0 }
        let labels = key.labelDictionary
        switch shape {
        case .counter:
            let name = key.name.hasSuffix("_total") ? key.name : key.name + "_total"
            return [MetricPoint(name: name, labels: labels, value: value, timestamp: time, kind: .counter)]
        case .gauge:
            return [MetricPoint(name: key.name, labels: labels, value: value, timestamp: time)]
        case .timer:
            return [
                MetricPoint(
                    name: key.name + "_seconds_total", labels: labels, value: value, timestamp: time, unit: "seconds",
                    kind: .counter),
                MetricPoint(
                    name: key.name + "_calls_total", labels: labels, value: Double(count), timestamp: time,
                    kind: .counter),
            ]
        }
    }
}
