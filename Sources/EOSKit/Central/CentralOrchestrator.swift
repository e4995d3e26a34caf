public import EOSMargo
public import EOSModel
public import EOSSecurity
public import EOSSite
public import EOSTelemetry
internal import Foundation
internal import GRPCCore
public import Logging
public import ServiceLifecycle

/// The Central Orchestrator: the fleet's registry and deployment controller, and the parent of every site.
///
/// It serves `Upstream` over mutual TLS to its sites (and to nodes attached without a site), keeps the fleet in a
/// ``FleetRegistry`` (`fleet.sqlite`), learns each site's nodes with their labels and liveness from the site
/// (`GetSiteStatus`, on registration and every ``CentralOrchestratorConfiguration/inventoryInterval``), and rolls
/// each deployment out by its strategy with the ``DeploymentController``. Its operations (``deploy(_:by:)``,
/// ``remove(_:by:)``, ``rollback(_:by:)``, ``pause(_:by:)``, ``resume(_:by:)``, ``status(of:detail:)``) are what the
/// REST and GraphQL APIs call.
///
/// Its ``telemetry`` gateway keeps what the sites and nodes send up (`Upstream.ReportTelemetry`): latest values and a
/// short history per node, rollups per site, for `GET /nodes/{id}/metrics`, `GET /sites/{id}/metrics`, GraphQL and
/// Prometheus `/metrics`.
///
/// Run it as a `Service` (in a `ServiceGroup`, or by calling ``run()``).
public final class CentralOrchestrator: Service {
    /// The central's configuration.
    public let configuration: CentralOrchestratorConfiguration
    /// The fleet registry.
    public let registry: any FleetRegistry
    /// The central's children: its sites, and nodes attached directly.
    public let children: ChildRegistry
    /// The central's Prometheus metrics, which `GET /metrics` serves.
    public let metrics: CentralMetrics
    /// The fleet's telemetry, as the sites and nodes send it up.
    public let telemetry: TelemetryGateway
    /// The exporter to the OpenTelemetry collector, when ``CentralOrchestratorConfiguration/otlp`` names one.
    public let exporter: OTLPExporter?
    private let tls: TLSMaterial
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let controller: DeploymentController
    private let connections: ChildConnections
    private let wake = ReconcileSignal()
    /// Signalled by an operator's change (deploy, remove, rollback, resume), which the controller takes at once.
    private let operatorChange = ReconcileSignal()
    private let server: GRPCServer<MargoServerTransport>

    /// Opens the registry and prepares the server, counting into `metrics` and keeping telemetry in `telemetry`
    /// (a new gateway with ``CentralOrchestratorConfiguration/telemetry`` unless given: pass one to keep the
    /// fleet's recent telemetry across a restart of the service in the same process); fails with a clear message
    /// when the certificate is not the central's or a store cannot be opened.
    public init(
        configuration: CentralOrchestratorConfiguration, tls: TLSMaterial,
        logger: Logger = Logger(label: "eos.central"), metrics: CentralMetrics = CentralMetrics(),
        telemetry: TelemetryGateway? = nil, clock: any Clock<Duration> = ContinuousClock()
    ) throws(CentralOrchestratorError) {
        guard tls.identity.role == .central else {
            throw CentralOrchestratorError(
                "the certificate is for \(tls.identity), not for the central: issue one with "
                    + "'eosctl pki issue --role central'")
        }
        self.configuration = configuration
        self.tls = tls
        self.logger = logger
        self.clock = clock
        self.metrics = metrics
        let telemetry = telemetry ?? TelemetryGateway(configuration: configuration.telemetry)
        self.telemetry = telemetry
        let exporter = configuration.otlp.map { OTLPExporter(configuration: $0, logger: logger, clock: clock) }
        self.exporter = exporter
        do {
            let registry = try SQLiteFleetRegistry(directory: configuration.dataDirectory)
            self.registry = registry
            children = try ChildRegistry(
                directory: configuration.dataDirectory, baseHeartbeatInterval: configuration.heartbeatInterval,
                offlineAfter: configuration.offlineAfter)
        } catch {
            throw CentralOrchestratorError("the central's stores: \(error)")
        }
        connections = ChildConnections(tls: tls, kind: .site, network: configuration.network)
        controller = DeploymentController(
            registry: registry, children: children, connections: connections, policy: configuration.callPolicy,
            logger: logger)
        let calls = CentralCalls(
            controller: controller, registry: registry, metrics: metrics, wake: { [wake] in wake.signal() })
        let registry = self.registry
        let intake = UpstreamIntake(
            registry: children, accepting: [.site, .node], desiredStates: calls, statusSink: calls,
            telemetry: TelemetryFanout([telemetry] + (exporter.map { [$0] } ?? [])),
            nodesAttached: { site in
                let nodes = try? await registry.nodes(after: nil, limit: 100_000, site: site)
                return Set(nodes?.items.map(\.id) ?? [])
            }, logger: logger)
        server = GRPCServer(
            transport: MargoServerTransport(
                listeningOn: configuration.listen, tls: tls, network: configuration.network,
                receiveWindow: MargoTransport.childrenReceiveWindow),
            services: [UpstreamService(handler: intake)],
            interceptors: [
                PeerIdentityInterceptor(authorization: PeerAuthorization(server: tls.identity), logger: logger),
                TraceContextServerInterceptor(tier: "central"),
            ])
    }

