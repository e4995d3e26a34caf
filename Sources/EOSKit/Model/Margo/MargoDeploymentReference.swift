/// One application deployment a desired-state manifest lists: its id and where to fetch its YAML.
public struct MargoDeploymentReference: Sendable, Hashable, Codable {
    /// The deployment's id: a UUID.
    public var deploymentId: String
    /// The digest of the deployment's YAML: `sha256:` and 64 lower-case hex digits.
    public var digest: String
    /// Where to fetch it: `/api/v1/deployments/{deploymentId}/{digest}` in rc.3.
    public var url: String
    /// An advisory size in bytes, for planning only.
    public var sizeBytes: UInt64?

    /// Creates a reference.
    public init(deploymentId: String, digest: String, url: String, sizeBytes: UInt64? = nil) {
        self.deploymentId = deploymentId
        self.digest = digest
        self.url = url
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case deploymentId, digest, url, sizeBytes }

    /// Decodes a reference; `deploymentId`, `digest` and `url` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        deploymentId = try container.decode(String.self, forKey: .deploymentId)
        digest = try container.decode(String.self, forKey: .digest)
        url = try container.decode(String.self, forKey: .url)
        sizeBytes = try container.decodeIfPresent(UInt64.self, forKey: .sizeBytes)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let problem = MargoRules.uuidProblem(deploymentId) {
            problems.append(ValidationProblem(path: path.appending("deploymentId"), message: problem))
        }
        if let problem = MargoRules.digestProblem(digest) {
            problems.append(ValidationProblem(path: path.appending("digest"), message: problem))
        }
        return problems
    }
}

extension MargoDeploymentReference: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeploymentReference {
        MargoDeploymentReference(deploymentId: "", digest: "", url: "")
    }
}
