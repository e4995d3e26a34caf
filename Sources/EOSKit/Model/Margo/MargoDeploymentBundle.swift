/// The archive of every application deployment in a desired-state manifest, addressed by its digest.
public struct MargoDeploymentBundle: Sendable, Hashable, Codable {
    /// The only media type Margo defines for bundles.
    public static let mediaType = "application/vnd.margo.bundle.v1+tar+gzip"

    /// Must be ``mediaType``: a gzip-compressed tar of ApplicationDeployment YAML files.
    public var mediaType: String
    /// The archive's digest: `sha256:` and 64 lower-case hex digits.
    public var digest: String
    /// Where to fetch it: `/api/v1/bundles/{digest}` in rc.3.
    public var url: String
    /// An advisory size in bytes, for planning only.
    public var sizeBytes: UInt64?

    /// Creates a bundle reference.
    public init(
        mediaType: String = MargoDeploymentBundle.mediaType, digest: String, url: String, sizeBytes: UInt64? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.url = url
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case mediaType, digest, url, sizeBytes }

    /// Decodes a bundle reference; `mediaType`, `digest` and `url` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mediaType = try container.decode(String.self, forKey: .mediaType)
        digest = try container.decode(String.self, forKey: .digest)
        url = try container.decode(String.self, forKey: .url)
        sizeBytes = try container.decodeIfPresent(UInt64.self, forKey: .sizeBytes)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if mediaType != Self.mediaType {
            problems.append(
                ValidationProblem(
                    path: path.appending("mediaType"), message: "expected \(Self.mediaType), found \"\(mediaType)\""))
        }
        if let problem = MargoRules.digestProblem(digest) {
            problems.append(ValidationProblem(path: path.appending("digest"), message: problem))
        }
        return problems
    }
}

extension MargoDeploymentBundle: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeploymentBundle { MargoDeploymentBundle(digest: "", url: "") }
}
