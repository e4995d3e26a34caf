public import EOSMargo
public import EOSModel
public import EOSSecurity
public import EOSTelemetry
internal import Foundation
internal import GRPCCore
public import Logging
public import ServiceLifecycle

/// The Local Orchestrator: keeps one site converged on what the central asks, and keeps it so while the central is
/// unreachable.
///
/// It serves `LocalOrchestrator` to the central and `Upstream` to its nodes over mutual TLS on one port, or on two
/// when ``LocalOrchestratorConfiguration/nodeListener`` puts the nodes apart. Nodes
/// register with their labels, capabilities and the address of their `EdgeNode` service, and attach for the site's
/// calls over the connection they opened (`Upstream.Attach`, ``ChildAttachments``), so the site calls an attached
/// node there and dials only a node that is not; the site's registry (``ChildRegistry``, `registry.sqlite`) tracks
/// their liveness. Deployments from the central are written to the
/// ``SiteStore`` (`site.sqlite`) before they are acknowledged; the site's reconcile loop then applies each to the
/// nodes it targets (``SitePlanner``), at most ``LocalOrchestratorConfiguration/applyConcurrency`` at once, retrying
/// failures with jittered backoff, honouring `maxUnavailable`, applying to nodes that join later, and moving
/// `Replicas` workloads off nodes that go `Offline`. Node statuses go into a coalescing outbox that the link to the
/// central drains in order; after an outage the site resyncs by generation and flushes it.
///
/// Telemetry takes the same road: the nodes' batches, stamped with the node and the site (``TelemetryForwarder``),
/// and the LO's own host figures, collected every ``LocalOrchestratorConfiguration/telemetryInterval``, queue in one
/// bounded ``TelemetryBuffer`` that the link to the central drains in order once it is up.
///
/// Run it as a `Service` (in a `ServiceGroup`, or by calling ``run()``).
public final class LocalOrchestrator: Service {
    /// The LO's configuration.
    public let configuration: LocalOrchestratorConfiguration
    /// The site's nodes.
    public let registry: ChildRegistry
    /// The site's desired state, node statuses and outbox.
    public let store: SiteStore
    private let tls: TLSMaterial
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let calls: LocalOrchestratorCalls
    private let reconciler: SiteReconciler
    private let connections: ChildConnections
    private let attachments: ChildAttachments
    private let wake = ReconcileSignal()
    private let outbox = ReconcileSignal()
    private let pipeline: TelemetryPipeline
    /// The site's queue of telemetry for the central: the LO's own and its nodes'.
    public let telemetry: TelemetryBuffer
    private let server: GRPCServer<MargoServerTransport>
    /// The nodes' own server, when ``LocalOrchestratorConfiguration/nodeListener`` puts them apart from the central.
    private let nodeServer: GRPCServer<MargoServerTransport>?

    /// Opens the site's stores and prepares its server; fails with a clear message when the certificate is not
    /// this site's or a store cannot be opened. `telemetrySources` are collected with the LO's host figures.
    public init(
        configuration: LocalOrchestratorConfiguration, tls: TLSMaterial,
        telemetrySources: [any TelemetrySource] = [], logger: Logger = Logger(label: "eos.site"),
        clock: any Clock<Duration> = ContinuousClock()
    ) throws(LocalOrchestratorError) {
        guard tls.identity.role == .site, tls.identity.id == configuration.siteID else {
            throw LocalOrchestratorError(
                "the certificate is for \(tls.identity), not for site \(configuration.siteID): issue one with "
                    + "'eosctl pki issue --role site --id \(configuration.siteID)'")
        }
        self.configuration = configuration
        self.tls = tls
        self.logger = logger
        self.clock = clock
        do {
            store = try SiteStore(directory: configuration.dataDirectory)
            registry = try ChildRegistry(
                directory: configuration.dataDirectory, baseHeartbeatInterval: configuration.heartbeatInterval,
                offlineAfter: configuration.offlineAfter)
        } catch {
            throw LocalOrchestratorError("site \(configuration.siteID): \(error)")
        }
        let calls = LocalOrchestratorCalls(
            siteID: configuration.siteID, store: store, registry: registry, wake: { [wake] in wake.signal() },
            statusesQueued: { [outbox] in outbox.signal() })
        self.calls = calls
        connections = ChildConnections(
            tls: tls, kind: .node, network: configuration.nodeListener?.network ?? configuration.network)
        let attachments = ChildAttachments(policy: configuration.callPolicy)
        self.attachments = attachments
        reconciler = SiteReconciler(
            calls: calls, connections: connections, attachments: attachments, policy: configuration.callPolicy,
            concurrency: configuration.applyConcurrency, maximumDelay: configuration.maximumRetryDelay, logger: logger)
        let telemetry = TelemetryBuffer(sourceID: configuration.siteID, capacity: configuration.telemetryBufferCapacity)
        self.telemetry = telemetry
        pipeline = TelemetryPipeline(
            sources: [HostMetricsSource(filesystems: [configuration.dataDirectory.path])] + telemetrySources,
            processors: [LabelStamp(["site": configuration.siteID])], sinks: [telemetry],
            interval: configuration.telemetryInterval, clock: clock, logger: logger)
        let intake = UpstreamIntake(
            registry: registry, accepting: [.node], desiredStates: calls, statusSink: calls,
            telemetry: TelemetryForwarder(siteID: configuration.siteID, buffer: telemetry), attachments: attachments,
            logger: logger)
        let interceptors: @Sendable () -> [any ServerInterceptor] = {
            [
                PeerIdentityInterceptor(authorization: PeerAuthorization(server: tls.identity), logger: logger),
                TraceContextServerInterceptor(tier: "site"),
            ]
        }
        let upstream = UpstreamService(handler: intake)
        server = GRPCServer(
            transport: MargoServerTransport(
                listeningOn: configuration.listen, tls: tls, network: configuration.network),
            services: configuration.nodeListener == nil
                ? [LocalOrchestratorService(handler: calls), upstream] : [LocalOrchestratorService(handler: calls)],
            interceptors: interceptors())
        nodeServer = configuration.nodeListener.map { listener in
            GRPCServer(
                transport: MargoServerTransport(
                    listeningOn: listener.listen, tls: tls, network: listener.network,
                    receiveWindow: MargoTransport.childrenReceiveWindow),
                services: [upstream], interceptors: interceptors())
        }
    }

