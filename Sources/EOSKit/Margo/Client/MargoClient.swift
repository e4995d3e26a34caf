public import EOSModel
public import GRPCCore

/// Calls a site's `LocalOrchestrator` service from the Central Orchestrator (or a custom controller), in EOS's own
/// types.
///
/// Every call has the policy's deadline; all three calls are idempotent (a deploy is keyed by generation) and
/// are retried on `UNAVAILABLE` with jittered exponential backoff. Failures arrive as ``MargoError``.
public struct MargoClient<Transport: ClientTransport>: Sendable {
    private let client: Eos_Margo_V1_LocalOrchestrator.Client<Transport>
    /// Deadlines and retries.
    public let policy: MargoCallPolicy

    /// Calls through `client`, which must be running its connections.
    public init(_ client: GRPCClient<Transport>, policy: MargoCallPolicy = .standard) {
        self.client = Eos_Margo_V1_LocalOrchestrator.Client(wrapping: client)
        self.policy = policy
    }

    /// Hands the site one generation of a deployment (one wave of it when `nodeIDs` are set).
    public func deployFleet(_ desiredState: FleetDesiredState) async throws(MargoError) -> ApplyResult {
        let request = Eos_Margo_V1_DeployFleetRequest(desiredState)
        let response = try await withMargoErrors("LocalOrchestrator/DeployFleet") {
            try await policy.retryingIdempotentCall { options in
                try await client.deployFleet(request, options: options) { $0 }
            }
        }
        return try ApplyResult(wire: response)
    }

    /// Removes a deployment from the site.
    public func removeFleet(_ removal: FleetRemoval) async throws(MargoError) -> ApplyResult {
        let request = Eos_Margo_V1_RemoveFleetRequest(removal)
        let response = try await withMargoErrors("LocalOrchestrator/RemoveFleet") {
            try await policy.retryingIdempotentCall { options in
                try await client.removeFleet(request, options: options) { $0 }
            }
        }
        return try ApplyResult(wire: response)
    }

    /// The site's view of `deployments`, or of all of them when the list is empty.
    public func siteStatus(deployments: [String] = []) async throws(MargoError) -> SiteStatus {
        var request = Eos_Margo_V1_GetSiteStatusRequest()
        request.deployments = deployments
        let response = try await withMargoErrors("LocalOrchestrator/GetSiteStatus") {
            try await policy.retryingIdempotentCall { options in
                try await client.getSiteStatus(request, options: options) { $0 }
            }
        }
        return try SiteStatus(wire: response)
    }
}
