public import EOSSecurity
public import Hummingbird

/// Finds who sent each request from its `Authorization: Bearer TOKEN` header, through a ``UserAuthenticator``, and
/// puts the user in the context for the routes to check their permission.
///
/// A missing or refused token is a 401 `application/problem+json` whose detail says why, with `WWW-Authenticate`
/// as RFC 6750 §3 gives it (`error="invalid_token"` and the reason when a token was sent). When the identity provider
/// cannot be asked for its keys the answer is 503. The `exempt` paths (the probes) and the paths under
/// `exemptPrefixes` (the portal's files) pass without a token.
public struct AuthenticationMiddleware: RouterMiddleware {
    /// The central's request context.
    public typealias Context = CentralRequestContext

    private let authenticator: any UserAuthenticator
    private let exempt: Set<String>
    private let exemptPrefixes: [String]

    /// Authenticates every request but those to the `exempt` paths and to paths that start with an
    /// `exemptPrefixes` entry.
    public init(authenticator: any UserAuthenticator, exempt: Set<String>, exemptPrefixes: [String] = []) {
        self.authenticator = authenticator
        self.exempt = exempt
        self.exemptPrefixes = exemptPrefixes
    }

    /// Handles one request, passing it on to `next` with the user in its context.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if exempt.contains(path) || exemptPrefixes.contains(where: { path.hasPrefix($0) }) {
            return try await next(request, context)
        }
        var token: String?
        if let header = request.headers[.authorization] {
            let scheme = header.prefix(7).lowercased()
            guard scheme == "bearer " else {
                return Self.refuse("the Authorization header must be 'Bearer TOKEN'", tokenSent: true)
            }
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        var context = context
        do {
            context.user = try await authenticator.authenticate(bearerToken: token)
        } catch  where error.code == .providerUnavailable {
            context.logger.error(
                "cannot authenticate: the identity provider is unavailable", metadata: ["error": "\(error)"])
            return ProblemDetails(
                .serviceUnavailable, "the identity provider cannot be asked to verify the token: \(error.message)"
            ).response()
        } catch {
            context.logger.info(
                "refused a request", metadata: ["path": "\(request.uri.path)", "reason": "\(error.message)"])
            return Self.refuse(error.message, tokenSent: token != nil)
        }
        return try await next(request, context)
    }

    private static func refuse(_ detail: String, tokenSent: Bool) -> Response {
        var response = ProblemDetails(.unauthorized, detail).response()
        var challenge = "Bearer realm=\"eos\""
        if tokenSent {
            let description = detail.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\\", with: "/")
            challenge += ", error=\"invalid_token\", error_description=\"\(description)\""
        }
        response.headers[.wwwAuthenticate] = challenge
        return response
    }
}
