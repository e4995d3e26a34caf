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

    /// Decodes a parsed document of a known kind.
    static func decode(
        _ kind: DocumentKind, root: DocumentNode, composeProblems: [ValidationProblem]
    ) -> Result<AnyDocument, DocumentError>? {
        switch kind {
        case .fleetDeployment: return DocumentDecoding.decode(FleetDeployment.self, root: root, composeProblems: composeProblems).map(Self.fleetDeployment)
        case .applicationDescription:
            return DocumentDecoding.decode(ApplicationDescription.self, root: root, composeProblems: composeProblems)
                .map(Self.applicationDescription)
        case .applicationDeployment:
            return DocumentDecoding.decode(ApplicationDeployment.self, root: root, composeProblems: composeProblems)
                .map(Self.applicationDeployment)
        case .deploymentStatus:
            return DocumentDecoding.decode(DeploymentStatusManifest.self, root: root, composeProblems: composeProblems)
                .map(Self.deploymentStatus)
        case .deviceCapabilities:
            return DocumentDecoding.decode(DeviceCapabilitiesManifest.self, root: root, composeProblems: composeProblems)
                .map(Self.deviceCapabilities)
        case .desiredStateManifest:
            return DocumentDecoding.decode(DesiredStateManifest.self, root: root, composeProblems: composeProblems)
                .map(Self.desiredStateManifest)
        default: return nil
        }
    }
}

extension EOSDocument {
    fileprivate var documentKindOfValue: DocumentKind { Self.documentKind }
}
