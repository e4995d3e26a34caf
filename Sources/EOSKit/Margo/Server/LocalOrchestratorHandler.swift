public import EOSModel
public import EOSSecurity

/// What a Local Orchestrator does when the Central Orchestrator calls it: the `LocalOrchestrator` service in EOS's
/// own types.
///
/// The LO implements this; ``LocalOrchestratorService`` serves it over gRPC. Calls arrive from the central identity
/// only (the peer-identity interceptor has checked). Throw a ``MargoError`` to answer with its status.
public protocol LocalOrchestratorHandler: Sendable {
    /// Takes one generation of a deployment for the site: the nodes it names (one rollout wave), or every
    /// matching node when it names none. The same generation again is a no-op; an older one is refused.
    func deployFleet(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult

    /// Removes a deployment from every node of the site.
    func removeFleet(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult

    /// The site's current view of `deployments` (all when empty): each node's reports and liveness.
    func siteStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> SiteStatus
}
