/// How one parameter is shown to the person configuring a deployment, and which schema checks its value.
public struct MargoConfigurationSetting: Sendable, Hashable, Codable {
    /// The parameter this setting configures, by name.
    public var parameter: String
    /// The display name.
    public var name: String
    /// A short explanation for the user interface.
    public var description: String?
    /// Whether the value must not change once the application is installed. Default: `false`.
    public var immutable: Bool?
    /// The schema that checks the value, by name.
    public var schema: String

    /// Creates a setting.
    public init(parameter: String, name: String, description: String? = nil, immutable: Bool? = nil, schema: String) {
        self.parameter = parameter
        self.name = name
        self.description = description
        self.immutable = immutable
        self.schema = schema
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case parameter, name, description, immutable, schema }

    /// Decodes a setting; `parameter`, `name` and `schema` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parameter = try container.decode(String.self, forKey: .parameter)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
        schema = try container.decode(String.self, forKey: .schema)
    }
}

extension MargoConfigurationSetting: DecodingPlaceholder {
    static var decodingPlaceholder: MargoConfigurationSetting {
        MargoConfigurationSetting(parameter: "", name: "", schema: "")
    }
}
