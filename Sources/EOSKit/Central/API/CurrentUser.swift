public import EOSSecurity

/// What `GET /me` answers: who the token belongs to and what they may do, so a client (the portal) offers only the
/// actions the central would accept.
public struct CurrentUser: Sendable, Hashable, Codable {
    /// The name the audit log records.
    public var name: String
    /// The identifier at the identity provider.
    public var subject: String
    /// The roles the token carried, sorted.
    public var roles: [String]
    /// What the roles allow, by name (`read`, `deploy`, `remove`, `rollback`, `pause`, `resume`), sorted.
    public var permissions: [String]

    /// The answer for `user`.
    public init(_ user: AuthenticatedUser) {
        name = user.name
        subject = user.subject
        roles = user.roles
        permissions = user.permissions.map(\.rawValue).sorted()
    }
}
