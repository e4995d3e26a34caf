import ArgumentParser
import EOSKit
import Foundation

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

    @OptionGroup var tier: TierOptions

    @OptionGroup var telemetry: TelemetryOptions

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
        help: ArgumentHelp(
            "Where to take OTLP/HTTP metrics from the workloads (127.0.0.1:4318); each workload gets "
                + "OTEL_EXPORTER_OTLP_ENDPOINT pointing there.",
            valueName: "host:port"))
    var otlpListen: String?

    func run() async throws {
        let settings = try NodeSettings(command: self, environment: ProcessInfo.processInfo.environment)
        let logger = DaemonLogging.start(
            level: settings.tier.logLevel, format: settings.tier.logFormat, label: "eos.node")
        let tls = try await DaemonRunner.prepare(settings.tier)
        let runtime = settings.runtime.make(settings: settings, logger: logger)
        let node: EdgeNode
        do {
            node = try EdgeNode(
                configuration: settings.node, tls: tls, runtime: runtime,
                telemetrySources: [TelemetrySettings.processMetrics], logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let tracing = try DaemonTracing.bootstrap(endpoint: settings.tier.otlpEndpoint, serviceName: "eos-node")
        try await DaemonRunner.run(
            [node] + (tracing.map { [$0] } ?? []), tier: settings.tier, what: "node \(settings.tier.id)", logger: logger
        )
    }
}
