/// A person who wrote a Margo application.
public struct MargoAuthor: Sendable, Hashable, Codable {
    /// The author's name.
    public var name: String?
    /// The author's email address.
    public var email: String?

    /// Creates an author.
    public init(name: String? = nil, email: String? = nil) {
        self.name = name
        self.email = email
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, email }

    /// Decodes an author; both fields are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        email = try container.decodeIfPresent(String.self, forKey: .email)
    }
}

extension MargoAuthor: DecodingPlaceholder {
    static var decodingPlaceholder: MargoAuthor { MargoAuthor() }
}
