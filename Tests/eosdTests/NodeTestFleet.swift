import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

/// A trust domain with a site acting as the node's parent, and a folder holding the node's data and TLS files.
struct NodeTestFleet {
    static let domain = "fleet.example.com"
    /// Deadlines about hung calls, not slow machines: the whole suite shares two cores.
    static let policy = MargoCallPolicy(timeout: .seconds(120))

    let site: SPIFFEIdentity
    let siteTLS: TLSMaterial
    let root: URL
    var dataDirectory: URL { root.appendingPathComponent("data") }
    var tlsDirectory: URL { root.appendingPathComponent("tls") }

    init() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        site = try SPIFFEIdentity.site("store-0042", in: Self.domain)
        siteTLS = try await TLSMaterial(authority.issue(identity: site))
        root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-node-\(UUID().uuidString)")
        _ = try authority.issue(identity: try SPIFFEIdentity.node("edge-01", in: Self.domain)).write(to: tlsDirectory)
    }

    /// `eosd node` for edge-01 with the process runtime, serving on a port of its choosing.
    func nodeArguments(upstream: MargoEndpoint) -> [String] {
        [
            "node", "--id", "edge-01", "--data-dir", dataDirectory.path, "--tls-dir", tlsDirectory.path,
            "--grpc-listen", "127.0.0.1:0", "--upstream", "\(upstream)", "--runtime", "process", "--label",
            "zone=north", "--log-level", "debug",
        ]
    }

    /// Serves `upstream` as the site until `body` returns.
    func serving<T>(
        _ upstream: RecordingUpstream, port: Int = 0, _ body: (MargoEndpoint) async throws -> T
    ) async throws -> T {
        try await upstream.serving(as: siteTLS, port: port, body)
    }

    /// Calls the node at `endpoint` as its parent.
    func asParent<T: Sendable>(
        of endpoint: MargoEndpoint, _ body: (EdgeClient<HTTP2ClientTransport.Posix>) async throws -> T
    ) async throws -> T {
        let transport = try MargoTransport.client(connectingTo: endpoint, tls: siteTLS)
        return try await withGRPCClient(transport: transport) { client in
            try await body(EdgeClient(client, policy: Self.policy))
        }
    }

    /// Where a started `eosd node` serves, read from its log.
    static func endpoint(of node: EOSDProcess) async throws -> MargoEndpoint {
        var found: MargoEndpoint?
        try await eventually("the node logs where it listens") {
            found =
                node.stderr.split(separator: "\n").lazy.compactMap { line -> MargoEndpoint? in
                    guard let range = line.range(of: "listening=") else { return nil }
                    let text = line[range.upperBound...].prefix { $0 != " " }
                    return try? MargoEndpoint(parsing: String(text))
                }.first
            return found != nil || !node.isRunning
        }
        return try #require(found, "eosd node did not start: \(node.stderr)")
    }

}
