internal import EOSModel
internal import Graphiti

extension DeploymentStatusSummary {
    struct SitesArguments: Codable, Sendable {
        var id: String?
    }

    struct NodeStatusArguments: Codable, Sendable {
        var site: String?
        var state: MargoDeploymentState?
    }

    var generationNumber: Int { Int(generation) }

    /// The per-site rollup, only site `id` when given.
    func siteRollups(context: GraphQLContext, arguments: SitesArguments) -> [SiteRollup] {
        sites.filter { site in arguments.id.map { $0 == site.id } ?? true }
    }

    /// Every targeted node's latest report, filtered by site and state.
    func nodeReports(context: GraphQLContext, arguments: NodeStatusArguments) -> [NodeDeploymentStatus] {
        (nodeStatuses ?? []).filter { status in
            arguments.site.map { $0 == status.siteID } ?? true && arguments.state.map { $0 == status.state } ?? true
        }
    }
}

extension DeploymentStatusSummary.RolloutProgress {
    var rollbackOfNumber: Int? { rollbackOf.map(Int.init) }
}

extension NodeDeploymentStatus {
    var generationNumber: Int { Int(observedGeneration) }
}

extension DeployAccepted {
    var generationNumber: Int { Int(generation) }
}

extension WorkloadStatus {
    var exitCodeNumber: Int? { exitCode.map(Int.init) }
}
