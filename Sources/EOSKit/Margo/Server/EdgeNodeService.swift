internal import EOSModel
public import GRPCCore

/// Serves an ``EdgeNodeHandler`` as the gRPC `EdgeNode` service: decodes and checks each request, calls the
/// handler with EOS types, and encodes its answer.
///
/// A request that is malformed is answered `INVALID_ARGUMENT` naming the field; a call that did not pass the
/// ``PeerIdentityInterceptor`` is answered `PERMISSION_DENIED`.
public struct EdgeNodeService<Handler: EdgeNodeHandler>: Eos_Margo_V1_EdgeNode.SimpleServiceProtocol {
    /// The node's implementation.
    public let handler: Handler

    /// Serves `handler`.
    public init(handler: Handler) { self.handler = handler }

    public func applyDeploy(
        request: Eos_Margo_V1_ApplyDeployRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_ApplyDeployResponse {
        let caller = try context.requireVerifiedPeer().identity
        let desiredState = try decoded { () throws(MargoError) in try FleetDesiredState(wire: request) }
        return try await answeringMargoErrors {
            Eos_Margo_V1_ApplyDeployResponse(try await handler.applyDeploy(desiredState, caller: caller))
        }
    }

    public func removeDeploy(
        request: Eos_Margo_V1_RemoveDeployRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_RemoveDeployResponse {
        let caller = try context.requireVerifiedPeer().identity
        let removal = try decoded { () throws(MargoError) in try FleetRemoval(wire: request) }
        return try await answeringMargoErrors {
            Eos_Margo_V1_RemoveDeployResponse(try await handler.removeDeploy(removal, caller: caller))
        }
    }

    public func getNodeStatus(
        request: Eos_Margo_V1_GetNodeStatusRequest, context: ServerContext
    ) async throws -> Eos_Margo_V1_GetNodeStatusResponse {
        let caller = try context.requireVerifiedPeer().identity
        return try await answeringMargoErrors {
            var response = Eos_Margo_V1_GetNodeStatusResponse()
            response.status = try await handler.nodeStatus(deployments: request.deployments, caller: caller).wire
            return response
        }
    }
}

/// Decodes a request, answering a malformed one `INVALID_ARGUMENT` with the field's name.
func decoded<Value>(_ decode: () throws(MargoError) -> Value) throws(RPCError) -> Value {
    do {
        return try decode()
    } catch {
        throw RPCError(code: .invalidArgument, message: error.message)
    }
}
