import EOSKit
import Foundation
import Logging
import ServiceLifecycle

/// A program with a job of its own (here: a gateway that samples a sensor) that also carries the EOS Edge Node,
/// so the fleet deploys its companion workloads to the same host without a separate agent. Both run in one
/// `ServiceGroup`: SIGTERM stops the gateway and the node together, gracefully.
///
///     gateway --id edge-01 --upstream lo-0042.example.com:7444 --tls-dir tls/edge-01 --data-dir /var/lib/gateway
@main
struct EmbeddedAgent {
    static func main() async throws {
        let arguments = Dictionary(
            stride(from: 1, to: CommandLine.arguments.count - 1, by: 2).map {
                (CommandLine.arguments[$0], CommandLine.arguments[$0 + 1])
            }, uniquingKeysWith: { $1 })
        guard let id = arguments["--id"], let upstream = arguments["--upstream"],
            let tlsDirectory = arguments["--tls-dir"], let data = arguments["--data-dir"]
        else {
            FileHandle.standardError.write(
                Data("usage: gateway --id ID --upstream HOST:PORT --tls-dir DIR --data-dir DIR\n".utf8))
            exit(2)
        }
        let logger = Logger(label: "gateway")
        let dataDirectory = URL(fileURLWithPath: data, isDirectory: true)
        let agent = try EdgeNode(
            configuration: EdgeNodeConfiguration(
                nodeID: id, labels: ["role": "gateway"], dataDirectory: dataDirectory.appendingPathComponent("eos"),
                listen: MargoEndpoint(host: "0.0.0.0", port: 7445), upstream: try MargoEndpoint(parsing: upstream)),
            tls: try await TLSMaterial.load(from: URL(fileURLWithPath: tlsDirectory)),
            runtime: ProcessRuntime(
                configuration: ProcessRuntimeConfiguration(
                    stateDirectory: dataDirectory.appendingPathComponent("eos/process")),
                logger: logger),
            logger: logger)
        let gateway = SensorGateway(logger: logger)
        try await ServiceGroup(
            services: [gateway, agent], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ).run()
    }
}

/// The program's own job: read a sensor every few seconds until shut down.
struct SensorGateway: Service {
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first
            logger.info("sampled", metadata: ["load": "\(load ?? "?")"])
            try? await Task.sleep(for: .seconds(5))
        }
    }
}
