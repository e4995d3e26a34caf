import EOSKit
import EOSTesting
import Foundation
import Logging
import Testing

/// A trust domain with one central, two sites and three nodes at each on simulated runtimes, all over loopback
/// mutual TLS, each with its own stores under one temporary folder.
struct CentralTestFleet {
    static let domain = "fleet.example.com"
    static let sites = ["site-a", "site-b"]
    static func nodes(of site: String) -> [String] { (1...3).map { "\(site)-node-\($0)" } }
    static var allNodes: [String] { sites.flatMap(nodes(of:)) }
    /// Deadlines about hung calls, not slow machines: the whole suite shares two cores. Heartbeats every 2 s for the
    /// same reason: a node is `Unknown` after 6 s of silence, which a loaded machine does not reach by accident.
    static let policy = MargoCallPolicy(timeout: .seconds(30))

    /// How often the sites and nodes collect telemetry; the agents' default unless a test asks otherwise.
    var telemetryInterval: Duration = .seconds(15)
    /// How many telemetry samples each site holds while the central is unreachable.
    var siteTelemetryBuffer = 100_000
    /// The OpenTelemetry collector the central forwards telemetry to, if any.
    var centralOTLP: URL?
    /// Telemetry sources a node collects besides its host's and workloads', by node id.
    var nodeTelemetrySources: [String: [any TelemetrySource]] = [:]
    let authority: CertificateAuthority
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-central-\(UUID().uuidString)")
    /// Each node's runtime, by node id.
    let runtimes = Dictionary(uniqueKeysWithValues: CentralTestFleet.allNodes.map { ($0, SimulatedRuntime()) })

    init() throws {
        authority = try CertificateAuthority.create(trustDomain: Self.domain)
    }

    func tls(_ identity: SPIFFEIdentity) async throws -> TLSMaterial {
        try await TLSMaterial(authority.issue(identity: identity))
    }

    /// The central's configuration: its stores under the fleet's folder, listening on `port` (any when 0).
    func centralConfiguration(port: Int = 0) -> CentralOrchestratorConfiguration {
        CentralOrchestratorConfiguration(
            dataDirectory: root.appendingPathComponent("central"),
            listen: MargoEndpoint(host: "127.0.0.1", port: port), heartbeatInterval: .seconds(2),
            reconcileInterval: .milliseconds(500), inventoryInterval: .seconds(1), callPolicy: Self.policy,
            otlp: centralOTLP.map {
                OTLPExporter.Configuration(endpoint: $0, resource: ["service.name": "eos-central"])
            })
    }

    /// Runs the central, the sites and their nodes until `body` returns.
    func run<T: Sendable>(_ body: (CentralOrchestrator) async throws -> T) async throws -> T {
        let central = try CentralOrchestrator(
            configuration: centralConfiguration(),
            tls: try await tls(try SPIFFEIdentity.central(in: Self.domain)), logger: Logger(label: "test.central"))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await central.run() }
            try await startSites(in: &group, central: try #require(await central.listeningEndpoint))
            let result = try await body(central)
            group.cancelAll()
            return result
        }
    }

    /// Runs the fleet until the central knows all six nodes `Ready`, then `body` with the central and a client of its
    /// REST API over a loopback socket, which wants ``APIClient/token``.
    func runWithAPI<T: Sendable>(
        _ body: @escaping @Sendable (CentralOrchestrator, APIClient) async throws -> T
    ) async throws -> T {
        try await run { central in
            try await eventually("the central knows six ready nodes") {
                try await central.nodes(after: nil, limit: 100).items.filter { $0.liveness.liveness == .ready }
                    .count == 6
            }
            let app = CentralAPI(central: central, token: APIClient.token).application(host: "127.0.0.1", port: 0)
            return try await app.test(.live) { client in try await body(central, APIClient(client: client)) }
        }
    }

    /// Starts every site and its nodes in `group`, reporting to the central at `centralEndpoint`; answers the sites.
    @discardableResult
    func startSites(
        in group: inout ThrowingTaskGroup<Void, any Error>, central centralEndpoint: MargoEndpoint
    ) async throws -> [LocalOrchestrator] {
        var started: [LocalOrchestrator] = []
        for site in Self.sites {
            let lo = try LocalOrchestrator(
                configuration: LocalOrchestratorConfiguration(
                    siteID: site, labels: ["site": site], dataDirectory: root.appendingPathComponent(site),
                    listen: MargoEndpoint(host: "127.0.0.1", port: 0), central: centralEndpoint,
                    heartbeatInterval: .seconds(2), reconcileInterval: .seconds(1),
                    maximumRetryDelay: .seconds(1), maximumReconnectDelay: .seconds(1), callPolicy: Self.policy,
                    telemetryInterval: telemetryInterval, telemetryBufferCapacity: siteTelemetryBuffer),
                tls: try await tls(try SPIFFEIdentity.site(site, in: Self.domain)),
                logger: Logger(label: "test.\(site)"))
            started.append(lo)
            group.addTask { try await lo.run() }
            let siteEndpoint = try #require(await lo.listeningEndpoint)
            for node in Self.nodes(of: site) {
                let edge = try EdgeNode(
                    configuration: EdgeNodeConfiguration(
                        nodeID: node, labels: ["line": node.hasSuffix("3") ? "2" : "1"],
                        dataDirectory: root.appendingPathComponent(node),
                        listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: siteEndpoint,
                        reconcileInterval: .seconds(1),
                        restartBackoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1)),
                        maximumReconnectDelay: .seconds(1), callPolicy: Self.policy,
                        telemetryInterval: telemetryInterval),
                    tls: try await tls(try SPIFFEIdentity.node(node, in: Self.domain)), runtime: runtimes[node]!,
                    telemetrySources: nodeTelemetrySources[node] ?? [], logger: Logger(label: "test.\(node)"))
                group.addTask { try await edge.run() }
            }
        }
        return started
    }
}
