public import EOSModel

/// The central's durable record of the fleet: sites and nodes, every generation of every deployment, each node's
/// latest status, each rollout's state, and an audit log of every change with who made it.
///
/// ``SQLiteFleetRegistry`` keeps it in one SQLite file; another database can implement the same protocol, and
/// `EOSTesting`'s `FleetRegistryConformance` checks that it behaves the same. Every change is durable when the call
/// returns, and a change that writes an audit entry writes it in the same transaction.
public protocol FleetRegistry: Sendable {
    // MARK: Deployments

    /// Records `spec` as the deployment's next generation, with an audit entry naming `actor`. When the latest
    /// generation already has this spec and labels and is not a removal, nothing changes and it is returned.
    func putDeployment(
        name: String, spec: FleetDeploymentSpec, labels: [String: String], by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> DeploymentRecord

    /// Records the removal of a deployment as its next generation (the spec of the last, marked removed), with an
    /// audit entry. Fails `notFound` for an unknown deployment and `conflict` for one already removed.
    func removeDeployment(
        name: String, by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> DeploymentRecord

    /// The latest generation of a deployment, a removal included; `nil` when it was never deployed.
    func deployment(named name: String) async throws(FleetRegistryError) -> DeploymentRecord?

    /// One generation of a deployment; `nil` when it does not exist.
    func deployment(named name: String, generation: Int64) async throws(FleetRegistryError) -> DeploymentRecord?

    /// The latest generation of each deployment, by name, `limit` at a time from after `cursor`; removed ones only
    /// when `includeRemoved`.
    func deployments(
        after cursor: String?, limit: Int, includeRemoved: Bool
    ) async throws(FleetRegistryError) -> Page<DeploymentRecord>

    // MARK: Rollouts

    /// The rollout of a deployment's latest generation; `nil` before the first.
    func rollout(of deployment: String) async throws(FleetRegistryError) -> RolloutState?

    /// Stores a rollout's state, replacing the deployment's previous one, and `audit` with it when given. Fails
    /// `conflict` when the generation does not exist.
    func putRollout(_ state: RolloutState, audit: AuditEntry?) async throws(FleetRegistryError)

    /// Rolls back `generation`, the deployment's latest: records the spec and labels of `target` as the next
    /// generation, that generation's rollout (``RolloutState/rollbackOf`` `generation`, for `reason`) and a
    /// `rollback` audit entry naming `actor`, in one transaction, so that no reader ever sees the restored generation
    /// without the rollout that says it is a rollback. Fails `conflict` when `generation` is no longer the latest
    /// (someone deployed, removed or rolled back meanwhile) and `notFound` when `target` does not exist or was a
    /// removal.
    func putRollback(
        of name: String, generation: Int64, to target: Int64, reason: String, by actor: String, at time: Timestamp
    ) async throws(FleetRegistryError) -> (record: DeploymentRecord, rollout: RolloutState)

    // MARK: Sites and nodes

    /// Records a site's registration, replacing what it said before.
    func putSite(_ site: SiteRecord) async throws(FleetRegistryError)

    /// A site; `nil` when unknown.
    func site(id: String) async throws(FleetRegistryError) -> SiteRecord?

    /// The sites, by id, `limit` at a time from after `cursor`.
    func sites(after cursor: String?, limit: Int) async throws(FleetRegistryError) -> Page<SiteRecord>

    /// Replaces the nodes of `site` (`nil`: the nodes attached to the central directly) with `nodes`: a node no
    /// longer listed is forgotten, a node that moved from another site moves.
    func replaceNodes(of site: String?, with nodes: [NodeRecord]) async throws(FleetRegistryError)

    /// Records one node, replacing what was known of it.
    func putNode(_ node: NodeRecord) async throws(FleetRegistryError)

    /// A node; `nil` when unknown.
    func node(id: String) async throws(FleetRegistryError) -> NodeRecord?

    /// The nodes, by id, `limit` at a time from after `cursor`; only those of `site` when given.
    func nodes(after cursor: String?, limit: Int, site: String?) async throws(FleetRegistryError) -> Page<NodeRecord>

    // MARK: Status

    /// Keeps each status as its node's latest on its deployment, unless a stored one supersedes it
    /// (``NodeDeploymentStatus/supersedes(_:)``); a `removed` status forgets the pair.
    func recordStatuses(_ statuses: [NodeDeploymentStatus]) async throws(FleetRegistryError)

    /// Every node's latest status on `deployment`, by node.
    func statuses(of deployment: String) async throws(FleetRegistryError) -> [NodeDeploymentStatus]

    /// Every node's latest status on `deployment`, keyed by node id: what a rollout decision or a status summary
    /// looks up node by node, many times a second in a large fleet. The default builds it from
    /// ``statuses(of:)``; a registry that holds the statuses keyed already answers without sorting or copying them.
    func statusesByNode(of deployment: String) async throws(FleetRegistryError) -> [String: NodeDeploymentStatus]

    /// A node's latest status on each deployment, by deployment.
    func statuses(ofNode node: String) async throws(FleetRegistryError) -> [NodeDeploymentStatus]

    // MARK: Audit

    /// The audit log of `deployment` (all deployments when `nil`), oldest first, `limit` entries after sequence
    /// `after`.
    func audit(
        of deployment: String?, after: Int64, limit: Int
    ) async throws(FleetRegistryError) -> [AuditEntry]

    /// The latest `limit` entries of the audit log of `deployment`, oldest first: what a page showing a deployment's
    /// recent history reads, without reading all of it.
    func latestAudit(of deployment: String, limit: Int) async throws(FleetRegistryError) -> [AuditEntry]
}

extension FleetRegistry {
    /// Every node's latest status on `deployment`, keyed by node id, built from ``statuses(of:)``.
    public func statusesByNode(
        of deployment: String
    ) async throws(FleetRegistryError) -> [String: NodeDeploymentStatus] {
        Dictionary(try await statuses(of: deployment).map { ($0.nodeID, $0) }) { $1 }
    }
}