    /// Where the central listens, once it does (useful with port 0).
    public var listeningEndpoint: MargoEndpoint? {
        get async { await server.listeningEndpoint }
    }

    // MARK: Operations

    /// Wakes the deployment controller for an operator's change, cutting short the rest it takes between passes.
    private func operatorActed() {
        wake.signal()
        operatorChange.signal()
    }

    /// Records `deployment` as its next generation (nothing changes when the spec is the same) and starts rolling
    /// it out; `actor` is who the audit log names.
    @discardableResult
    public func deploy(_ deployment: FleetDeployment, by actor: String) async throws -> DeploymentRecord {
        let record = try await registry.putDeployment(
            name: deployment.metadata.name, spec: deployment.spec, labels: deployment.metadata.labels, by: actor,
            at: .now)
        controller.traces.remember(deployment: record.name, generation: record.generation)
        operatorActed()
        return record
    }

    /// Removes a deployment from every node.
    @discardableResult
    public func remove(_ name: String, by actor: String) async throws -> DeploymentRecord {
        let record = try await registry.removeDeployment(name: name, by: actor, at: .now)
        operatorActed()
        return record
    }

    /// Returns a deployment to the generation before its current one, released to every node at once.
    public func rollback(_ name: String, by actor: String) async throws {
        let (record, state) = try await current(name)
        guard let previous = state.previousGeneration ?? state.rollbackOf.map({ _ in record.generation - 1 }) else {
            throw CentralOrchestratorError("\(name) generation \(record.generation) has no earlier generation")
        }
        try await controller.rollBack(record, to: previous, by: actor, reason: "rolled back by \(actor)", at: .now)
        operatorActed()
    }

    /// Stops a rollout from releasing more nodes; the nodes already released keep the new generation.
    public func pause(_ name: String, by actor: String) async throws {
        var (record, state) = try await current(name)
        guard state.phase != .paused else { return }
        state.pausedFrom = state.phase
        state.phase = .paused
        state.updatedAt = .now
        try await registry.putRollout(
            state,
            audit: AuditEntry(
                at: .now, actor: actor, action: .pause, deployment: name, generation: record.generation,
                detail: "paused in wave \(state.step + 1)"))
    }

    /// Lets a paused rollout go on.
    public func resume(_ name: String, by actor: String) async throws {
        var (record, state) = try await current(name)
        guard state.phase == .paused else { return }
        state.phase = state.pausedFrom ?? .progressing
        state.pausedFrom = nil
        state.updatedAt = .now
        try await registry.putRollout(
            state,
            audit: AuditEntry(
                at: .now, actor: actor, action: .resume, deployment: name, generation: record.generation,
                detail: "resumed in wave \(state.step + 1)"))
        operatorActed()
    }

    /// A deployment's rollout status: fleet-wide counts, per site, and with `detail` every node's report; `nil` for
    /// an unknown deployment.
    public func status(of name: String, detail: Bool = false) async throws -> DeploymentStatusSummary? {
        guard let record = try await registry.deployment(named: name) else { return nil }
        let fleet = try await FleetSnapshot.read(registry, children: children, at: .now)
        return try await status(of: record, in: fleet, detail: detail)
    }

