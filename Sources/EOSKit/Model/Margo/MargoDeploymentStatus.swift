/// A deployment's overall state, with the error when it failed.
public struct MargoDeploymentStatus: Sendable, Hashable, Codable {
    /// The overall state.
    public var state: MargoDeploymentState
    /// Why it failed.
    public var error: MargoStatusError?

    /// Creates a status.
    public init(state: MargoDeploymentState, error: MargoStatusError? = nil) {
        self.state = state
        self.error = error
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case state, error }

    /// Decodes a status; `state` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(MargoDeploymentState.self, forKey: .state)
        error = try container.decodeIfPresent(MargoStatusError.self, forKey: .error)
    }
}

extension MargoDeploymentStatus: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeploymentStatus { MargoDeploymentStatus(state: .pending) }
}
