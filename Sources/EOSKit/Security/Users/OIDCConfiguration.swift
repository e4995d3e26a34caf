public import Foundation

/// How the central verifies users' access tokens from an OpenID Connect provider such as Keycloak.
public struct OIDCConfiguration: Sendable, Hashable {
    /// The signature algorithms EOS accepts: RSA and ECDSA only. `none` and HMAC are never accepted, whatever this
    /// set holds.
    public static let supportedAlgorithms: Set<String> = ["RS256", "ES256"]

    /// The issuer, exactly as tokens name it in `iss` (for Keycloak `https://HOST/realms/REALM`). Discovery reads
    /// `ISSUER/.well-known/openid-configuration`.
    public var issuer: URL
    /// The audience a token must be for: its `aud` holds it, or its `azp` is it.
    public var audience: String
    /// The client whose `resource_access.<client>.roles` count besides `realm_access.roles`; the audience by default.
    public var roleClient: String
    /// The names of EOS's roles.
    public var roleNames: RoleNames
    /// The algorithms accepted, a subset of ``supportedAlgorithms``.
    public var allowedAlgorithms: Set<String>
    /// How far `exp` and `nbf` may be off, for clocks that disagree a little.
    public var clockSkew: Duration
    /// The shortest time between two fetches of the provider's keys, so that tokens naming unknown keys cannot make
    /// the central flood the provider.
    public var minimumKeyRefetchInterval: Duration
    /// How long a request to the provider may take.
    public var requestTimeout: Duration

    /// A configuration for tokens from `issuer` for `audience`.
    public init(
        issuer: URL, audience: String, roleClient: String? = nil, roleNames: RoleNames = RoleNames(),
        allowedAlgorithms: Set<String> = supportedAlgorithms, clockSkew: Duration = .seconds(60),
        minimumKeyRefetchInterval: Duration = .seconds(10), requestTimeout: Duration = .seconds(10)
    ) {
        self.issuer = issuer
        self.audience = audience
        self.roleClient = roleClient ?? audience
        self.roleNames = roleNames
        self.allowedAlgorithms = allowedAlgorithms.intersection(Self.supportedAlgorithms)
        self.clockSkew = clockSkew
        self.minimumKeyRefetchInterval = minimumKeyRefetchInterval
        self.requestTimeout = requestTimeout
    }

    /// The issuer as text, without a trailing slash, which is how `iss` must read.
    public var issuerString: String { Self.issuerString(issuer) }

    /// `issuer` as text without a trailing slash: the form discovery's `issuer` and tokens' `iss` are compared in.
    public static func issuerString(_ issuer: URL) -> String { issuerString(issuer.absoluteString) }

    /// An issuer's text without a trailing slash.
    static func issuerString(_ text: String) -> String {
        text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
