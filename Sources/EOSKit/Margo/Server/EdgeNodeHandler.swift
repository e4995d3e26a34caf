public import EOSModel
public import EOSSecurity

/// What an Edge Node does when its parent calls it: the `EdgeNode` service in EOS's own types.
///
/// The EN agent implements this; ``EdgeNodeService`` serves it over gRPC. Every call arrives from the node's
/// parent only (the peer-identity interceptor has checked), with the caller's identity for logs and audits. Throw
/// a ``MargoError`` to answer with its status: `.staleGeneration` for an older generation than the one applied.
public protocol EdgeNodeHandler: Sendable {
    /// Converges the node to one generation of a deployment. Applying the generation it has is a no-op
    /// (`unchanged`); an older generation is refused (`stale`).
    func applyDeploy(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult

    /// Stops and deletes a deployment's workloads.
    func removeDeploy(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult

    /// The node's current report on `deployments`, or on every deployment it holds when the list is empty.
    func nodeStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> NodeStatus
}
