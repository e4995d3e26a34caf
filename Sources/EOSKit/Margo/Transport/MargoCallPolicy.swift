internal import GRPCCore

/// How long a call between tiers may take and how it is retried.
///
/// Every call has a deadline. Idempotent calls (every EOS RPC except the status and telemetry streams, which are
/// resent from their outboxes instead) are retried on `UNAVAILABLE` with exponential backoff; each wait is random
/// between zero and the current backoff, so a fleet reconnecting after an outage does not call in lockstep.
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

    /// The attempts an idempotent call gets: ``maxAttempts``, at most 5 as gRPC allows, and a single one when the
    /// backoff settings are not sound (no backoff, a maximum below the initial one, or no growth).
    var idempotentAttempts: Int {
        guard maxAttempts > 1, initialBackoff > .zero, maxBackoff >= initialBackoff, backoffMultiplier > 0 else {
            return 1
        }
        return min(maxAttempts, 5)
    }

    /// Makes an idempotent unary call, `attempt` once with the options it is given, and again on `UNAVAILABLE`.
    ///
    /// All attempts and the waits between them share the policy's deadline. The rules are gRPC's (proposal A6),
    /// as its retry executor applies them: only a call that was rejected (answered with a status alone, before any
    /// response) with `UNAVAILABLE` is retried, not one whose response failed after it began nor one that could not
    /// be started at all; the nth retry waits a random time between zero and
    /// `min(initialBackoff × backoffMultiplier^(n-1), maxBackoff)`, unless the server pushed back
    /// (`grpc-retry-pushback-ms`: wait that long and start the backoff over, or stop when the value is not a
    /// number of milliseconds). EOS's transports configure no retry throttle, so none is applied.
    ///
    /// EOS makes the attempts itself, each a single-attempt gRPC call, instead of handing gRPC a retry policy: gRPC's
    /// retry executor runs every call, retried or not, through a replay buffer and two more tasks, which cost about
    /// an eighth of an in-process call's CPU; a unary call's request is a value that can simply be sent again.
    func retryingIdempotentCall<Output: Sendable>(
        _ attempt: (_ options: CallOptions) async throws -> ClientResponse<Output>
    ) async throws -> Output {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let attempts = idempotentAttempts
        var backoff = RetryBackoff(policy: self)
        var made = 0
        while true {
            var options = CallOptions.defaults
            options.timeout = ContinuousClock.now.duration(to: deadline)
            options.waitForReady = waitForReady
            let response = try await attempt(options)
            made += 1
            guard made < attempts, case .failure(let rejection) = response.accepted, rejection.code == .unavailable
            else {
                return try response.message
            }
            let delay: Duration
            switch RetryBackoff.pushback(in: rejection.metadata) {
            case .stopRetrying:
                return try response.message
            case .retryAfter(let pushedBack):
                delay = pushedBack
                backoff = RetryBackoff(policy: self)
            case nil:
                delay = backoff.next()
            }
            // A cancelled wait ends early; the next attempt then fails as the cancelled call it is, as in gRPC.
            let wakeUp = ContinuousClock.now.advanced(by: delay)
            try? await Task.sleep(until: min(wakeUp, deadline), clock: .continuous)
            if ContinuousClock.now >= deadline {
                throw RPCError(code: .deadlineExceeded, message: "RPC timed out before completing")
            }
        }
    }

    /// Call options for a streaming call: the deadline only.
    func streamingCallOptions(timeout: Duration? = nil) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout ?? self.timeout
        options.waitForReady = waitForReady
        return options
    }
}

/// The waits between the attempts of an idempotent call, and what a server's pushback says about them.
private struct RetryBackoff {
    /// What a server asked for in `grpc-retry-pushback-ms`.
    enum Pushback {
        case retryAfter(Duration)
        case stopRetrying
    }

    let initial: Double
    let maximum: Double
    let multiplier: Double
    /// Which retry the next wait comes before, from 1.
    var retry = 1

    init(policy: MargoCallPolicy) {
        initial = Self.seconds(policy.initialBackoff)
        maximum = Self.seconds(policy.maxBackoff)
        multiplier = policy.backoffMultiplier
    }

    /// The wait before the next retry: random between zero and `min(initial × multiplier^(n-1), maximum)`.
    mutating func next() -> Duration {
        defer { retry += 1 }
        var ceiling = initial
        for _ in 1..<retry { ceiling *= multiplier }
        let seconds = Double.random(in: 0...min(ceiling, maximum))
        let whole = Int64(seconds)
        return Duration(secondsComponent: whole, attosecondsComponent: Int64((seconds - Double(whole)) * 1e18))
    }

    /// The server's pushback in a rejection's metadata: a number of milliseconds to wait, or, for anything else,
    /// a request to stop retrying; `nil` when it sent none.
    static func pushback(in metadata: Metadata) -> Pushback? {
        guard let value = metadata[stringValues: "grpc-retry-pushback-ms"].first(where: { _ in true }) else {
            return nil
        }
        guard let milliseconds = Int64(value), milliseconds >= 0 else { return .stopRetrying }
        return .retryAfter(.milliseconds(milliseconds))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
