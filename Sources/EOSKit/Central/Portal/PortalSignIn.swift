internal import EOSSecurity
public import Foundation

/// How the web portal signs its users in: what `GET /portal/config.json` tells the browser.
///
/// Either way the portal ends up holding a bearer token and sends it on every API call, exactly as `eosctl` does;
/// the central verifies it with its ``UserAuthenticator`` and never learns a password.
public enum PortalSignIn: Sendable, Hashable {
    /// The user pastes a bearer token: the dev token `eosd dev` prints, or one an operator was given.
    case token
    /// The OAuth 2.0 authorization code grant with PKCE (S256) against an OpenID Connect provider such as Keycloak,
    /// as the public client `clientID`, asking for `scope`. The provider must allow the portal's origin (Keycloak:
    /// the client's Web Origins) and its address as a redirect URI. Pasting a token stays possible, for robots.
    case openIDConnect(issuer: URL, clientID: String, scope: String = "openid profile")
}

extension PortalSignIn: Encodable {
    private enum CodingKeys: String, CodingKey {
        case signIn, issuer, clientId, scope
    }

    /// `{"signIn": "token"}`, or `{"signIn": "oidc", "issuer", "clientId", "scope"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .token:
            try container.encode("token", forKey: .signIn)
        case .openIDConnect(let issuer, let clientID, let scope):
            try container.encode("oidc", forKey: .signIn)
            try container.encode(OIDCConfiguration.issuerString(issuer), forKey: .issuer)
            try container.encode(clientID, forKey: .clientId)
            try container.encode(scope, forKey: .scope)
        }
    }

    /// The origin (`scheme://host[:port]`) the browser talks to when it signs in, for the portal's
    /// Content-Security-Policy; `nil` for ``token``.
    var providerOrigin: String? {
        guard case .openIDConnect(let issuer, _, _) = self,
            let scheme = issuer.scheme?.lowercased(), let host = issuer.host
        else { return nil }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart)" + (issuer.port.map { ":\($0)" } ?? "")
    }
}
