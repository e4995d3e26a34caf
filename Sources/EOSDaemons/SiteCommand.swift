import ArgumentParser
import EOSKit
import Foundation

/// `eosd site`: the Local Orchestrator of one site.
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Run a site's local orchestrator: its nodes, as the central asks, and on its own when cut off.",
        discussion: """
            Serves LocalOrchestrator to the central and Upstream to the site's nodes over mutual TLS on \
            --grpc-listen, registers with the central at --central, and applies each deployment to the nodes it \
            targets. Desired state, node statuses and the outbox to the central live in DATA-DIR/site.sqlite, the \
            nodes in DATA-DIR/registry.sqlite: with the central unreachable the site keeps converging, and reports \
            the latest state of every node when it returns. Settings also come from EOS_* variables and --config; \
            flags win over variables, variables over the file. SIGTERM or SIGINT stop it gracefully.
            """
    )

    @OptionGroup var tier: TierOptions

    @OptionGroup var telemetry: TelemetryOptions

    @Option(help: ArgumentHelp("The central's Upstream.", valueName: "host:port"))
    var central: String?

    @Option(
        help: ArgumentHelp(
            "How many nodes to apply to at once (default \(LocalOrchestratorConfiguration.defaultApplyConcurrency)).",
            valueName: "n"))
    var applyConcurrency: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try TierSettings(
            tier, keys: TelemetrySettings.keys.union(["central", "apply-concurrency"]), environment: environment)
        let centralEndpoint = try settings.sources.required("central", flag: central, SettingParsers.endpoint)
        let concurrency =
            try settings.sources.value(
                "apply-concurrency", flag: applyConcurrency, SettingParsers.integer(in: 1...1024))
            ?? LocalOrchestratorConfiguration.defaultApplyConcurrency
        let telemetrySettings = try TelemetrySettings(telemetry, sources: settings.sources, defaultCapacity: 100_000)
        let logger = DaemonLogging.start(level: settings.logLevel, format: settings.logFormat, label: "eos.site")
        let tls = try await DaemonRunner.prepare(settings)
        let site: LocalOrchestrator
        do {
            site = try LocalOrchestrator(
                configuration: LocalOrchestratorConfiguration(
                    siteID: settings.id, labels: settings.labels, dataDirectory: settings.dataDirectory,
                    listen: settings.listen, advertise: settings.advertise, central: centralEndpoint,
                    applyConcurrency: concurrency, telemetryInterval: telemetrySettings.interval,
                    telemetryBufferCapacity: telemetrySettings.bufferCapacity),
                tls: tls, telemetrySources: [TelemetrySettings.processMetrics], logger: logger)
        } catch {
            throw DaemonFailure.runtime(error.message)
        }
        let tracing = try DaemonTracing.bootstrap(endpoint: settings.otlpEndpoint, serviceName: "eos-site")
        try await DaemonRunner.run(
            [site] + (tracing.map { [$0] } ?? []), tier: settings, what: "site \(settings.id)", logger: logger)
    }
}
