/// Turns the bearer token of an API request into the user who sent it.
///
/// The central's REST and GraphQL APIs call an authenticator once per request. EOS ships three:
/// ``OIDCTokenVerifier`` (JWT access tokens from Keycloak or another OpenID Connect provider),
/// ``StaticTokenAuthenticator`` (one shared token, as `eosd dev` prints) and ``UnauthenticatedAccess`` (no
/// authentication, for a closed lab). An embedder may write its own.
public protocol UserAuthenticator: Sendable {
    /// The user a request's bearer token names; `token` is nil when the request carries none. Throws a
    /// ``SecurityError/Code/unauthenticated`` error saying why a token is refused, or
    /// ``SecurityError/Code/providerUnavailable`` when the identity provider cannot be asked.
    func authenticate(bearerToken token: String?) async throws(SecurityError) -> AuthenticatedUser

    /// The names of EOS's roles, for refusals to name the role a permission needs.
    var roleNames: RoleNames { get }
}

extension UserAuthenticator {
    /// EOS's default role names.
    public var roleNames: RoleNames { RoleNames() }
}
