/// An RPC of EOS's wire protocol (package `eos.margo.v1`), as authorization sees it.
///
/// The transport maps each incoming call to one of these with ``init(service:method:)`` and asks
/// ``PeerAuthorization`` whether the caller may make it.
public enum MargoRPC: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `LocalOrchestrator/DeployFleet`: the central hands a site a fleet deployment.
    case deployFleet = "LocalOrchestrator/DeployFleet"
    /// `LocalOrchestrator/RemoveFleet`: the central removes a fleet deployment from a site.
    case removeFleet = "LocalOrchestrator/RemoveFleet"
    /// `LocalOrchestrator/GetSiteStatus`: the central asks a site for its status.
    case getSiteStatus = "LocalOrchestrator/GetSiteStatus"
    /// `EdgeNode/ApplyDeploy`: a node's parent gives it desired state.
    case applyDeploy = "EdgeNode/ApplyDeploy"
    /// `EdgeNode/RemoveDeploy`: a node's parent removes a deployment from it.
    case removeDeploy = "EdgeNode/RemoveDeploy"
    /// `EdgeNode/GetNodeStatus`: a node's parent asks for its status.
    case getNodeStatus = "EdgeNode/GetNodeStatus"
    /// `Upstream/Register`: a child announces itself to its parent.
    case register = "Upstream/Register"
    /// `Upstream/Heartbeat`: a child says it is alive.
    case heartbeat = "Upstream/Heartbeat"
    /// `Upstream/ReportStatus`: a child streams deployment status.
    case reportStatus = "Upstream/ReportStatus"
    /// `Upstream/ReportTelemetry`: a child streams telemetry.
    case reportTelemetry = "Upstream/ReportTelemetry"
    /// `Upstream/Sync`: a reconnecting child asks for what changed.
    case sync = "Upstream/Sync"
    /// `Upstream/Attach`: a node opens its own connection to its parent's `EdgeNode` calls.
    case attach = "Upstream/Attach"

    /// The gRPC service an RPC belongs to.
    public enum Service: String, Sendable, Hashable, CaseIterable {
        /// Served by a site's Local Orchestrator, called by the central.
        case localOrchestrator = "LocalOrchestrator"
        /// Served by an Edge Node, called by its parent.
        case edgeNode = "EdgeNode"
        /// Served by a site and by the central, called by their children.
        case upstream = "Upstream"
    }

    /// The protobuf package of EOS's services.
    public static let protoPackage = "eos.margo.v1"

    /// Finds the RPC for a gRPC service and method name; the service may be fully qualified
    /// (`eos.margo.v1.EdgeNode`) or bare (`EdgeNode`). `nil` for anything else.
    public init?(service: String, method: String) {
        var bare = Substring(service)
        if bare.hasPrefix(Self.protoPackage + ".") { bare = bare.dropFirst(Self.protoPackage.count + 1) }
        self.init(rawValue: "\(bare)/\(method)")
    }

    /// The service the RPC belongs to.
    public var service: Service {
        switch self {
        case .deployFleet, .removeFleet, .getSiteStatus: .localOrchestrator
        case .applyDeploy, .removeDeploy, .getNodeStatus: .edgeNode
        case .register, .heartbeat, .reportStatus, .reportTelemetry, .sync, .attach: .upstream
        }
    }

    /// The method name, such as `DeployFleet`.
    public var method: String { String(rawValue.split(separator: "/")[1]) }

    /// `Service/Method`, such as `LocalOrchestrator/DeployFleet`.
    public var description: String { rawValue }
}
