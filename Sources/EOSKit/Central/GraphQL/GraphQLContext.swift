/// What every GraphQL resolver is given: the central it answers for and who is asking, whom the audit log names for
/// a mutation.
struct GraphQLContext: Sendable {
    let central: CentralOrchestrator
    let actor: String
}
