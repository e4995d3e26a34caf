/// How many targeted nodes are in each state, the rollup every status view shows.
///
/// A node that is not `Ready` counts as `unreachable` whatever its last report said: status never counts a node
/// it cannot hear as succeeded or as failed.
public struct RolloutCounts: Sendable, Hashable, Codable {
    /// Nodes the deployment targets.
    public var targeted: Int
    /// Nodes that report the current generation installed.
    public var installed: Int
    /// Nodes installing or removing.
    public var installing: Int
    /// Nodes not yet reached by the rollout, or not yet reporting the current generation.
    public var pending: Int
    /// Nodes that report the current generation failed.
    public var failed: Int
    /// Nodes that are not `Ready`.
    public var unreachable: Int

    /// Creates counts; all zero by default.
    public init(targeted: Int = 0, installed: Int = 0, installing: Int = 0, pending: Int = 0, failed: Int = 0, unreachable: Int = 0) {
        self.targeted = targeted
        self.installed = installed
        self.installing = installing
        self.pending = pending
        self.failed = failed
        self.unreachable = unreachable
    }

    /// Counts one targeted node.
    ///
    /// - Parameters:
    ///   - status: the node's latest report for the deployment, if any.
    ///   - generation: the generation being rolled out; an older report counts as pending.
    ///   - liveness: whether the node is heard from.
    public mutating func add(_ status: NodeDeploymentStatus?, generation: Int64, liveness: NodeLiveness) {
        targeted += 1
        guard liveness == .ready else {
            unreachable += 1
            return
        }
        guard let status, status.observedGeneration == generation else {
            pending += 1
            return
        }
        switch status.state {
        case .installed: installed += 1
        case .failed: failed += 1
        case .installing, .removing: installing += 1
        case .pending, .removed: pending += 1
        }
    }

    /// The sum of two rollups, as a fleet total is the sum of its sites.
    public static func + (lhs: RolloutCounts, rhs: RolloutCounts) -> RolloutCounts {
        RolloutCounts(
            targeted: lhs.targeted + rhs.targeted, installed: lhs.installed + rhs.installed,
            installing: lhs.installing + rhs.installing, pending: lhs.pending + rhs.pending,
            failed: lhs.failed + rhs.failed, unreachable: lhs.unreachable + rhs.unreachable)
    }
}
