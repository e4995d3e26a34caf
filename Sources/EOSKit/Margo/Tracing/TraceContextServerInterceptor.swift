public import GRPCCore
internal import Instrumentation
internal import ServiceContextModule
internal import Tracing

/// Continues the caller's trace: reads the trace context from the call's metadata and runs the method in a server
/// span named after it (`eos.margo.v1.LocalOrchestrator/DeployFleet`), so what the handler does, and what it
/// remembers for later, belongs to the caller's trace. With no tracer bootstrapped it costs a metadata lookup.
public struct TraceContextServerInterceptor: ServerInterceptor {
    /// Which tier serves: `central`, `site` or `node`, recorded on every span as `eos.tier`.
    public let tier: String

    /// An interceptor for the server of `tier`.
    public init(tier: String) { self.tier = tier }

    /// Runs the method in a server span, child of the caller's.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        var traceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.metadata, into: &traceContext, using: MetadataExtractor())
        let method = context.descriptor.fullyQualifiedMethod
        return try await withSpan(method, context: traceContext, ofKind: .server) { span in
            span.attributes["rpc.system"] = "grpc"
            span.attributes["rpc.service"] = context.descriptor.service.fullyQualifiedService
            span.attributes["rpc.method"] = context.descriptor.method
            span.attributes["eos.tier"] = tier
            return try await next(request, context)
        }
    }
}
