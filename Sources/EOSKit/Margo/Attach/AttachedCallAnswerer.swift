internal import EOSModel
internal import EOSSecurity
internal import GRPCCore
internal import Instrumentation
internal import Logging
internal import Metrics
internal import ServiceContextModule

/// Answers the calls a parent sends down `Upstream.Attach` with a node's ``EdgeNodeHandler``, as
/// ``EdgeNodeService`` behind the ``PeerIdentityInterceptor`` answers the same calls on `EdgeNode`.
///
/// The caller is the server the node's connection verified. A call the node's policy refuses (the server is not
/// the node's parent) fails `PERMISSION_DENIED`, logged and counted like the interceptor's refusals; a malformed
/// call `INVALID_ARGUMENT` naming the field. Each call runs in a server span that continues the parent's trace.
struct AttachedCallAnswerer<Handler: EdgeNodeHandler>: Sendable {
    let handler: Handler
    /// The identity of the server the stream runs to, as its certificate was verified.
    let server: @Sendable () -> SPIFFEIdentity?
    /// The node's policy, as it stands now.
    let authorization: @Sendable () -> PeerAuthorization
    let logger: Logger

    /// The answer to `call`: the handler's, or the failure.
    func answer(_ call: Eos_Margo_V1_ParentCall) async -> Eos_Margo_V1_ChildAnswer {
        var answer = Eos_Margo_V1_ChildAnswer()
        answer.id = call.id
        do {
            answer.answer = try await outcome(of: call)
        } catch {
            answer.failure = Eos_Margo_V1_CallFailure(error)
        }
        return answer
    }

    private func outcome(of call: Eos_Margo_V1_ParentCall) async throws -> Eos_Margo_V1_ChildAnswer.OneOf_Answer {
        guard let body = call.call else {
            throw RPCError(code: .invalidArgument, message: "call: required")
        }
        let rpc: MargoRPC =
            switch body {
            case .applyDeploy: .applyDeploy
            case .removeDeploy: .removeDeploy
            case .getNodeStatus: .getNodeStatus
            }
        let caller = try authorized(rpc)
        var context = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(call.traceContext, into: &context, using: TraceContextMap())
        return try await withServerSpan(
            service: "\(MargoRPC.protoPackage).\(rpc.service.rawValue)", method: rpc.method, tier: "node",
            context: context
        ) {
            switch body {
            case .applyDeploy(let request):
                let desiredState = try decoded { () throws(MargoError) in try FleetDesiredState(wire: request) }
                return try await answeringMargoErrors {
                    .applyDeploy(
                        Eos_Margo_V1_ApplyDeployResponse(try await handler.applyDeploy(desiredState, caller: caller)))
                }
            case .removeDeploy(let request):
                let removal = try decoded { () throws(MargoError) in try FleetRemoval(wire: request) }
                return try await answeringMargoErrors {
                    .removeDeploy(
                        Eos_Margo_V1_RemoveDeployResponse(try await handler.removeDeploy(removal, caller: caller)))
                }
            case .getNodeStatus(let request):
                return try await answeringMargoErrors {
                    var response = Eos_Margo_V1_GetNodeStatusResponse()
                    response.status = try await handler.nodeStatus(deployments: request.deployments, caller: caller)
                        .wire
                    return .getNodeStatus(response)
                }
            }
        }
    }

    /// The caller, when the node's policy lets it make `rpc`.
    private func authorized(_ rpc: MargoRPC) throws(RPCError) -> SPIFFEIdentity {
        let caller = server()
        let reason: String
        switch (authorization().decide(rpc, caller: caller), caller) {
        case (.allow, let caller?): return caller
        case (.allow, nil): reason = "the identity of the server the node reached is not known"
        case (.deny(let denial), _): reason = denial
        }
        Counter(label: PeerIdentityInterceptor.denialsMetric, dimensions: [("method", "\(rpc)")]).increment()
        logger.warning("refused a call", metadata: ["method": "\(rpc)", "reason": "\(reason)", "stream": "Attach"])
        throw RPCError(code: .permissionDenied, message: "permission denied: \(reason)")
    }
}
