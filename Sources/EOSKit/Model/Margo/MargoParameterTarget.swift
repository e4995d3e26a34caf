/// Where a parameter's value goes: a pointer (a Helm values path or an environment variable) in some components.
public struct MargoParameterTarget: Sendable, Hashable, Codable {
    /// For Helm, the dotted values path as `helm --set` takes it (`idp.name`); for Compose, the environment
    /// variable (`IDP_NAME`, older documents `ENV.IDP_NAME`).
    public var pointer: String
    /// The components the value applies to, by name.
    public var components: [String]

    /// Creates a target.
    public init(pointer: String, components: [String]) {
        self.pointer = pointer
        self.components = components
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case pointer, components }

    /// Decodes a target; both fields are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pointer = try container.decode(String.self, forKey: .pointer)
        components = try container.decode([String].self, forKey: .components)
    }
}

extension MargoParameterTarget: DecodingPlaceholder {
    static var decodingPlaceholder: MargoParameterTarget { MargoParameterTarget(pointer: "", components: []) }
}
