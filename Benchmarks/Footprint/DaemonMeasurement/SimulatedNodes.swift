public import EOSKit
public import Foundation
import Logging

/// Edge Nodes on simulated runtimes, all in this process, each with its own certificate, store and server.
public final class SimulatedNodes: Sendable {
    /// The nodes' ids.
    public let ids: [String]
    /// Each node's runtime, by node id.
    public let runtimes: [String: SimulatedRuntime]
    private let nodes: [EdgeNode]

    /// Prepares `count` nodes attached to `upstream` (`PREFIX-0001`…), certificates issued by `authority`, stores
    /// under `root`.
    ///
    /// - Parameters:
    ///   - network: how the nodes reach their parent and it them. On an ``InProcessNetwork`` the nodes keep their
    ///     stores in memory, so thousands of them hold no descriptors.
    ///   - configure: changes to each node's configuration (its intervals, for a large fleet in one process).
    public init(
        count: Int, prefix: String = "edge", authority: CertificateAuthority, upstream: MargoEndpoint, root: URL,
        network: MargoNetwork = .mutualTLS, configure: (inout EdgeNodeConfiguration) -> Void = { _ in }
    ) async throws {
        let ids = (1...count).map { prefix + String(format: "-%04d", $0) }
        var runtimes: [String: SimulatedRuntime] = [:]
        var nodes: [EdgeNode] = []
        let quiet = Logger(label: "eos.scale.node") { _ in SwiftLogNoOpLogHandler() }
        for id in ids {
            let tls = try await TLSMaterial(
                authority.issue(identity: try SPIFFEIdentity.node(id, in: authority.trustDomain)))
            let runtime = SimulatedRuntime()
            runtimes[id] = runtime
            var configuration = EdgeNodeConfiguration(
                nodeID: id, labels: ["rack": "r\(nodes.count % 10)"], dataDirectory: root.appendingPathComponent(id),
                listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream)
            configuration.network = network
            if case .inProcess = network { configuration.inMemoryStore = true }
            configure(&configuration)
            nodes.append(try EdgeNode(configuration: configuration, tls: tls, runtime: runtime, logger: quiet))
        }
        self.ids = ids
        self.runtimes = runtimes
        self.nodes = nodes
    }

    /// Runs every node until the task is cancelled.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for node in nodes { group.addTask { try await node.run() } }
        }
    }
}
