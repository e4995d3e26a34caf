public import EOSMargo
public import EOSRuntime
public import Foundation

/// The shape of a ``DevelopmentFleet``: how many sites and nodes, what runs the workloads, where the state lives.
public struct DevelopmentFleetConfiguration: Sendable {
    /// What runs a development node's workloads.
    public enum Runtime: Sendable {
        /// Child processes of the agent (``ProcessRuntime``): scripts and binaries, nothing to install.
        case process
        /// A real containerd (``ContainerdRuntime``) at `address`, each node in its own namespace
        /// `NAMESPACE_PREFIX-NODE` so the nodes' containers never meet; images come from `imageArchives` when set.
        case containerd(address: String, namespacePrefix: String, imageArchives: URL?)
        /// No side effects (``SimulatedRuntime``): for trying rollouts on many nodes. Simulated nodes keep their
        /// stores in memory, as they have nothing to bring back after a restart.
        case simulated
        /// The runtime `make` returns for each node, given the node's id and data folder: an embedder's own
        /// adapter, or simulated runtimes a test injects faults into. `name` is what nodes report.
        case custom(name: String, make: @Sendable (_ nodeID: String, _ dataDirectory: URL) -> any EdgeRuntime)

        /// The runtime's name, as nodes report it.
        public var name: String {
            switch self {
            case .process: "process"
            case .containerd: "containerd"
            case .simulated: "simulated"
            case .custom(let name, _): name
            }
        }
    }

    /// The default trust domain of a development fleet's certificates.
    public static let defaultTrustDomain = "dev.eos.local"

    /// How many sites, each with its Local Orchestrator.
    public var sites: Int
    /// How many Edge Nodes each site has.
    public var nodesPerSite: Int
    /// What runs the workloads.
    public var runtime: Runtime
    /// The folder of the fleet's state: `pki/` (the CA, kept across runs), `central/`, `sites/ID/`, `nodes/ID/`.
    public var dataDirectory: URL
    /// The trust domain of the CA created in `pki/` on the first run.
    public var trustDomain: String
    /// Where the central serves `Upstream`; port 0 picks a free one.
    public var centralListen: MargoEndpoint
    /// How often children heartbeat: short, so a stopped node shows quickly. A fleet of thousands of nodes in one
    /// process is paced slower (see ``pacing``).
    public var heartbeatInterval: Duration
    /// The OpenTelemetry collector the central forwards the fleet's telemetry to, if any.
    public var otlp: OTLPExporter.Configuration?
    /// How often the sites and nodes collect telemetry.
    public var telemetryInterval: Duration
    /// How the tiers talk: mutual TLS on loopback, as separate hosts do (the default), or an
    /// ``InProcessNetwork`` with no sockets, for trying thousands of simulated nodes in one process.
    public var network: MargoNetwork = .mutualTLS

    /// Creates a configuration; the defaults are `eosd dev`'s: two sites of two nodes running processes.
    public init(
        sites: Int = 2, nodesPerSite: Int = 2, runtime: Runtime = .process, dataDirectory: URL,
        trustDomain: String = Self.defaultTrustDomain,
        centralListen: MargoEndpoint = MargoEndpoint(host: "127.0.0.1", port: 0),
        heartbeatInterval: Duration = .seconds(2), otlp: OTLPExporter.Configuration? = nil,
        telemetryInterval: Duration = .seconds(15)
    ) {
        self.sites = sites
        self.nodesPerSite = nodesPerSite
        self.runtime = runtime
        self.dataDirectory = dataDirectory
        self.trustDomain = trustDomain
        self.centralListen = centralListen
        self.heartbeatInterval = heartbeatInterval
        self.otlp = otlp
        self.telemetryInterval = telemetryInterval
    }

    /// How often the fleet's tiers heartbeat, reconcile when nothing happens, collect telemetry, and how often the
    /// central takes each site's inventory.
    ///
    /// All of them share one machine, so a large fleet is paced to keep the whole process to about 500 heartbeats,
    /// 1,000 idle reconcile passes, 200 telemetry collections and 1,000 inventoried nodes a second:
    /// ``heartbeatInterval`` and ``telemetryInterval`` as set up to 1,000 nodes, and proportionally longer beyond
    /// (20 s heartbeats at 10,000). Changes still travel at once: reconciling and reporting are driven by events, not
    /// by these periods.
    public var pacing: (heartbeat: Duration, reconcile: Duration, telemetry: Duration, inventory: Duration) {
        let nodes = Double(sites * nodesPerSite + sites)
        return (
            heartbeat: max(heartbeatInterval, .seconds(nodes / 500)),
            reconcile: max(.seconds(5), .seconds(nodes / 1000)),
            telemetry: max(telemetryInterval, .seconds(nodes / 200)),
            inventory: max(.seconds(2), .seconds(nodes / 1000))
        )
    }

    /// The id of site `index` (from 1): `site-1`, `site-2`, ….
    public static func siteID(_ index: Int) -> String { "site-\(index)" }

    /// The id of node `index` (from 1) of `site`: `site-1-node-1`, ….
    public static func nodeID(_ index: Int, of site: String) -> String { "\(site)-node-\(index)" }

    /// Every site id, in order.
    public var siteIDs: [String] { sites > 0 ? (1...sites).map(Self.siteID) : [] }

    /// Every node id of `site`, in order.
    public func nodeIDs(of site: String) -> [String] {
        nodesPerSite > 0 ? (1...nodesPerSite).map { Self.nodeID($0, of: site) } : []
    }
}
