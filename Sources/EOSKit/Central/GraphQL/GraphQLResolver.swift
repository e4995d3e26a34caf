internal import EOSModel
internal import EOSSecurity
internal import GraphQL
internal import NIOCore

/// The root of the central's GraphQL schema: its queries and mutations, each calling the same
/// ``CentralOrchestrator`` operations the REST API calls, so both answer the same numbers.
struct GraphQLResolver: Sendable {
    struct ListArguments: Codable, Sendable {
        var liveness: NodeLiveness?
        var label: String?
        var site: String?
        var after: String?
        var limit: Int?
    }

    struct IDArguments: Codable, Sendable {
        var id: String
    }

    struct NameArguments: Codable, Sendable {
        var name: String
    }

    struct DeploymentsArguments: Codable, Sendable {
        var phase: DeploymentPhase?
        var after: String?
        var limit: Int?
    }

    struct DeployArguments: Codable, Sendable {
        var document: String
    }

    // MARK: Queries

    func sites(context: GraphQLContext, arguments: ListArguments) async throws -> [SiteSummary] {
        try await Self.answering(context, needs: .read) {
            let label = try GraphQLLabelFilter(arguments.label)
            return try await GraphQLPaging(after: arguments.after, limit: arguments.limit).collect(
                { try await context.central.sites(after: $0, limit: $1) },
                keep: { site in
                    arguments.liveness.map { $0 == site.liveness.liveness } ?? true
                        && label.map { $0.matches(site.labels) } ?? true
                })
        }
    }

    func site(context: GraphQLContext, arguments: IDArguments) async throws -> SiteSummary? {
        try await Self.answering(context, needs: .read) { try await context.central.site(id: arguments.id) }
    }

    func nodes(context: GraphQLContext, arguments: ListArguments) async throws -> [NodeRecord] {
        try await Self.answering(context, needs: .read) {
            let label = try GraphQLLabelFilter(arguments.label)
            return try await GraphQLPaging(after: arguments.after, limit: arguments.limit).collect(
                { try await context.central.nodes(after: $0, limit: $1, site: arguments.site) },
                keep: { Self.keep($0, liveness: arguments.liveness, label: label) })
        }
    }

    func node(context: GraphQLContext, arguments: IDArguments) async throws -> NodeRecord? {
        try await Self.answering(context, needs: .read) { try await context.central.node(id: arguments.id) }
    }

    func deployments(context: GraphQLContext, arguments: DeploymentsArguments) async throws -> [DeploymentRecord] {
        try await Self.answering(context, needs: .read) {
            let paging = try GraphQLPaging(after: arguments.after, limit: arguments.limit)
            guard let phase = arguments.phase else {
                return try await paging.collect(
                    { try await context.central.registry.deployments(after: $0, limit: $1, includeRemoved: false) },
                    keep: { _ in true })
            }
            let statuses = try await paging.collect(
                { try await context.central.statuses(after: $0, limit: $1) }, keep: { $0.phase == phase })
            var records: [DeploymentRecord] = []
            for status in statuses {
                if let record = try await context.central.registry.deployment(named: status.name) {
                    records.append(record)
                }
            }
            return records
        }
    }

    func deployment(context: GraphQLContext, arguments: NameArguments) async throws -> DeploymentRecord? {
        try await Self.answering(context, needs: .read) {
            try await context.central.registry.deployment(named: arguments.name).flatMap { $0.removed ? nil : $0 }
        }
    }

    func status(context: GraphQLContext, arguments: NameArguments) async throws -> DeploymentStatusSummary? {
        try await Self.answering(context, needs: .read) {
            try await context.central.status(of: arguments.name, detail: true)
        }
    }

    // MARK: Mutations

    func deploy(context: GraphQLContext, arguments: DeployArguments) async throws -> DeployAccepted {
        try await Self.answering(context, needs: .deploy) {
            let deployment = try CentralAPI.fleetDeployment(from: ByteBuffer(string: arguments.document))
            let record = try await context.central.deploy(deployment, by: context.actor)
            return DeployAccepted(name: record.name, generation: record.generation)
        }
    }

    func remove(context: GraphQLContext, arguments: NameArguments) async throws -> DeployAccepted {
        try await Self.answering(context, needs: .remove) {
            let record = try await context.central.remove(arguments.name, by: context.actor)
            return DeployAccepted(name: record.name, generation: record.generation)
        }
    }

    func rollback(context: GraphQLContext, arguments: NameArguments) async throws -> DeployAccepted {
        try await control(context, .rollback, arguments.name) { try await $0.rollback($1, by: $2) }
    }

    func pause(context: GraphQLContext, arguments: NameArguments) async throws -> DeployAccepted {
        try await control(context, .pause, arguments.name) { try await $0.pause($1, by: $2) }
    }

    func resume(context: GraphQLContext, arguments: NameArguments) async throws -> DeployAccepted {
        try await control(context, .resume, arguments.name) { try await $0.resume($1, by: $2) }
    }

    private func control(
        _ context: GraphQLContext, _ permission: Permission, _ name: String,
        _ action: (CentralOrchestrator, String, String) async throws -> Void
    ) async throws -> DeployAccepted {
        try await Self.answering(context, needs: permission) {
            try await action(context.central, name, context.actor)
            let record = try await context.central.registry.deployment(named: name)
            return DeployAccepted(name: name, generation: record?.generation ?? 0)
        }
    }

    // MARK: Shared

    static func keep(_ node: NodeRecord, liveness: NodeLiveness?, label: GraphQLLabelFilter?) -> Bool {
        liveness.map { $0 == node.liveness.liveness } ?? true && label.map { $0.matches(node.labels) } ?? true
    }

    /// Runs `body` when the user may do `permission`, turning EOS's errors into GraphQL errors that carry their own
    /// description (a posted document's problems at their lines, an unknown deployment's name) rather than a
    /// platform's generic text. Every field that reads or changes the fleet goes through here.
    static func answering<T>(
        _ context: GraphQLContext, needs permission: Permission, _ body: () async throws -> T
    ) async throws -> T {
        try context.require(permission)
        do {
            return try await body()
        } catch let error as GraphQLError {
            throw error
        } catch let problem as ProblemDetails {
            throw GraphQLError(message: problem.detail)
        } catch {
            throw GraphQLError(message: "\(error)")
        }
    }
}
