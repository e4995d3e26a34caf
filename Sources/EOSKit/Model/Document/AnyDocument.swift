/// Any document EOS reads, as recognised by its kind.
public enum AnyDocument: Sendable, Hashable {
    /// An EOS `FleetDeployment`.
    case fleetDeployment(FleetDeployment)

    /// The document's kind.
    public var kind: DocumentKind { value.documentKindOfValue }

    /// The document's name.
    public var name: String { value.documentName }

    /// The document as its common protocol.
    public var value: any EOSDocument {
        switch self {
        case .fleetDeployment(let document): return document
        }
    }

    /// Decodes a parsed document of a known kind.
    static func decode(
        _ kind: DocumentKind, root: DocumentNode, composeProblems: [ValidationProblem]
    ) -> Result<AnyDocument, DocumentError>? {
        switch kind {
        case .fleetDeployment: return DocumentDecoding.decode(FleetDeployment.self, root: root, composeProblems: composeProblems).map(Self.fleetDeployment)
        default: return nil
        }
    }
}

extension EOSDocument {
    fileprivate var documentKindOfValue: DocumentKind { Self.documentKind }
}
