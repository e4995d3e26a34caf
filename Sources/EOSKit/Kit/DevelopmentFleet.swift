public import EOSCentral
internal import EOSEdge
internal import EOSMargo
internal import EOSModel
internal import EOSRuntime
internal import EOSSecurity
internal import EOSSite
internal import Foundation
public import Logging
public import ServiceLifecycle
internal import Synchronization

/// A whole fleet in one process: a central, its sites' Local Orchestrators and their Edge Nodes, talking gRPC over
/// mutual TLS on loopback exactly as separate hosts do (or over an ``InProcessNetwork``, when
/// ``DevelopmentFleetConfiguration/network`` says so), each tier with its own SQLite stores (simulated nodes keep
/// theirs in memory).
///
/// This is what `eosd dev` runs, and what an embedder can run to try a controller against real tiers. The CA lives
/// in `DATA/pki/` and is kept across runs (each tier gets a fresh certificate from it at start), so a data folder
/// can be reused: the fleet comes back with its deployments (in the CA's trust domain, whatever
/// ``DevelopmentFleetConfiguration/trustDomain`` says later). Sites are `site-1`, `site-2`, … labelled
/// `site: ID` and `env: dev`; nodes are `site-1-node-1`, … labelled `site: ID` and `runtime: NAME`.
///
/// Run it as a `Service`. ``central`` is ready before ``run()`` for the REST API to wrap; the sites and nodes start
/// once the central listens. ``waitUntilAttached(timeout:)`` returns when the central knows every node as `Ready`.
public final class DevelopmentFleet: Service {
    /// The fleet's shape.
    public let configuration: DevelopmentFleetConfiguration
    /// The central orchestrator, for the REST API and for direct calls.
    public let central: CentralOrchestrator
    private let authority: CertificateAuthority
    private let logger: Logger
    private let runtimes = Mutex<[any EdgeRuntime]>([])

    /// Creates the central and, on a first run, the CA; fails with a clear message when the shape is impossible
    /// or the data folder cannot hold the stores.
    public init(
        configuration: DevelopmentFleetConfiguration, logger: Logger = Logger(label: "eos.dev")
    ) async throws(DevelopmentFleetError) {
        guard (1...100).contains(configuration.sites) else {
            throw DevelopmentFleetError("sites: \(configuration.sites) is not a number from 1 to 100")
        }
        guard (0...1000).contains(configuration.nodesPerSite) else {
            throw DevelopmentFleetError("nodes per site: \(configuration.nodesPerSite) is not a number from 0 to 1000")
        }
        self.configuration = configuration
        self.logger = logger
        let authority = try Self.authority(in: configuration.dataDirectory, trustDomain: configuration.trustDomain)
        self.authority = authority
        do {
            var centralConfiguration = CentralOrchestratorConfiguration(
                dataDirectory: configuration.dataDirectory.appendingPathComponent("central"),
                listen: configuration.centralListen, heartbeatInterval: configuration.pacing.heartbeat,
                inventoryInterval: configuration.pacing.inventory, otlp: configuration.otlp)
            centralConfiguration.network = configuration.network
            central = try CentralOrchestrator(
                configuration: centralConfiguration,
                tls: try await Self.tls(try SPIFFEIdentity.central(in: authority.trustDomain), from: authority),
                logger: logger)
        } catch {
            throw DevelopmentFleetError("the central: \(error)")
        }
    }

