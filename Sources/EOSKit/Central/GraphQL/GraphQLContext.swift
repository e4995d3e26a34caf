internal import EOSSecurity
internal import GraphQL

/// What every GraphQL resolver is given: the central it answers for and who is asking, whose permissions each field
/// checks and whom the audit log names for a mutation.
struct GraphQLContext: Sendable {
    let central: CentralOrchestrator
    let user: AuthenticatedUser
    let roleNames: RoleNames

    /// Whom the audit log names.
    var actor: String { user.name }

    /// Returns when the user may do `permission`; otherwise throws a GraphQL error whose `extensions.code` is
    /// `FORBIDDEN` and whose message names the role needed.
    func require(_ permission: Permission) throws {
        do {
            try user.require(permission, roleNames: roleNames)
        } catch {
            throw GraphQLError(message: error.message, extensions: ["code": "FORBIDDEN"])
        }
    }
}