    /// Where the LO listens for the central, once it does (useful with port 0).
    public var listeningEndpoint: MargoEndpoint? {
        get async { await server.listeningEndpoint }
    }

    /// Where the LO listens for its nodes, once it does: ``listeningEndpoint`` unless
    /// ``LocalOrchestratorConfiguration/nodeListener`` puts the nodes apart.
    public var nodeListeningEndpoint: MargoEndpoint? {
        get async { await (nodeServer ?? server).listeningEndpoint }
    }

    /// How many of the site's nodes are attached over their own connections (`Upstream.Attach`), where the site
    /// calls them instead of dialling them.
    public var attachedNodes: Int { attachments.count }

    /// The site's view of `deployments` (all when empty): each node's liveness and latest report.
    public func status(of deployments: [String] = []) async throws -> SiteStatus {
        try await calls.siteStatus(deployments: deployments, caller: tls.identity)
    }

    /// Runs the LO until cancelled or shut down gracefully.
    public func run() async throws {
        logger.info(
            "local orchestrator starting",
            metadata: [
                "site": "\(configuration.siteID)", "listen": "\(configuration.listen)",
                "central": "\(configuration.central.map { "\($0)" } ?? "none")",
            ])
        let server = self.server
        let nodeServer = self.nodeServer
        do {
            try await cancelWhenGracefulShutdown { [self] in
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await server.serveGracefully() }
                    if let nodeServer {
                        group.addTask { try await nodeServer.serveGracefully() }
                    }
                    group.addTask { [logger] in
                        guard let endpoint = await self.listeningEndpoint else { return }
                        if nodeServer == nil {
                            logger.info(
                                "serving LocalOrchestrator and Upstream", metadata: ["listening": "\(endpoint)"])
                        } else if let nodes = await self.nodeListeningEndpoint {
                            logger.info(
                                "serving LocalOrchestrator for the central and Upstream for the nodes apart",
                                metadata: ["listening": "\(endpoint)", "nodes": "\(nodes)"])
                        }
                    }
                    group.addTask { [wake, registry, store, logger] in
                        for await event in registry.events() {
                            switch event {
                            case .registered(let child), .reregistered(let child):
                                // What a node says it holds when it (re)joins beats what the site last applied: a
                                // node that restarted empty is applied to again.
                                do {
                                    try store.replaceApplied(child.appliedGenerations, on: child.id)
                                } catch {
                                    logger.error("cannot record what a node holds", metadata: ["error": "\(error)"])
                                }
                            case .livenessChanged, .forgotten:
                                break
                            }
                            wake.signal()
                        }
                    }
                    group.addTask { [pipeline] in try await pipeline.run() }
                    group.addTask { [reconciler, wake, configuration, clock] in
                        await reconciler.run(wake: wake, interval: configuration.reconcileInterval, clock: clock)
                    }
                    if let central = self.configuration.central {
                        group.addTask { await self.centralLink(to: central).run() }
                    }
                }
            }
        } catch  where Task.isShuttingDownGracefully {
            // The server ends by throwing when cancelled; after a graceful shutdown that is the end asked for.
        }
        await connections.closeAll()
        logger.info("local orchestrator stopped", metadata: ["site": "\(configuration.siteID)"])
    }

    private func centralLink(to endpoint: MargoEndpoint) -> CentralLink {
        CentralLink(
            configuration: configuration, endpoint: endpoint, tls: tls, calls: calls, outbox: outbox,
            telemetry: telemetry,
            advertised: { [self] in
                if let advertise = configuration.advertise { return advertise }
                return await listeningEndpoint
            },
            logger: logger, clock: clock)
    }
}
