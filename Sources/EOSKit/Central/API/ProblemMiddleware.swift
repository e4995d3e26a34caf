internal import EOSModel
public import Hummingbird
internal import Logging

/// Turns every error a route throws into `application/problem+json`: ``ProblemDetails`` as they are, the
/// registry's and the central's errors by their meaning, Hummingbird's HTTP errors by their status, anything else
/// as a 500 whose detail is logged, not shown.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Handles one request, passing it on to `next`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            return problem.response()
        } catch let error as FleetRegistryError {
            switch error.code {
            case .notFound: return ProblemDetails(.notFound, error.message).response()
            case .conflict: return ProblemDetails(.conflict, error.message).response()
            case .storage:
                context.logger.error("the registry failed", metadata: ["error": "\(error)"])
                return ProblemDetails(.serviceUnavailable, "the fleet registry cannot be read or written now")
                    .response()
            }
        } catch let error as CentralOrchestratorError {
            return ProblemDetails(.conflict, error.message).response()
        } catch let error as HTTPError {
            return ProblemDetails(error.status, error.body ?? error.status.reasonPhrase).response()
        } catch {
            context.logger.error(
                "a request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return ProblemDetails(.internalServerError, "the central could not answer; see its log").response()
        }
    }
}
