import ArgumentParser
import EOSKit
import Foundation

/// `eosd dev`: a whole fleet in one process, for trying EOS and developing against it.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a whole fleet in one process: a central, its sites and their nodes, with the REST API.",
        discussion: """
            Starts a central, --sites local orchestrators and --nodes-per-site edge nodes each, talking gRPC over \
            mutual TLS on loopback as separate hosts do (a CA is made in DATA-DIR/pki; with --network in-process \
            they talk through memory instead, with the same identities and checks), each with its SQLite stores \
            (simulated nodes keep theirs in memory), \
            and serves the REST API on --http-listen with a dev token it prints. With --apply FILE it \
            deploys the file's FleetDeployments once every node is attached and shows each rollout until it \
            settles, then keeps serving. Without --data-dir the state lives in a temporary folder removed at exit, \
            with the fleet's containers. \
            Settings also come from EOS_* variables and --config. SIGTERM or SIGINT stop it gracefully.
            """
    )

    @Option(help: ArgumentHelp("A YAML file of settings, keyed by the flags' names.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("How many sites (default 2).", valueName: "n"))
    var sites: String?

    @Option(help: ArgumentHelp("How many nodes each site has (default 2).", valueName: "n"))
    var nodesPerSite: String?

    @Option(
        help: ArgumentHelp("What runs the workloads: process (default), containerd or simulated.", valueName: "runtime")
    )
    var runtime: String?

    @Option(
        help: ArgumentHelp(
            "How the tiers talk: tls (default; mutual TLS on loopback, as separate hosts) or in-process (no sockets: "
                + "for thousands of simulated nodes).", valueName: "network"))
    var network: String?

    @Option(help: ArgumentHelp("A file of FleetDeployments to deploy once the fleet is up.", valueName: "file"))
    var apply: String?

    @Option(help: ArgumentHelp("The folder of the fleet's state, kept across runs.", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Where to serve the REST API (default 127.0.0.1:8080).", valueName: "host:port"))
    var httpListen: String?

    @Option(help: ArgumentHelp("The API's bearer token (default: a random one, printed).", valueName: "token"))
    var devToken: String?

    @Option(help: ArgumentHelp("containerd's socket (default /run/containerd/containerd.sock).", valueName: "path"))
    var containerdAddress: String?

    @Option(help: ArgumentHelp("The prefix of each node's containerd namespace (default eos-dev).", valueName: "ns"))
    var containerdNamespace: String?

    @Option(help: ArgumentHelp("A folder of OCI image archives for the containerd runtime.", valueName: "dir"))
    var imageArchives: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning (default), error or critical.", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("text (default) or json, one object a line.", valueName: "format"))
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "An OpenTelemetry collector's OTLP/HTTP base (http://collector:4318) for traces and the fleet's telemetry.",
            valueName: "url"))
    var otlpEndpoint: String?

    func run() async throws {
        let settings = try DevSettings(command: self, environment: ProcessInfo.processInfo.environment)
        let logger = DaemonLogging.start(level: settings.logLevel, format: settings.logFormat, label: "eos.dev")
        defer {
            if settings.temporaryData { try? FileManager.default.removeItem(at: settings.fleet.dataDirectory) }
        }
        let fleet: DevelopmentFleet
        do {
            fleet = try await DevelopmentFleet(configuration: settings.fleet, logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let tracing = try DaemonTracing.bootstrap(endpoint: settings.otlpEndpoint, serviceName: "eos-dev")
        let console = DevConsole(settings: settings, fleet: fleet)
        let api = CentralAPI(central: fleet.central, token: settings.token).application(
            host: settings.http.host, port: settings.http.port
        ) { port in
            console.apiListening(on: port)
        }
        // A throw-away fleet takes its containers with it; with --data-dir they stay, as a node's do.
        do {
            try await DaemonRunner.run(
                [fleet, api, console] + (tracing.map { [$0] } ?? []), what: "the dev fleet", logger: logger)
        } catch {
            if settings.temporaryData { await fleet.removeWorkloads() }
            throw error
        }
        if settings.temporaryData { await fleet.removeWorkloads() }
    }
}
