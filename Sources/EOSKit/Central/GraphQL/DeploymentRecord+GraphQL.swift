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

    /// The deployment's rollout status, with every targeted node's report.
    func status(context: GraphQLContext, arguments: NoArguments) async throws -> DeploymentStatusSummary? {
        try await GraphQLResolver.answering(context, needs: .read) {
            try await context.central.status(of: name, detail: true)
        }
    }
}
