public import EOSModel
internal import Synchronization

/// Lets through at most one sample per series per window, the first one of each window: an agent that collects
/// every few seconds can forward at a coarser resolution over a thin link.
///
/// A counter loses nothing by being thinned (its next sample still holds the total); a gauge keeps one reading per
/// window. Windows are aligned to the clock (a 60-second window runs from :00 to :60), so two agents thinning
/// the same way keep samples from the same moments.
public final class Downsampler: TelemetryProcessor {
    /// The length of a window.
    public let window: Duration
    private let seen = Mutex([MetricSeriesKey: Int64]())

    /// A downsampler keeping one sample per series every `window` (at least a millisecond).
    public init(window: Duration) { self.window = max(window, .milliseconds(1)) }

    /// The first sample of each series in each window; the rest are dropped.
    public func process(_ points: [MetricPoint]) -> [MetricPoint] {
        seen.withLock { seen in
            points.filter { point in
                let key = MetricSeriesKey(point)
                let slot = point.timestamp.window(of: window)
                if let last = seen[key], last >= slot { return false }
                seen[key] = slot
                return true
            }
        }
    }
}
