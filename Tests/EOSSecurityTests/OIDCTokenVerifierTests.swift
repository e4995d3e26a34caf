import EOSSecurity
import Foundation
import Synchronization
import Testing

@Suite("OIDC token verification")
struct OIDCTokenVerifierTests {
    let signer = TestTokenSigner()
    let clock = TestClock()

    func verifier(_ configure: (inout OIDCConfiguration) -> Void = { _ in }) -> OIDCTokenVerifier {
        var configuration = OIDCConfiguration(
            issuer: URL(string: signer.issuer)!, audience: "eos", minimumKeyRefetchInterval: .seconds(10))
        configure(&configuration)
        let clock = self.clock
        return OIDCTokenVerifier(configuration: configuration, keySource: signer, now: { clock.now })
    }

    /// The message of the refusal `token` gets.
    func refusal(_ token: String?, by verifier: OIDCTokenVerifier) async -> SecurityError? {
        do {
            _ = try await verifier.authenticate(bearerToken: token)
            return nil
        } catch {
            return error
        }
    }

    @Test("a valid token names its user, roles and permissions")
    func validToken() async throws {
        let verifier = verifier()
        let user = try await verifier.authenticate(bearerToken: signer.token(signer.claims()))
        #expect(user.name == "vera")
        #expect(user.subject == "id-vera")
        #expect(user.roles == ["eos-viewer"])
        #expect(user.permissions == [.read])

        let operatorToken = signer.token(
            signer.claims(user: "otto", realmRoles: ["offline_access"], clientRoles: ["eos": ["eos-operator"]]))
        let operatorUser = try await verifier.authenticate(bearerToken: operatorToken)
        #expect(operatorUser.roles == ["eos-operator", "offline_access"])
        #expect(operatorUser.permissions == RoleNames.operatorPermissions)

        // Roles of another client do not count.
        let otherClient = signer.token(
            signer.claims(user: "eve", realmRoles: [], clientRoles: ["other": ["eos-admin"]]))
        #expect(try await verifier.authenticate(bearerToken: otherClient).permissions.isEmpty)
    }

    @Test("no token, and tokens that are not JWTs, are refused with the reason")
    func malformed() async {
        let verifier = verifier()
        #expect(await refusal(nil, by: verifier)?.message.contains("needs 'Authorization: Bearer TOKEN'") == true)
        #expect(await refusal("abc", by: verifier)?.message.contains("not a JWT") == true)
        #expect(await refusal("!!.e30.sig", by: verifier)?.message.contains("not base64url") == true)
        #expect(await refusal(nil, by: verifier)?.code == .unauthenticated)
    }

    @Test("alg none, HMAC and algorithms off the allow-list are refused before any key is used")
    func algorithms() async {
        let verifier = verifier()
        let claims = signer.claims()
        let unsigned = signer.token(claims, header: ["alg": "none", "typ": "JWT"])
        #expect(await refusal(unsigned, by: verifier)?.message.contains("unsigned (alg none)") == true)
        let hmac = signer.hmacToken(claims, secret: "guess")
        #expect(await refusal(hmac, by: verifier)?.message.contains("shared secret (HS256)") == true)
        let rs384 = signer.token(claims, header: ["alg": "RS384", "kid": "k1"])
        #expect(await refusal(rs384, by: verifier)?.message.contains("RS384 is not allowed") == true)
        // A token claiming RS256 for an EC key is refused: the key's own algorithm decides.
        let confused = signer.token(claims, header: ["alg": "RS256", "kid": "k1"])
        #expect(await refusal(confused, by: verifier)?.message.contains("is a ES256 key") == true)
        // Only ES256 allowed: RS256 is refused by name.
        let esOnly = self.verifier { $0.allowedAlgorithms = ["ES256"] }
        #expect(await refusal(confused, by: esOnly)?.message.contains("RS256 is not allowed") == true)
    }

