/// One component's state within a deployment status.
public struct MargoComponentStatus: Sendable, Hashable, Codable {
    /// The component's name, as in the deployment profile.
    public var name: String
    /// The component's state.
    public var state: MargoDeploymentState
    /// Why it failed.
    public var error: MargoStatusError?

    /// Creates a component status.
    public init(name: String, state: MargoDeploymentState, error: MargoStatusError? = nil) {
        self.name = name
        self.state = state
        self.error = error
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, state, error }

    /// Decodes a component status; `name` and `state` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        state = try container.decode(MargoDeploymentState.self, forKey: .state)
        error = try container.decodeIfPresent(MargoStatusError.self, forKey: .error)
    }
}

extension MargoComponentStatus: DecodingPlaceholder {
    static var decodingPlaceholder: MargoComponentStatus { MargoComponentStatus(name: "", state: .pending) }
}
