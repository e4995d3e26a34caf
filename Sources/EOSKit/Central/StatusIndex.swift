internal import EOSModel

/// The latest status of every node and deployment, in memory: every deployment controller pass and status query
/// reads a deployment's statuses, and decoding them from SQLite each time cost more than anything else the central
/// did during a rollout.
///
/// The registry changes it only after the matching SQLite write committed, in the order the writes committed, with
/// the same rule (``NodeDeploymentStatus/supersedes(_:)``), so it always equals the file.
struct StatusIndex {
    /// Deployment → node → status.
    private var byDeployment: [String: [String: NodeDeploymentStatus]] = [:]

    init(_ statuses: [NodeDeploymentStatus] = []) {
        record(statuses)
    }

    /// Takes each status that supersedes the one held (a removal drops it).
    mutating func record(_ statuses: [NodeDeploymentStatus]) {
        for status in statuses {
            let held = byDeployment[status.deployment]?[status.nodeID]
            if let held, !status.supersedes(held) { continue }
            if status.state == .removed {
                guard held != nil else { continue }
                byDeployment[status.deployment]?[status.nodeID] = nil
                if byDeployment[status.deployment]?.isEmpty == true { byDeployment[status.deployment] = nil }
            } else {
                byDeployment[status.deployment, default: [:]][status.nodeID] = status
            }
        }
    }

    /// A deployment's statuses, by node id.
    func statuses(of deployment: String) -> [NodeDeploymentStatus] {
        (byDeployment[deployment] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// A deployment's statuses keyed by node id: the index's own dictionary, shared until either side changes.
    func statusesByNode(of deployment: String) -> [String: NodeDeploymentStatus] {
        byDeployment[deployment] ?? [:]
    }

    /// A node's statuses, by deployment name.
    func statuses(ofNode node: String) -> [NodeDeploymentStatus] {
        byDeployment.keys.sorted().compactMap { byDeployment[$0]?[node] }
    }
}
