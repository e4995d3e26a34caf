internal import EOSModel
internal import EOSTelemetry
internal import Graphiti

extension MetricSeries {
    /// The arguments of the `metrics` fields of `Node` and `Site`.
    struct Arguments: Codable, Sendable {
        var names: [String]?
        var since: Timestamp?

        var nameSet: Set<String> { Set(names ?? []) }
    }

    var labelList: [GraphQLLabel] { GraphQLLabel.list(labels) }
}

extension NodeRecord {
    /// The node's telemetry series, as its agent sent them up.
    func metrics(context: GraphQLContext, arguments: MetricSeries.Arguments) async throws -> [MetricSeries] {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.nodeMetrics(id: id, names: arguments.nameSet, since: arguments.since)?.series
                ?? []
        }
    }
}

extension SiteSummary {
    /// The site's rollups over its nodes: per metric and window, the sum, or the mean for a ratio.
    func metrics(context: GraphQLContext, arguments: MetricSeries.Arguments) async throws -> [MetricSeries] {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.siteMetrics(id: id, names: arguments.nameSet, since: arguments.since)?.series
                ?? []
        }
    }

    /// The series of the site's LO's own host.
    func localOrchestratorMetrics(
        context: GraphQLContext, arguments: MetricSeries.Arguments
    ) async throws -> [MetricSeries] {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.siteMetrics(id: id, names: arguments.nameSet, since: arguments.since)?
                .localOrchestrator ?? []
        }
    }
}
