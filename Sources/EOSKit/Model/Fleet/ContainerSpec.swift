/// An OCI container run through containerd.
public struct ContainerSpec: Sendable, Hashable, Codable {
    /// The image reference: `[registry[:port]/]repository[:tag][@digest]`.
    public var image: String
    /// Replaces the image's entrypoint when given. Default: the image's entrypoint.
    public var command: [String]?
    /// Arguments passed to the entrypoint. Default: the image's.
    public var args: [String]
    /// Environment variables added to the image's. Default: none.
    public var env: [String: String]
    /// Host paths mounted into the container. Default: none.
    public var mounts: [Mount]
    /// CPU and memory limits. Default: unlimited.
    public var resources: ResourceRequirements?
    /// Whether the container shares the host's network namespace. Default: `true`, as edge workloads usually talk
    /// to local devices and peers directly.
    public var hostNetwork: Bool

    /// Creates a container spec.
    public init(
        image: String, command: [String]? = nil, args: [String] = [], env: [String: String] = [:],
        mounts: [Mount] = [], resources: ResourceRequirements? = nil, hostNetwork: Bool = true
    ) {
        self.image = image
        self.command = command
        self.args = args
        self.env = env
        self.mounts = mounts
        self.resources = resources
        self.hostNetwork = hostNetwork
    }

    /// The parsed image reference, when `image` is valid.
    public var imageReference: ImageReference? { try? ImageReference.parse(image).get() }

    enum CodingKeys: String, CodingKey, CaseIterable { case image, command, args, env, mounts, resources, hostNetwork }

    /// Decodes a container; `image` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        image = try container.decode(String.self, forKey: .image)
        command = try container.decodeIfPresent([String].self, forKey: .command)
        args = try container.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try container.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
        mounts = try container.decodeIfPresent([Mount].self, forKey: .mounts) ?? []
        resources = try container.decodeIfPresent(ResourceRequirements.self, forKey: .resources)
        hostNetwork = try container.decodeIfPresent(Bool.self, forKey: .hostNetwork) ?? true
    }

    /// Encodes the container, leaving out what is empty or default and sorting `env`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encodeIfPresent(command, forKey: .command)
        if !args.isEmpty { try container.encode(args, forKey: .args) }
        try container.encodeSortedIfNotEmpty(env, forKey: .env)
        if !mounts.isEmpty { try container.encode(mounts, forKey: .mounts) }
        try container.encodeIfPresent(resources, forKey: .resources)
        try container.encode(hostNetwork, forKey: .hostNetwork)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if case .failure(let problem) = ImageReference.parse(image) {
            problems.append(ValidationProblem(path: path.appending("image"), message: problem.message))
        }
        if let command, command.isEmpty {
            problems.append(ValidationProblem(path: path.appending("command"), message: "must not be empty when given"))
        }
        problems += EnvironmentRules.problems(in: env, at: path.appending("env"))
        problems += Mount.problems(in: mounts, at: path.appending("mounts"))
        if let resources { problems += resources.validationProblems(at: path.appending("resources")) }
        return problems
    }
}

/// Checks environment variable names.
enum EnvironmentRules {
    static func problems(in env: [String: String], at path: DocumentPath) -> [ValidationProblem] {
        env.keys.sorted().compactMap { key in
            NameRules.environmentNameProblem(key).map { .aboutKey(path.appending(key), $0) }
        }
    }
}
