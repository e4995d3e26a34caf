/// One node's status: its liveness as its parent sees it, and its latest report on each deployment it holds.
public struct NodeStatus: Sendable, Hashable, Codable {
    /// The node.
    public var nodeID: String
    /// The node's liveness as its LO sees it; `nil` when the node answers for itself.
    public var liveness: LivenessStatus?
    /// The node's latest report on each deployment.
    public var deployments: [NodeDeploymentStatus]

    /// Creates a node status.
    public init(nodeID: String, liveness: LivenessStatus? = nil, deployments: [NodeDeploymentStatus] = []) {
        self.nodeID = nodeID
        self.liveness = liveness
        self.deployments = deployments
    }
}
