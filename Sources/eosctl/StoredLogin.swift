import EOSKit
import Foundation

/// `~/.config/eos/credentials.json`: the tokens `eosctl login` got, kept readable by their owner only (mode 0600, in
/// a 0700 folder), and renewed before they expire.
struct StoredLogin: Codable {
    /// How long before its expiry a token is renewed.
    static let renewalMargin: TimeInterval = 60

    var issuer: URL
    var clientID: String
    /// Kept only when login was by client credentials, so that a robot's token can be renewed without a person.
    var clientSecret: String?
    var scope: String?
    var accessToken: String
    var refreshToken: String?
    var expiresAt: Date

    /// The stored tokens for `tokens` just issued at `issuer`.
    init(issuer: URL, clientID: String, clientSecret: String?, scope: String?, tokens: OAuthTokens, now: Date = Date())
    {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.accessToken = tokens.accessToken
        self.refreshToken = tokens.refreshToken
        self.expiresAt = Self.expiry(of: tokens, now: now)
    }

    /// Where the file is: `$XDG_CONFIG_HOME/eos/credentials.json`, else `$HOME/.config/eos/credentials.json`.
    static func path(environment: [String: String]) -> URL {
        URL(fileURLWithPath: ClientConfigurationFile.path(environment: environment)).deletingLastPathComponent()
            .appendingPathComponent("credentials.json")
    }

    /// The stored login, or nil when there is none.
    static func read(environment: [String: String]) throws -> StoredLogin? {
        let path = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: path.path) else { return nil }
        do {
            return try decoder.decode(StoredLogin.self, from: data)
        } catch {
            throw UsageFailure("\(path.path): not a login eosctl wrote (\(error)); run eosctl login again")
        }
    }

    /// Writes the login where ``path(environment:)`` says, readable by its owner only; the file is replaced whole, so
    /// a reader never sees half of it.
    func write(environment: [String: String]) throws {
        let path = Self.path(environment: environment)
        let folder = path.deletingLastPathComponent()
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = folder.appendingPathComponent(".credentials-\(UUID().uuidString).json")
            guard
                manager.createFile(
                    atPath: temporary.path, contents: try Self.encoder.encode(self),
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

    /// The access token, renewed first when it expires within ``renewalMargin``: by the refresh token, else by client
    /// credentials with the stored secret. A renewed login is written back.
    mutating func currentToken(environment: [String: String], now: Date = Date()) async throws -> String {
        guard expiresAt.timeIntervalSince(now) <= Self.renewalMargin else { return accessToken }
        let provider = OIDCProviderClient(issuer: issuer)
        let tokens: OAuthTokens
        do throws(SecurityError) {
            if let refreshToken {
                tokens = try await provider.requestTokens(.refreshToken(refreshToken), clientID: clientID)
            } else if let clientSecret {
                tokens = try await provider.requestTokens(
                    .clientCredentials(scope: scope), clientID: clientID, clientSecret: clientSecret)
            } else {
                throw SecurityError(code: .signInRefused, message: "the token expired and cannot be renewed")
            }
        } catch {
            throw UsageFailure(
                "the sign-in at \(issuer.absoluteString) has expired and could not be renewed (\(error.message)): "
                    + "run eosctl login --issuer \(issuer.absoluteString) --client-id \(clientID) again")
        }
        accessToken = tokens.accessToken
        refreshToken = tokens.refreshToken ?? refreshToken
        expiresAt = Self.expiry(of: tokens, now: now)
        try write(environment: environment)
        return accessToken
    }

    /// When `tokens`' access token expires: `expires_in` from now, else its `exp`, else in five minutes.
    private static func expiry(of tokens: OAuthTokens, now: Date) -> Date {
        if let seconds = tokens.expiresIn { return now.addingTimeInterval(TimeInterval(seconds)) }
        if let exp = AccessTokenClaims.unverified(from: tokens.accessToken)?.expiresAt {
            return Date(timeIntervalSince1970: exp)
        }
        return now.addingTimeInterval(300)
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
