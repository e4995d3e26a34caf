/// What a Margo application description says about the application: name, description, version, catalog entry.
public struct MargoApplicationMetadata: Sendable, Hashable, Codable {
    /// The application's id as older descriptions place it (`metadata.id`); newer ones use the top-level `id`.
    /// Read ``ApplicationDescription/id`` rather than this.
    public var id: String?
    /// The display name; may contain spaces.
    public var name: String
    /// A short description.
    public var description: String?
    /// The application's version, as written.
    public var version: String
    /// How the application is presented in a catalog.
    public var catalog: MargoCatalog?

    /// Creates metadata.
    public init(
        id: String? = nil, name: String, description: String? = nil, version: String, catalog: MargoCatalog? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.version = version
        self.catalog = catalog
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, description, version, catalog }

    /// Decodes metadata; `name` and `version` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        version = try container.decode(String.self, forKey: .version)
        catalog = try container.decodeIfPresent(MargoCatalog.self, forKey: .catalog)
    }
}

extension MargoApplicationMetadata: DecodingPlaceholder {
    static var decodingPlaceholder: MargoApplicationMetadata { MargoApplicationMetadata(name: "", version: "") }
}
