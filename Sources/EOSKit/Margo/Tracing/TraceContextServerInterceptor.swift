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
        return try await withServerSpan(
            service: context.descriptor.service.fullyQualifiedService, method: context.descriptor.method, tier: tier,
            context: traceContext
        ) { try await next(request, context) }
    }
}

/// Runs `body` in a server span named `service/method`, child of the trace in `context`, with the attributes every
/// EOS server span carries: the interceptor's, and those of calls a node takes on `Upstream.Attach`.
func withServerSpan<Result>(
    service: String, method: String, tier: String, context: ServiceContext, _ body: () async throws -> Result
) async throws -> Result {
    try await withSpan("\(service)/\(method)", context: context, ofKind: .server) { span in
        span.attributes["rpc.system"] = "grpc"
        span.attributes["rpc.service"] = service
        span.attributes["rpc.method"] = method
        span.attributes["eos.tier"] = tier
        return try await body()
    }
}
