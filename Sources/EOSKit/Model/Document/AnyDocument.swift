/// Any document EOS reads, as recognised by its kind.
public enum AnyDocument: Sendable, Hashable {
    /// An EOS `FleetDeployment`.
    case fleetDeployment(FleetDeployment)
    /// A Margo application description.
    case applicationDescription(ApplicationDescription)
    /// A Margo application deployment.
    case applicationDeployment(ApplicationDeployment)
    /// A Margo deployment status report.
    case deploymentStatus(DeploymentStatusManifest)
    /// A Margo device capabilities report.
    case deviceCapabilities(DeviceCapabilitiesManifest)
    /// A Margo desired-state manifest.
    case desiredStateManifest(DesiredStateManifest)

    /// The document's kind.
    public var kind: DocumentKind { value.documentKindOfValue }

    /// The document's name.
    public var name: String { value.documentName }

    /// The document as its common protocol.
    public var value: any EOSDocument {
        switch self {
        case .fleetDeployment(let document): return document
        case .applicationDescription(let document): return document
        case .applicationDeployment(let document): return document
        case .deploymentStatus(let document): return document
        case .deviceCapabilities(let document): return document
        case .desiredStateManifest(let document): return document
        }
    }

    /// Decodes a parsed document of a known kind; `nil` for a kind EOS recognises but does not read.
    static func decode(
        _ kind: DocumentKind, root: DocumentNode, composeProblems: [ValidationProblem]
    ) -> Result<AnyDocument, DocumentError>? {
        func read<D: EOSDocument>(_ type: D.Type, _ wrap: (D) -> AnyDocument) -> Result<AnyDocument, DocumentError> {
            DocumentDecoding.decode(type, root: root, composeProblems: composeProblems).map(wrap)
        }
        switch kind {
        case .fleetDeployment: return read(FleetDeployment.self, Self.fleetDeployment)
        case .applicationDescription: return read(ApplicationDescription.self, Self.applicationDescription)
        case .applicationDeployment: return read(ApplicationDeployment.self, Self.applicationDeployment)
        case .deploymentStatus: return read(DeploymentStatusManifest.self, Self.deploymentStatus)
        case .deviceCapabilities: return read(DeviceCapabilitiesManifest.self, Self.deviceCapabilities)
        case .desiredStateManifest: return read(DesiredStateManifest.self, Self.desiredStateManifest)
        default: return nil
        }
    }
}

extension EOSDocument {
    fileprivate var documentKindOfValue: DocumentKind { Self.documentKind }
}
