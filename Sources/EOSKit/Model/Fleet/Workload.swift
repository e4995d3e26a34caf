/// One thing a deployment runs on each of its nodes: a container or a process.
public struct Workload: Sendable, Hashable, Codable {
    /// What runs the workload.
    public enum Kind: Sendable, Hashable {
        /// An OCI container run through containerd.
        case container(ContainerSpec)
        /// A script or binary run as a child process of the node agent.
        case process(ProcessSpec)
    }

    /// A DNS-1123 label, unique within the deployment.
    public var name: String
    /// The container or process to run.
    public var kind: Kind
    /// When the node agent restarts the workload after it exits. Default: `Always`.
    public var restartPolicy: RestartPolicy
    /// How the node agent decides the workload is healthy. Default: running is healthy.
    public var healthCheck: HealthCheck?
    /// How long the workload has to stop after SIGTERM before it is killed. Default: `10s`.
    public var stopTimeout: DurationValue

    /// Creates a workload.
    public init(
        name: String, kind: Kind, restartPolicy: RestartPolicy = .always, healthCheck: HealthCheck? = nil,
        stopTimeout: DurationValue = Workload.defaultStopTimeout
    ) {
        self.name = name
        self.kind = kind
        self.restartPolicy = restartPolicy
        self.healthCheck = healthCheck
        self.stopTimeout = stopTimeout
    }

    /// `10s`.
    public static let defaultStopTimeout = DurationValue(seconds: 10)

    /// The container, when the workload is one.
    public var container: ContainerSpec? {
        if case .container(let spec) = kind { return spec }
        return nil
    }

    /// The process, when the workload is one.
    public var process: ProcessSpec? {
        if case .process(let spec) = kind { return spec }
        return nil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, container, process, restartPolicy, healthCheck, stopTimeout
    }

    /// Decodes a workload; exactly one of `container` and `process` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        let containerSpec = try container.decodeIfPresent(ContainerSpec.self, forKey: .container)
        let processSpec = try container.decodeIfPresent(ProcessSpec.self, forKey: .process)
        restartPolicy = try container.decodeIfPresent(RestartPolicy.self, forKey: .restartPolicy) ?? .always
        healthCheck = try container.decodeIfPresent(HealthCheck.self, forKey: .healthCheck)
        stopTimeout = try container.decodeIfPresent(DurationValue.self, forKey: .stopTimeout) ?? Self.defaultStopTimeout
        switch (containerSpec, processSpec) {
        case (let spec?, nil): kind = .container(spec)
        case (nil, let spec?): kind = .process(spec)
        case (_?, _?):
            throw DecodingError.dataCorruptedError(
                forKey: .process, in: container, debugDescription: "a workload is a container or a process, not both")
        case (nil, nil):
            // `container:` with nothing after it is absent, not malformed.
            let containerGiven = try container.contains(.container) && !container.decodeNil(forKey: .container)
            let processGiven = try container.contains(.process) && !container.decodeNil(forKey: .process)
            if containerGiven || processGiven {
                // Present but malformed: the problem inside it is already recorded.
                kind = .process(ProcessSpec(command: []))
            } else {
                throw DecodingError.keyNotFound(
                    CodingKeys.container,
                    DecodingError.Context(
                        codingPath: container.codingPath, debugDescription: "required: give a container or a process",
                        underlyingError: RequiredAlternatives(keys: ["container", "process"])))
            }
        }
    }

    /// Encodes the workload with `container:` or `process:` as written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch kind {
        case .container(let spec): try container.encode(spec, forKey: .container)
        case .process(let spec): try container.encode(spec, forKey: .process)
        }
        try container.encode(restartPolicy, forKey: .restartPolicy)
        try container.encodeIfPresent(healthCheck, forKey: .healthCheck)
        try container.encode(stopTimeout, forKey: .stopTimeout)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let problem = NameRules.dnsLabelProblem(name) {
            problems.append(ValidationProblem(path: path.appending("name"), message: problem))
        }
        switch kind {
        case .container(let spec): problems += spec.validationProblems(at: path.appending("container"))
        case .process(let spec): problems += spec.validationProblems(at: path.appending("process"))
        }
        if let healthCheck { problems += healthCheck.validationProblems(at: path.appending("healthCheck")) }
        return problems
    }
}

extension Workload: DecodingPlaceholder {
    static var decodingPlaceholder: Workload { Workload(name: "", kind: .process(ProcessSpec(command: []))) }
}

/// When a workload that exits is started again.
public enum RestartPolicy: String, DocumentEnum {
    /// Whenever it exits, with exponential backoff. The default.
    case always = "Always"
    /// Only when it exits with a non-zero code or fails its health check.
    case onFailure = "OnFailure"
    /// Never: an exit is final and is reported.
    case never = "Never"
}
