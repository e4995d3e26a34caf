internal import Foundation

/// The rule that turns silence into liveness, shared by the LO (for its nodes) and the CO (for its sites).
///
/// A child is `Ready` while it is heard from; `Unknown`, since its last report, once it misses
/// `missedHeartbeats` intervals; `Offline` once it has been silent for `offlineAfter`.
public struct LivenessPolicy: Sendable, Hashable {
    /// The interval the parent asked the child to heartbeat at.
    public var heartbeatInterval: Duration
    /// How many intervals may pass in silence before the child is `Unknown`. Default: 3.
    public var missedHeartbeats: Int
    /// How long a silent child stays `Unknown` before it is `Offline`. Default: 5 minutes.
    public var offlineAfter: Duration

    /// Creates a policy.
    public init(heartbeatInterval: Duration, missedHeartbeats: Int = 3, offlineAfter: Duration = .seconds(300)) {
        self.heartbeatInterval = heartbeatInterval
        self.missedHeartbeats = missedHeartbeats
        self.offlineAfter = offlineAfter
    }

    /// The liveness of a child last heard from at `lastSeen`, as of `now`.
    public func evaluate(lastSeen: Timestamp?, now: Timestamp) -> LivenessStatus {
        guard let lastSeen else { return LivenessStatus(liveness: .unknown) }
        let silence = Duration.milliseconds(Int64((now.date.timeIntervalSince(lastSeen.date) * 1000).rounded()))
        if silence >= max(offlineAfter, heartbeatInterval * missedHeartbeats) {
            let offlineSince = lastSeen.date.addingTimeInterval(Self.seconds(max(offlineAfter, heartbeatInterval * missedHeartbeats)))
            return LivenessStatus(liveness: .offline, since: Timestamp(offlineSince), lastSeen: lastSeen)
        }
        if silence >= heartbeatInterval * missedHeartbeats {
            return LivenessStatus(liveness: .unknown, since: lastSeen, lastSeen: lastSeen)
        }
        return LivenessStatus(liveness: .ready, lastSeen: lastSeen)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
