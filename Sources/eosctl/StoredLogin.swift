import EOSKit
import Foundation

/// `~/.config/eos/credentials.json`: the ``OIDCLogin`` `eosctl login` got, kept readable by its owner only (mode
/// 0600, in a 0700 folder), and renewed before it expires.
enum StoredLogin {
    /// Where the file is: `$XDG_CONFIG_HOME/eos/credentials.json`, else `$HOME/.config/eos/credentials.json`.
    static func path(environment: [String: String]) -> URL {
        URL(fileURLWithPath: ClientConfigurationFile.path(environment: environment)).deletingLastPathComponent()
            .appendingPathComponent("credentials.json")
    }

    /// The stored login, or nil when there is none.
    static func read(environment: [String: String]) throws -> OIDCLogin? {
        let path = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: path.path) else { return nil }
        do {
            return try decoder.decode(OIDCLogin.self, from: data)
        } catch {
            throw UsageFailure("\(path.path): not a login eosctl wrote (\(error)); run eosctl login again")
        }
    }

    /// Writes `login` where ``path(environment:)`` says, readable by its owner only; the file is replaced whole, so a
    /// reader never sees half of it.
    static func write(_ login: OIDCLogin, environment: [String: String]) throws {
        let path = path(environment: environment)
        let folder = path.deletingLastPathComponent()
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = folder.appendingPathComponent(".credentials-\(UUID().uuidString).json")
            guard
                manager.createFile(
                    atPath: temporary.path, contents: try encoder.encode(login),
                    attributes: [.posixPermissions: 0o600])
            else {
                throw UsageFailure("\(temporary.path): cannot be written")
            }
            // rename(2) replaces the file in one step, whether or not it existed.
            guard rename(temporary.path, path.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? manager.removeItem(at: temporary)
                throw UsageFailure("\(path.path): cannot be written: \(reason)")
            }
        } catch let failure as UsageFailure {
            throw failure
        } catch {
            throw UsageFailure("\(path.path): cannot be written: \(error.localizedDescription)")
        }
    }

    /// The stored login's access token, renewed first (and written back) when it expires within a minute; nil when
    /// there is no stored login.
    static func currentToken(environment: [String: String]) async throws -> String? {
        guard let login = try read(environment: environment) else { return nil }
        let renewed: OIDCLogin?
        do {
            renewed = try await login.renewedIfNeeded()
        } catch {
            throw UsageFailure(
                "the sign-in at \(login.issuer.absoluteString) has expired and could not be renewed "
                    + "(\(error.message)): run eosctl login --issuer \(login.issuer.absoluteString) --client-id "
                    + "\(login.clientID) again")
        }
        guard let renewed else { return login.accessToken }
        try write(renewed, environment: environment)
        return renewed.accessToken
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
