/// A Margo application deployment: one application, one deployment profile and its parameter values, for a device.
///
/// Two shapes are read and written back as they came:
/// - rc.3 (``Shape/rc3``): no `apiVersion`/`kind`; a top-level UUID `id`, `metadata.deviceId`,
///   `spec.applicationId`.
/// - The older `application.margo.org/v1alpha1` (``Shape/v1alpha1``): `apiVersion` and `kind`, with the ids in
///   `metadata.annotations.id` and `metadata.annotations.applicationId`, and no device id.
///
/// Both read into the same model: ``id``, ``applicationId`` and ``deviceId`` whatever the shape.
public struct ApplicationDeployment: EOSDocument {
    /// The document shape a deployment is written in.
    public enum Shape: String, Sendable, Hashable, Codable {
        /// Margo 1.0 rc.3: top-level `id`, `metadata.deviceId`, `spec.applicationId`, no `apiVersion`/`kind`.
        case rc3
        /// `application.margo.org/v1alpha1`: `apiVersion`/`kind`, ids in `metadata.annotations`.
        case v1alpha1
    }

    /// The API version of the older shape.
    public static let v1alpha1APIVersion = "application.margo.org/v1alpha1"

    /// The shape the document is written in; encoding writes the same shape.
    public var shape: Shape
    /// The API version as written (older shape).
    public var apiVersion: String?
    /// `ApplicationDeployment` when given (older shape).
    public var kind: String?
    /// The deployment's id: a UUID.
    public var id: String
    /// The application's id, matching its description's `id`.
    public var applicationId: String
    /// Name, namespace, device and labels.
    public var metadata: ApplicationDeploymentMetadata
    /// The profile to install.
    public var deploymentProfile: ApplicationDeploymentProfile
    /// The parameter values and where they go, by parameter name.
    public var parameters: [String: MargoParameter]

    /// Creates a deployment in the rc.3 shape, or in the older shape with `shape: .v1alpha1`.
    public init(
        shape: Shape = .rc3, id: String, applicationId: String, metadata: ApplicationDeploymentMetadata,
        deploymentProfile: ApplicationDeploymentProfile, parameters: [String: MargoParameter] = [:]
    ) {
        self.shape = shape
        self.apiVersion = shape == .v1alpha1 ? Self.v1alpha1APIVersion : nil
        self.kind = shape == .v1alpha1 ? Self.documentKind.name : nil
        self.id = id
        self.applicationId = applicationId
        self.metadata = metadata
        self.deploymentProfile = deploymentProfile
        self.parameters = parameters
    }

    /// The device the deployment is for; the older shape has none.
    public var deviceId: String? {
        get { metadata.deviceId }
        set { metadata.deviceId = newValue }
    }

    /// `ApplicationDeployment`.
    public static var documentKind: DocumentKind { .applicationDeployment }

    /// The deployment's name.
    public var documentName: String { metadata.name }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, id, metadata, spec }
    enum SpecKeys: String, CodingKey, CaseIterable { case applicationId, deploymentProfile, parameters }

    /// The annotation keys the older shape keeps the ids in.
    private static let idAnnotation = "id"
    private static let applicationIDAnnotation = "applicationId"

    /// Decodes either shape; a document with `apiVersion` or `kind` is the older one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        shape = apiVersion != nil || kind != nil ? .v1alpha1 : .rc3
        let topLevelID = try container.decodeIfPresent(String.self, forKey: .id)
        metadata = try container.decode(ApplicationDeploymentMetadata.self, forKey: .metadata)
        let spec = try container.nestedContainer(keyedBy: SpecKeys.self, forKey: .spec)
        let specApplicationID = try spec.decodeIfPresent(String.self, forKey: .applicationId)
        deploymentProfile = try spec.decode(ApplicationDeploymentProfile.self, forKey: .deploymentProfile)
        parameters = try spec.decodeIfPresent([String: MargoParameter].self, forKey: .parameters) ?? [:]
        switch shape {
        case .rc3:
            id = topLevelID ?? ""
            applicationId = specApplicationID ?? ""
        case .v1alpha1:
            id = metadata.annotations.removeValue(forKey: Self.idAnnotation) ?? topLevelID ?? ""
            applicationId =
                metadata.annotations.removeValue(forKey: Self.applicationIDAnnotation) ?? specApplicationID ?? ""
        }
    }

    /// Encodes the deployment in its ``shape``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var metadata = self.metadata
        switch shape {
        case .rc3:
            try container.encode(id, forKey: .id)
        case .v1alpha1:
            try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
            try container.encodeIfPresent(kind, forKey: .kind)
            metadata.annotations[Self.idAnnotation] = id
            metadata.annotations[Self.applicationIDAnnotation] = applicationId
        }
        try container.encode(metadata, forKey: .metadata)
        var spec = container.nestedContainer(keyedBy: SpecKeys.self, forKey: .spec)
        if shape == .rc3 { try spec.encode(applicationId, forKey: .applicationId) }
        try spec.encode(deploymentProfile, forKey: .deploymentProfile)
        try spec.encodeSortedIfNotEmpty(parameters, forKey: .parameters)
    }

    /// Where this deployment's shape writes the deployment id.
    var idPath: DocumentPath { shape == .rc3 ? ["id"] : ["metadata", "annotations", "id"] }
    /// Where this deployment's shape writes the application id.
    var applicationIDPath: DocumentPath {
        shape == .rc3 ? ["spec", "applicationId"] : ["metadata", "annotations", "applicationId"]
    }

    /// Every rule the deployment breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let kind, kind != Self.documentKind.name {
            problems.append(
                ValidationProblem(path: ["kind"], message: "expected ApplicationDeployment, found \"\(kind)\""))
        }
        if let problem = MargoRules.uuidProblem(id) {
            problems.append(ValidationProblem(path: idPath, message: problem))
        }
        if let problem = MargoRules.applicationIDProblem(applicationId) {
            problems.append(ValidationProblem(path: applicationIDPath, message: problem))
        }
        if let deviceId {
            if let problem = MargoRules.deviceIDProblem(deviceId, allowingWildcard: true) {
                problems.append(ValidationProblem(path: ["metadata", "deviceId"], message: problem))
            }
        } else if shape == .rc3 {
            problems.append(
                ValidationProblem(
                    path: ["metadata", "deviceId"], message: "required: name the device the deployment is for"))
        }
        if shape == .rc3, metadata.namespace == nil {
            problems.append(ValidationProblem(path: ["metadata", "namespace"], message: "required"))
        }
        problems += deploymentProfile.validationProblems(at: ["spec", "deploymentProfile"])
        problems += MargoParameter.targetProblems(
            in: parameters, at: ["spec", "parameters"], knownComponents: deploymentProfile.components.map(\.name))
        for name in parameters.keys.sorted() where parameters[name]?.value == nil {
            problems.append(ValidationProblem(path: ["spec", "parameters", .key(name), "value"], message: "required"))
        }
        return problems
    }
}

extension ApplicationDeployment: DecodingPlaceholder {
    static var decodingPlaceholder: ApplicationDeployment {
        ApplicationDeployment(
            id: "", applicationId: "", metadata: .decodingPlaceholder, deploymentProfile: .decodingPlaceholder)
    }
}
