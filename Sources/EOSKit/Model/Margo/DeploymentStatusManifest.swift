/// A Margo deployment status report: the state of one deployment on a device, overall and per component.
///
/// Reads the rc.3 shape (`adoptedManifestVersion`, optional `deviceId`, no `apiVersion`/`kind`) and the older one
/// (`apiVersion` and `kind: DeploymentStatusManifest`); encoding writes back the fields that are set.
/// The overall state is taken as reported, even when it disagrees with the components' states.
public struct DeploymentStatusManifest: EOSDocument {
    /// The API version as written (older shape).
    public var apiVersion: String?
    /// `DeploymentStatusManifest` or `DeploymentStatus` when given (older shape).
    public var kind: String?
    /// The deployment the status is for.
    public var deploymentId: String
    /// The reporting device (rc.3).
    public var deviceId: String?
    /// The desired-state manifest version the device has adopted (rc.3, where it is required); at least 1.
    public var adoptedManifestVersion: UInt64?
    /// The overall state.
    public var status: MargoDeploymentStatus
    /// Each component's state.
    public var components: [MargoComponentStatus]

    /// Creates a status report in the rc.3 shape.
    public init(
        deploymentId: String, deviceId: String? = nil, adoptedManifestVersion: UInt64? = nil,
        status: MargoDeploymentStatus, components: [MargoComponentStatus] = []
    ) {
        self.deploymentId = deploymentId
        self.deviceId = deviceId
        self.adoptedManifestVersion = adoptedManifestVersion
        self.status = status
        self.components = components
    }

    /// `DeploymentStatus`.
    public static var documentKind: DocumentKind { .deploymentStatus }

    /// The deployment id.
    public var documentName: String { deploymentId }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiVersion, kind, deploymentId, deviceId, adoptedManifestVersion, status, components
    }

    /// Decodes a status report; `deploymentId` and `status` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        deploymentId = try container.decode(String.self, forKey: .deploymentId)
        deviceId = try container.decodeIfPresent(String.self, forKey: .deviceId)
        adoptedManifestVersion = try container.decodeIfPresent(UInt64.self, forKey: .adoptedManifestVersion)
        status = try container.decode(MargoDeploymentStatus.self, forKey: .status)
        components = try container.decodeIfPresent([MargoComponentStatus].self, forKey: .components) ?? []
    }

    /// Encodes the fields that are set; `components` always.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encode(deploymentId, forKey: .deploymentId)
        try container.encodeIfPresent(deviceId, forKey: .deviceId)
        try container.encodeIfPresent(adoptedManifestVersion, forKey: .adoptedManifestVersion)
        try container.encode(status, forKey: .status)
        try container.encode(components, forKey: .components)
    }

    /// The spellings of `kind` a status report may use.
    static let kindNames = ["DeploymentStatusManifest", "DeploymentStatus"]

    /// Every rule the report breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let kind, !Self.kindNames.contains(kind) {
            problems.append(
                ValidationProblem(path: ["kind"], message: "expected DeploymentStatusManifest, found \"\(kind)\""))
        }
        if deploymentId.isEmpty { problems.append(ValidationProblem(path: ["deploymentId"], message: "required")) }
        if let deviceId, let problem = MargoRules.deviceIDProblem(deviceId) {
            problems.append(ValidationProblem(path: ["deviceId"], message: problem))
        }
        if adoptedManifestVersion == 0 {
            problems.append(
                ValidationProblem(path: ["adoptedManifestVersion"], message: "must be at least 1, found 0"))
        }
        for (index, component) in components.enumerated() where component.name.isEmpty {
            problems.append(ValidationProblem(path: ["components", .index(index), "name"], message: "required"))
        }
        problems += MargoRules.duplicates(
            components.map(\.name), noun: "component", at: { ["components", .index($0), "name"] },
            describing: { "components[\($0)]" })
        return problems
    }
}

extension DeploymentStatusManifest: DecodingPlaceholder {
    static var decodingPlaceholder: DeploymentStatusManifest {
        DeploymentStatusManifest(deploymentId: "", status: .decodingPlaceholder)
    }
}
