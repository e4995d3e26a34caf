/// Who made an API request, as an authenticator established it, and what they may do.
public struct AuthenticatedUser: Sendable, Hashable {
    /// The stable identifier of the user at the identity provider (the token's `sub`).
    public var subject: String
    /// The name the audit log records: the token's `preferred_username`, else its `sub`.
    public var name: String
    /// The roles the token carried, sorted; EOS's and any others.
    public var roles: [String]
    /// What the roles allow.
    public var permissions: Set<Permission>

    /// A user.
    public init(subject: String, name: String, roles: [String], permissions: Set<Permission>) {
        self.subject = subject
        self.name = name
        self.roles = roles
        self.permissions = permissions
    }

    /// A user allowed everything, such as the holder of a static dev token.
    public static func administrator(named name: String) -> AuthenticatedUser {
        AuthenticatedUser(subject: name, name: name, roles: [], permissions: Set(Permission.allCases))
    }

    /// Whether the user may do `permission`.
    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Returns when the user may do `permission`; otherwise throws a ``SecurityError/Code/permissionDenied`` error
    /// that names the permission, the roles that grant it (from `roleNames`) and the roles the user holds.
    public func require(_ permission: Permission, roleNames: RoleNames = RoleNames()) throws(SecurityError) {
        guard !allows(permission) else { return }
        let granting = roleNames.roles(granting: permission).joined(separator: " or ")
        let held = roles.isEmpty ? "no roles" : "roles " + roles.joined(separator: ", ")
        throw SecurityError(
            code: .permissionDenied,
            message: "\(name) may not \(permission): that needs the role \(granting), and the token carries \(held)")
    }
}
