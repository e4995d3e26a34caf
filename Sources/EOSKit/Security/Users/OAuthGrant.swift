/// A way to get tokens at a provider's token endpoint.
public enum OAuthGrant: Sendable, Hashable {
    /// The client's own tokens, for a robot: needs a client secret (RFC 6749 §4.4).
    case clientCredentials(scope: String?)
    /// The tokens a user approved on another device (RFC 8628 §3.4).
    case deviceCode(String)
    /// New tokens for a refresh token (RFC 6749 §6).
    case refreshToken(String)

    /// The form fields of the token request, the client's own excluded.
    var fields: [(String, String)] {
        switch self {
        case .clientCredentials(let scope):
            [("grant_type", "client_credentials")] + (scope.map { [("scope", $0)] } ?? [])
        case .deviceCode(let code):
            [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", code)]
        case .refreshToken(let token):
            [("grant_type", "refresh_token"), ("refresh_token", token)]
        }
    }
}
