import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Measures what an idle Edge Node costs its host: `eosd node` with the process runtime, five process workloads, a
/// parent it heartbeats to every 10 seconds, sampled from `/proc` once a second.
///
///     EdgeFootprint --eosd PATH [--seconds 60] [--workloads 5] [--heartbeat 10]
///
/// Prints the resident set size (mean and peak) and the CPU time the node used as a share of one core.
@main
struct EdgeFootprint {
    static func main() async throws {
        let options = try FootprintOptions(CommandLine.arguments.dropFirst())
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-footprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let domain = "footprint.example.com"
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let site = try SPIFFEIdentity.site("footprint", in: domain)
        let siteTLS = try await TLSMaterial(authority.issue(identity: site))
        let tlsDirectory = root.appendingPathComponent("tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.node("edge-01", in: domain)).write(to: tlsDirectory)

        let parent = RecordingUpstream(heartbeatInterval: .seconds(options.heartbeatSeconds))
        let server = GRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), tls: siteTLS),
            services: [UpstreamService(handler: parent)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: site))])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            guard let address = try await server.listeningAddress?.ipv4 else { throw FootprintError("no parent address") }
            let node = try NodeProcess(
                eosd: options.eosd, root: root, tlsDirectory: tlsDirectory,
                upstream: MargoEndpoint(host: address.host, port: address.port))
            defer { node.stop() }
            let endpoint = try await node.endpoint()
            try await apply(workloads: options.workloads, to: endpoint, tls: siteTLS)
            try await waitUntilInstalled(parent)
            print("eosd node pid \(node.pid): \(options.workloads) process workloads running; settling 5 s")
            try await Task.sleep(for: .seconds(5))
            let sample = try await ProcessSampler(pid: node.pid).sample(seconds: options.seconds)
            print(sample.report(workloads: options.workloads))
            let heartbeats = parent.recorded.heartbeats
            print("heartbeats received by the parent: \(heartbeats)")
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static func apply(workloads: Int, to endpoint: MargoEndpoint, tls: TLSMaterial) async throws {
        let spec = FleetDeploymentSpec(
            workloads: (1...workloads).map { index in
                Workload(
                    name: "worker-\(index)",
                    kind: .process(ProcessSpec(command: ["/bin/sh", "-c", "while true; do sleep 30; done"])))
            })
        let transport = try MargoTransport.client(connectingTo: endpoint, tls: tls)
        try await withGRPCClient(transport: transport) { client in
            let result = try await EdgeClient(client).applyDeploy(
                FleetDesiredState(deployment: "footprint", generation: 1, spec: spec))
            guard result.outcome == .accepted else { throw FootprintError("the node refused the apply: \(result)") }
        }
    }

    static func waitUntilInstalled(_ parent: RecordingUpstream) async throws {
        for _ in 0..<600 {
            if parent.states(of: "footprint").last == .installed { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FootprintError("the workloads were not reported installed within 60 s")
    }
}
