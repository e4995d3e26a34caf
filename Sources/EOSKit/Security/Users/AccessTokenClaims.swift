internal import Foundation
public import JWTKit

/// The claims of an access token that EOS reads, shaped as Keycloak issues them.
///
/// Checking them is ``OIDCTokenVerifier``'s work, against its own clock and configuration, so that every refusal
/// says exactly which claim was wrong; decoding checks nothing.
public struct AccessTokenClaims: JWTPayload, Sendable, Equatable {
    /// Roles under `realm_access` or `resource_access.<client>`.
    public struct RoleList: Codable, Sendable, Equatable {
        /// The role names.
        public var roles: [String]?
    }

    /// `iss`: who issued the token.
    public var issuer: String?
    /// `sub`: the user's stable id.
    public var subject: String?
    /// `aud`: whom the token is for, one or several.
    public var audience: [String]
    /// `azp`: the client the token was issued to.
    public var authorizedParty: String?
    /// `exp`, seconds since 1970.
    public var expiresAt: Double?
    /// `nbf`, seconds since 1970.
    public var notBefore: Double?
    /// `iat`, seconds since 1970.
    public var issuedAt: Double?
    /// `preferred_username`.
    public var preferredUsername: String?
    /// `realm_access`.
    public var realmAccess: RoleList?
    /// `resource_access`, by client.
    public var resourceAccess: [String: RoleList]?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case subject = "sub"
        case audience = "aud"
        case authorizedParty = "azp"
        case expiresAt = "exp"
        case notBefore = "nbf"
        case issuedAt = "iat"
        case preferredUsername = "preferred_username"
        case realmAccess = "realm_access"
        case resourceAccess = "resource_access"
    }

    /// Decodes the claims; `aud` may be one string or a list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        if let one = try? container.decodeIfPresent(String.self, forKey: .audience) {
            audience = [one]
        } else {
            audience = try container.decodeIfPresent([String].self, forKey: .audience) ?? []
        }
        authorizedParty = try container.decodeIfPresent(String.self, forKey: .authorizedParty)
        expiresAt = try container.decodeIfPresent(Double.self, forKey: .expiresAt)
        notBefore = try container.decodeIfPresent(Double.self, forKey: .notBefore)
        issuedAt = try container.decodeIfPresent(Double.self, forKey: .issuedAt)
        preferredUsername = try container.decodeIfPresent(String.self, forKey: .preferredUsername)
        realmAccess = try container.decodeIfPresent(RoleList.self, forKey: .realmAccess)
        resourceAccess = try container.decodeIfPresent([String: RoleList].self, forKey: .resourceAccess)
    }

    /// Claims built in code, as a test or an embedder's own issuer makes them.
    public init(
        issuer: String?, subject: String?, audience: [String], authorizedParty: String? = nil,
        expiresAt: Double?, notBefore: Double? = nil, issuedAt: Double? = nil, preferredUsername: String? = nil,
        realmRoles: [String]? = nil, clientRoles: [String: [String]]? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.authorizedParty = authorizedParty
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.preferredUsername = preferredUsername
        self.realmAccess = realmRoles.map { RoleList(roles: $0) }
        self.resourceAccess = clientRoles?.mapValues { RoleList(roles: $0) }
    }

    /// Encodes the claims; a single audience is written as a string, as Keycloak does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(issuer, forKey: .issuer)
        try container.encodeIfPresent(subject, forKey: .subject)
        if audience.count == 1 {
            try container.encode(audience[0], forKey: .audience)
        } else if !audience.isEmpty {
            try container.encode(audience, forKey: .audience)
        }
        try container.encodeIfPresent(authorizedParty, forKey: .authorizedParty)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(notBefore, forKey: .notBefore)
        try container.encodeIfPresent(issuedAt, forKey: .issuedAt)
        try container.encodeIfPresent(preferredUsername, forKey: .preferredUsername)
        try container.encodeIfPresent(realmAccess, forKey: .realmAccess)
        try container.encodeIfPresent(resourceAccess, forKey: .resourceAccess)
    }

    /// The claims of `token` read WITHOUT verifying it, for a client to show whom a token it holds names and when it
    /// expires; nil when `token` is not a JWT. Never base a decision to trust a token on these.
    public static func unverified(from token: String) -> AccessTokenClaims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = TokenHeader.base64URLDecoded(parts[1]) else { return nil }
        return try? JSONDecoder().decode(AccessTokenClaims.self, from: data)
    }

    /// Nothing: ``OIDCTokenVerifier`` checks the claims itself.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// Every role the token carries for EOS: the realm's and the `roleClient`'s, sorted and without repeats.
    public func roles(roleClient: String) -> [String] {
        let realm = realmAccess?.roles ?? []
        let client = resourceAccess?[roleClient]?.roles ?? []
        return Array(Set(realm + client)).sorted()
    }
}
