public import Foundation

/// What an OpenID Connect provider says about itself at `ISSUER/.well-known/openid-configuration`: the parts EOS
/// uses.
public struct OIDCProviderMetadata: Codable, Sendable, Equatable {
    /// The issuer; discovery requires it to equal the URL it was discovered from.
    public var issuer: String
    /// Where the signing keys are (JWKS).
    public var jwksURI: URL
    /// Where tokens are issued.
    public var tokenEndpoint: URL
    /// Where the device authorization grant starts, when the provider offers it.
    public var deviceAuthorizationEndpoint: URL?

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case tokenEndpoint = "token_endpoint"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
    }

    /// Metadata.
    public init(issuer: String, jwksURI: URL, tokenEndpoint: URL, deviceAuthorizationEndpoint: URL? = nil) {
        self.issuer = issuer
        self.jwksURI = jwksURI
        self.tokenEndpoint = tokenEndpoint
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
    }
}
