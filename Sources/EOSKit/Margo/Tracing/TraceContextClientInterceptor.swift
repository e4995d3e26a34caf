public import GRPCCore
internal import Instrumentation
internal import ServiceContextModule

/// Carries the caller's trace context to the callee in the call's metadata, as W3C `traceparent` and `tracestate`
/// (whatever the bootstrapped instrument writes): a rollout's spans on the central, the site and the node then share
/// one trace id. With no tracer bootstrapped it writes nothing.
public struct TraceContextClientInterceptor: ClientInterceptor {
    /// An interceptor for every EOS client.
    public init() {}

    /// Writes the current trace context into the request's metadata.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>, context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        guard let current = ServiceContext.current else { return try await next(request, context) }
        var request = request
        InstrumentationSystem.instrument.inject(current, into: &request.metadata, using: MetadataInjector())
        return try await next(request, context)
    }
}

/// Writes trace headers into gRPC metadata.
struct MetadataInjector: Injector {
    func inject(_ value: String, forKey key: String, into metadata: inout Metadata) {
        metadata.replaceOrAddString(value, forKey: key)
    }
}

/// Reads trace headers from gRPC metadata.
struct MetadataExtractor: Extractor {
    func extract(key: String, from metadata: Metadata) -> String? {
        metadata[stringValues: key].first(where: { _ in true })
    }
}
