public import Foundation

/// A sign-in at an OpenID Connect provider that a client keeps: the tokens, and what renews them without a person.
///
/// `eosctl login` stores one; a controller of an embedder's own that calls the central as a robot keeps one the same
/// way. ``renewedIfNeeded(margin:now:)`` renews it before the access token expires: by the refresh token, else by
/// client credentials with the stored secret.
public struct OIDCLogin: Codable, Sendable, Equatable {
    /// The issuer signed in at.
    public var issuer: URL
    /// The client signed in through.
    public var clientID: String
    /// The client's secret, kept only for a client-credentials sign-in, so a robot's token renews without a person.
    public var clientSecret: String?
    /// The scopes asked for.
    public var scope: String?
    /// The bearer token for the central's API.
    public var accessToken: String
    /// The token that renews ``accessToken``, when the grant gave one.
    public var refreshToken: String?
    /// When ``accessToken`` expires.
    public var expiresAt: Date

    /// The login for `tokens` just issued at `issuer`.
    public init(
        issuer: URL, clientID: String, clientSecret: String? = nil, scope: String? = nil, tokens: OAuthTokens,
        now: Date = Date()
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.accessToken = tokens.accessToken
        self.refreshToken = tokens.refreshToken
        self.expiresAt = Self.expiry(of: tokens, now: now)
    }

    /// This login when its access token lasts longer than `margin`; otherwise a renewed one (nil means no renewal
    /// was needed). A provider that refuses, or a login with neither a refresh token nor a secret, is a
    /// ``SecurityError/Code/signInRefused`` error: the user must sign in again.
    public func renewedIfNeeded(
        margin: TimeInterval = 60, now: Date = Date(), provider: OIDCProviderClient? = nil
    ) async throws(SecurityError) -> OIDCLogin? {
        guard expiresAt.timeIntervalSince(now) <= margin else { return nil }
        let provider = provider ?? OIDCProviderClient(issuer: issuer)
        let tokens: OAuthTokens
        if let refreshToken {
            tokens = try await provider.requestTokens(.refreshToken(refreshToken), clientID: clientID)
        } else if let clientSecret {
            tokens = try await provider.requestTokens(
                .clientCredentials(scope: scope), clientID: clientID, clientSecret: clientSecret)
        } else {
            throw SecurityError(code: .signInRefused, message: "the token expired and cannot be renewed")
        }
        var renewed = self
        renewed.accessToken = tokens.accessToken
        renewed.refreshToken = tokens.refreshToken ?? refreshToken
        renewed.expiresAt = Self.expiry(of: tokens, now: now)
        return renewed
    }

    /// When `tokens`' access token expires: `expires_in` from now, else its `exp`, else in five minutes.
    private static func expiry(of tokens: OAuthTokens, now: Date) -> Date {
        if let seconds = tokens.expiresIn { return now.addingTimeInterval(TimeInterval(seconds)) }
        if let exp = AccessTokenClaims.unverified(from: tokens.accessToken)?.expiresAt {
            return Date(timeIntervalSince1970: exp)
        }
        return now.addingTimeInterval(300)
    }
}