    /// The status of `record` against one reading of the fleet, which a list shares between its deployments.
    func status(
        of record: DeploymentRecord, in fleet: FleetSnapshot, detail: Bool
    ) async throws -> DeploymentStatusSummary {
        let name = record.name
        let state =
            try await registry.rollout(of: name).flatMap { $0.generation == record.generation ? $0 : nil }
            ?? RolloutState(deployment: name, generation: record.generation, updatedAt: record.createdAt)
        let statuses = try await registry.statusesByNode(of: name)
        let targets = record.removed ? [] : fleet.targets(of: record.spec.target)
        let planner = RolloutPlanner(policy: record.spec.rollout, targets: targets, statuses: statuses)
        var total = RolloutCounts()
        var perSite: [String: (counts: RolloutCounts, observedAt: Timestamp?)] = [:]
        for target in targets {
            let status = statuses[target.nodeID]
            total.add(status, generation: record.generation, liveness: target.liveness)
            let site = target.siteID ?? "central"
            var entry = perSite[site] ?? (RolloutCounts(), nil)
            entry.counts.add(status, generation: record.generation, liveness: target.liveness)
            if let observed = status?.observedAt, entry.observedAt.map({ observed > $0 }) ?? true {
                entry.observedAt = observed
            }
            perSite[site] = entry
        }
        return DeploymentStatusSummary(
            name: name, generation: record.generation, phase: state.phase, nodes: total,
            rollout: .init(
                strategy: record.spec.rollout.strategy, step: planner.wave(of: state), steps: planner.waveCount,
                rollbackOf: state.rollbackOf, reason: state.reason,
                released: targets.count { state.admitted.contains($0.nodeID) }),
            sites: perSite.sorted { $0.key < $1.key }.map {
                SiteRollup(id: $0.key, counts: $0.value.counts, observedAt: $0.value.observedAt)
            },
            nodeStatuses: detail ? targets.compactMap { statuses[$0.nodeID] } : nil,
            updatedAt: max(state.updatedAt, statuses.values.lazy.map(\.observedAt).max() ?? state.updatedAt))
    }

    private func current(_ name: String) async throws -> (DeploymentRecord, RolloutState) {
        guard let record = try await registry.deployment(named: name), !record.removed else {
            throw FleetRegistryError(.notFound, "no deployment named \(name)")
        }
        guard let state = try await registry.rollout(of: name), state.generation == record.generation else {
            throw FleetRegistryError(.conflict, "\(name) generation \(record.generation) has not started rolling out")
        }
        return (record, state)
    }

    // MARK: Running

    /// Runs the central until cancelled or shut down gracefully.
    public func run() async throws {
        logger.info("central orchestrator starting", metadata: ["listen": "\(configuration.listen)"])
        let server = self.server
        do {
            try await cancelWhenGracefulShutdown { [self] in
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await server.serveGracefully() }
                    group.addTask { [logger] in
                        if let endpoint = await self.listeningEndpoint {
                            logger.info("serving Upstream", metadata: ["listening": "\(endpoint)"])
                        }
                    }
                    group.addTask {
                        for await event in self.children.events() {
                            switch event {
                            case .registered(let child), .reregistered(let child):
                                guard child.kind == .site else { break }
                                await self.controller.siteRegistered(child.id)
                                await self.refreshInventory(of: child)
                            case .livenessChanged, .forgotten:
                                break
                            }
                            self.wake.signal()
                        }
                    }
                    group.addTask { await self.inventoryLoop() }
                    if let exporter = self.exporter { group.addTask { try await exporter.run() } }
                    group.addTask { [controller, wake, operatorChange, configuration, clock] in
                        await controller.run(
                            wake: wake, operatorChange: operatorChange, interval: configuration.reconcileInterval,
                            clock: clock)
                    }
                }
            }
        } catch  where Task.isShuttingDownGracefully {
            // The server ends by throwing when cancelled; after a graceful shutdown that is the end asked for.
        }
        await connections.closeAll()
        logger.info("central orchestrator stopped")
    }

    private func inventoryLoop() async {
        while !Task.isCancelled {
            try? await clock.sleep(for: configuration.inventoryInterval)
            let now = Timestamp.now
            for site in children.children(of: .site) where children.liveness(of: site, at: now).liveness == .ready {
                await refreshInventory(of: site)
            }
            wake.signal()
        }
    }

    /// Asks a site for its nodes (labels, capabilities, liveness) and their latest statuses.
    private func refreshInventory(of site: RegisteredChild) async {
        guard let text = site.endpoint, let endpoint = try? MargoEndpoint(parsing: text) else { return }
        do {
            try await registry.putSite(
                SiteRecord(
                    id: site.id, labels: site.labels, capabilities: site.capabilities, endpoint: site.endpoint,
                    registeredAt: site.registeredAt, lastSeen: site.lastSeen))
            let client = MargoClient(
                try await connections.client(for: site.id, at: endpoint), policy: configuration.callPolicy)
            let status = try await client.siteStatus()
            let now = Timestamp.now
            try await registry.replaceNodes(
                of: site.id,
                with: status.nodes.map { node in
                    NodeRecord(
                        id: node.nodeID, siteID: site.id, labels: node.labels, capabilities: node.capabilities,
                        liveness: node.liveness ?? LivenessStatus(liveness: .unknown), updatedAt: now)
                })
            try await registry.recordStatuses(status.nodes.flatMap(\.deployments))
        } catch  where Task.isCancelled {
            // Shutting down: the answer is no longer wanted.
        } catch {
            logger.warning("cannot learn a site's nodes", metadata: ["site": "\(site.id)", "error": "\(error)"])
        }
    }
}
