public import EOSModel

/// What a Local Orchestrator must do to converge its site: which nodes each deployment belongs on, and the applies
/// and removals that get them there. Pure: the same inputs give the same plan, so every rule is unit-tested.
///
/// - A wave (a desired state naming nodes) targets the named nodes; the site's other nodes keep what they hold
///   until their wave comes.
/// - Otherwise `EveryNode` targets every node whose labels match the node selector, whatever its liveness (an
///   unreachable node is retried, never replaced), and `Replicas` keeps its count on matching nodes that are not
///   `Offline`: it keeps the nodes it has, and fills up with the nodes that host the fewest workloads and have the
///   most memory, so replicas spread. A node that goes `Offline` loses its replicas to another.
/// - A node holding an older generation is updated only while fewer than `maxUnavailable` of the deployment's
///   nodes are mid-update (applied but not yet reported installed, or being applied to right now); a first install
///   is not limited.
/// - A node with a call in progress (``inFlight``) gets no other action for the deployment being applied to it.
/// - A node holding a deployment that no longer targets it, or that was removed, is told to remove it.
public struct SitePlanner: Sendable {
    /// A node as the planner sees it.
    public struct Node: Sendable, Hashable {
        public var id: String
        public var labels: [String: String]
        public var capabilities: NodeCapabilities?
        public var liveness: NodeLiveness

        /// Creates a node.
        public init(id: String, labels: [String: String], capabilities: NodeCapabilities?, liveness: NodeLiveness) {
            self.id = id
            self.labels = labels
            self.capabilities = capabilities
            self.liveness = liveness
        }
    }

    /// One step towards convergence.
    public enum Action: Sendable, Hashable {
        /// Apply `state` to `node`.
        case apply(node: String, state: FleetDesiredState)
        /// Remove a deployment from `node`.
        case remove(node: String, removal: FleetRemoval)

        /// The node the action is for.
        public var node: String {
            switch self {
            case .apply(let node, _), .remove(let node, _): node
            }
        }

        /// The deployment the action is about.
        public var deployment: String {
            switch self {
            case .apply(_, let state): state.deployment
            case .remove(_, let removal): removal.deployment
            }
        }
    }

    /// A plan: the nodes each deployment targets, the `Replicas` placements, and the actions to take now.
    public struct Plan: Sendable, Hashable {
        /// The nodes each deployment belongs on, by deployment.
        public var targets: [String: Set<String>] = [:]
        /// The nodes each `Replicas` deployment is placed on, where it changed.
        public var placements: [String: Set<String>] = [:]
        /// The applies and removals to make now.
        public var actions: [Action] = []
    }

    /// The site's desired deployments.
    public var desired: [FleetDesiredState]
    /// The removals the site remembers.
    public var removals: [FleetRemoval]
    /// The site's nodes.
    public var nodes: [Node]
    /// What each node holds: node → deployment → generation.
    public var applied: [String: [String: Int64]]
    /// The current `Replicas` placements.
    public var placements: [String: Set<String>]
    /// Each node's latest status on each deployment.
    public var statuses: [NodeDeploymentStatus]
    /// The nodes a call is in progress to, with the deployment it is about.
    public var inFlight: [String: String]

    /// Creates a planner over the site's state.
    public init(
        desired: [FleetDesiredState], removals: [FleetRemoval], nodes: [Node], applied: [String: [String: Int64]],
        placements: [String: Set<String>], statuses: [NodeDeploymentStatus], inFlight: [String: String] = [:]
    ) {
        self.desired = desired
        self.removals = removals
        self.nodes = nodes
        self.applied = applied
        self.placements = placements
        self.statuses = statuses
        self.inFlight = inFlight
    }

    /// The plan.
    public func plan() -> Plan {
        var plan = Plan()
        var load: [String: Int] = [:]
        for (node, deployments) in applied { load[node] = deployments.count }
        var latest: [String: [String: NodeDeploymentStatus]] = [:]
        for status in statuses { latest[status.deployment, default: [:]][status.nodeID] = status }
        for state in desired {
            let targets = targets(of: state, load: &load, plan: &plan)
            plan.targets[state.deployment] = targets
            plan.actions += applies(of: state, to: targets, statuses: latest[state.deployment, default: [:]])
        }
        let targeted = plan.targets
        for (node, deployments) in applied.sorted(by: { $0.key < $1.key }) {
            for (deployment, generation) in deployments.sorted(by: { $0.key < $1.key })
            where inFlight[node] != deployment {
                if let state = desired.first(where: { $0.deployment == deployment }) {
                    // A wave leaves the nodes it does not name alone.
                    if !state.nodeIDs.isEmpty || targeted[deployment, default: []].contains(node) { continue }
                    plan.actions.append(
                        .remove(node: node, removal: FleetRemoval(deployment: deployment, generation: state.generation))
                    )
                } else {
                    let removal = removals.first { $0.deployment == deployment }
                    plan.actions.append(
                        .remove(
                            node: node,
                            removal: FleetRemoval(
                                deployment: deployment, generation: max(removal?.generation ?? generation, generation)))
                    )
                }
            }
        }
        return plan
    }

    private func targets(of state: FleetDesiredState, load: inout [String: Int], plan: inout Plan) -> Set<String> {
        if !state.nodeIDs.isEmpty { return Set(state.nodeIDs) }
        let matching = nodes.filter { state.spec.target.matchesNode($0.labels) }
        switch state.spec.placement {
        case .everyNode:
            return Set(matching.map(\.id))
        case .replicas(let count, _):
            let eligible = matching.filter { $0.liveness != .offline }
            let current = placements[state.deployment, default: []]
            var chosen = Set(eligible.map(\.id)).intersection(current)
            if chosen.count > count {
                chosen = Set(chosen.sorted().prefix(count))
            }
            let candidates = eligible.filter { !chosen.contains($0.id) }.sorted { left, right in
                let (leftLoad, rightLoad) = (load[left.id, default: 0], load[right.id, default: 0])
                if leftLoad != rightLoad { return leftLoad < rightLoad }
                let (leftMemory, rightMemory) = (
                    left.capabilities?.memoryBytes ?? 0, right.capabilities?.memoryBytes ?? 0
                )
                if leftMemory != rightMemory { return leftMemory > rightMemory }
                return left.id < right.id
            }
            for node in candidates.prefix(max(0, count - chosen.count)) {
                chosen.insert(node.id)
                load[node.id, default: 0] += 1
            }
            if chosen != current { plan.placements[state.deployment] = chosen }
            return chosen
        }
    }

    private func applies(
        of state: FleetDesiredState, to targets: Set<String>, statuses: [String: NodeDeploymentStatus]
    ) -> [Action] {
        var firstInstalls: [String] = []
        var updates: [String] = []
        var midUpdate = 0
        for node in targets.sorted() {
            if inFlight[node] == state.deployment {
                if applied[node]?[state.deployment] != nil { midUpdate += 1 }
                continue
            }
            switch applied[node]?[state.deployment] {
            case nil: firstInstalls.append(node)
            case let held? where held < state.generation: updates.append(node)
            case let held? where held == state.generation:
                let status = statuses[node]
                let settled =
                    status.map { $0.observedGeneration == state.generation && $0.state != .installing } ?? false
                if !settled { midUpdate += 1 }
            default: break
            }
        }
        let budget = max(1, state.spec.rollout.maxUnavailable.resolve(against: targets.count)) - midUpdate
        let chosen = firstInstalls + updates.prefix(max(0, budget))
        return chosen.map { node in
            var forNode = state
            forNode.nodeIDs = [node]
            return .apply(node: node, state: forNode)
        }
    }
}
