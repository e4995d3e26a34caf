/// One node's status: its liveness as its parent sees it, its labels and capabilities, and its latest report on
/// each deployment it holds.
public struct NodeStatus: Sendable, Hashable, Codable {
    /// The node.
    public var nodeID: String
    /// The node's liveness as its LO sees it; `nil` when the node answers for itself.
    public var liveness: LivenessStatus?
    /// The node's labels, as it registered them; what the central selects nodes by.
    public var labels: [String: String]
    /// The node's capabilities, as it registered them; `nil` when unknown.
    public var capabilities: NodeCapabilities?
    /// The node's latest report on each deployment.
    public var deployments: [NodeDeploymentStatus]

    /// Creates a node status.
    public init(
        nodeID: String, liveness: LivenessStatus? = nil, labels: [String: String] = [:],
        capabilities: NodeCapabilities? = nil, deployments: [NodeDeploymentStatus] = []
    ) {
        self.nodeID = nodeID
        self.liveness = liveness
        self.labels = labels
        self.capabilities = capabilities
        self.deployments = deployments
    }
}
