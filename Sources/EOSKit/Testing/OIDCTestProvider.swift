internal import AsyncHTTPClient
public import Foundation
internal import NIOCore
internal import Synchronization

/// A real OpenID Connect provider process for integration tests: `scripts/oidc-test-provider.py` (Python with
/// authlib), issuing JWT access tokens shaped like Keycloak's over HTTP on a loopback port.
///
/// ``with(_:_:)`` starts one for a test and stops it after. Besides the provider's public endpoints (discovery,
/// JWKS, token, device authorization, authorization code with PKCE) it has test controls: minting tokens with chosen
/// claims, rotating the signing key, approving a device sign-in, counting JWKS fetches. Tests enable themselves with
/// `.enabled(if: OIDCTestProvider.available || OIDCTestProvider.required, …)`: skipped with ``unavailableReason`` on a
/// bare machine, failing in CI (`EOS_REQUIRE_INTEGRATION=1`).
public final class OIDCTestProvider: Sendable {
    /// A client of the provider.
    public struct Client: Encodable, Sendable {
        /// The client id.
        public var id: String
        /// Its secret; nil for a public client (device grant).
        public var secret: String?
        /// The realm roles of its service account.
        public var realmRoles: [String]
        /// The client roles of its service account, by client.
        public var clientRoles: [String: [String]]

        /// A client.
        public init(id: String, secret: String? = nil, realmRoles: [String] = [], clientRoles: [String: [String]] = [:])
        {
            self.id = id
            self.secret = secret
            self.realmRoles = realmRoles
            self.clientRoles = clientRoles
        }
    }

    /// A user of the provider.
    public struct User: Encodable, Sendable {
        /// The user name (`preferred_username`).
        public var username: String
        /// The password for the device sign-in page.
        public var password: String
        /// Realm roles (`realm_access.roles`).
        public var realmRoles: [String]
        /// Client roles (`resource_access.<client>.roles`).
        public var clientRoles: [String: [String]]

        /// A user.
        public init(
            username: String, password: String = "pw", realmRoles: [String] = [], clientRoles: [String: [String]] = [:]
        ) {
            self.username = username
            self.password = password
            self.realmRoles = realmRoles
            self.clientRoles = clientRoles
        }
    }

    /// What the provider issues.
    public struct Configuration: Encodable, Sendable {
        /// The `aud` of its tokens.
        public var audience: String
        /// More audiences, making `aud` a list.
        public var extraAudiences: [String]
        /// Seconds an access token lasts.
        public var accessTokenLifetime: Int
        /// `RSA` (RS256) or `EC` (ES256).
        public var keyType: String
        /// Seconds between device-grant polls.
        public var deviceInterval: Int
        /// The clients.
        public var clients: [Client]
        /// The users.
        public var users: [User]

        /// The fleet's usual realm: audience `eos`; the public clients `eosctl` and `eos-portal` (the web portal's,
        /// by authorization code with PKCE); the robot `ci-robot` (secret
        /// `s3cret`, realm role `eos-operator`); the users `vera` (realm role `eos-viewer`), `otto` (client role
        /// `eos-operator` on `eos`), `ada` (realm role `eos-admin`) and `nora` (no EOS role), all with password `pw`.
        public static let fleet = Configuration(
            audience: "eos", extraAudiences: [], accessTokenLifetime: 300, keyType: "RSA", deviceInterval: 1,
            clients: [
                Client(id: "eosctl"),
                Client(id: "eos-portal"),
                Client(id: "ci-robot", secret: "s3cret", realmRoles: ["eos-operator"]),
            ],
            users: [
                User(username: "vera", realmRoles: ["eos-viewer"]),
                User(username: "otto", realmRoles: ["offline_access"], clientRoles: ["eos": ["eos-operator"]]),
                User(username: "ada", realmRoles: ["eos-admin"]),
                User(username: "nora", realmRoles: ["offline_access"]),
            ])
    }

    private static let environment = ProcessInfo.processInfo.environment

    /// Whether integration tests must run (`EOS_REQUIRE_INTEGRATION=1`): anything missing is then a failure.
    public static let required = environment["EOS_REQUIRE_INTEGRATION"] == "1"

    /// The provider script: `EOS_OIDC_TEST_PROVIDER`, else `scripts/oidc-test-provider.py` in this repository.
    public static let script: URL = PythonTestServer.script(
        "oidc-test-provider.py", overriddenBy: "EOS_OIDC_TEST_PROVIDER")

