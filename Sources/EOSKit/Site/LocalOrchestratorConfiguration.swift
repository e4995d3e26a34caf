public import EOSMargo
public import Foundation

/// How a Local Orchestrator runs: which site it is, where it keeps its state, where it listens and whom it reports
/// to.
public struct LocalOrchestratorConfiguration: Sendable {
    /// The site's id, as in its certificate's `spiffe://DOMAIN/eos/site/ID`.
    public var siteID: String
    /// The site's labels, which deployments select sites on.
    public var labels: [String: String]
    /// Where the LO keeps its SQLite stores.
    public var dataDirectory: URL
    /// Where the LO serves `LocalOrchestrator` for the central, and `Upstream` for its nodes unless
    /// ``nodeListener`` puts them apart.
    public var listen: MargoEndpoint
    /// Where the central reaches this LO, when not ``listen`` (behind NAT, or listening on a wildcard address).
    public var advertise: MargoEndpoint?
    /// The central's `Upstream`; `nil` runs the site on its own.
    public var central: MargoEndpoint?
    /// How many nodes the LO applies to at once. Default: ``defaultApplyConcurrency``.
    public var applyConcurrency: Int
    /// How many nodes an LO applies to at once unless told otherwise: 64. An apply is a short call whose time is
    /// mostly the link's round trip and the node's store write, so a site of 500 nodes installs in about eight
    /// rounds, and one slow node holds up only its own slot.
    public static let defaultApplyConcurrency = 64
    /// The heartbeat interval asked of nodes while the site is small; it grows with the number of nodes so the LO
    /// receives at most 100 heartbeats a second. A node silent for three intervals is `Unknown`. Default: 5 seconds.
    public var heartbeatInterval: Duration
    /// How long a node may be silent before it is `Offline` and its `Replicas` workloads move. Default: 5 minutes.
    public var offlineAfter: Duration
    /// How often the LO checks its site when nothing happens. Default: 5 seconds.
    public var reconcileInterval: Duration
    /// The longest wait before retrying a node that did not take its change. Default: 30 seconds.
    public var maximumRetryDelay: Duration
    /// The longest wait between attempts to reach the central. With full jitter a site is back within this long of
    /// the central's return, and its final state reaches the central within a second more. Attempts at a central
    /// that is down cost a refused connection each, so hundreds of sites can keep this short. Default: 4 seconds.
    public var maximumReconnectDelay: Duration
    /// Deadlines and retries of calls to nodes and to the central.
    public var callPolicy: MargoCallPolicy
    /// How often the LO collects its own host's metrics. Default: 15 seconds.
    public var telemetryInterval: Duration
    /// The most telemetry samples (the LO's own and its nodes') the LO holds while the central is unreachable;
    /// beyond it the oldest go, and are counted. Default: 100,000 (about a quarter of an hour of a hundred nodes
    /// sending some 15 samples each at the default interval).
    public var telemetryBufferCapacity: Int
    /// How the LO reaches the central and its nodes: mutual TLS over TCP (the default), or an ``InProcessNetwork``
    /// shared with them in one process (simulations and benchmarks). The certificate in the ``TLSMaterial`` is the
    /// LO's identity either way.
    public var network: MargoNetwork = .mutualTLS
    /// Where the LO serves its nodes, when apart from where it serves the central (``listen`` over ``network``).
    /// `nil`, the default, serves the central and the nodes on one server, and reaches the nodes over ``network``.
    public var nodeListener: NodeListener?

    /// Creates a configuration; the optional arguments have the documented defaults.
    public init(
        siteID: String, labels: [String: String] = [:], dataDirectory: URL, listen: MargoEndpoint,
        advertise: MargoEndpoint? = nil, central: MargoEndpoint? = nil, applyConcurrency: Int = defaultApplyConcurrency,
        heartbeatInterval: Duration = .seconds(5), offlineAfter: Duration = .seconds(300),
        reconcileInterval: Duration = .seconds(5),
        maximumRetryDelay: Duration = .seconds(30), maximumReconnectDelay: Duration = .seconds(4),
        callPolicy: MargoCallPolicy = .standard, telemetryInterval: Duration = .seconds(15),
        telemetryBufferCapacity: Int = 100_000
    ) {
        self.siteID = siteID
        self.labels = labels
        self.dataDirectory = dataDirectory
        self.listen = listen
        self.advertise = advertise
        self.central = central
        self.applyConcurrency = applyConcurrency
        self.heartbeatInterval = heartbeatInterval
        self.offlineAfter = offlineAfter
        self.reconcileInterval = reconcileInterval
        self.maximumRetryDelay = maximumRetryDelay
        self.maximumReconnectDelay = maximumReconnectDelay
        self.callPolicy = callPolicy
        self.telemetryInterval = telemetryInterval
        self.telemetryBufferCapacity = telemetryBufferCapacity
    }
}
