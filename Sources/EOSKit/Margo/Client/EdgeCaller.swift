public import EOSModel

/// What a parent calls an Edge Node with, in EOS's own types: an ``EdgeClient`` over a connection the parent dials
/// to the node's `EdgeNode` service, or an ``AttachedChild`` over the connection the node opened to the parent
/// (`Upstream.Attach`). Both answer the same and fail with ``MargoError``.
public protocol EdgeCaller: Sendable {
    /// Hands the node one generation of a deployment's desired state.
    func applyDeploy(_ desiredState: FleetDesiredState) async throws(MargoError) -> ApplyResult

    /// Removes a deployment from the node.
    func removeDeploy(_ removal: FleetRemoval) async throws(MargoError) -> ApplyResult

    /// The node's report on `deployments`, or on all of them when the list is empty.
    func nodeStatus(deployments: [String]) async throws(MargoError) -> NodeStatus
}

extension EdgeClient: EdgeCaller {}
