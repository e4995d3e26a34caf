public import EOSMargo
public import EOSTelemetry
public import Foundation

/// How a Central Orchestrator runs: where it keeps the fleet registry and where its sites reach it.
public struct CentralOrchestratorConfiguration: Sendable {
    /// Where the central keeps `fleet.sqlite` (the ``SQLiteFleetRegistry``) and `registry.sqlite` (its children).
    public var dataDirectory: URL
    /// Where the central serves `Upstream` to its sites and to nodes attached directly.
    public var listen: MargoEndpoint
    /// The heartbeat interval asked of children while the fleet is small; it grows with the number of children so
    /// the central receives at most 100 heartbeats a second. Default: 5 seconds.
    public var heartbeatInterval: Duration
    /// How long a site may be silent before it is `Offline`. Default: 5 minutes.
    public var offlineAfter: Duration
    /// How often the deployment controller looks at every rollout when nothing happens. Default: 2 seconds.
    public var reconcileInterval: Duration
    /// How often the central asks each site for its nodes and their statuses. Default: 10 seconds.
    public var inventoryInterval: Duration
    /// Deadlines and retries of calls to sites.
    public var callPolicy: MargoCallPolicy
    /// How much telemetry the central keeps per node and site.
    public var telemetry: TelemetryGateway.Configuration
    /// The OpenTelemetry collector the central forwards its fleet's telemetry to, over OTLP/HTTP; `nil` forwards
    /// it nowhere.
    public var otlp: OTLPExporter.Configuration?
    /// How the central reaches its sites and nodes: mutual TLS over TCP (the default), or an ``InProcessNetwork``
    /// shared with them in one process (simulations and benchmarks). The certificate in the ``TLSMaterial`` is the
    /// central's identity either way.
    public var network: MargoNetwork = .mutualTLS

    /// Creates a configuration; the optional arguments have the documented defaults.
    public init(
        dataDirectory: URL, listen: MargoEndpoint, heartbeatInterval: Duration = .seconds(5),
        offlineAfter: Duration = .seconds(300), reconcileInterval: Duration = .seconds(2),
        inventoryInterval: Duration = .seconds(10), callPolicy: MargoCallPolicy = .standard,
        telemetry: TelemetryGateway.Configuration = TelemetryGateway.Configuration(),
        otlp: OTLPExporter.Configuration? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.listen = listen
        self.heartbeatInterval = heartbeatInterval
        self.offlineAfter = offlineAfter
        self.reconcileInterval = reconcileInterval
        self.inventoryInterval = inventoryInterval
        self.callPolicy = callPolicy
        self.telemetry = telemetry
        self.otlp = otlp
    }
}
