/// Tokens from a provider's token endpoint (RFC 6749 §5.1).
public struct OAuthTokens: Codable, Sendable, Equatable {
    /// The access token: what the central's API takes as a bearer token.
    public var accessToken: String
    /// `Bearer`.
    public var tokenType: String
    /// How long the access token lasts, in seconds, when the provider says.
    public var expiresIn: Int?
    /// The token that gets a new access token without signing in again, when the grant gives one.
    public var refreshToken: String?
    /// The scopes granted.
    public var scope: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }

    /// Tokens.
    public init(
        accessToken: String, tokenType: String = "Bearer", expiresIn: Int? = nil, refreshToken: String? = nil,
        scope: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.scope = scope
    }
}
