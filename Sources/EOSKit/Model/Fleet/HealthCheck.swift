/// How the node agent checks that a workload is healthy: a command run inside the container, or on the host for a
/// process, that must exit 0.
public struct HealthCheck: Sendable, Hashable, Codable {
    /// The command and its arguments. Required.
    public var exec: [String]
    /// Seconds between checks. Default: 10.
    public var periodSeconds: Int
    /// Consecutive failures before the workload counts as unhealthy. Default: 3.
    public var failureThreshold: Int
    /// Seconds a check may run before it counts as failed. Default: 5.
    public var timeoutSeconds: Int
    /// Seconds after start before the first check. Default: 0.
    public var initialDelaySeconds: Int

    /// Creates a health check.
    public init(
        exec: [String], periodSeconds: Int = 10, failureThreshold: Int = 3, timeoutSeconds: Int = 5,
        initialDelaySeconds: Int = 0
    ) {
        self.exec = exec
        self.periodSeconds = periodSeconds
        self.failureThreshold = failureThreshold
        self.timeoutSeconds = timeoutSeconds
        self.initialDelaySeconds = initialDelaySeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case exec, periodSeconds, failureThreshold, timeoutSeconds, initialDelaySeconds
    }

    /// Decodes a health check; `exec` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exec = try container.decode([String].self, forKey: .exec)
        periodSeconds = try container.decodeIfPresent(Int.self, forKey: .periodSeconds) ?? 10
        failureThreshold = try container.decodeIfPresent(Int.self, forKey: .failureThreshold) ?? 3
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 5
        initialDelaySeconds = try container.decodeIfPresent(Int.self, forKey: .initialDelaySeconds) ?? 0
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if exec.isEmpty || exec[0].isEmpty {
            problems.append(ValidationProblem(path: path.appending("exec"), message: "required: name the command to run"))
        }
        for (key, value, minimum) in [
            ("periodSeconds", periodSeconds, 1), ("failureThreshold", failureThreshold, 1),
            ("timeoutSeconds", timeoutSeconds, 1), ("initialDelaySeconds", initialDelaySeconds, 0),
        ] where value < minimum {
            problems.append(ValidationProblem(path: path.appending(key), message: "must be at least \(minimum), found \(value)"))
        }
        if timeoutSeconds > periodSeconds, periodSeconds >= 1 {
            problems.append(
                ValidationProblem(
                    path: path.appending("timeoutSeconds"),
                    message: "\(timeoutSeconds)s is longer than periodSeconds (\(periodSeconds)s)"))
        }
        return problems
    }
}
