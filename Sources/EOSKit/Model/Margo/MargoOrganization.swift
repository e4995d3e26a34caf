/// The organization that provides a Margo application.
public struct MargoOrganization: Sendable, Hashable, Codable {
    /// The organization's name.
    public var name: String
    /// Its website.
    public var site: String?

    /// Creates an organization.
    public init(name: String, site: String? = nil) {
        self.name = name
        self.site = site
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, site }

    /// Decodes an organization; `name` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        site = try container.decodeIfPresent(String.self, forKey: .site)
    }
}

extension MargoOrganization: DecodingPlaceholder {
    static var decodingPlaceholder: MargoOrganization { MargoOrganization(name: "") }
}
