internal import GRPCCore

/// How long a call between tiers may take and how it is retried.
///
/// Every call has a deadline. Idempotent calls (every EOS RPC except the status and telemetry streams, which are
/// resent from their outboxes instead) are retried on `UNAVAILABLE` with exponential backoff; gRPC randomises each
/// wait between zero and the current backoff, so a fleet reconnecting after an outage does not call in lockstep.
public struct MargoCallPolicy: Sendable, Hashable {
    /// The deadline of one call, all attempts included. Default: 10 seconds.
    public var timeout: Duration
    /// How many attempts an idempotent call gets, the first included; gRPC allows at most 5. Default: 5.
    public var maxAttempts: Int
    /// The backoff before the first retry. Default: 200 ms.
    public var initialBackoff: Duration
    /// The longest backoff. Default: 5 seconds.
    public var maxBackoff: Duration
    /// How much the backoff grows after each attempt. Default: 2.
    public var backoffMultiplier: Double
    /// Whether a call waits, within its deadline, for a connection to the peer instead of failing `UNAVAILABLE` at
    /// once when there is none: for a caller that must reach a peer across its restart. Default: `false`.
    public var waitForReady: Bool

    /// Creates a policy; every argument has the documented default.
    public init(
        timeout: Duration = .seconds(10), maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200),
        maxBackoff: Duration = .seconds(5), backoffMultiplier: Double = 2, waitForReady: Bool = false
    ) {
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.backoffMultiplier = backoffMultiplier
        self.waitForReady = waitForReady
    }

    /// The defaults.
    public static let standard = MargoCallPolicy()

    /// Call options for an idempotent unary call: the deadline and the retry policy.
    func idempotentCallOptions() -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = waitForReady
        // gRPC traps on a policy it considers invalid, so only a sound one is handed over.
        if maxAttempts > 1, initialBackoff > .zero, maxBackoff >= initialBackoff, backoffMultiplier > 0 {
            options.executionPolicy = .retry(
                RetryPolicy(
                    maxAttempts: min(maxAttempts, 5), initialBackoff: initialBackoff, maxBackoff: maxBackoff,
                    backoffMultiplier: backoffMultiplier, retryableStatusCodes: [.unavailable]))
        }
        return options
    }

    /// Call options for a streaming call: the deadline only.
    func streamingCallOptions(timeout: Duration? = nil) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout ?? self.timeout
        options.waitForReady = waitForReady
        return options
    }
}
