/// What `POST /deploy/fleet` and the rollout-control routes answer: the deployment, the generation now rolling
/// out, and where to watch it.
public struct DeployAccepted: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var name: String
    /// The generation recorded.
    public var generation: Int64
    /// `/status/NAME`.
    public var statusURL: String

    /// Creates an answer.
    public init(name: String, generation: Int64) {
        self.name = name
        self.generation = generation
        statusURL = "/status/\(name)"
    }
}
