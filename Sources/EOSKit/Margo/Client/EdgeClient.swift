public import EOSModel
public import GRPCCore

/// Calls an Edge Node's `EdgeNode` service (from its LO, or from the CO for a node attached directly), in EOS's
/// own types.
///
/// Every call has the policy's deadline; all three calls are idempotent (an apply is keyed by generation) and are
/// retried on `UNAVAILABLE` with jittered exponential backoff. Failures arrive as ``MargoError``.
public struct EdgeClient<Transport: ClientTransport>: Sendable {
    private let client: Eos_Margo_V1_EdgeNode.Client<Transport>
    /// Deadlines and retries.
    public let policy: MargoCallPolicy

    /// Calls through `client`, which must be running its connections.
    public init(_ client: GRPCClient<Transport>, policy: MargoCallPolicy = .standard) {
        self.client = Eos_Margo_V1_EdgeNode.Client(wrapping: client)
        self.policy = policy
    }

    /// Hands the node one generation of a deployment's desired state.
    public func applyDeploy(_ desiredState: FleetDesiredState) async throws(MargoError) -> ApplyResult {
        let request = Eos_Margo_V1_ApplyDeployRequest(desiredState)
        let response = try await withMargoErrors("EdgeNode/ApplyDeploy") {
            try await policy.retryingIdempotentCall { options in
                try await client.applyDeploy(request, options: options) { $0 }
            }
        }
        return try ApplyResult(wire: response)
    }

    /// Removes a deployment from the node.
    public func removeDeploy(_ removal: FleetRemoval) async throws(MargoError) -> ApplyResult {
        let request = Eos_Margo_V1_RemoveDeployRequest(removal)
        let response = try await withMargoErrors("EdgeNode/RemoveDeploy") {
            try await policy.retryingIdempotentCall { options in
                try await client.removeDeploy(request, options: options) { $0 }
            }
        }
        return try ApplyResult(wire: response)
    }

    /// The node's report on `deployments`, or on all of them when the list is empty.
    public func nodeStatus(deployments: [String] = []) async throws(MargoError) -> NodeStatus {
        var request = Eos_Margo_V1_GetNodeStatusRequest()
        request.deployments = deployments
        let response = try await withMargoErrors("EdgeNode/GetNodeStatus") {
            try await policy.retryingIdempotentCall { options in
                try await client.getNodeStatus(request, options: options) { $0 }
            }
        }
        return try NodeStatus(wire: response)
    }
}
