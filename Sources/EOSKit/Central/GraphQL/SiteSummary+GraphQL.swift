internal import EOSModel
internal import Graphiti

extension SiteSummary {
    struct NodesArguments: Codable, Sendable {
        var liveness: NodeLiveness?
        var label: String?
    }

    var labelList: [GraphQLLabel] { GraphQLLabel.list(labels) }

    /// The site's nodes, every one, filtered by liveness and label.
    func nodes(context: GraphQLContext, arguments: NodesArguments) async throws -> [NodeRecord] {
        try await GraphQLResolver.answering(context, needs: .read) {
            let label = try GraphQLLabelFilter(arguments.label)
            var nodes: [NodeRecord] = []
            var cursor: String?
            repeat {
                let page = try await context.central.nodes(after: cursor, limit: 1000, site: id)
                nodes += page.items.filter { GraphQLResolver.keep($0, liveness: arguments.liveness, label: label) }
                cursor = page.next
            } while cursor != nil
            return nodes
        }
    }
}
