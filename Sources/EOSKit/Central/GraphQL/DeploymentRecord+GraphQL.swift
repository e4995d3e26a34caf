internal import EOSModel
internal import Foundation
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
        try await GraphQLResolver.answering(context, needs: .read) {
            var entries: [AuditEntry] = []
            while true {
                let page = try await context.central.registry.audit(
                    of: name, after: entries.last?.sequence ?? 0, limit: 1000)
                entries += page
                if page.count < 1000 { break }
                if let last = arguments.last, entries.count > last { entries.removeFirst(entries.count - last) }
            }
            if let last = arguments.last { return Array(entries.suffix(max(0, last))) }
            return entries
        }
    }

    /// The deployment's rollout status, with every targeted node's report.
    func status(context: GraphQLContext, arguments: NoArguments) async throws -> DeploymentStatusSummary? {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.status(of: name, detail: true)
        }
    }
}
