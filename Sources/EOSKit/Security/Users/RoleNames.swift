/// The names of EOS's three roles in the identity provider, and what each allows.
///
/// | role | may |
/// |---|---|
/// | admin (`eos-admin`) | everything |
/// | operator (`eos-operator`) | read, deploy, remove, rollback, pause, resume |
/// | viewer (`eos-viewer`) | read |
///
/// The names are configurable so that a realm with its own naming scheme needs no new roles.
public struct RoleNames: Sendable, Hashable {
    /// The role allowed everything.
    public var admin: String
    /// The role allowed to read and to change deployments.
    public var `operator`: String
    /// The role allowed to read only.
    public var viewer: String

    /// Role names; the defaults are `eos-admin`, `eos-operator` and `eos-viewer`.
    public init(admin: String = "eos-admin", operator: String = "eos-operator", viewer: String = "eos-viewer") {
        self.admin = admin
        self.operator = `operator`
        self.viewer = viewer
    }

    /// What the operator role allows.
    public static let operatorPermissions: Set<Permission> = [.read, .deploy, .remove, .rollback, .pause, .resume]

    /// What a user holding `roles` may do: the union of what each EOS role among them allows. Other roles count for
    /// nothing.
    public func permissions(for roles: some Sequence<String>) -> Set<Permission> {
        var permissions: Set<Permission> = []
        for role in roles {
            switch role {
            case admin: permissions.formUnion(Permission.allCases)
            case self.operator: permissions.formUnion(Self.operatorPermissions)
            case viewer: permissions.insert(.read)
            default: break
            }
        }
        return permissions
    }

    /// The roles that grant `permission`, for a refusal to name.
    public func roles(granting permission: Permission) -> [String] {
        switch permission {
        case .read: [viewer, self.operator, admin]
        default: [self.operator, admin]
        }
    }
}
