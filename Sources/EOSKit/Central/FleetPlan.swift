public import EOSModel

/// What each site and each directly attached node should hold, worked out from the registry and each deployment's
/// rollout: the state the central pushes with `DeployFleet` and answers a child's `Register` and `Sync` with.
///
/// A site holds a deployment's current generation once its rollout has released one of the site's nodes: naming
/// the released nodes while only some are, and none (every node the site matches) once all are. Until then it holds
/// the generation before. A site the deployment does not target holds nothing of it.
public struct FleetPlan: Sendable, Hashable {
    /// The desired state of each deployment at each site, by site and deployment.
    public var sites: [String: [String: FleetDesiredState]] = [:]
    /// The desired state of each deployment on each node attached to the central directly, by node and deployment.
    public var directNodes: [String: [String: FleetDesiredState]] = [:]

    /// An empty plan.
    public init() {}

    /// Adds what `record`'s rollout asks of every site and directly attached node it targets.
    ///
    /// - Parameters:
    ///   - targets: the nodes the deployment targets.
    ///   - rollout: the rollout of `record`'s generation.
    ///   - previous: the generation before, which nodes not yet released keep; `nil` when there is none.
    public mutating func add(
        _ record: DeploymentRecord, targets: [RolloutPlanner.Target], rollout: RolloutState,
        previous: DeploymentRecord?
    ) {
        guard !record.removed else { return }
        let current = FleetDesiredState(deployment: record.name, generation: record.generation, spec: record.spec)
        let before = previous.flatMap { previous in
            previous.removed
                ? nil
                : FleetDesiredState(deployment: previous.name, generation: previous.generation, spec: previous.spec)
        }
        var bySite: [String: [RolloutPlanner.Target]] = [:]
        for target in targets {
            if let site = target.siteID {
                bySite[site, default: []].append(target)
            } else {
                var state = rollout.admitted.contains(target.nodeID) ? current : before
                state?.nodeIDs = [target.nodeID]
                if let state { directNodes[target.nodeID, default: [:]][record.name] = state }
            }
        }
        for (site, targets) in bySite {
            let released = targets.map(\.nodeID).filter(rollout.admitted.contains).sorted()
            if released.isEmpty {
                if let before { sites[site, default: [:]][record.name] = before }
                continue
            }
            var state = current
            state.nodeIDs = released.count == targets.count ? [] : released
            sites[site, default: [:]][record.name] = state
        }
    }
}
