/// The body of a `FleetDeployment`: where to run, what to run, and how to roll it out.
///
/// A deployment lists `workloads` or names a Margo `application`, never both.
public struct FleetDeploymentSpec: Sendable, Hashable, Codable {
    /// Which sites and nodes run the workloads. Default: every node of every site.
    public var target: FleetTarget
    /// How many of the targeted nodes run the workloads. Default: `EveryNode`.
    public var placement: Placement
    /// The containers and processes to run, each with a name unique in the deployment.
    public var workloads: [Workload]
    /// A Margo application to run instead of listing workloads.
    public var application: MargoApplicationReference?
    /// How a new generation reaches the targeted nodes. Default: see ``RolloutPolicy``.
    public var rollout: RolloutPolicy

    /// Creates a spec.
    public init(
        target: FleetTarget = FleetTarget(), placement: Placement = .everyNode, workloads: [Workload] = [],
        application: MargoApplicationReference? = nil, rollout: RolloutPolicy = RolloutPolicy()
    ) {
        self.target = target
        self.placement = placement
        self.workloads = workloads
        self.application = application
        self.rollout = rollout
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case target, placement, workloads, application, rollout }

    /// Decodes a spec, filling in defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        target = try container.decodeIfPresent(FleetTarget.self, forKey: .target) ?? FleetTarget()
        placement = try container.decodeIfPresent(Placement.self, forKey: .placement) ?? .everyNode
        workloads = try container.decodeIfPresent([Workload].self, forKey: .workloads) ?? []
        application = try container.decodeIfPresent(MargoApplicationReference.self, forKey: .application)
        rollout = try container.decodeIfPresent(RolloutPolicy.self, forKey: .rollout) ?? RolloutPolicy()
    }

    /// Encodes the spec with every default spelled out, so a stored spec reads the same under later defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target, forKey: .target)
        try container.encode(placement, forKey: .placement)
        if !workloads.isEmpty || application == nil { try container.encode(workloads, forKey: .workloads) }
        try container.encodeIfPresent(application, forKey: .application)
        try container.encode(rollout, forKey: .rollout)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        problems += target.validationProblems(at: path.appending("target"))
        problems += placement.validationProblems(at: path.appending("placement"))
        switch (workloads.isEmpty, application) {
        case (true, nil):
            problems.append(
                ValidationProblem(
                    path: path.appending("workloads"), message: "required: list at least one workload, or name an application"))
        case (false, _?):
            problems.append(
                ValidationProblem(
                    path: path.appending("application"),
                    message: "a deployment lists workloads or names an application, not both"))
        default:
            break
        }
        var seen: [String: Int] = [:]
        for (index, workload) in workloads.enumerated() {
            let workloadPath = path.appending("workloads").appending(index)
            problems += workload.validationProblems(at: workloadPath)
            if let first = seen[workload.name], !workload.name.isEmpty {
                problems.append(
                    ValidationProblem(
                        path: workloadPath.appending("name"),
                        message: "duplicate workload name \"\(workload.name)\" (also at workloads[\(first)])"))
            } else {
                seen[workload.name] = index
            }
        }
        if let application {
            problems += application.validationProblems(at: path.appending("application"))
        }
        problems += rollout.validationProblems(at: path.appending("rollout"))
        return problems
    }
}

extension FleetDeploymentSpec: DecodingPlaceholder {
    static var decodingPlaceholder: FleetDeploymentSpec { FleetDeploymentSpec() }
}
