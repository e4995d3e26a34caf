import ArgumentParser
import EOSKit
import Foundation

/// `eosctl login`: signs in at the fleet's OpenID Connect provider (Keycloak) and stores the token for the other
/// commands.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in at the fleet's OpenID Connect provider (Keycloak) and store the token.",
        discussion: """
            Without --client-secret this is the OAuth 2.0 device authorization grant: eosctl prints a URL and a \
            code, you approve the sign-in in a browser (on any device), and eosctl waits for it. With \
            --client-secret it is the client credentials grant, for robots such as CI jobs. The token is stored in \
            ~/.config/eos/credentials.json ($XDG_CONFIG_HOME/eos/ when set), readable by you only, together with \
            the refresh token, or the client secret, that renews it. The other commands use it when neither \
            --token, EOS_TOKEN nor the config file's token is set, and renew it when it expires within a minute.
            """
    )

    @Option(help: ArgumentHelp("The issuer, e.g. https://HOST/realms/REALM.", valueName: "url"))
    var issuer: String

    @Option(help: ArgumentHelp("The client to sign in through, e.g. eosctl.", valueName: "id"))
    var clientID: String

    @Option(help: ArgumentHelp("A confidential client's secret: sign in as the client itself.", valueName: "secret"))
    var clientSecret: String?

    @Option(help: ArgumentHelp("The scopes to ask for (default: openid for the device grant).", valueName: "scopes"))
    var scope: String?

    func validate() throws {
        guard let url = URL(string: issuer), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme),
            url.host != nil
        else {
            throw ValidationError("--issuer \"\(issuer)\" is not an https:// URL with a host")
        }
        guard !clientID.isEmpty else { throw ValidationError("--client-id is empty") }
        if clientSecret?.isEmpty == true { throw ValidationError("--client-secret is empty") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let issuerURL = URL(string: issuer) else { throw ValidationError("--issuer is not a URL") }
        let provider = OIDCProviderClient(issuer: issuerURL)
        let tokens: OAuthTokens
        do {
            if let clientSecret {
                tokens = try await provider.requestTokens(
                    .clientCredentials(scope: scope), clientID: clientID, clientSecret: clientSecret)
            } else {
                let authorization = try await provider.startDeviceAuthorization(
                    clientID: clientID, scope: scope ?? "openid")
                Console.error(Self.instructions(for: authorization))
                tokens = try await provider.waitForDeviceTokens(authorization, clientID: clientID)
            }
        } catch {
            throw RequestFailure.report("sign-in at \(issuer) failed: \(error.message)")
        }
        let login = OIDCLogin(
            issuer: issuerURL, clientID: clientID, clientSecret: clientSecret, scope: scope, tokens: tokens)
        try StoredLogin.write(login, environment: environment)
        let claims = AccessTokenClaims.unverified(from: tokens.accessToken)
        let name = claims?.preferredUsername ?? claims?.subject ?? clientID
        Console.out(
            "signed in to \(issuer) as \(name); the token is stored in "
                + "\(StoredLogin.path(environment: environment).path)\n")
    }

    /// What the user is asked to do for the device grant.
    static func instructions(for authorization: DeviceAuthorization) -> String {
        var text =
            "To sign in, open \(authorization.verificationURI.absoluteString) and enter the code "
            + "\(authorization.userCode)\n"
        if let complete = authorization.verificationURIComplete {
            text += "(or open \(complete.absoluteString))\n"
        }
        return text + "Waiting for the sign-in to be approved...\n"
    }
}

/// `eosctl logout`: forgets the stored login.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Forget the token eosctl login stored.")

    func run() async throws {
        let path = StoredLogin.path(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: path.path) else {
            Console.out("not signed in\n")
            return
        }
        do {
            try FileManager.default.removeItem(at: path)
        } catch {
            throw UsageFailure("\(path.path): cannot be removed: \(error.localizedDescription)")
        }
        Console.out("signed out: removed \(path.path)\n")
    }
}
