import ArgumentParser
import EOSKit
import Foundation

/// Where the central's REST API is and the token it wants: `--server` and `--token`, else `EOS_SERVER` and
/// `EOS_TOKEN`, else `server:` and `token:` in `~/.config/eos/config.yaml` (`$XDG_CONFIG_HOME/eos/` when set), and
/// for the token last the login `eosctl login` stored, renewed when it is about to expire.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The central's REST API, such as http://127.0.0.1:8080.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The API's bearer token.", valueName: "token"))
    var token: String?

    /// A client of the server these options, the environment and the configuration file name.
    func client(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> CentralClient {
        let file = try ClientConfigurationFile.read(environment: environment)
        guard let text = server ?? environment["EOS_SERVER"] ?? file?.server else {
            throw UsageFailure(
                "no server: give --server URL, set EOS_SERVER, or write 'server: URL' in "
                    + ClientConfigurationFile.path(environment: environment))
        }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw UsageFailure("server \"\(text)\" is not an http:// or https:// address")
        }
        var token = token ?? environment["EOS_TOKEN"] ?? file?.token
        if token == nil {
            token = try await StoredLogin.currentToken(environment: environment)
        }
        return CentralClient(server: url, token: token?.isEmpty == true ? nil : token)
    }
}
