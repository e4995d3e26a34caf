internal import EOSModel
internal import Graphiti

extension NodeRecord {
    struct DeploymentsArguments: Codable, Sendable {
        var name: String?
    }

    var labelList: [GraphQLLabel] { GraphQLLabel.list(labels) }

    /// The site the node is attached to; `nil` for a node attached to the central directly.
    func site(context: GraphQLContext, arguments: NoArguments) async throws -> SiteSummary? {
        guard let siteID else { return nil }
        return try await GraphQLResolver.answering(context, needs: .read) { try await context.central.site(id: siteID) }
    }

    /// The latest status the node reported for each deployment it runs (only `name` when given).
    func deployments(context: GraphQLContext, arguments: DeploymentsArguments) async throws -> [NodeDeploymentStatus] {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.registry.statuses(ofNode: id)
                .filter { status in arguments.name.map { $0 == status.deployment } ?? true }
        }
    }
}

extension NodeCapabilities {
    var memory: Double { Double(memoryBytes) }
    var storage: Double { Double(storageBytes) }
}
