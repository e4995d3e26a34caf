public import Logging

/// No authentication: every request, with or without a token, acts as an administrator named `anonymous`. For a
/// closed lab network only; every request logs a warning saying so (`eosd central --insecure-no-auth`).
public struct UnauthenticatedAccess: UserAuthenticator {
    private let logger: Logger

    /// Open access that warns through `logger` on every request.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// The anonymous administrator.
    public func authenticate(bearerToken token: String?) async throws(SecurityError) -> AuthenticatedUser {
        logger.warning("API request served WITHOUT AUTHENTICATION (--insecure-no-auth): anyone can change the fleet")
        return .administrator(named: "anonymous")
    }
}
