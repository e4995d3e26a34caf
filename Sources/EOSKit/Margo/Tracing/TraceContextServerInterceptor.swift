public import GRPCCore
internal import Instrumentation
internal import ServiceContextModule
internal import Tracing

/// Continues the caller's trace: reads the trace context from the call's metadata and runs the method in a server
/// span named after it (`eos.margo.v1.LocalOrchestrator/DeployFleet`), so what the handler does, and what it
/// remembers for later, belongs to the caller's trace. With no instrument bootstrapped it passes the call on as it is.
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
        guard isTracing else { return try await next(request, context) }
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
    guard isTracing else { return try await body() }
    return try await withSpan("\(service)/\(method)", context: context, ofKind: .server) { span in
        span.attributes["rpc.system"] = "grpc"
        span.attributes["rpc.service"] = service
        span.attributes["rpc.method"] = method
        span.attributes["eos.tier"] = tier
        return try await body()
    }
}

/// Whether an instrument is bootstrapped. With none, a span and the trace context it binds to the task would only cost
/// each call the memory of their frames: for a stream as long as a node's connection, for as long as it lasts, and
/// for a site whose 500 nodes report at once, 500 times over.
var isTracing: Bool {
    !(InstrumentationSystem.instrument is NoOpInstrument)
}
