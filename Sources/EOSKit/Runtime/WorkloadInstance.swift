public import EOSModel

/// One workload of one deployment as a runtime runs it: the spec, which generation it came from, and the
/// environment the Edge Node adds.
///
/// Its ``id`` is the name the runtime knows it by (the containerd container id, the process runtime's folder
/// name): `DEPLOYMENT_WORKLOAD`. Deployment names are DNS subdomains and workload names DNS labels, neither of
/// which contains `_`, so the id is unambiguous and valid for containerd.
public struct WorkloadInstance: Sendable, Hashable {
    /// The deployment the workload belongs to.
    public var deployment: String
    /// The generation of the deployment's desired state this instance was created from.
    public var generation: Int64
    /// The workload's spec.
    public var workload: Workload
    /// Variables the Edge Node adds to the workload's own `env` (its node id, the telemetry endpoint); the
    /// workload's own values win on a clash.
    public var environment: [String: String]

    /// Creates an instance.
    public init(deployment: String, generation: Int64, workload: Workload, environment: [String: String] = [:]) {
        self.deployment = deployment
        self.generation = generation
        self.workload = workload
        self.environment = environment
    }

    /// The runtime's name for this workload.
    public var id: String { Self.id(deployment: deployment, workload: workload.name) }

    /// The runtime's name for workload `workload` of deployment `deployment`.
    public static func id(deployment: String, workload: String) -> String { "\(deployment)_\(workload)" }

    /// The environment the workload runs with: the Edge Node's variables, then the spec's own over them.
    public var effectiveEnvironment: [String: String] {
        let own: [String: String] =
            switch workload.kind {
            case .container(let spec): spec.env
            case .process(let spec): spec.env
            }
        return environment.merging(own) { _, spec in spec }
    }
}
