/// What a user posts to deploy workloads to a fleet: `kind: FleetDeployment`, `apiVersion: eos/v1`.
///
/// ```yaml
/// apiVersion: eos/v1
/// kind: FleetDeployment
/// metadata: {name: vision-pipeline}
/// spec:
///   target: {sites: {matchLabels: {region: eu-west}}}
///   workloads:
///     - name: detector
///       container: {image: registry.local/vision/detector:1.4.2}
/// ```
///
/// Read one from text with ``EOSDocument/init(yaml:)``; every problem comes back at once with its path and
/// line:column. `Docs/fleetspec.md` lists every field with its default.
public struct FleetDeployment: EOSDocument {
    /// The only API version EOS reads: `eos/v1`.
    public static let currentAPIVersion = "eos/v1"

    /// `eos/v1`.
    public var apiVersion: String
    /// `FleetDeployment`.
    public var kind: String
    /// The deployment's name and labels.
    public var metadata: ObjectMetadata
    /// What to run, where, and how to roll it out.
    public var spec: FleetDeploymentSpec

    /// Creates a deployment.
    public init(metadata: ObjectMetadata, spec: FleetDeploymentSpec) {
        self.apiVersion = Self.currentAPIVersion
        self.kind = Self.documentKind.name
        self.metadata = metadata
        self.spec = spec
    }

    /// `FleetDeployment`.
    public static var documentKind: DocumentKind { .fleetDeployment }

    /// The deployment's name, its identity across generations.
    public var documentName: String { metadata.name }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, spec }

    /// Decodes a deployment; `apiVersion` and `kind` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decode(String.self, forKey: .apiVersion)
        kind = try container.decode(String.self, forKey: .kind)
        metadata = try container.decode(ObjectMetadata.self, forKey: .metadata)
        spec = try container.decode(FleetDeploymentSpec.self, forKey: .spec)
    }

    /// Every rule the deployment breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if apiVersion != Self.currentAPIVersion {
            problems.append(
                ValidationProblem(
                    path: ["apiVersion"], message: "unsupported apiVersion \"\(apiVersion)\"; expected \(Self.currentAPIVersion)"))
        }
        if kind != Self.documentKind.name {
            problems.append(ValidationProblem(path: ["kind"], message: "expected FleetDeployment, found \"\(kind)\""))
        }
        problems += metadata.validationProblems(at: ["metadata"])
        problems += spec.validationProblems(at: ["spec"])
        return problems
    }
}

extension FleetDeployment: DecodingPlaceholder {
    static var decodingPlaceholder: FleetDeployment {
        FleetDeployment(metadata: .decodingPlaceholder, spec: .decodingPlaceholder)
    }
}
