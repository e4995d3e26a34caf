/// A script or binary run by the node agent as a child process.
///
/// The whole process group is stopped when the workload is removed; stdout and stderr go to size-capped logs.
public struct ProcessSpec: Sendable, Hashable, Codable {
    /// The program and its arguments: `["/usr/local/bin/uploader", "--interval", "30"]`. Required.
    public var command: [String]
    /// Environment variables for the process, added to a minimal base environment. Default: none.
    public var env: [String: String]
    /// The working directory, an absolute path. Default: the workload's own directory under the agent's data dir.
    public var workingDirectory: String?
    /// CPU and memory limits. Default: unlimited.
    public var resources: ResourceRequirements?

    /// Creates a process spec.
    public init(
        command: [String], env: [String: String] = [:], workingDirectory: String? = nil,
        resources: ResourceRequirements? = nil
    ) {
        self.command = command
        self.env = env
        self.workingDirectory = workingDirectory
        self.resources = resources
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case command, env, workingDirectory, resources }

    /// Decodes a process; `command` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode([String].self, forKey: .command)
        env = try container.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
        workingDirectory = try container.decodeIfPresent(String.self, forKey: .workingDirectory)
        resources = try container.decodeIfPresent(ResourceRequirements.self, forKey: .resources)
    }

    /// Encodes the process, leaving out what is empty and sorting `env`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encodeSortedIfNotEmpty(env, forKey: .env)
        try container.encodeIfPresent(workingDirectory, forKey: .workingDirectory)
        try container.encodeIfPresent(resources, forKey: .resources)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if command.isEmpty || command[0].isEmpty {
            problems.append(ValidationProblem(path: path.appending("command"), message: "required: name the program to run"))
        }
        if let workingDirectory, !workingDirectory.hasPrefix("/") {
            problems.append(
                ValidationProblem(path: path.appending("workingDirectory"), message: "\"\(workingDirectory)\" must be an absolute path"))
        }
        problems += EnvironmentRules.problems(in: env, at: path.appending("env"))
        if let resources { problems += resources.validationProblems(at: path.appending("resources")) }
        return problems
    }
}
