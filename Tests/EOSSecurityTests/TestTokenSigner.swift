import Crypto
import EOSSecurity
import Foundation
import Synchronization

/// Signs access tokens with P-256 keys made in the test, and serves their public halves as a JWKS, so the verifier
/// is tested without a provider process.
final class TestTokenSigner: SigningKeySource {
    struct Key {
        let id: String
        let key: P256.Signing.PrivateKey
    }

    private struct State {
        var published: [Key]
        var extraKeys: [[String: String]] = []
        var fetches = 0
    }

    private let state: Mutex<State>
    let issuer = "https://id.example.com/realms/eos"

    init(keyIDs: [String] = ["k1"]) {
        state = Mutex(State(published: keyIDs.map { Key(id: $0, key: P256.Signing.PrivateKey()) }))
    }

    /// How often the verifier fetched the keys.
    var fetches: Int { state.withLock { $0.fetches } }

    /// The published key with `id`.
    func key(_ id: String) -> Key? { state.withLock { $0.published.first { $0.id == id } } }

    /// Publishes a new key (and keeps the old ones unless `dropOld`).
    func rotate(to id: String, dropOld: Bool = true) {
        state.withLock { state in
            let key = Key(id: id, key: P256.Signing.PrivateKey())
            state.published = dropOld ? [key] : state.published + [key]
        }
    }

    /// Publishes JWKS entries EOS must skip (encryption keys, shared secrets).
    func publishExtra(_ entries: [[String: String]]) { state.withLock { $0.extraKeys = entries } }

    func fetchSigningKeys() async throws(SecurityError) -> [UInt8] {
        let keys = state.withLock { state -> [[String: String]] in
            state.fetches += 1
            return state.extraKeys
                + state.published.map { key in
                    let raw = key.key.publicKey.rawRepresentation
                    return [
                        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": key.id,
                        "x": Self.base64URL(raw.prefix(32)), "y": Self.base64URL(raw.suffix(32)),
                    ]
                }
        }
        return Array(try! JSONSerialization.data(withJSONObject: ["keys": keys]))
    }

    /// Standard claims for a user of audience `eos`, valid for five minutes from `now`.
    func claims(
        user: String = "vera", realmRoles: [String] = ["eos-viewer"], clientRoles: [String: [String]]? = nil,
        now: Date = Date()
    ) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": issuer, "sub": "id-\(user)", "aud": "eos", "azp": "eosctl", "exp": now.timeIntervalSince1970 + 300,
            "iat": now.timeIntervalSince1970, "preferred_username": user, "realm_access": ["roles": realmRoles],
        ]
        if let clientRoles { claims["resource_access"] = clientRoles.mapValues { ["roles": $0] } }
        return claims
    }

    /// A compact JWS of `claims`, signed ES256 with key `keyID` unless `header` says otherwise.
    func token(_ claims: [String: Any], keyID: String = "k1", header: [String: Any]? = nil) -> String {
        let header = header ?? ["alg": "ES256", "typ": "JWT", "kid": keyID]
        let input =
            Self.base64URL(try! JSONSerialization.data(withJSONObject: header)) + "."
            + Self.base64URL(try! JSONSerialization.data(withJSONObject: claims))
        guard let key = key(keyID) else { return input + "." }
        let signature = try! key.key.signature(for: Data(input.utf8)).rawRepresentation
        return input + "." + Self.base64URL(signature)
    }

    /// A token signed with HMAC-SHA256 and `secret`, as an attacker who knows a public key might try.
    func hmacToken(_ claims: [String: Any], secret: String) -> String {
        let header = ["alg": "HS256", "typ": "JWT", "kid": "k1"]
        let input =
            Self.base64URL(try! JSONSerialization.data(withJSONObject: header)) + "."
            + Self.base64URL(try! JSONSerialization.data(withJSONObject: claims))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + Self.base64URL(Data(mac))
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }
}