    /// Why the provider cannot run here, or nil when it can.
    public static let unavailableReason: String? = PythonTestServer.unavailableReason(
        of: script, importing: "joserfc", install: "pip install authlib")

    /// Whether the provider can run here.
    public static var available: Bool { unavailableReason == nil }

    /// The issuer: `http://127.0.0.1:PORT`.
    public let issuer: URL
    private let server: PythonTestServer

    private init(server: PythonTestServer) {
        self.issuer = server.url
        self.server = server
    }

    /// Runs `body` with a provider issuing as `configuration` says, stopping it afterwards.
    public static func with<T: Sendable>(
        _ configuration: Configuration = .fleet, _ body: (OIDCTestProvider) async throws -> T
    ) async throws -> T {
        if let unavailableReason {
            throw OIDCTestProviderError("the OIDC test provider cannot run: \(unavailableReason)")
        }
        let provider = try await start(configuration)
        do {
            let result = try await body(provider)
            await provider.stop()
            return result
        } catch {
            await provider.stop()
            throw error
        }
    }

    private static func start(_ configuration: Configuration) async throws -> OIDCTestProvider {
        let folder = try PythonTestServer.makeFolder(
            "eos-oidc", files: ["provider.json": try JSONEncoder().encode(configuration)])
        let configFile = folder.appendingPathComponent("provider.json")
        let server = try await PythonTestServer.start(
            script, ["--config", configFile.path, "--host", "127.0.0.1", "--port", "0"], in: folder
        ) { line, log in
            OIDCTestProviderError("the OIDC test provider did not start (\(line)): \(log)")
        }
        return OIDCTestProvider(server: server)
    }

    /// Stops the provider (SIGTERM, then SIGKILL after 5 seconds) and removes its files. The waiting happens on a
    /// thread of its own, so it never holds one of the few threads async tasks run on.
    public func stop() async {
        await server.stop()
    }

    /// What the provider logged, for a failing test to print.
    public var log: String { server.log }

    // MARK: Test controls

    /// An access token for `username` (or, with only `client`, the client's service account), as the token endpoint
    /// would issue it, then with `claims` set over the standard ones and `remove` deleted; `keyID` overrides the
    /// header's `kid`.
    public func token(
        for username: String?, client: String? = nil, claims: [String: any Sendable] = [:], remove: [String] = [],
        lifetime: Int? = nil, keyID: String? = nil
    ) async throws -> String {
        var request: [String: Any] = ["claims": claims, "remove": remove]
        if let username { request["username"] = username }
        if let client { request["client"] = client }
        if let lifetime { request["lifetime"] = lifetime }
        if let keyID { request["header"] = ["kid": keyID] }
        let answer = try await admin("POST", "/admin/tokens", request)
        guard let token = answer["access_token"] as? String else {
            throw OIDCTestProviderError("the provider minted no token: \(answer)")
        }
        return token
    }

    /// Makes a new signing key (keeping the old ones published only with `keepOld`); returns its `kid`.
    @discardableResult
    public func rotateKeys(keyType: String? = nil, keepOld: Bool = false) async throws -> String {
        var request: [String: Any] = ["keepOld": keepOld]
        if let keyType { request["keyType"] = keyType }
        let answer = try await admin("POST", "/admin/rotate-keys", request)
        return answer["kid"] as? String ?? ""
    }

    /// Approves (or denies) the device sign-in with `userCode` as `username`.
    public func approveDevice(userCode: String, as username: String, deny: Bool = false) async throws {
        _ = try await admin(
            "POST", "/admin/device/approve",
            ["user_code": userCode, "username": username, "action": deny ? "deny" : "approve"])
    }

    /// Sets how long access tokens issued from now on last.
    public func setAccessTokenLifetime(_ seconds: Int) async throws {
        _ = try await admin("POST", "/admin/config", ["accessTokenLifetime": seconds])
    }

    /// How often the JWKS was fetched.
    public func jwksFetches() async throws -> Int {
        try await admin("GET", "/admin/stats", nil)["jwksFetches"] as? Int ?? -1
    }

    private func admin(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: issuer.absoluteString + path)
        request.method = .RAW(value: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            throw OIDCTestProviderError(
                "\(method) \(path) answered \(response.status.code): \(String(decoding: data, as: UTF8.self))")
        }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

/// Why the OIDC test provider could not start or answer.
public struct OIDCTestProviderError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
