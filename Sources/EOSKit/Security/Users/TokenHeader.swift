internal import Foundation

/// The header of a compact JWS (`HEADER.PAYLOAD.SIGNATURE`), read before any key is chosen so that the algorithm and
/// key id can be checked first.
struct TokenHeader: Decodable, Sendable {
    /// `alg`.
    var algorithm: String?
    /// `kid`.
    var keyID: String?

    enum CodingKeys: String, CodingKey {
        case algorithm = "alg"
        case keyID = "kid"
    }

    /// The header of `token`, or an error saying what is malformed.
    init(token: String) throws(SecurityError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw SecurityError(
                code: .unauthenticated,
                message: "the bearer token is not a JWT: it has \(parts.count) part(s), not HEADER.PAYLOAD.SIGNATURE")
        }
        guard let data = Self.base64URLDecoded(parts[0]) else {
            throw SecurityError(code: .unauthenticated, message: "the token's header is not base64url")
        }
        do {
            self = try JSONDecoder().decode(TokenHeader.self, from: data)
        } catch {
            throw SecurityError(code: .unauthenticated, message: "the token's header is not a JSON object with alg")
        }
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
