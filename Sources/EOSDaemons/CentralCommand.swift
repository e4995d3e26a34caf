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
            DATA-DIR/registry.sqlite. The API's users sign in at an OpenID Connect provider such as Keycloak \
            (--oidc-issuer URL --oidc-audience AUD; roles eos-admin, eos-operator and eos-viewer); or every \
            request carries one shared token (--dev-token TOKEN); or, for a closed lab only, --insecure-no-auth \
            serves it to anyone and says so in the log on every request. Settings also come from EOS_* variables \
            and --config; flags win over variables, variables over the file. SIGTERM or SIGINT stop it gracefully.
            """
    )

    @OptionGroup var tier: TierOptions

    @Option(help: ArgumentHelp("Where to serve the REST API.", valueName: "host:port"))
    var httpListen: String?

    @Option(help: ArgumentHelp("The issuer of users' access tokens, e.g. https://HOST/realms/REALM.", valueName: "url"))
    var oidcIssuer: String?

    @Option(help: ArgumentHelp("The audience tokens must be for (their aud, or azp).", valueName: "client-id"))
    var oidcAudience: String?

    @Option(help: ArgumentHelp("Whose resource_access roles count (default: the audience).", valueName: "client-id"))
    var oidcRoleClient: String?

    @Option(
        help: ArgumentHelp(
            "The public client the web portal signs users in as, by authorization code with PKCE (default eos-portal).",
            valueName: "client-id"))
    var portalClientId: String?

    @Option(help: ArgumentHelp("The role allowed everything (default eos-admin).", valueName: "name"))
    var oidcAdminRole: String?

    @Option(
        help: ArgumentHelp("The role allowed to deploy and control rollouts (default eos-operator).", valueName: "name")
    )
    var oidcOperatorRole: String?

    @Option(help: ArgumentHelp("The role allowed to read (default eos-viewer).", valueName: "name"))
    var oidcViewerRole: String?

    @Option(
        help: ArgumentHelp(
            "One shared bearer token every API request must carry, as an administrator.", valueName: "token"))
    var devToken: String?

    @Flag(help: "Serve the API without authentication: for a closed lab network only.")
    var insecureNoAuth = false

    @Option(
        help: ArgumentHelp(
            "The most telemetry samples the central keeps over all series; with more series each keeps fewer, "
                + "at most 240 (default 3000000, about 38 MB at 10,000 nodes).",
            valueName: "samples"))
    var telemetryHistorySamples: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try TierSettings(
            tier, keys: CentralAccess.keys.union(["http-listen", "telemetry-history-samples"]),
            environment: environment,
            identified: false)
        let http = try settings.sources.required("http-listen", flag: httpListen, SettingParsers.endpoint)
        let access = try CentralAccess(self, sources: settings.sources)
        let history = TelemetryGateway.Configuration(
            maximumSamples: try settings.sources.value(
                "telemetry-history-samples", flag: telemetryHistorySamples,
                SettingParsers.integer(in: 1_000...1_000_000_000)) ?? TelemetryGateway.Configuration().maximumSamples)
        let logger = DaemonLogging.start(level: settings.logLevel, format: settings.logFormat, label: "eos.central")
        let tls = try await DaemonRunner.prepare(settings)
        let central: CentralOrchestrator
        do {
            central = try CentralOrchestrator(
                configuration: CentralOrchestratorConfiguration(
                    dataDirectory: settings.dataDirectory, listen: settings.listen, telemetry: history,
                    otlp: settings.otlpEndpoint.map {
                        OTLPExporter.Configuration(endpoint: $0, resource: ["service.name": "eos-central"])
                    }),
                tls: tls, logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let authenticator = await access.authenticator(logger: logger)
        let api = CentralAPI(central: central, authenticator: authenticator, signIn: access.portalSignIn).application(
            host: http.host, port: http.port
        ) { port in
            logger.info("serving the REST API and the portal", metadata: ["http": "\(http.host):\(port)"])
        }
        let tracing = try DaemonTracing.bootstrap(endpoint: settings.otlpEndpoint, serviceName: "eos-central")
        try await DaemonRunner.run(
            [central, api] + (tracing.map { [$0] } ?? []), tier: settings, what: "the central", logger: logger)
    }
}
