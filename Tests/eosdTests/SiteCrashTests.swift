import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing

@Suite("eosd site: killed during a deployment", .timeLimit(.minutes(6)))
struct SiteCrashTests {
    static let domain = "fleet.example.com"
    static let nodeIDs = ["edge-01", "edge-02", "edge-03"]

    /// The deployment the central sends: one process workload on every node.
    static func deployment(generation: Int64) -> FleetDesiredState {
        FleetDesiredState(
            deployment: "hello", generation: generation,
            spec: FleetDeploymentSpec(workloads: [
                Workload(name: "worker", kind: .process(ProcessSpec(command: ["/bin/sleep", "\(2000 + generation)"])))
            ]))
    }

    /// The endpoint an `eosd` process logs it serves on.
    static func endpoint(of process: EOSDProcess) async throws -> MargoEndpoint {
        try await NodeTestFleet.endpoint(of: process)
    }

    /// SIGKILL right after the central's DeployFleet is acknowledged: the restarted site resumes from its store and
    /// every node ends on the new generation, none half-applied.
    @Test("an LO killed with SIGKILL mid-deployment resumes from its store; every node ends on the new generation")
    func killedMidDeployment() async throws {
        let authority = try CertificateAuthority.create(trustDomain: Self.domain)
        let central = try SPIFFEIdentity.central(in: Self.domain)
        let centralTLS = try await TLSMaterial(authority.issue(identity: central))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eosd-site-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tlsDirectory = root.appendingPathComponent("tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.site("store-0042", in: Self.domain)).write(
            to: tlsDirectory)
        var nodeTLS: [String: TLSMaterial] = [:]
        for id in Self.nodeIDs {
            nodeTLS[id] = try await TLSMaterial(authority.issue(identity: try SPIFFEIdentity.node(id, in: Self.domain)))
        }

        let recorder = RecordingUpstream(
            heartbeatInterval: .milliseconds(500), nodesAttached: { _ in Set(Self.nodeIDs) })
        try await recorder.serving(as: centralTLS) { address in
            let siteArguments = { (port: Int) in
                [
                    "site", "--id", "store-0042", "--data-dir", root.appendingPathComponent("site").path, "--tls-dir",
                    tlsDirectory.path, "--grpc-listen", "127.0.0.1:\(port)", "--central",
                    "\(address.host):\(address.port)",
                ]
            }
            // The site picks its port when it binds (a port picked here first could be taken by another test before
            // the site binds it), and restarts on the same one, so its nodes find it again.
            let site = try EOSDProcess(siteArguments(0))
            let siteEndpoint = try await Self.endpoint(of: site)
            let runtimes = Dictionary(uniqueKeysWithValues: Self.nodeIDs.map { ($0, SimulatedRuntime()) })
            var nodes: [Task<Void, any Error>] = []
            for id in Self.nodeIDs {
                let configuration = EdgeNodeConfiguration(
                    nodeID: id, dataDirectory: root.appendingPathComponent(id),
                    listen: MargoEndpoint(host: "127.0.0.1", port: 0), upstream: siteEndpoint,
                    reconcileInterval: .seconds(1), maximumReconnectDelay: .seconds(1),
                    callPolicy: NodeTestFleet.policy)
                let node = try EdgeNode(
                    configuration: configuration, tls: nodeTLS[id]!, runtime: runtimes[id]!,
                    logger: Logger(label: "test.\(id)"))
                nodes.append(Task { try await node.run() })
            }
            defer { nodes.forEach { $0.cancel() } }
            try await eventually("the site and its nodes registered") {
                recorder.recorded.registrations.contains { $0.kind == .site }
            }
            let transport = try MargoTransport.client(connectingTo: siteEndpoint, tls: centralTLS)
            let result = try await withGRPCClient(transport: transport) { client in
                try await MargoClient(client, policy: NodeTestFleet.policy).deployFleet(Self.deployment(generation: 1))
            }
            #expect(result.outcome == .accepted)
            site.signal(SIGKILL)
            _ = await site.wait()

            let restarted = try EOSDProcess(siteArguments(siteEndpoint.port))
            defer {
                restarted.signal(SIGTERM)
            }
            try await eventually("every node installed generation 1, as the central hears it") {
                var latest: [String: NodeDeploymentStatus] = [:]
                for status in recorder.statuses(of: "hello") { latest[status.nodeID] = status }
                return Self.nodeIDs.allSatisfy {
                    latest[$0]?.state == .installed && latest[$0]?.observedGeneration == 1
                }
            }
            for id in Self.nodeIDs {
                let workloads = try await runtimes[id]!.list()
                #expect(workloads.map(\.id) == ["hello_worker"], "\(id)")
                #expect(workloads.allSatisfy { $0.generation == 1 && $0.state == .running }, "\(id)")
            }
            // Delivery is at least once: a report the killed site sent but had not yet stored as acknowledged is
            // sent again by the restarted site, and the central drops it by its sequence. What must hold is that a
            // resend never takes a node back: each node's generations reach the central in order.
            var heard: [String: [Int64]] = [:]
            for status in recorder.statuses(of: "hello") {
                heard[status.nodeID, default: []].append(status.observedGeneration)
            }
            for (id, generations) in heard {
                #expect(generations == generations.sorted(), "\(id): \(generations)")
            }
            restarted.signal(SIGTERM)
            let stopped = await restarted.wait()
            #expect(stopped.status == 0, "\(stopped.stderr)")
        }
    }
}
