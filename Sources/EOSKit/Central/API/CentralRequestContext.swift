public import EOSSecurity
public import Hummingbird

/// The request context of the central's API: Hummingbird's, plus the user ``AuthenticationMiddleware`` found.
public struct CentralRequestContext: RequestContext {
    /// Hummingbird's own context.
    public var coreContext: CoreRequestContextStorage
    /// Who sent the request; nil on the routes that need no token (the probes, `/metrics`, `/openapi.yaml`).
    public var user: AuthenticatedUser?

    /// A context for a request from `source`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
