import DaemonMeasurement
import EOSKit
import EOSTesting
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Measures what an idle Edge Node costs its host: `eosd node` with the process runtime, five process workloads, a
/// parent it heartbeats to every 10 seconds and sends telemetry to every 15 (`--telemetry`; a day all but turns it
/// off, to measure what telemetry adds), sampled from `/proc` once a second.
///
///     EdgeFootprint --eosd PATH [--seconds 60] [--workloads 5] [--heartbeat 10] [--telemetry 15]
///
/// Prints the resident set size (mean and peak) and the CPU time the node used as a share of one core.
@main
struct EdgeFootprint {
    static func main() async throws {
        let options = try MeasurementOptions(
            CommandLine.arguments.dropFirst(), known: ["seconds", "workloads", "heartbeat", "telemetry"],
            usage: "--eosd PATH [--seconds N] [--workloads N] [--heartbeat N] [--telemetry N]")
        let (seconds, workloads) = (
            try options.positive("seconds", default: 60), try options.positive("workloads", default: 5)
        )
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-footprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let domain = "footprint.example.com"
        let authority = try CertificateAuthority.create(trustDomain: domain)
        let site = try SPIFFEIdentity.site("footprint", in: domain)
        let siteTLS = try await TLSMaterial(authority.issue(identity: site))
        let tlsDirectory = root.appendingPathComponent("tls")
        _ = try authority.issue(identity: try SPIFFEIdentity.node("edge-01", in: domain)).write(to: tlsDirectory)

        let parent = RecordingUpstream(heartbeatInterval: .seconds(try options.positive("heartbeat", default: 10)))
        let server = GRPCServer(
            transport: MargoTransport.server(listeningOn: MargoEndpoint(host: "127.0.0.1", port: 0), tls: siteTLS),
            services: [UpstreamService(handler: parent)],
            interceptors: [PeerIdentityInterceptor(authorization: PeerAuthorization(server: site))])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            guard let address = try await server.listeningAddress?.ipv4 else {
                throw MeasurementError("no parent address")
            }
            let node = try DaemonProcess(
                eosd: options.eosd,
                arguments: [
                    "node", "--id", "edge-01", "--data-dir", root.appendingPathComponent("data").path, "--tls-dir",
                    tlsDirectory.path, "--grpc-listen", "127.0.0.1:0", "--upstream", "\(address.host):\(address.port)",
                    "--runtime", "process", "--telemetry-interval",
                    "\(try options.positive("telemetry", default: 15))s",
                ], log: root.appendingPathComponent("eosd.log"))
            defer { node.stop() }
            let endpoint = try await node.endpoint()
            try await apply(workloads: workloads, to: endpoint, tls: siteTLS)
            try await waitUntilInstalled(parent)
            print("eosd node pid \(node.pid): \(workloads) process workloads running; settling 5 s")
            try await Task.sleep(for: .seconds(5))
            let sample = try await ProcessSampler(pid: node.pid).sample(seconds: seconds)
            print(sample.report(workloads: workloads))
            let heartbeats = parent.recorded.heartbeats
            print("heartbeats received by the parent: \(heartbeats)")
            print(
                "telemetry received by the parent: \(parent.recorded.telemetryBatches) batches, "
                    + "\(parent.recorded.telemetryPoints) samples")
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
            guard result.outcome == .accepted else { throw MeasurementError("the node refused the apply: \(result)") }
        }
    }

    static func waitUntilInstalled(_ parent: RecordingUpstream) async throws {
        for _ in 0..<600 {
            if parent.states(of: "footprint").last == .installed { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MeasurementError("the workloads were not reported installed within 60 s")
    }
}
