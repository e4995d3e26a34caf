import Benchmark
import Crypto
import CryptoExtras
import EOSSecurity
import Foundation

/// What the central spends on each API request to check its user: verifying a Keycloak-shaped access token
/// (signature, issuer, audience, times, roles) with the provider's keys already fetched, for both accepted
/// algorithms.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    let signer = BenchmarkSigner()
    for algorithm in ["ES256", "RS256"] {
        let token = signer.token(algorithm: algorithm)
        let verifier = OIDCTokenVerifier(
            configuration: OIDCConfiguration(issuer: URL(string: BenchmarkSigner.issuer)!, audience: "eos"),
            keySource: signer)
        Benchmark("OIDC access token \(algorithm), keys cached") { benchmark in
            _ = try await verifier.authenticate(bearerToken: token)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try await verifier.authenticate(bearerToken: token))
            }
        }
    }
}

/// One P-256 and one RSA-2048 key, published as a JWKS, and tokens signed with them.
struct BenchmarkSigner: SigningKeySource {
    static let issuer = "https://id.example.com/realms/eos"
    let ecKey = P256.Signing.PrivateKey()
    let rsaKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    func fetchSigningKeys() async throws(SecurityError) -> [UInt8] {
        let ec = ecKey.publicKey.rawRepresentation
        let rsa = try! rsaKey.publicKey.getKeyPrimitives()
        let keys: [[String: String]] = [
            [
                "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "ec",
                "x": Self.base64URL(ec.prefix(32)), "y": Self.base64URL(ec.suffix(32)),
            ],
            [
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "rsa",
                "n": Self.base64URL(rsa.modulus), "e": Self.base64URL(rsa.publicExponent),
            ],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: ["keys": keys]))
    }

    func token(algorithm: String) -> String {
        let now = Date().timeIntervalSince1970
        let claims: [String: Any] = [
            "iss": Self.issuer, "sub": "f3a9c1d2-0000-4000-8000-000000000001", "aud": ["eos", "account"],
            "azp": "eosctl", "exp": now + 3600, "iat": now, "preferred_username": "otto", "typ": "Bearer",
            "realm_access": ["roles": ["default-roles-eos", "offline_access", "uma_authorization"]],
            "resource_access": ["eos": ["roles": ["eos-operator"]], "account": ["roles": ["view-profile"]]],
            "scope": "openid profile email",
        ]
        let header = ["alg": algorithm, "typ": "JWT", "kid": algorithm == "ES256" ? "ec" : "rsa"]
        let input =
            Self.base64URL(try! JSONSerialization.data(withJSONObject: header)) + "."
            + Self.base64URL(try! JSONSerialization.data(withJSONObject: claims))
        let signature =
            algorithm == "ES256"
            ? try! ecKey.signature(for: Data(input.utf8)).rawRepresentation
            : try! rsaKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        return input + "." + Self.base64URL(signature)
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
