/// The packaging of a Margo deployment profile: Helm charts or Compose files.
///
/// Older documents write `helm.v3`; it reads as ``helm``.
public enum MargoDeploymentProfileType: String, DocumentEnum {
    /// Helm charts (Helm 3 or 4, chart API v2).
    case helm
    /// Compose files.
    case compose

    /// The older spellings each type is also read from.
    static let aliases: [String: MargoDeploymentProfileType] = ["helm.v3": .helm]

    /// Decodes `helm`, `compose`, or the older `helm.v3`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) ?? Self.aliases[word] else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.unknownWordMessage(word))
        }
        self = value
    }
}
