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
    public init(
        count: Int, prefix: String = "edge", authority: CertificateAuthority, upstream: MargoEndpoint, root: URL
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
            nodes.append(
                try EdgeNode(
                    configuration: EdgeNodeConfiguration(
                        nodeID: id, labels: ["rack": "r\(nodes.count % 10)"],
                        dataDirectory: root.appendingPathComponent(id),
                        listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: upstream),
                    tls: tls, runtime: runtime, logger: quiet))
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