    @Test("a tampered payload or a signature by another key does not verify")
    func signatures() async throws {
        let verifier = verifier()
        let token = signer.token(signer.claims())
        let parts = token.split(separator: ".").map(String.init)
        var claims = signer.claims()
        claims["realm_access"] = ["roles": ["eos-admin"]]
        let forged = TestTokenSigner.base64URL(try JSONSerialization.data(withJSONObject: claims))
        let tampered = [parts[0], forged, parts[2]].joined(separator: ".")
        #expect(await refusal(tampered, by: verifier)?.message == "the token's signature does not verify with key k1")

        let stranger = TestTokenSigner()
        let strangers = stranger.token(signer.claims())
        #expect(await refusal(strangers, by: verifier)?.message.contains("does not verify") == true)
    }

    @Test("iss, aud and azp are checked")
    func issuerAndAudience() async throws {
        let verifier = verifier()
        var claims = signer.claims()
        claims["iss"] = "https://evil.example.com/realms/eos"
        #expect(
            await refusal(signer.token(claims), by: verifier)?.message
                == "the token was issued by 'https://evil.example.com/realms/eos', not by \(signer.issuer)")

        claims = signer.claims()
        claims["aud"] = ["account", "billing"]
        claims["azp"] = "portal"
        #expect(
            await refusal(signer.token(claims), by: verifier)?.message
                == "the token is for audience account, billing (azp portal), not for eos")

        // Keycloak's usual shape: aud "account", azp the client that is the audience.
        claims["azp"] = "eos"
        #expect(try await verifier.authenticate(bearerToken: signer.token(claims)).name == "vera")
        claims["aud"] = ["account", "eos"]
        claims["azp"] = "eosctl"
        #expect(try await verifier.authenticate(bearerToken: signer.token(claims)).name == "vera")

        claims.removeValue(forKey: "sub")
        #expect(await refusal(signer.token(claims), by: verifier)?.message == "the token names no subject (sub)")
    }

    @Test("exp and nbf are checked with the clock skew")
    func times() async throws {
        let verifier = verifier()
        let now = clock.now.timeIntervalSince1970
        var claims = signer.claims()
        claims["exp"] = now - 30
        #expect(try await verifier.authenticate(bearerToken: signer.token(claims)).name == "vera")
        claims["exp"] = now - 61
        #expect(await refusal(signer.token(claims), by: verifier)?.message.contains("the token expired at") == true)
        claims.removeValue(forKey: "exp")
        #expect(await refusal(signer.token(claims), by: verifier)?.message == "the token has no expiry (exp)")

        claims = signer.claims()
        claims["nbf"] = now + 30
        #expect(try await verifier.authenticate(bearerToken: signer.token(claims)).name == "vera")
        claims["nbf"] = now + 120
        #expect(await refusal(signer.token(claims), by: verifier)?.message.contains("not valid before") == true)
    }

    @Test("a rotated key is fetched once when a token names it; unknown keys cannot make it fetch more often")
    func keyRotation() async throws {
        let verifier = verifier()
        _ = try await verifier.authenticate(bearerToken: signer.token(signer.claims()))
        #expect(signer.fetches == 1)

        signer.rotate(to: "k2")
        clock.advance(by: 11)
        #expect(try await verifier.authenticate(bearerToken: signer.token(signer.claims(), keyID: "k2")).name == "vera")
        #expect(signer.fetches == 2)

        // The old key is gone from the provider, and so from the verifier.
        let stale = TestTokenSigner(keyIDs: ["k1"])
        let oldToken = stale.token(signer.claims(), keyID: "k1")
        clock.advance(by: 11)
        #expect(await refusal(oldToken, by: verifier)?.message.contains("does not publish") == true)
        #expect(signer.fetches == 3)

        // Within the minimum interval an unknown kid is refused without another fetch.
        for _ in 0..<5 {
            #expect(await refusal(signer.token(signer.claims(), keyID: "nope"), by: verifier) != nil)
        }
        #expect(signer.fetches == 3)
        signer.rotate(to: "k3", dropOld: false)
        #expect(await refusal(signer.token(signer.claims(), keyID: "k3"), by: verifier)?.message.contains("k3") == true)
        clock.advance(by: 11)
        #expect(try await verifier.authenticate(bearerToken: signer.token(signer.claims(), keyID: "k3")).name == "vera")
        #expect(signer.fetches == 4)
    }

    @Test("concurrent requests with a new key share one fetch")
    func sharedFetch() async throws {
        let verifier = verifier()
        let token = signer.token(signer.claims())
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await verifier.authenticate(bearerToken: token).name }
            }
            for try await name in group { #expect(name == "vera") }
        }
        #expect(signer.fetches == 1)
    }

    @Test("encryption keys and shared secrets in the JWKS are skipped, not fatal")
    func unusableKeys() async throws {
        signer.publishExtra([
            ["kty": "RSA", "use": "enc", "alg": "RSA-OAEP", "kid": "enc1", "n": "AQAB", "e": "AQAB"],
            ["kty": "oct", "kid": "secret", "k": "c2VjcmV0"],
        ])
        let verifier = verifier()
        #expect(try await verifier.authenticate(bearerToken: signer.token(signer.claims())).name == "vera")
        let named = signer.token(signer.claims(), header: ["alg": "ES256", "kid": "secret"])
        #expect(await refusal(named, by: verifier)?.message.contains("does not publish") == true)
    }

    @Test("role names are configurable, and the role client defaults to the audience")
    func roleNames() async throws {
        let verifier = verifier {
            $0.roleNames = RoleNames(admin: "fleet-root", operator: "fleet-ops", viewer: "fleet-read")
            $0.roleClient = "edge"
        }
        let token = signer.token(signer.claims(user: "ops", realmRoles: [], clientRoles: ["edge": ["fleet-ops"]]))
        let user = try await verifier.authenticate(bearerToken: token)
        #expect(user.permissions == RoleNames.operatorPermissions)
        do {
            try user.require(.read, roleNames: verifier.roleNames)
            try user.require(.deploy, roleNames: verifier.roleNames)
        }
        let viewer = try await verifier.authenticate(
            bearerToken: signer.token(signer.claims(user: "v", realmRoles: ["fleet-read"])))
        #expect(throws: SecurityError.self) { try viewer.require(.deploy, roleNames: verifier.roleNames) }
        do {
            try viewer.require(.deploy, roleNames: verifier.roleNames)
        } catch {
            #expect(
                error.message
                    == "v may not deploy: that needs the role fleet-ops or fleet-root, and the token carries roles fleet-read"
            )
        }
        #expect(OIDCConfiguration(issuer: URL(string: "https://x/")!, audience: "eos").roleClient == "eos")
        #expect(OIDCConfiguration(issuer: URL(string: "https://x/")!, audience: "eos").issuerString == "https://x")
    }
}

