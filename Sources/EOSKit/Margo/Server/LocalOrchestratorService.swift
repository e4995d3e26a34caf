internal import EOSModel
public import GRPCCore

/// Serves a ``LocalOrchestratorHandler`` as the gRPC `LocalOrchestrator` service.
///
/// A malformed request is answered `INVALID_ARGUMENT` naming the field; a call that did not pass the
/// ``PeerIdentityInterceptor`` is answered `PERMISSION_DENIED`.
public struct LocalOrchestratorService<Handler: LocalOrchestratorHandler>:
    Eos_Margo_V1_LocalOrchestrator.SimpleServiceProtocol
{
    /// The site's implementation.
    public let handler: Handler

    /// Serves `handler`.
    public init(handler: Handler) { self.handler = handler }

    public func deployFleet(
        request: Eos_Margo_V1_DeployFleetRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_DeployFleetResponse {
        let caller = try context.requireVerifiedPeer().identity
        let desiredState = try decoded { () throws(MargoError) in try FleetDesiredState(wire: request) }
        return try await answeringMargoErrors {
            Eos_Margo_V1_DeployFleetResponse(try await handler.deployFleet(desiredState, caller: caller))
        }
    }

    public func removeFleet(
        request: Eos_Margo_V1_RemoveFleetRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_RemoveFleetResponse {
        let caller = try context.requireVerifiedPeer().identity
        let removal = try decoded { () throws(MargoError) in try FleetRemoval(wire: request) }
        return try await answeringMargoErrors {
            Eos_Margo_V1_RemoveFleetResponse(try await handler.removeFleet(removal, caller: caller))
        }
    }

    public func getSiteStatus(
        request: Eos_Margo_V1_GetSiteStatusRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_GetSiteStatusResponse {
        let caller = try context.requireVerifiedPeer().identity
        return try await answeringMargoErrors {
            Eos_Margo_V1_GetSiteStatusResponse(try await handler.siteStatus(deployments: request.deployments, caller: caller))
        }
    }
}
