import EOSKit
import Foundation
import Logging

/// How `eosd central` authenticates its API's users: exactly one of an OIDC issuer, a static dev token, or no
/// authentication at all, which must be asked for by name.
enum CentralAccess {
    /// The keys of these settings in the configuration file.
    static let keys: Set<String> = [
        "dev-token", "insecure-no-auth", "oidc-issuer", "oidc-audience", "oidc-role-client", "oidc-admin-role",
        "oidc-operator-role", "oidc-viewer-role", "portal-client-id",
    ]

    /// Tokens from an OpenID Connect provider such as Keycloak; the portal signs users in there as `portalClient`.
    case oidc(OIDCConfiguration, portalClient: String)
    /// One shared administrator token.
    case devToken(String)
    /// Anyone is an administrator.
    case insecureNoAuthentication

    /// The choice the flags, variables and file make; none, or more than one, is a configuration error.
    init(_ options: CentralCommand, sources: DaemonSettings) throws(DaemonFailure) {
        let token = try sources.value("dev-token", flag: options.devToken, SettingParsers.nonEmpty)
        let insecure =
            try sources.value(
                "insecure-no-auth", flag: options.insecureNoAuth ? "true" : nil, SettingParsers.boolean) ?? false
        let issuer = try sources.value("oidc-issuer", flag: options.oidcIssuer, SettingParsers.httpURL)
        let chosen = [
            issuer != nil ? "--oidc-issuer" : nil, token != nil ? "--dev-token" : nil,
            insecure ? "--insecure-no-auth" : nil,
        ]
        .compactMap { $0 }
        guard chosen.count == 1 else {
            throw .configuration(
                chosen.isEmpty
                    ? "the REST API needs --oidc-issuer URL --oidc-audience AUD (users of an OpenID Connect provider "
                        + "such as Keycloak), --dev-token TOKEN, or --insecure-no-auth to serve it without "
                        + "authentication"
                    : "choose one of \(chosen.joined(separator: ", ")): they are different ways to authenticate")
        }
        if let issuer {
            let audience = try sources.value("oidc-audience", flag: options.oidcAudience, SettingParsers.nonEmpty)
            guard let audience else {
                throw .configuration("--oidc-audience is required with --oidc-issuer: the client id tokens are for")
            }
            let defaults = RoleNames()
            let roleNames = RoleNames(
                admin: try sources.value("oidc-admin-role", flag: options.oidcAdminRole, SettingParsers.nonEmpty)
                    ?? defaults.admin,
                operator: try sources.value(
                    "oidc-operator-role", flag: options.oidcOperatorRole, SettingParsers.nonEmpty) ?? defaults.operator,
                viewer: try sources.value("oidc-viewer-role", flag: options.oidcViewerRole, SettingParsers.nonEmpty)
                    ?? defaults.viewer)
            self = .oidc(
                OIDCConfiguration(
                    issuer: issuer, audience: audience,
                    roleClient: try sources.value(
                        "oidc-role-client", flag: options.oidcRoleClient, SettingParsers.nonEmpty),
                    roleNames: roleNames),
                portalClient: try sources.value(
                    "portal-client-id", flag: options.portalClientId, SettingParsers.nonEmpty) ?? "eos-portal")
        } else if let token {
            self = .devToken(token)
        } else {
            self = .insecureNoAuthentication
        }
    }

    /// How the portal signs users in: at the OIDC provider, or with a pasted token.
    var portalSignIn: PortalSignIn {
        if case .oidc(let configuration, let client) = self {
            return .openIDConnect(issuer: configuration.issuer, clientID: client)
        }
        return .token
    }

    /// The authenticator this choice makes; an OIDC verifier fetches the provider's keys first, and a provider that
    /// cannot be reached is logged, not fatal: the keys are fetched again at the first request.
    func authenticator(logger: Logger) async -> any UserAuthenticator {
        switch self {
        case .oidc(let configuration, _):
            let verifier = OIDCTokenVerifier(configuration: configuration, logger: logger)
            do {
                try await verifier.prepare()
            } catch {
                logger.error(
                    "the identity provider's keys could not be fetched; requests are refused until they are",
                    metadata: ["issuer": "\(configuration.issuerString)", "error": "\(error)"])
            }
            if configuration.issuer.scheme?.lowercased() == "http" {
                logger.warning(
                    "the OIDC issuer is plain http: tokens and keys cross the network unprotected",
                    metadata: ["issuer": "\(configuration.issuerString)"])
            }
            return verifier
        case .devToken(let token):
            return StaticTokenAuthenticator(token: token)
        case .insecureNoAuthentication:
            logger.warning("the REST API is served WITHOUT AUTHENTICATION (--insecure-no-auth): anyone can deploy")
            return UnauthenticatedAccess(logger: logger)
        }
    }
}
