import EOSEdge
import EOSMargo
import EOSModel
import EOSRuntime
import EOSSecurity
import EOSSite
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing

/// A trust domain with a central stand-in, one site and three nodes on simulated runtimes, all over loopback mTLS.
struct SiteTestFleet {
    static let domain = "fleet.example.com"
    /// Deadlines about hung calls, not slow machines: the whole suite shares two cores.
    static let policy = MargoCallPolicy(timeout: .seconds(120))
    static let nodeIDs = ["edge-01", "edge-02", "edge-03"]
    /// The site's calls to its nodes and the central: a call to a node that died holds that node's next action until
    /// it gives up, so it must give up well within the tests' waits, even on a loaded machine.
    static let sitePolicy = MargoCallPolicy(timeout: .seconds(15))

    let central: SPIFFEIdentity
    let centralTLS: TLSMaterial
    let siteTLS: TLSMaterial
    let nodeTLS: [String: TLSMaterial]
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-site-\(UUID().uuidString)")

    init() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        central = try SPIFFEIdentity.central(in: Self.domain)
        centralTLS = try await TLSMaterial(authority.issue(identity: central))
        siteTLS = try await TLSMaterial(
            authority.issue(identity: try SPIFFEIdentity.site("store-0042", in: Self.domain)))
        var nodes: [String: TLSMaterial] = [:]
        for id in Self.nodeIDs {
            nodes[id] = try await TLSMaterial(authority.issue(identity: try SPIFFEIdentity.node(id, in: Self.domain)))
        }
        nodeTLS = nodes
    }

    /// A central stand-in: records what the site reports, lets the site speak for its three nodes.
    static func centralStandIn() -> RecordingUpstream {
        RecordingUpstream(heartbeatInterval: .milliseconds(300), nodesAttached: { _ in Set(nodeIDs) })
    }

    /// Serves `upstream` as the central until `body` returns.
    func servingCentral<T>(
        _ upstream: RecordingUpstream, port: Int = 0, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        try await upstream.serving(as: centralTLS, port: port, body)
    }

    func siteConfiguration(
        central: MargoEndpoint?, offlineAfter: Duration = .seconds(300)
    ) -> LocalOrchestratorConfiguration {
        LocalOrchestratorConfiguration(
            siteID: "store-0042", labels: ["region": "eu-west"], dataDirectory: root.appendingPathComponent("site"),
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), central: central, heartbeatInterval: .milliseconds(300),
            offlineAfter: offlineAfter, reconcileInterval: .seconds(1), maximumRetryDelay: .seconds(1),
            maximumReconnectDelay: .seconds(1),
            callPolicy: Self.sitePolicy)
    }

    /// Runs the LO until `body` returns.
    func withSite<T>(
        _ configuration: LocalOrchestratorConfiguration, _ body: (LocalOrchestrator, MargoEndpoint) async throws -> T
    ) async throws -> T {
        let site = try LocalOrchestrator(configuration: configuration, tls: siteTLS, logger: Logger(label: "test.site"))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await site.run() }
            let endpoint = try #require(await site.listeningEndpoint)
            let result = try await body(site, endpoint)
            group.cancelAll()
            return result
        }
    }

    /// A node attached to the site at `upstream`, on `runtime`, telling the site to reach its `EdgeNode` service at
    /// `advertise` (by default where it listens); cancelled when the returned task is.
    func startNode(
        _ id: String, upstream: MargoEndpoint, runtime: SimulatedRuntime, labels: [String: String] = [:],
        network: MargoNetwork = .mutualTLS, advertise: MargoEndpoint? = nil
    )
        throws -> Task<Void, any Error>
    {
        var configuration = EdgeNodeConfiguration(
            nodeID: id, labels: labels, dataDirectory: root.appendingPathComponent(id),
            listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream, reconcileInterval: .seconds(1),
            restartBackoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1)),
            maximumReconnectDelay: .seconds(1), callPolicy: Self.policy)
        configuration.network = network
        configuration.advertise = advertise
        let node = try EdgeNode(
            configuration: configuration, tls: nodeTLS[id]!, runtime: runtime, logger: Logger(label: "test.\(id)"))
        return Task { try await node.run() }
    }

    /// Calls the site as the central.
    func asCentral<T: Sendable>(
        of site: MargoEndpoint, _ body: (MargoClient<HTTP2ClientTransport.Posix>) async throws -> T
    ) async throws -> T {
        let transport = try MargoTransport.client(connectingTo: site, tls: centralTLS)
        return try await withGRPCClient(transport: transport) { client in
            try await body(MargoClient(client, policy: Self.policy))
        }
    }

}