    /// Runs the central, then every site and node, until cancelled or shut down gracefully.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.central.run() }
            guard let centralEndpoint = await central.listeningEndpoint else { return }
            for site in configuration.siteIDs {
                let lo = try await localOrchestrator(site, central: centralEndpoint)
                group.addTask { try await lo.run() }
                guard let siteEndpoint = await lo.listeningEndpoint else { return }
                for node in configuration.nodeIDs(of: site) {
                    let edge = try await edgeNode(node, of: site, upstream: siteEndpoint)
                    group.addTask { try await edge.run() }
                }
            }
            logger.info(
                "development fleet started",
                metadata: [
                    "sites": "\(configuration.sites)", "nodes": "\(configuration.sites * configuration.nodesPerSite)",
                    "central": "\(centralEndpoint)",
                ])
        }
    }

    /// Returns once the central lists every node of the fleet as `Ready`; throws when that takes over `timeout`.
    ///
    /// - Parameter timeout: `nil` allows a minute and 50 ms more a node: 10,000 simulated nodes in one process take
    ///   minutes to attach.
    public func waitUntilAttached(timeout: Duration? = nil) async throws {
        let expected = configuration.sites * configuration.nodesPerSite
        let timeout = timeout ?? .seconds(60) + .milliseconds(50 * expected)
        let deadline = ContinuousClock.now + timeout
        while true {
            let nodes = try await central.nodes(after: nil, limit: max(expected, 1)).items
            let ready = nodes.filter { $0.liveness.liveness == .ready }.count
            if ready >= expected { return }
            guard ContinuousClock.now < deadline else {
                throw DevelopmentFleetError(
                    "\(ready) of \(expected) nodes were Ready at the central after \(timeout); see the log for why")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Stops and removes every workload the fleet's nodes started, after ``run()`` has ended: what a throw-away
    /// fleet does at exit, since containers otherwise outlive their agent by design.
    public func removeWorkloads() async {
        for runtime in runtimes.withLock({ $0 }) {
            for workload in (try? await runtime.list()) ?? [] {
                try? await runtime.stop(workload.id, timeout: .seconds(5))
                try? await runtime.remove(workload.id)
            }
        }
    }

    // MARK: Tiers

    private func localOrchestrator(_ site: String, central: MargoEndpoint) async throws -> LocalOrchestrator {
        var settings = LocalOrchestratorConfiguration(
            siteID: site, labels: ["site": site, "env": "dev"],
            dataDirectory: configuration.dataDirectory.appendingPathComponent("sites/\(site)"),
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), central: central,
            heartbeatInterval: configuration.pacing.heartbeat, reconcileInterval: .seconds(2),
            maximumRetryDelay: .seconds(5), maximumReconnectDelay: .seconds(2),
            telemetryInterval: configuration.pacing.telemetry)
        settings.network = configuration.network
        return try LocalOrchestrator(
            configuration: settings,
            tls: try await Self.tls(try SPIFFEIdentity.site(site, in: authority.trustDomain), from: authority),
            logger: logger)
    }

    private func edgeNode(_ node: String, of site: String, upstream: MargoEndpoint) async throws -> EdgeNode {
        let data = configuration.dataDirectory.appendingPathComponent("nodes/\(node)")
        var settings = EdgeNodeConfiguration(
            nodeID: node, labels: ["site": site, "runtime": configuration.runtime.name], dataDirectory: data,
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream,
            reconcileInterval: configuration.pacing.reconcile, maximumReconnectDelay: .seconds(2),
            telemetryInterval: configuration.pacing.telemetry)
        settings.network = configuration.network
        // A simulated node runs nothing that outlives it, so it has nothing to remember: no store file, and no
        // descriptors held for one, which lets one process hold thousands of them.
        if case .simulated = configuration.runtime { settings.inMemoryStore = true }
        return try EdgeNode(
            configuration: settings,
            tls: try await Self.tls(try SPIFFEIdentity.node(node, in: authority.trustDomain), from: authority),
            runtime: runtime(for: node, data: data), logger: logger)
    }

    private func runtime(for node: String, data: URL) -> any EdgeRuntime {
        let runtime = makeRuntime(for: node, data: data)
        runtimes.withLock { $0.append(runtime) }
        return runtime
    }

    private func makeRuntime(for node: String, data: URL) -> any EdgeRuntime {
        switch configuration.runtime {
        case .process:
            return ProcessRuntime(
                configuration: ProcessRuntimeConfiguration(stateDirectory: data.appendingPathComponent("process")),
                logger: logger)
        case .containerd(let address, let prefix, let archives):
            return ContainerdRuntime(
                configuration: ContainerdConfiguration(
                    namespace: "\(prefix)-\(node)", address: address,
                    stateDirectory: data.appendingPathComponent("containerd"), imageArchives: archives),
                logger: logger)
        case .simulated:
            return SimulatedRuntime()
        case .custom(_, let make):
            return make(node, data)
        }
    }

    // MARK: PKI

    /// The CA in `DATA/pki/`, created there on the first run.
    private static func authority(
        in data: URL, trustDomain: String
    ) throws(DevelopmentFleetError) -> CertificateAuthority {
        let folder = data.appendingPathComponent("pki")
        let existing = folder.appendingPathComponent(CertificateAuthority.certificateFileName)
        do {
            if FileManager.default.fileExists(atPath: existing.path) {
                return try CertificateAuthority.load(from: folder)
            }
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let authority = try CertificateAuthority.create(trustDomain: trustDomain)
            _ = try authority.save(to: folder)
            return authority
        } catch {
            throw DevelopmentFleetError("the development CA in \(folder.path): \(error)")
        }
    }

    private static func tls(
        _ identity: SPIFFEIdentity, from authority: CertificateAuthority
    ) async throws -> TLSMaterial {
        try await TLSMaterial(authority.issue(identity: identity))
    }
}