@Suite("OIDC token verification when the provider is down")
struct OIDCProviderOutageTests {
    /// A key source that fails while `down` is set.
    final class FlakySource: SigningKeySource {
        let signer: TestTokenSigner
        let down = Mutex(true)

        init(_ signer: TestTokenSigner) { self.signer = signer }

        func fetchSigningKeys() async throws(SecurityError) -> [UInt8] {
            if down.withLock({ $0 }) {
                throw SecurityError(code: .providerUnavailable, message: "connection refused")
            }
            return try await signer.fetchSigningKeys()
        }
    }

    @Test("no keys yet: provider-unavailable, retried after the interval; keys fetched before outlive an outage")
    func outage() async throws {
        let signer = TestTokenSigner()
        let source = FlakySource(signer)
        let clock = TestClock()
        let verifier = OIDCTokenVerifier(
            configuration: OIDCConfiguration(
                issuer: URL(string: signer.issuer)!, audience: "eos", minimumKeyRefetchInterval: .seconds(10)),
            keySource: source, now: { clock.now })
        let token = signer.token(signer.claims())
        await #expect(throws: SecurityError.self) { try await verifier.prepare() }
        do {
            _ = try await verifier.authenticate(bearerToken: token)
            Issue.record("a token was accepted with no keys")
        } catch {
            #expect(error.code == .providerUnavailable)
            #expect(error.message == "connection refused")
        }
        source.down.withLock { $0 = false }
        clock.advance(by: 11)
        #expect(try await verifier.authenticate(bearerToken: token).name == "vera")

        // Down again while a token names a new key: the keys fetched before still verify their own tokens.
        source.down.withLock { $0 = true }
        clock.advance(by: 11)
        let unknown = signer.token(signer.claims(), keyID: "k9")
        await #expect(throws: SecurityError.self) { try await verifier.authenticate(bearerToken: unknown) }
        #expect(try await verifier.authenticate(bearerToken: token).name == "vera")
    }
}

/// A wall clock the test moves by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date())
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
