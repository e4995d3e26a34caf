import EOSKit
import Foundation
import Logging
import ServiceLifecycle

// An Edge Node on the allow-list runtime: only /bin/sh and /usr/bin/python3 may run here.
//
//     allow-list-node --id edge-01 --upstream lo-0042.example.com:7444 --tls-dir tls/edge-01 --data-dir /var/lib/eos
let arguments = Dictionary(
    stride(from: 1, to: CommandLine.arguments.count - 1, by: 2).map {
        (CommandLine.arguments[$0], CommandLine.arguments[$0 + 1])
    }, uniquingKeysWith: { $1 })
guard let id = arguments["--id"], let upstream = arguments["--upstream"], let tlsDirectory = arguments["--tls-dir"],
    let data = arguments["--data-dir"]
else {
    FileHandle.standardError.write(
        Data("usage: allow-list-node --id ID --upstream HOST:PORT --tls-dir DIR --data-dir DIR\n".utf8))
    exit(2)
}
let logger = Logger(label: "allow-list-node")
let dataDirectory = URL(fileURLWithPath: data, isDirectory: true)
let runtime = AllowListRuntime(
    allowed: ["/bin/sh", "/usr/bin/python3"],
    base: ProcessRuntime(
        configuration: ProcessRuntimeConfiguration(stateDirectory: dataDirectory.appendingPathComponent("process")),
        logger: logger))
let node = try EdgeNode(
    configuration: EdgeNodeConfiguration(
        nodeID: id, labels: ["runtime": runtime.name], dataDirectory: dataDirectory,
        listen: MargoEndpoint(host: "0.0.0.0", port: 7445), upstream: try MargoEndpoint(parsing: upstream)),
    tls: try await TLSMaterial.load(from: URL(fileURLWithPath: tlsDirectory)), runtime: runtime, logger: logger)
try await ServiceGroup(services: [node], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
