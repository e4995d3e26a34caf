public import Hummingbird

/// Counts every request the API answers into ``CentralMetrics``, by method, route and status code, with its
/// duration. It sits outermost, so it sees the status a client received, problems included.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics: CentralMetrics

    /// Counts into `metrics`.
    public init(metrics: CentralMetrics) {
        self.metrics = metrics
    }

    /// Handles one request, passing it on to `next`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.recordRequest(
                method: request.method.rawValue, route: route, status: response.status.code,
                duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(
                method: request.method.rawValue, route: route, status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
