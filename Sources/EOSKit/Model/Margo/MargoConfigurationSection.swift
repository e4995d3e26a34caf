/// A group of related settings, shown together.
public struct MargoConfigurationSection: Sendable, Hashable, Codable {
    /// The section's title.
    public var name: String
    /// The settings, in display order.
    public var settings: [MargoConfigurationSetting]

    /// Creates a section.
    public init(name: String, settings: [MargoConfigurationSetting]) {
        self.name = name
        self.settings = settings
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, settings }

    /// Decodes a section; both fields are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        settings = try container.decode([MargoConfigurationSetting].self, forKey: .settings)
    }
}

extension MargoConfigurationSection: DecodingPlaceholder {
    static var decodingPlaceholder: MargoConfigurationSection { MargoConfigurationSection(name: "", settings: []) }
}
