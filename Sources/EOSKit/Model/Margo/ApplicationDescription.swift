/// A Margo application package's description (`margo.yaml`): what the application is, the deployment profiles it
/// offers, its parameters, and how a user configures them.
///
/// ```yaml
/// apiVersion: margo.org/v1-alpha1
/// kind: ApplicationDescription
/// id: com-northstartida-hello-world
/// metadata: {name: Hello World, version: "1.0"}
/// deploymentProfiles:
///   - type: helm
///     id: com-northstartida-hello-world-helm-a
///     components:
///       - name: hello-world
///         properties: {repository: oci://northstarida.azurecr.io/charts/hello-world, revision: 1.0.1}
/// parameters:
///   greeting:
///     value: Hello
///     targets: [{pointer: global.config.appGreeting, components: [hello-world]}]
/// ```
///
/// Both placements of the id are read: the top-level `id` and the older `metadata.id`; ``idPlacement`` records
/// which one the document used and encoding writes it back there. `type: helm.v3` reads as `helm`.
public struct ApplicationDescription: EOSDocument {
    /// Where a description writes its application id.
    public enum IDPlacement: String, Sendable, Hashable, Codable {
        /// The top-level `id`, as current Margo descriptions write it.
        case topLevel
        /// `metadata.id`, as older descriptions write it.
        case metadata
    }

    /// The API version as written, such as `margo.org/v1-alpha1`; not checked.
    public var apiVersion: String?
    /// `ApplicationDescription` when given.
    public var kind: String?
    /// The application's id: 1–200 lower-case letters, digits and `-`.
    public var id: String
    /// Where the document writes ``id``.
    public var idPlacement: IDPlacement
    /// Name, description, version and catalog entry.
    public var metadata: MargoApplicationMetadata
    /// The ways the application can be deployed; at least one.
    public var deploymentProfiles: [MargoDeploymentProfile]
    /// The configurable parameters, by name.
    public var parameters: [String: MargoParameter]
    /// How parameters are presented and checked.
    public var configuration: MargoConfiguration?

    /// Creates a description with its id at the top level.
    public init(
        apiVersion: String? = nil, kind: String? = ApplicationDescription.documentKind.name, id: String,
        metadata: MargoApplicationMetadata, deploymentProfiles: [MargoDeploymentProfile],
        parameters: [String: MargoParameter] = [:], configuration: MargoConfiguration? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.id = id
        self.idPlacement = .topLevel
        self.metadata = metadata
        self.deploymentProfiles = deploymentProfiles
        self.parameters = parameters
        self.configuration = configuration
    }

    /// `ApplicationDescription`.
    public static var documentKind: DocumentKind { .applicationDescription }

    /// The application's id.
    public var documentName: String { id }

    /// The deployment profile with this id.
    public func profile(withID id: String) -> MargoDeploymentProfile? {
        deploymentProfiles.first { $0.id == id }
    }

    /// The names of every component of every profile, each once, in document order.
    public var componentNames: [String] {
        var seen: Set<String> = []
        return deploymentProfiles.flatMap(\.components).map(\.name).filter { seen.insert($0).inserted }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiVersion, kind, id, metadata, deploymentProfiles, parameters, configuration
    }

    /// Decodes a description; `id` (or the older `metadata.id`), `metadata` and `deploymentProfiles` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        let topLevelID = try container.decodeIfPresent(String.self, forKey: .id)
        metadata = try container.decode(MargoApplicationMetadata.self, forKey: .metadata)
        if let topLevelID {
            (id, idPlacement) = (topLevelID, .topLevel)
        } else if let metadataID = metadata.id {
            (id, idPlacement) = (metadataID, .metadata)
        } else {
            // Neither placement: this records "required" at `id` and reads on.
            (id, idPlacement) = (try container.decode(String.self, forKey: .id), .topLevel)
        }
        deploymentProfiles = try container.decode([MargoDeploymentProfile].self, forKey: .deploymentProfiles)
        parameters = try container.decodeIfPresent([String: MargoParameter].self, forKey: .parameters) ?? [:]
        configuration = try container.decodeIfPresent(MargoConfiguration.self, forKey: .configuration)
    }

    /// Encodes the description with its id where ``idPlacement`` says.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(kind, forKey: .kind)
        var metadata = self.metadata
        switch idPlacement {
        case .topLevel: try container.encode(id, forKey: .id)
        case .metadata: metadata.id = id
        }
        try container.encode(metadata, forKey: .metadata)
        try container.encode(deploymentProfiles, forKey: .deploymentProfiles)
        try container.encodeSortedIfNotEmpty(parameters, forKey: .parameters)
        try container.encodeIfPresent(configuration, forKey: .configuration)
    }

    /// Every rule the description breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let kind, kind != Self.documentKind.name {
            problems.append(
                ValidationProblem(path: ["kind"], message: "expected ApplicationDescription, found \"\(kind)\""))
        }
        let idPath: DocumentPath = idPlacement == .topLevel ? ["id"] : ["metadata", "id"]
        if let problem = MargoRules.applicationIDProblem(id) {
            problems.append(ValidationProblem(path: idPath, message: problem))
        }
        if idPlacement == .topLevel, let metadataID = metadata.id, metadataID != id {
            problems.append(
                ValidationProblem(
                    path: ["metadata", "id"],
                    message: "\"\(metadataID)\" differs from id \"\(id)\"; write the id once, at the top level"))
        }
        problems += profileProblems()
        problems += MargoParameter.targetProblems(in: parameters, at: ["parameters"], knownComponents: componentNames)
        if let configuration {
            problems += configuration.validationProblems(at: ["configuration"], parameters: parameters)
            problems += defaultValueProblems(configuration)
        }
        return problems
    }

    private func profileProblems() -> [ValidationProblem] {
        let path: DocumentPath = ["deploymentProfiles"]
        var problems: [ValidationProblem] = []
        if deploymentProfiles.isEmpty {
            problems.append(ValidationProblem(path: path, message: "required: list at least one deployment profile"))
        }
        for (index, profile) in deploymentProfiles.enumerated() {
            if profile.id.isEmpty {
                problems.append(ValidationProblem(path: path.appending(index).appending("id"), message: "required"))
            }
            problems += profile.validationProblems(at: path.appending(index))
        }
        problems += MargoRules.duplicates(
            deploymentProfiles.map(\.id), noun: "deployment profile id", at: { path.appending($0).appending("id") },
            describing: { "\(path.appending($0))" })
        return problems
    }

    /// A default value must satisfy the schemas of its settings; an empty default only means "no default".
    private func defaultValueProblems(_ configuration: MargoConfiguration) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        for name in parameters.keys.sorted() {
            guard let value = parameters[name]?.value, !value.isEmpty else { continue }
            for case (_, let schema?) in configuration.settings(for: name) {
                for message in schema.violations(of: value) {
                    problems.append(ValidationProblem(path: ["parameters", .key(name), "value"], message: message))
                }
            }
        }
        return problems
    }
}

extension ApplicationDescription: DecodingPlaceholder {
    static var decodingPlaceholder: ApplicationDescription {
        ApplicationDescription(id: "", metadata: .decodingPlaceholder, deploymentProfiles: [])
    }
}
