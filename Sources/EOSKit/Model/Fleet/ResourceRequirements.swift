/// Limits on what a workload may use, in Kubernetes quantity syntax.
public struct ResourceRequirements: Sendable, Hashable, Codable {
    /// CPU cores: `500m` or `0.5` is half a core.
    public var cpu: Quantity?
    /// Memory in bytes: `256Mi`, `1Gi`, `512M`.
    public var memory: Quantity?

    /// Creates requirements.
    public init(cpu: Quantity? = nil, memory: Quantity? = nil) {
        self.cpu = cpu
        self.memory = memory
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case cpu, memory }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let cpu, cpu.milliValue < 1 {
            problems.append(ValidationProblem(path: path.appending("cpu"), message: "\(cpu) is less than the smallest CPU share, 1m"))
        }
        if let memory, memory.value < 1_048_576 {
            problems.append(ValidationProblem(path: path.appending("memory"), message: "\(memory) is less than 1Mi"))
        }
        return problems
    }
}
