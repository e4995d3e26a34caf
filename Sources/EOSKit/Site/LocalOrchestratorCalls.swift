public import EOSMargo
public import EOSModel
public import EOSSecurity

/// What the Local Orchestrator answers with: the central's `LocalOrchestrator` calls, its nodes' `Register` and
/// `Sync` (what each node should hold), and the statuses its nodes report.
///
/// A deployment is on disk in the ``SiteStore`` before the central's call is acknowledged; every change wakes the
/// site's reconcile loop, and every status wakes the link to the central.
public final class LocalOrchestratorCalls: LocalOrchestratorHandler, ChildDesiredStates, ChildStatusSink {
    /// The site's id.
    public let siteID: String
    let store: SiteStore
    let registry: ChildRegistry
    let wake: @Sendable () -> Void
    let statusesQueued: @Sendable () -> Void
    /// The trace each generation arrived in, which the site's applies to its nodes join.
    let traces = DeploymentTraces()

    init(
        siteID: String, store: SiteStore, registry: ChildRegistry, wake: @escaping @Sendable () -> Void,
        statusesQueued: @escaping @Sendable () -> Void
    ) {
        self.siteID = siteID
        self.store = store
        self.registry = registry
        self.wake = wake
        self.statusesQueued = statusesQueued
    }

    // MARK: LocalOrchestratorHandler

    /// Records one generation of a deployment for the site; the same generation naming more nodes widens the wave.
    public func deployFleet(_ desiredState: FleetDesiredState, caller: SPIFFEIdentity) async throws -> ApplyResult {
        // Remembered before the store wakes the reconcile loop, which may apply to the nodes at once.
        traces.remember(deployment: desiredState.deployment, generation: desiredState.generation)
        return try accept(desiredState)
    }

    /// Forgets a deployment; the nodes are told to remove it.
    public func removeFleet(_ removal: FleetRemoval, caller: SPIFFEIdentity) async throws -> ApplyResult {
        try remove(removal)
    }

    /// Each node's liveness and latest report on `deployments` (all when empty).
    public func siteStatus(deployments: [String], caller: SPIFFEIdentity) async throws -> SiteStatus {
        let wanted = Set(deployments)
        let statuses = try stored { () throws(SiteStoreError) in try store.statuses() }
        let now = Timestamp.now
        let nodes = registry.children(of: .node).map { child in
            NodeStatus(
                nodeID: child.id, liveness: registry.liveness(of: child, at: now), labels: child.labels,
                capabilities: child.capabilities,
                deployments: statuses.filter {
                    $0.nodeID == child.id && (wanted.isEmpty || wanted.contains($0.deployment))
                })
        }
        return SiteStatus(siteID: siteID, nodes: nodes, observedAt: now)
    }

    /// Records a desired state, from a call or from a sync with the central.
    func accept(_ desiredState: FleetDesiredState) throws(MargoError) -> ApplyResult {
        let result = try stored { () throws(SiteStoreError) in try store.accept(desiredState) }
        try Self.refuseStale(result, desiredState.deployment, desiredState.generation)
        if result.outcome == .accepted { wake() }
        return result
    }

    /// Records a removal, from a call or from a sync with the central.
    func remove(_ removal: FleetRemoval) throws(MargoError) -> ApplyResult {
        let result = try stored { () throws(SiteStoreError) in try store.remove(removal) }
        try Self.refuseStale(result, removal.deployment, removal.generation)
        if result.outcome == .accepted { wake() }
        return result
    }

    // MARK: ChildDesiredStates

    /// The generation each deployment targeting the node is at; a wave that has not reached the node leaves it
    /// the generation it holds.
    public func desiredGenerations(for child: RegisteredChild) async throws -> [String: Int64] {
        let states = try desiredStates(for: child.id, holding: child.appliedGenerations)
        return Dictionary(uniqueKeysWithValues: states.map { ($0.deployment, $0.generation) })
    }

