/// How long the Edge Node waits before retrying a workload that failed to install or exited: exponential, capped,
/// and reset once a workload has run long enough to count as healthy again.
public struct RestartBackoff: Sendable, Hashable {
    /// The first wait. Default: 1 second.
    public var initial: Duration
    /// The longest wait. Default: 5 minutes.
    public var maximum: Duration
    /// How much each consecutive failure multiplies the wait. Default: 2.
    public var multiplier: Double
    /// How long a workload must run for its failure count to reset. Default: 2 minutes.
    public var resetAfter: Duration

    /// Creates a policy; every argument has the documented default.
    public init(
        initial: Duration = .seconds(1), maximum: Duration = .seconds(300), multiplier: Double = 2,
        resetAfter: Duration = .seconds(120)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.resetAfter = resetAfter
    }

    /// The wait after `failures` consecutive failures (the first failure waits ``initial``).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 64) {
            delay = delay * multiplier
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
