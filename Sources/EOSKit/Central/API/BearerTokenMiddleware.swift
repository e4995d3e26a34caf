public import Hummingbird

/// Lets through only requests that carry `Authorization: Bearer TOKEN` with the one static token the central was
/// started with (the token `eosd dev` prints). A missing or wrong token is a 401 with `WWW-Authenticate`.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: String
    private let exempt: Set<String>

    /// Requires `token` on every path but the `exempt` ones (the probes).
    public init(token: String, exempt: Set<String> = ["/healthz", "/readyz"]) {
        self.token = token
        self.exempt = exempt
    }

    /// Handles one request, passing it on to `next`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if exempt.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            return Self.refuse("this request needs 'Authorization: Bearer TOKEN'")
        }
        guard header.hasPrefix("Bearer "), header.dropFirst("Bearer ".count) == token else {
            return Self.refuse("the bearer token is not valid")
        }
        return try await next(request, context)
    }

    private static func refuse(_ detail: String) -> Response {
        var response = ProblemDetails(.unauthorized, detail).response()
        response.headers[.wwwAuthenticate] = "Bearer realm=\"eos\""
        return response
    }
}
