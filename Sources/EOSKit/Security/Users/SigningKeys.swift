internal import Foundation
internal import JWTKit

/// The signing keys an identity provider publishes (its JWKS), ready to verify tokens with.
///
/// Only signature keys EOS accepts are taken: RSA keys for RS256 and P-256 keys for ES256, each with a `kid`.
/// Encryption keys (Keycloak publishes an `RSA-OAEP` one), other key types and keys for other algorithms are
/// skipped, so that one unusual key does not make the whole set unusable.
struct SigningKeys: Sendable {
    /// The keys, by `kid`.
    let collection: JWTKeyCollection
    /// Each usable key's algorithm, by `kid`.
    let algorithms: [String: String]
    /// How many published keys were skipped.
    let skipped: Int

    /// The usable keys of the JWKS document `data`, for the algorithms in `allowed`.
    init(jwks data: Data, allowed: Set<String>) async throws(SecurityError) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let keys = root["keys"] as? [[String: Any]]
        else {
            throw SecurityError(
                code: .providerUnavailable, message: "the provider's JWKS is not a JSON object with keys")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        var skipped = 0
        for var key in keys {
            guard let kid = key["kid"] as? String, let algorithm = Self.algorithm(of: key), allowed.contains(algorithm)
            else {
                skipped += 1
                continue
            }
            key["alg"] = algorithm
            do {
                let json = try JSONSerialization.data(withJSONObject: key)
                try await collection.add(jwk: try JSONDecoder().decode(JWK.self, from: json))
                algorithms[kid] = algorithm
            } catch {
                skipped += 1
            }
        }
        self.collection = collection
        self.algorithms = algorithms
        self.skipped = skipped
    }

    /// The algorithm a published key signs with, or nil when EOS cannot use it for signatures.
    private static func algorithm(of key: [String: Any]) -> String? {
        if let use = key["use"] as? String, use != "sig" { return nil }
        let declared = key["alg"] as? String
        switch key["kty"] as? String {
        case "RSA" where declared == nil || declared == "RS256":
            return "RS256"
        case "EC" where (declared == nil || declared == "ES256") && key["crv"] as? String == "P-256":
            return "ES256"
        default:
            return nil
        }
    }

    /// The `kid`s, sorted, for logs.
    var keyIDs: [String] { algorithms.keys.sorted() }
}
