import ArgumentParser
import EOSKit
import Foundation
import Logging

/// `eosd central`: the Central Orchestrator, its gRPC `Upstream` for the sites and its REST API for users.
struct CentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Run the fleet's central orchestrator: the registry, the rollouts and the REST API.",
        discussion: """
            Serves Upstream to the sites (and to nodes attached without one) over mutual TLS on --grpc-listen, \
            and the REST API on --http-listen. The fleet registry lives in DATA-DIR/fleet.sqlite, the sites in \
            DATA-DIR/registry.sqlite. The API needs --dev-token TOKEN (every request then carries \
            'Authorization: Bearer TOKEN'), or --insecure-no-auth, which serves it to anyone and says so in the \
            log. Settings also come from EOS_* variables and --config; flags win over variables, variables over \
            the file. SIGTERM or SIGINT stop it gracefully.
            """
    )

    @OptionGroup var tier: TierOptions

    @Option(help: ArgumentHelp("Where to serve the REST API.", valueName: "host:port"))
    var httpListen: String?

    @Option(help: ArgumentHelp("The bearer token every API request must carry.", valueName: "token"))
    var devToken: String?

    @Flag(help: "Serve the API without authentication: for a closed lab network only.")
    var insecureNoAuth = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try TierSettings(
            tier, keys: ["http-listen", "dev-token", "insecure-no-auth"], environment: environment, identified: false)
        let http = try settings.sources.required("http-listen", flag: httpListen, SettingParsers.endpoint)
        let token = try settings.sources.value("dev-token", flag: devToken, SettingParsers.nonEmpty)
        let insecure =
            try settings.sources.value(
                "insecure-no-auth", flag: insecureNoAuth ? "true" : nil, SettingParsers.boolean) ?? false
        guard token != nil || insecure else {
            throw DaemonFailure.configuration(
                "the REST API needs --dev-token TOKEN, or --insecure-no-auth to serve it without authentication")
        }
        let logger = DaemonLogging.start(level: settings.logLevel, format: settings.logFormat, label: "eos.central")
        if token == nil {
            logger.warning("the REST API is served WITHOUT AUTHENTICATION (--insecure-no-auth): anyone can deploy")
        }
        let tls = try await DaemonRunner.prepare(settings)
        let central: CentralOrchestrator
        do {
            central = try CentralOrchestrator(
                configuration: CentralOrchestratorConfiguration(
                    dataDirectory: settings.dataDirectory, listen: settings.listen),
                tls: tls, logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let api = CentralAPI(central: central, token: token).application(host: http.host, port: http.port) { port in
            logger.info("serving the REST API", metadata: ["http": "\(http.host):\(port)"])
        }
        try await DaemonRunner.run([central, api], what: "the central", logger: logger)
    }
}
