public import EOSMargo
public import EOSSecurity
public import Foundation

/// How an Edge Node runs: who it is, where it keeps its state, where it listens and whom it reports to.
public struct EdgeNodeConfiguration: Sendable {
    /// The node's id, as in its certificate's `spiffe://DOMAIN/eos/node/ID`.
    public var nodeID: String
    /// The node's labels, which deployments select on.
    public var labels: [String: String]
    /// Where the node keeps its SQLite store and its runtime's files.
    public var dataDirectory: URL
    /// Keeps the node's store in memory instead of in ``dataDirectory``, so nothing it applied survives a restart:
    /// for simulated nodes, thousands to a process, where a store file each would run out of descriptors. Default:
    /// `false`.
    public var inMemoryStore = false
    /// Where the node serves `EdgeNode` for its parent.
    public var listen: MargoEndpoint
    /// Where the parent reaches the node, told in its registration, when not where it listens (behind NAT, or a
    /// name the parent resolves). `nil`: the listening address and port; a wildcard host (`0.0.0.0`) there is
    /// replaced by the parent with the address the node connects from.
    public var advertise: MargoEndpoint?
    /// The parent's `Upstream` service: the site's LO, or the CO for a node attached directly; `nil` runs the node
    /// on its own (it serves calls but reports to no one).
    public var upstream: MargoEndpoint?
    /// The identity allowed to call `EdgeNode` on this node. `nil`: the identity of the first upstream the node
    /// reaches (a site or the central of its trust domain), remembered in its store from then on.
    public var parent: SPIFFEIdentity?
    /// How often the node checks its workloads when nothing happens. Default: 10 seconds.
    public var reconcileInterval: Duration
    /// The backoff for restarting workloads and retrying failed installs.
    public var restartBackoff: RestartBackoff
    /// The longest wait between attempts to reach the upstream. Default: 30 seconds.
    public var maximumReconnectDelay: Duration
    /// Deadlines and retries of calls to the upstream.
    public var callPolicy: MargoCallPolicy
    /// How often the node collects its host's and workloads' metrics. Default: 15 seconds.
    public var telemetryInterval: Duration
    /// The most telemetry samples the node holds while its upstream is unreachable; beyond it the oldest go, and
    /// are counted. Default: 20,000 (over five hours of a host with a few workloads at the default interval).
    public var telemetryBufferCapacity: Int
    /// Where the node takes OTLP/HTTP metrics from its workloads (`127.0.0.1:4318`, the OpenTelemetry default);
    /// `nil` takes none. When set, every workload gets `OTEL_EXPORTER_OTLP_ENDPOINT` pointing there.
    public var otlpListen: MargoEndpoint?
    /// How the node reaches its parent and is reached by it: mutual TLS over TCP (the default), or an
    /// ``InProcessNetwork`` shared with it in one process (simulations and benchmarks). The certificate in the
    /// ``TLSMaterial`` is the node's identity either way.
    public var network: MargoNetwork = .mutualTLS

    /// Creates a configuration; the optional arguments have the documented defaults.
    public init(
        nodeID: String, labels: [String: String] = [:], dataDirectory: URL, listen: MargoEndpoint,
        advertise: MargoEndpoint? = nil, upstream: MargoEndpoint? = nil, parent: SPIFFEIdentity? = nil,
        reconcileInterval: Duration = .seconds(10),
        restartBackoff: RestartBackoff = RestartBackoff(), maximumReconnectDelay: Duration = .seconds(30),
        callPolicy: MargoCallPolicy = .standard, telemetryInterval: Duration = .seconds(15),
        telemetryBufferCapacity: Int = 20_000, otlpListen: MargoEndpoint? = nil
    ) {
        self.nodeID = nodeID
        self.labels = labels
        self.dataDirectory = dataDirectory
        self.listen = listen
        self.advertise = advertise
        self.upstream = upstream
        self.parent = parent
        self.reconcileInterval = reconcileInterval
        self.restartBackoff = restartBackoff
        self.maximumReconnectDelay = maximumReconnectDelay
        self.callPolicy = callPolicy
        self.telemetryInterval = telemetryInterval
        self.telemetryBufferCapacity = telemetryBufferCapacity
        self.otlpListen = otlpListen
    }
}
