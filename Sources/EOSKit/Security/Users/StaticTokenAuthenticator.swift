/// Accepts one shared bearer token and treats its holder as an administrator: the token `eosd dev` prints, or
/// `eosd central --dev-token` for a lab.
public struct StaticTokenAuthenticator: UserAuthenticator {
    private let token: [UInt8]
    private let userName: String

    /// Accepts `token`; the audit log names its holder `userName`.
    public init(token: String, userName: String = "admin") {
        self.token = Array(token.utf8)
        self.userName = userName
    }

    /// The administrator when `token` is the configured one.
    public func authenticate(bearerToken token: String?) async throws(SecurityError) -> AuthenticatedUser {
        guard let token else {
            throw SecurityError(code: .unauthenticated, message: "this request needs 'Authorization: Bearer TOKEN'")
        }
        guard Self.constantTimeEqual(Array(token.utf8), self.token) else {
            throw SecurityError(code: .unauthenticated, message: "the bearer token is not valid")
        }
        return .administrator(named: userName)
    }

    /// Compares without stopping at the first difference, so response times do not reveal the token.
    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
