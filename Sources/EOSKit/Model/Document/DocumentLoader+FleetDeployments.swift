public import Foundation

extension DocumentLoader {
    /// Every FleetDeployment in `data`, read from the file `file`: what `eosctl deploy -f` and `eosd dev --apply`
    /// send. Any problem (a document that does not validate, a document of another kind, an empty file) fails the
    /// whole file, so nothing is deployed from a file that is partly wrong; the error lists every problem at its
    /// line and column.
    public static func fleetDeployments(
        in data: Data, file: String
    ) throws(FleetDocumentError) -> [FleetDeployment] {
        let documents = load(data)
        var deployments: [FleetDeployment] = []
        var problems: [String] = []
        for document in documents {
            switch document.result {
            case .success(.fleetDeployment(let deployment)):
                deployments.append(deployment)
            case .success(let other):
                problems.append(
                    "\(file):\(document.location.line):\(document.location.column): a \(other.kind.name), "
                        + "not a FleetDeployment")
            case .failure(let error):
                problems += error.problems.map { $0.described(in: file) }
            }
        }
        if documents.isEmpty || (deployments.isEmpty && problems.isEmpty) {
            problems.append("\(file): no documents found")
        }
        guard problems.isEmpty else { throw FleetDocumentError(problems: problems) }
        return deployments
    }
}

/// Why a file of FleetDeployments cannot be deployed: each problem as `FILE:LINE:COLUMN: PATH: MESSAGE`.
public struct FleetDocumentError: Error, Sendable, CustomStringConvertible {
    /// Every problem, one a line, in the file's order.
    public let problems: [String]

    /// The problems, one a line.
    public var description: String { problems.joined(separator: "\n") }
}