    /// The states the node lacks, and the removals of what no longer targets it.
    public func sync(applied: [String: Int64], for child: RegisteredChild) async throws -> SyncResponse {
        let states = try desiredStates(for: child.id, holding: applied)
        let kept = Set(states.map(\.deployment))
        return SyncResponse(
            desiredStates: states.filter { applied[$0.deployment] != $0.generation && !$0.spec.workloads.isEmpty },
            removals: applied.filter { !kept.contains($0.key) }
                .map { FleetRemoval(deployment: $0.key, generation: $0.value) }
                .sorted { $0.deployment < $1.deployment })
    }

    /// What `node` should hold: the targeting states, for this node only, and (as a placeholder with no
    /// workloads, never sent) the generation it holds of a deployment whose wave has not reached it.
    ///
    /// Asked on every node's registration, heartbeat and sync, so it reads only the site's few desired states and
    /// the stored `Replicas` placements, never the whole site: a wave targets the nodes it names, `Replicas` the
    /// nodes the reconcile loop placed it on, and `EveryNode` every node its selector matches, as ``SitePlanner``
    /// decides.
    private func desiredStates(
        for node: String, holding applied: [String: Int64]
    ) throws(MargoError) -> [FleetDesiredState] {
        let (desired, placements) = try stored { () throws(SiteStoreError) in
            (try store.desiredStates(), try store.placements())
        }
        let labels = registry.child(kind: .node, id: node)?.labels ?? [:]
        var states: [FleetDesiredState] = []
        for state in desired {
            let targeted: Bool
            if !state.nodeIDs.isEmpty {
                targeted = state.nodeIDs.contains(node)
            } else if case .replicas = state.spec.placement {
                targeted = placements[state.deployment, default: []].contains(node)
            } else {
                targeted = state.spec.target.matchesNode(labels)
            }
            if targeted {
                var forNode = state
                forNode.nodeIDs = [node]
                states.append(forNode)
            } else if !state.nodeIDs.isEmpty, let held = applied[state.deployment] {
                states.append(
                    FleetDesiredState(
                        deployment: state.deployment, generation: held, spec: FleetDeploymentSpec(workloads: [])))
            }
        }
        return states
    }

    // MARK: ChildStatusSink

    /// Keeps each status as the node's latest, notes which generation the node holds, and queues it for the
    /// central (``SiteStore/record(_:)``, one transaction).
    public func receive(_ statuses: [NodeDeploymentStatus], from child: RegisteredChild) async throws {
        let stamped = statuses.map { status in
            var status = status
            status.siteID = siteID
            return status
        }
        do {
            try await store.record(stamped)
        } catch {
            throw MargoError(code: .remoteFailure, message: "the site cannot record the change: \(error)")
        }
        statusesQueued()
        wake()
    }

    // MARK: Planning

    /// The plan for the site as it is now, with calls in progress to the nodes in `inFlight` (node → deployment).
    func plan(inFlight: [String: String] = [:]) throws(MargoError) -> SitePlanner.Plan {
        let now = Timestamp.now
        let nodes = registry.children(of: .node).map { child in
            SitePlanner.Node(
                id: child.id, labels: child.labels, capabilities: child.capabilities,
                liveness: registry.liveness(of: child, at: now).liveness)
        }
        return try stored { () throws(SiteStoreError) in
            SitePlanner(
                desired: try store.desiredStates(), removals: try store.removals(), nodes: nodes,
                applied: try store.applied(), placements: try store.placements(), statuses: try store.statuses(),
                inFlight: inFlight
            ).plan()
        }
    }

    private static func refuseStale(_ result: ApplyResult, _ deployment: String, _ generation: Int64) throws(MargoError)
    {
        guard result.outcome == .stale else { return }
        throw MargoError(
            code: .staleGeneration,
            message: "\(deployment): generation \(generation) is older than the site's \(result.generation)")
    }

    private func stored<T>(_ body: () throws(SiteStoreError) -> T) throws(MargoError) -> T {
        do {
            return try body()
        } catch {
            throw MargoError(code: .remoteFailure, message: "the site cannot record the change: \(error)")
        }
    }
}
