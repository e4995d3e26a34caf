public import EOSMargo
public import EOSModel
public import EOSRuntime
public import EOSSecurity
public import EOSTelemetry
internal import Foundation
internal import GRPCCore
public import Logging
public import ServiceLifecycle

/// The Edge Node agent: runs a host's workloads through an ``EdgeRuntime`` as its parent asks, keeps them
/// running when the parent is unreachable, and reports every change.
///
/// It answers `EdgeNode` calls from its parent only (an LO, or the CO for a node attached directly): over the
/// connection the node opens to its parent (`Upstream.Attach`), so the parent never has to dial it, and over mutual
/// TLS where it listens, for a parent that dials. It registers with the parent's `Upstream` with its labels and the
/// host's capabilities, heartbeats at the interval the parent asks, and streams status from its durable outbox.
/// Applies are written to the node's SQLite store before they are acknowledged; after a restart or a reboot with no
/// network, the node starts what it last applied by itself, and reports what happened meanwhile, in order, once the
/// parent is back.
///
/// Its telemetry agent collects the host's figures (``HostMetricsSource``), its workloads' resource use
/// (``WorkloadMetricsSource``) and any sources the embedder adds, every
/// ``EdgeNodeConfiguration/telemetryInterval``, labels them with the node's id, and queues them in a bounded
/// ``TelemetryBuffer`` that the link to the parent drains in order (`Upstream.ReportTelemetry`).
///
/// Run it as a `Service` (in a `ServiceGroup`, or by calling ``run()``). A graceful shutdown stops serving and
/// ends the runtime's own loop: containers keep running through an agent restart or upgrade; process workloads,
/// which are the agent's children, are stopped with it and started again when it returns.
public final class EdgeNode: Service {
    /// The node's configuration.
    public let configuration: EdgeNodeConfiguration
    private let tls: TLSMaterial
    private let runtime: any EdgeRuntime
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let store: EdgeStore
    private let reconciler: EdgeReconciler
    private let wake = ReconcileSignal()
    private let outbox = ReconcileSignal()
    private let parent: KnownParent
    private let calls: EdgeNodeCalls
    private let pipeline: TelemetryPipeline
    /// The node's queue of telemetry for its parent.
    public let telemetry: TelemetryBuffer
    private let server: GRPCServer<MargoServerTransport>
    private static let parentSetting = "parent"

    /// Opens the node's store and prepares its server; fails with a clear message when the certificate is not
    /// this node's or the store cannot be opened. `telemetrySources` are collected with the host's and workloads'
    /// figures (EOS's own swift-metrics, a device's readings).
    public init(
        configuration: EdgeNodeConfiguration, tls: TLSMaterial, runtime: any EdgeRuntime,
        telemetrySources: [any TelemetrySource] = [], logger: Logger = Logger(label: "eos.edge"),
        clock: any Clock<Duration> = ContinuousClock()
    ) throws(EdgeNodeError) {
        guard tls.identity.role == .node, tls.identity.id == configuration.nodeID else {
            throw EdgeNodeError(
                "the certificate is for \(tls.identity), not for node \(configuration.nodeID): issue one with "
                    + "'eosctl pki issue --role node --id \(configuration.nodeID)'")
        }
        self.configuration = configuration
        self.tls = tls
        self.runtime = runtime
        self.logger = logger
        self.clock = clock
        do {
            store = try EdgeStore(directory: configuration.inMemoryStore ? nil : configuration.dataDirectory)
            reconciler = try EdgeReconciler(
                nodeID: configuration.nodeID, store: store, runtime: runtime, backoff: configuration.restartBackoff,
                logger: logger)
        } catch {
            throw EdgeNodeError("node \(configuration.nodeID): \(error)")
        }
        var known = configuration.parent
        if known == nil, let remembered = try? store.setting(Self.parentSetting) {
            known = try? SPIFFEIdentity(uri: remembered)
        }
        let parent = KnownParent(known)
        self.parent = parent
        let calls = EdgeNodeCalls(store: store, reconciler: reconciler, wake: { [wake] in wake.signal() })
        self.calls = calls
        telemetry = TelemetryBuffer(sourceID: configuration.nodeID, capacity: configuration.telemetryBufferCapacity)
        pipeline = TelemetryPipeline(
            sources: [
                HostMetricsSource(filesystems: [configuration.dataDirectory.path]),
                WorkloadMetricsSource { [runtime] in await Self.workloadSamples(runtime) },
            ] + telemetrySources,
            processors: [LabelStamp(["node": configuration.nodeID])], sinks: [telemetry],
            interval: configuration.telemetryInterval, clock: clock, logger: logger)
        let identity = tls.identity
        let interceptor = PeerIdentityInterceptor(
            currentAuthorization: { PeerAuthorization(server: identity, parent: parent.current) },
            logger: logger)
        server = GRPCServer(
            transport: MargoServerTransport(
                listeningOn: configuration.listen, tls: tls, network: configuration.network),
            services: [EdgeNodeService(handler: calls)],
            interceptors: [interceptor, TraceContextServerInterceptor(tier: "node")])
    }

