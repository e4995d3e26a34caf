/// How a Margo application presents itself in a catalog: icon, tagline, documents, site and tags.
public struct MargoCatalogApplication: Sendable, Hashable, Codable {
    /// Path or link to the icon.
    public var icon: String?
    /// A one-line slogan.
    public var tagline: String?
    /// Path or link to the full description (Markdown).
    public var descriptionFile: String?
    /// Path or link to the release notes.
    public var releaseNotes: String?
    /// Path or link to the license.
    public var licenseFile: String?
    /// The application's website.
    public var site: String?
    /// Words for searching and grouping.
    public var tags: [String]

    /// Creates catalog details.
    public init(
        icon: String? = nil, tagline: String? = nil, descriptionFile: String? = nil, releaseNotes: String? = nil,
        licenseFile: String? = nil, site: String? = nil, tags: [String] = []
    ) {
        self.icon = icon
        self.tagline = tagline
        self.descriptionFile = descriptionFile
        self.releaseNotes = releaseNotes
        self.licenseFile = licenseFile
        self.site = site
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case icon, tagline, descriptionFile, releaseNotes, licenseFile, site, tags
    }

    /// Decodes catalog details; every field is optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        icon = try container.decodeIfPresent(String.self, forKey: .icon)
        tagline = try container.decodeIfPresent(String.self, forKey: .tagline)
        descriptionFile = try container.decodeIfPresent(String.self, forKey: .descriptionFile)
        releaseNotes = try container.decodeIfPresent(String.self, forKey: .releaseNotes)
        licenseFile = try container.decodeIfPresent(String.self, forKey: .licenseFile)
        site = try container.decodeIfPresent(String.self, forKey: .site)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    /// Encodes the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(icon, forKey: .icon)
        try container.encodeIfPresent(tagline, forKey: .tagline)
        try container.encodeIfPresent(descriptionFile, forKey: .descriptionFile)
        try container.encodeIfPresent(releaseNotes, forKey: .releaseNotes)
        try container.encodeIfPresent(licenseFile, forKey: .licenseFile)
        try container.encodeIfPresent(site, forKey: .site)
        try container.encodeIfNotEmpty(tags, forKey: .tags)
    }
}

extension MargoCatalogApplication: DecodingPlaceholder {
    static var decodingPlaceholder: MargoCatalogApplication { MargoCatalogApplication() }
}
