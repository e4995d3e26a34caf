internal import EOSModel
internal import Foundation
internal import GraphQL
internal import Graphiti

extension DeploymentRecord {
    var labelList: [GraphQLLabel] { GraphQLLabel.list(labels) }
    var generationNumber: Int { Int(generation) }
    var workloadNames: [String] { spec.workloads.map(\.name) }

    /// The spec of this generation as JSON text, as `GET /deployments/NAME` shows it.
    var specJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(spec)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Arguments of `Deployment.audit`.
    struct AuditArguments: Codable, Sendable {
        var last: Int?
    }

    /// The deployment's audit log, oldest first: all of it, or its latest `last` entries.
    func audit(context: GraphQLContext, arguments: AuditArguments) async throws -> [AuditEntry] {
        if let last = arguments.last, last < 1 {
            throw GraphQLError(message: "last: \(last) is not a number of entries (1 or more)")
        }
        return try await GraphQLResolver.answering(context, needs: .read) {
            if let last = arguments.last {
                return try await context.central.registry.latestAudit(of: name, limit: last)
            }
            var entries: [AuditEntry] = []
            while true {
                let page = try await context.central.registry.audit(
                    of: name, after: entries.last?.sequence ?? 0, limit: CentralAPI.maximumAuditPage)
                entries += page
                if page.count < CentralAPI.maximumAuditPage { return entries }
            }
        }
    }

    /// The deployment's rollout status, with every targeted node's report.
    func status(context: GraphQLContext, arguments: NoArguments) async throws -> DeploymentStatusSummary? {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.status(of: name, detail: true)
        }
    }
}
