/// One node's report on one deployment: the Margo state of the generation it has applied, with runtime detail.
///
/// Every tier passes this upward unchanged: the EN creates it, the LO coalesces it (the latest per node and
/// deployment wins), the CO aggregates it into a ``DeploymentStatusSummary``.
public struct NodeDeploymentStatus: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var deployment: String
    /// The generation the node has applied (Margo's observed generation).
    public var observedGeneration: Int64
    /// The node reporting.
    public var nodeID: String
    /// The node's site, when it has one.
    public var siteID: String?
    /// The Margo state: pending, installing, installed, failed, removing or removed.
    public var state: MargoDeploymentState
    /// Each workload's runtime detail.
    public var workloads: [WorkloadStatus]
    /// Why the deployment failed, when it did.
    public var message: String?
    /// When the node observed this state.
    public var observedAt: Timestamp
    /// The identity that reported it (`node/edge-01`, or `site/store-42` for a state an LO inferred).
    public var reportedBy: String

    /// Creates a report.
    public init(
        deployment: String, observedGeneration: Int64, nodeID: String, siteID: String? = nil,
        state: MargoDeploymentState, workloads: [WorkloadStatus] = [], message: String? = nil,
        observedAt: Timestamp, reportedBy: String
    ) {
        self.deployment = deployment
        self.observedGeneration = observedGeneration
        self.nodeID = nodeID
        self.siteID = siteID
        self.state = state
        self.workloads = workloads
        self.message = message
        self.observedAt = observedAt
        self.reportedBy = reportedBy
    }

    /// Whether this report replaces `other` for the same node and deployment: a newer generation always does; within
    /// one generation, the later observation does.
    public func supersedes(_ other: NodeDeploymentStatus) -> Bool {
        if observedGeneration != other.observedGeneration { return observedGeneration > other.observedGeneration }
        return observedAt >= other.observedAt
    }
}
