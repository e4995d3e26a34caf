import AsyncHTTPClient
import EOSKit
import EOSTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The central's API behind a real OpenID Connect provider process (`scripts/oidc-test-provider.py`), its tokens
/// verified through discovery and JWKS over HTTP.
@Suite(
    "Users signed in at a real OIDC provider",
    .enabled(
        if: OIDCTestProvider.available || OIDCTestProvider.required,
        "\(OIDCTestProvider.unavailableReason ?? "")"),
    .timeLimit(.minutes(5)))
struct OIDCAuthenticationTests {
    struct Answer {
        let status: Int
        let challenge: String?
        let body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
        }
    }

    static let hello = SimulatedFleet.deployment(name: "hello", image: "local/hello:1")

    /// A canary that holds after its first wave (a long health gate), so that pause and resume find it running.
    static let held = """
        apiVersion: eos/v1
        kind: FleetDeployment
        metadata: {name: hello}
        spec:
          workloads:
            - name: app
              container: {image: "local/hello:1"}
          rollout:
            strategy: Canary
            steps: ["50%", "100%"]
            minReadySeconds: 600
        """

    static func send(
        _ method: HTTPMethod, _ server: URL, _ path: String, token: String?, body: String? = nil,
        type: String = "application/yaml"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.absoluteString + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: type)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), challenge: response.headers.first(name: "WWW-Authenticate"),
            body: String(buffer: bytes))
    }

    static func graphQL(_ server: URL, _ query: String, token: String) async throws -> [String: Any] {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query]), as: UTF8.self)
        let answer = try await send(.POST, server, "/graphql", token: token, body: body, type: "application/json")
        try #require(answer.status == 200, "\(answer.body)")
        return answer.json
    }

    /// Runs `body` with a provider and a one-node simulated fleet whose API verifies the provider's tokens.
    static func withFleet(
        refetchInterval: Duration = .seconds(10), nodes: Int = 1,
        _ body: (OIDCTestProvider, OIDCTokenVerifier, DevelopmentFleet, URL) async throws -> Void
    ) async throws {
        try await OIDCTestProvider.with { provider in
            let verifier = OIDCTokenVerifier(
                configuration: OIDCConfiguration(
                    issuer: provider.issuer, audience: "eos", minimumKeyRefetchInterval: refetchInterval))
            try await SimulatedFleet(sites: 1, nodesPerSite: nodes, authenticator: verifier).run { fleet, server in
                try await body(provider, verifier, fleet, server)
            }
        }
    }

    @Test("a viewer reads but cannot deploy; an operator and a robot deploy; the audit log names each of them")
    func roles() async throws {
        try await Self.withFleet(nodes: 2) { provider, _, fleet, server in
            let viewer = try await provider.token(for: "vera")
            #expect(try await Self.send(.GET, server, "/sites", token: viewer).status == 200)
            #expect(try await Self.send(.GET, server, "/status", token: viewer).status == 200)
            let refused = try await Self.send(.POST, server, "/deploy/fleet", token: viewer, body: Self.hello)
            #expect(refused.status == 403)
            #expect(
                refused.json["detail"] as? String
                    == "vera may not deploy: that needs the role eos-operator or eos-admin, and the token carries "
                    + "roles eos-viewer")
            let mutation = try await Self.graphQL(
                server, "mutation { pause(name: \"hello\") { generation } }", token: viewer)
            let errors = try #require(mutation["errors"] as? [[String: Any]])
            #expect((errors.first?["extensions"] as? [String: Any])?["code"] as? String == "FORBIDDEN")
            let sites = try await Self.graphQL(server, "{ sites { id } }", token: viewer)
            #expect(sites["errors"] == nil)
            #expect(((sites["data"] as? [String: Any])?["sites"] as? [Any])?.count == 1)

            // A user with no EOS role may not even read.
            let nobody = try await provider.token(for: "nora")
            let unread = try await Self.send(.GET, server, "/nodes", token: nobody)
            #expect(unread.status == 403)
            #expect((unread.json["detail"] as? String)?.contains("eos-viewer or eos-operator or eos-admin") == true)

            // The operator role, as a client role of `eos`, deploys; the audit log names the user.
            let operatorToken = try await provider.token(for: "otto")
            let deployed = try await Self.send(.POST, server, "/deploy/fleet", token: operatorToken, body: Self.held)
            #expect(deployed.status == 202, "\(deployed.body)")
            // A rollout can be paused once the controller has started it: its first wave installed, held by the gate.
            try await eventually("the canary's first wave is installed and held") {
                let status = try await Self.send(.GET, server, "/status/hello", token: operatorToken).json
                return status["phase"] as? String == "Progressing"
                    && (status["nodes"] as? [String: Any])?["installed"] as? Int == 1
            }
            let paused = try await Self.send(.POST, server, "/deployments/hello/pause", token: operatorToken)
            #expect(paused.status == 202, "\(paused.body)")

            // A robot signs in with client credentials at the real token endpoint and resumes the rollout.
            let robot = try await OIDCProviderClient(issuer: provider.issuer).requestTokens(
                .clientCredentials(scope: nil), clientID: "ci-robot", clientSecret: "s3cret")
            let resumed = try await Self.graphQL(
                server, "mutation { resume(name: \"hello\") { generation } }", token: robot.accessToken)
            #expect(resumed["errors"] == nil, "\(resumed)")

            // The viewer still may not remove it; the admin may.
            #expect(try await Self.send(.DELETE, server, "/deployments/hello", token: viewer).status == 403)
            let admin = try await provider.token(for: "ada")
            #expect(try await Self.send(.DELETE, server, "/deployments/hello", token: admin).status == 202)

            let audit = try await fleet.central.registry.audit(of: "hello", after: 0, limit: 100)
                .filter { $0.action != .progress }
            #expect(audit.map(\.action) == [.deploy, .pause, .resume, .remove])
            #expect(audit.map(\.actor) == ["otto", "otto", "service-account-ci-robot", "ada"])
            let record = try await fleet.central.registry.deployment(named: "hello", generation: 1)
            #expect(record?.createdBy == "otto")
        }
    }

    @Test("expired, foreign, wrongly addressed, tampered and unsigned tokens are refused with 401 and the reason")
    func refusedTokens() async throws {
        try await Self.withFleet { provider, _, _, server in
            let now = Int(Date().timeIntervalSince1970)
            let cases: [(String, String, String)] = [
                ("expired", try await provider.token(for: "ada", claims: ["exp": now - 3600]), "the token expired at"),
                (
                    "wrong issuer",
                    try await provider.token(for: "ada", claims: ["iss": "http://127.0.0.1:1/realms/other"]),
                    "the token was issued by 'http://127.0.0.1:1/realms/other'"
                ),
                (
                    "wrong audience",
                    try await provider.token(for: "ada", claims: ["aud": "billing", "azp": "billing"]),
                    "not for eos"
                ),
                ("tampered", Self.tampered(try await provider.token(for: "vera")), "signature does not verify"),
                ("alg none", Self.unsigned(try await provider.token(for: "ada")), "unsigned (alg none)"),
                ("not a JWT", "opaque-token", "not a JWT"),
            ]
            for (name, token, reason) in cases {
                let answer = try await Self.send(.GET, server, "/sites", token: token)
                #expect(answer.status == 401, "\(name)")
                #expect((answer.json["detail"] as? String)?.contains(reason) == true, "\(name): \(answer.body)")
                #expect(answer.challenge?.hasPrefix("Bearer realm=\"eos\", error=\"invalid_token\"") == true, "\(name)")
                // The same token gets no further through GraphQL.
                let graphQL = try await Self.send(
                    .POST, server, "/graphql", token: token, body: "{\"query\": \"{ sites { id } }\"}",
                    type: "application/json")
                #expect(graphQL.status == 401, "\(name)")
            }
            let missing = try await Self.send(.GET, server, "/status", token: nil)
            #expect(missing.status == 401)
            #expect(missing.challenge == "Bearer realm=\"eos\"")
            #expect(try await Self.send(.GET, server, "/healthz", token: nil).status == 200)
            #expect(try await Self.send(.GET, server, "/openapi.yaml", token: nil).status == 200)
            // A valid token still works after all that.
            #expect(
                try await Self.send(.GET, server, "/sites", token: try await provider.token(for: "vera")).status == 200)
        }
    }

    @Test("a signing-key rotation at the provider is picked up without restarting the central")
    func keyRotation() async throws {
        try await Self.withFleet(refetchInterval: .milliseconds(200)) { provider, _, _, server in
            let before = try await provider.token(for: "vera")
            #expect(try await Self.send(.GET, server, "/sites", token: before).status == 200)
            let fetches = try await provider.jwksFetches()

            let kid = try await provider.rotateKeys(keyType: "EC")
            try await Task.sleep(for: .milliseconds(300))
            let after = try await provider.token(for: "vera")
            let answer = try await Self.send(.GET, server, "/sites", token: after)
            #expect(answer.status == 200, "\(answer.body)")
            #expect(try await provider.jwksFetches() == fetches + 1)
            #expect(AccessTokenClaims.unverified(from: after) != nil)
            #expect(after.split(separator: ".").first.map(String.init).flatMap(Self.header)?["kid"] as? String == kid)

            // The old key is no longer published: a token it signed is refused.
            try await Task.sleep(for: .milliseconds(300))
            let stale = try await Self.send(.GET, server, "/sites", token: before)
            #expect(stale.status == 401)
            #expect((stale.json["detail"] as? String)?.contains("does not publish") == true, "\(stale.body)")
        }
    }

    /// `token` with its payload changed to claim the admin role, the signature kept.
    static func tampered(_ token: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        guard var claims = payload(parts[1]) else { return token }
        claims["realm_access"] = ["roles": ["eos-admin"]]
        return [parts[0], encode(claims), parts[2]].joined(separator: ".")
    }

    /// `token`'s claims with `alg: none` and no signature.
    static func unsigned(_ token: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        return [encode(["alg": "none", "typ": "JWT"]), parts[1], ""].joined(separator: ".")
    }

    static func header(_ part: String) -> [String: Any]? { payload(part) }

    static func payload(_ part: String) -> [String: Any]? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    static func encode(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object))!.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