    /// Where the node listens, once it does (useful with port 0).
    public var listeningEndpoint: MargoEndpoint? {
        get async { await server.listeningEndpoint }
    }

    /// The identity allowed to call this node, once known.
    public var parentIdentity: SPIFFEIdentity? { parent.current }

    /// The node's latest report on every deployment it holds.
    public func status() async -> NodeStatus { await reconciler.status(of: []) }

    /// Runs the node until cancelled or shut down gracefully.
    public func run() async throws {
        logger.info(
            "edge node starting",
            metadata: [
                "node": "\(configuration.nodeID)", "listen": "\(configuration.listen)", "runtime": "\(runtime.name)",
                "upstream": "\(configuration.upstream.map { "\($0)" } ?? "none")",
            ])
        let server = self.server
        do {
            try await cancelWhenGracefulShutdown { [self] in
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.runtime.run() }
                    group.addTask { try await server.serveGracefully() }
                    group.addTask { [logger] in
                        // With port 0 the address is known only now; operators and scripts read it from here.
                        if let endpoint = await self.listeningEndpoint {
                            logger.info("serving EdgeNode", metadata: ["listening": "\(endpoint)"])
                        }
                    }
                    group.addTask { [wake, runtime] in
                        for await _ in runtime.events() { wake.signal() }
                    }
                    if let otlp = self.configuration.otlpListen {
                        // Workloads are created with the endpoint in their environment, so it is known first.
                        let (ports, listening) = AsyncStream<Int>.makeStream()
                        let server = WorkloadTelemetryServer(
                            nodeID: self.configuration.nodeID, buffer: self.telemetry, logger: self.logger)
                        let application = server.application(listen: otlp) { port in
                            listening.yield(port)
                            listening.finish()
                        }
                        group.addTask { try await application.runService() }
                        guard let port = await ports.first(where: { _ in true }) else { return }
                        let host = otlp.host == "0.0.0.0" || otlp.host == "::" ? "127.0.0.1" : otlp.host
                        self.reconciler.setTelemetryEndpoint("http://\(MargoEndpoint(host: host, port: port))")
                        self.logger.info("taking OTLP from workloads", metadata: ["listening": "\(host):\(port)"])
                    }
                    group.addTask { await self.reconcileLoop() }
                    group.addTask { [pipeline] in try await pipeline.run() }
                    if let upstream = self.configuration.upstream {
                        group.addTask { await self.upstreamLink(to: upstream).run() }
                    }
                }
            }
        } catch  where Task.isShuttingDownGracefully {
            // The server and the runtime end by throwing when cancelled; after a graceful shutdown that is the end
            // asked for, not a failure.
        }
        logger.info("edge node stopped", metadata: ["node": "\(configuration.nodeID)"])
    }

    private func reconcileLoop() async {
        while !Task.isCancelled {
            let (queued, nextDue) = await reconciler.reconcile()
            if queued > 0 { outbox.signal() }
            let interval = configuration.reconcileInterval
            await wake.wait(upTo: min(interval, nextDue.map { max($0, .milliseconds(10)) } ?? interval), clock: clock)
        }
    }

    /// The resource use of every running EOS workload, as the runtime measures it; a workload whose figures cannot
    /// be read now is left out of this collection.
    private static func workloadSamples(_ runtime: any EdgeRuntime) async -> [WorkloadMetricsSource.Sample] {
        guard let workloads = try? await runtime.list() else { return [] }
        var samples: [WorkloadMetricsSource.Sample] = []
        for workload in workloads where workload.state == .running {
            guard let deployment = workload.deployment, let stats = try? await runtime.stats(workload.id) else {
                continue
            }
            let prefix = deployment + "_"
            let name = workload.id.hasPrefix(prefix) ? String(workload.id.dropFirst(prefix.count)) : workload.id
            samples.append(
                WorkloadMetricsSource.Sample(
                    deployment: deployment, workload: name, cpuNanoseconds: stats.cpuNanoseconds,
                    memoryBytes: stats.memoryBytes))
        }
        return samples
    }

    private func upstreamLink(to endpoint: MargoEndpoint) -> UpstreamLink {
        let capabilities = HostCapabilities.read(dataDirectory: configuration.dataDirectory, runtimes: [runtime.name])
        return UpstreamLink(
            configuration: configuration, endpoint: endpoint, tls: tls, store: store, calls: calls, outbox: outbox,
            telemetry: telemetry, capabilities: capabilities,
            advertised: { [self] in
                if let advertise = configuration.advertise { return advertise }
                return await listeningEndpoint
            },
            onParent: { [parent, store, logger] identity in
                if parent.learn(identity) {
                    try? store.setSetting(Self.parentSetting, to: identity.uri)
                    logger.info("learned the parent", metadata: ["parent": "\(identity)"])
                }
            },
            authorization: { [parent, tls] in PeerAuthorization(server: tls.identity, parent: parent.current) },
            logger: logger, clock: clock)
    }
}
