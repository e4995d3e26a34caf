import ArgumentParser
import EOSKit
import Foundation
import Logging
import ServiceLifecycle

/// `eosd node`: the Edge Node agent of one host.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run the edge node agent: the host's workloads, as its site's local orchestrator asks.",
        discussion: """
            Serves EdgeNode over mutual TLS to its parent, registers with the parent's Upstream at --upstream, \
            and runs what the parent applies through containerd, as processes, or simulated. Desired state and \
            unsent status live in DATA-DIR/edge.sqlite: after a restart with no network the node starts its \
            last applied workloads by itself. Every setting can also come from an EOS_* variable (EOS_DATA_DIR) \
            or from the YAML file --config names (data-dir: ...); flags win over variables, variables over the \
            file. SIGTERM or SIGINT shut the node down gracefully: containers keep running, process workloads stop \
            with the agent and start again when it returns.
            """
    )

    @Option(help: ArgumentHelp("A YAML file of settings, keyed by the flags' names.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The node's id, as in its certificate (spiffe://DOMAIN/eos/node/ID).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("The folder for the node's store and its workloads' files.", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("The folder with ca.pem, cert.pem and key.pem ('eosctl pki issue').", valueName: "dir"))
    var tlsDir: String?

    @Option(help: ArgumentHelp("Where to serve EdgeNode for the parent.", valueName: "host:port"))
    var grpcListen: String?

    @Option(
        help: ArgumentHelp(
            "Where the parent reaches the node, if not --grpc-listen (a wildcard host: where it connects from).",
            valueName: "host:port"))
    var advertise: String?

    @Option(help: ArgumentHelp("The parent's Upstream: the site's LO, or the CO.", valueName: "host:port"))
    var upstream: String?

    @Option(help: ArgumentHelp("What runs the workloads: containerd, process or simulated.", valueName: "runtime"))
    var runtime: String?

    @Option(help: ArgumentHelp("The containerd namespace of EOS's containers (default eos).", valueName: "ns"))
    var containerdNamespace: String?

    @Option(help: ArgumentHelp("containerd's socket (default /run/containerd/containerd.sock).", valueName: "path"))
    var containerdAddress: String?

    @Option(help: ArgumentHelp("A folder of OCI image archives for sites without a registry.", valueName: "dir"))
    var imageArchives: String?

    @Option(
        name: .customLong("label"),
        help: ArgumentHelp("A label deployments select the node by (repeatable).", valueName: "key=value"))
    var labels: [String] = []

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level"))
    var logLevel: String?

    func run() async throws {
        let settings = try NodeSettings(command: self, environment: ProcessInfo.processInfo.environment)
        let logger = DaemonLogging.start(level: settings.logLevel, label: "eos.node")
        do {
            try FileManager.default.createDirectory(
                at: settings.node.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw DaemonFailure.runtime("--data-dir \(settings.node.dataDirectory.path): \(error.localizedDescription)")
        }
        let tls: TLSMaterial
        do {
            tls = try await TLSMaterial.load(from: settings.tlsDirectory)
        } catch {
            throw DaemonFailure.runtime("--tls-dir \(settings.tlsDirectory.path): \(error)")
        }
        let runtime = settings.runtime.make(settings: settings, logger: logger)
        let node: EdgeNode
        do {
            node = try EdgeNode(configuration: settings.node, tls: tls, runtime: runtime, logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let group = ServiceGroup(
            services: [node], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        do {
            try await group.run()
        } catch {
            throw DaemonFailure.runtime("node \(settings.node.nodeID) stopped: \(error)")
        }
    }
}
