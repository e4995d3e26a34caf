/// A Margo application's catalog entry: how it is presented, who wrote it, who provides it.
public struct MargoCatalog: Sendable, Hashable, Codable {
    /// Icon, tagline, documents, site and tags.
    public var application: MargoCatalogApplication?
    /// The authors.
    public var author: [MargoAuthor]
    /// The providing organizations.
    public var organization: [MargoOrganization]

    /// Creates a catalog entry.
    public init(
        application: MargoCatalogApplication? = nil, author: [MargoAuthor] = [], organization: [MargoOrganization] = []
    ) {
        self.application = application
        self.author = author
        self.organization = organization
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case application, author, organization }

    /// Decodes a catalog entry; every field is optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        application = try container.decodeIfPresent(MargoCatalogApplication.self, forKey: .application)
        author = try container.decodeIfPresent([MargoAuthor].self, forKey: .author) ?? []
        organization = try container.decodeIfPresent([MargoOrganization].self, forKey: .organization) ?? []
    }

    /// Encodes the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(application, forKey: .application)
        try container.encodeIfNotEmpty(author, forKey: .author)
        try container.encodeIfNotEmpty(organization, forKey: .organization)
    }
}

extension MargoCatalog: DecodingPlaceholder {
    static var decodingPlaceholder: MargoCatalog { MargoCatalog() }
}
